using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training.Optimizers;

/// <summary>TorchSharp's <see cref="Adam"/> (L2 added to the gradient) whose step frees its Scalars (see <see cref="AdamMoments"/>).</summary>
public sealed class DisposingAdam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double weightDecay)
    : Adam(parameters, lr, beta1, beta2, weight_decay: weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        using var moments = new AdamMoments(options.beta1!.Value, options.beta2!.Value, options.eps!.Value);
        using var l2 = new L2Penalty(options.weight_decay!.Value);
        foreach (var parameter in group.Parameters)
        {
            if (parameter.grad is not { } grad) continue;
            var state = (State)_state[parameter.Handle];
            state.step++;
            grad = l2.AddTo(grad, parameter);
            moments.Apply(parameter, grad, state.exp_avg, state.exp_avg_sq, state.step, options.LearningRate!.Value);
        }
    }, closure);
}
