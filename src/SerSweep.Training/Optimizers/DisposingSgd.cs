using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training.Optimizers;

/// <summary>
/// TorchSharp's <see cref="SGD"/> (no dampening, minimizing; momentum and Nesterov optional) whose step frees its
/// Scalars: operation for operation TorchSharp 0.107's step (see <see cref="AdamMoments"/> for why).
/// </summary>
public sealed class DisposingSgd(IEnumerable<Parameter> parameters, double lr, double momentum, double weightDecay, bool nesterov)
    : SGD(parameters, lr, momentum, weight_decay: weightDecay, nesterov: nesterov)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var momentumValue = options.momentum!.Value;
        using var l2 = new L2Penalty(options.weight_decay!.Value);
        using var momentum = momentumValue.ToScalar();
        using var gradWeight = (1.0 - options.dampening!.Value).ToScalar();
        using var stepSize = (0.0 - options.LearningRate!.Value).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            if (parameter.grad is not { } grad) continue;
            var state = (State)_state[parameter.Handle];
            grad = l2.AddTo(grad, parameter);
            if (momentumValue != 0)
            {
                if (state.momentum_buffer is not { } buffer)
                    buffer = state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                else
                    buffer.mul_(momentum).add_(grad, gradWeight);
                grad = options.nesterov!.Value ? grad.add(buffer, momentum) : buffer;
            }
            parameter.add_(grad, stepSize);
        }
    }, closure);
}
