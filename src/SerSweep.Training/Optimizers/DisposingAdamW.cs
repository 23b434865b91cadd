using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training.Optimizers;

/// <summary>TorchSharp's <see cref="AdamW"/> (decoupled weight decay) whose step frees its Scalars (see <see cref="AdamMoments"/>).</summary>
public sealed class DisposingAdamW(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double weightDecay)
    : AdamW(parameters, lr, beta1, beta2, weight_decay: weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var learningRate = options.LearningRate!.Value;
        using var moments = new AdamMoments(options.beta1!.Value, options.beta2!.Value, options.eps!.Value);
        using var decay = (1.0 - learningRate * options.weight_decay!.Value).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            if (parameter.grad is not { } grad) continue;
            var state = (State)_state[parameter.Handle];
            state.step++;
            parameter.mul_(decay);
            moments.Apply(parameter, grad, state.exp_avg, state.exp_avg_sq, state.step, learningRate);
        }
    }, closure);
}
