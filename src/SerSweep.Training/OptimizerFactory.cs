using SerSweep.Core;
using SerSweep.Training.Optimizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training;

/// <summary>The optimizer of <c>training.optimizer</c>; L2 is its weight decay (decoupled for AdamW).</summary>
public static class OptimizerFactory
{
    public static OptimizerHelper Create(TrainingConfig config, IEnumerable<Parameter> parameters)
    {
        if (config.Nesterov && (config.Optimizer != OptimizerKind.Sgd || config.Momentum <= 0))
            throw new ArgumentException("training.nesterov needs optimizer sgd with momentum > 0");
        return config.Optimizer switch
        {
            // PyTorch's betas (0.9, 0.999); TorchSharp's default beta2 is 0.99.
            OptimizerKind.Adam => new DisposingAdam(parameters, config.LearningRate, beta1: 0.9, beta2: 0.999, weightDecay: config.L2),
            OptimizerKind.AdamW => new DisposingAdamW(parameters, config.LearningRate, beta1: 0.9, beta2: 0.999, weightDecay: config.L2),
            OptimizerKind.RmsProp => new DisposingRMSProp(parameters, config.LearningRate, config.Momentum, config.L2),
            OptimizerKind.Sgd => new DisposingSgd(parameters, config.LearningRate, config.Momentum, config.L2, config.Nesterov),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Optimizer, "unknown optimizer"),
        };
    }

    public static void SetLearningRate(optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = learningRate;
    }
}
