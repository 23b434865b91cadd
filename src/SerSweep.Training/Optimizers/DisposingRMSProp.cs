using TorchSharp;
using TorchSharp.Modules;
using static SerSweep.Audio.Torch.Scalars;
using static TorchSharp.torch;

namespace SerSweep.Training.Optimizers;

/// <summary>
/// TorchSharp's <see cref="RMSProp"/> (not centered, minimizing) whose step frees its Scalars: operation for operation
/// TorchSharp 0.107's step, which leaves 5-8 Scalars per parameter to the finalizer (see <see cref="AdamMoments"/>), and
/// from the first step on, one pass over flat buffers for all parameters (<see cref="FlatGroup"/>, <see cref="FusedUpdate"/>).
/// </summary>
public sealed class DisposingRMSProp(IEnumerable<Parameter> parameters, double lr, double momentum, double weightDecay)
    : RMSProp(parameters, lr, momentum: momentum, weight_decay: weightDecay)
{
    private FlatGroup? flat;

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var alphaValue = options.alpha!.Value;
        var momentumValue = options.momentum!.Value;
        var groupParameters = group.Parameters.ToList();
        if (ParamGroups.Count() == 1)
            flat ??= FlatGroup.TryBind(groupParameters, p => momentumValue > 0 ? [StateOf(p).square_avg, StateOf(p).momentum_buffer] : [StateOf(p).square_avg]);
        if (flat is not null)
        {
            foreach (var parameter in groupParameters) StateOf(parameter).step++;
            FusedUpdate.RmsProp(flat, alphaValue, options.eps!.Value, momentumValue, options.weight_decay!.Value, options.LearningRate!.Value);
            return;
        }
        using var l2 = new L2Penalty(options.weight_decay!.Value);
        using var alpha = alphaValue.ToScalar();
        using var squareWeight = (1.0 - alphaValue).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        using var momentum = momentumValue.ToScalar();
        using var stepSize = (0.0 - options.LearningRate!.Value).ToScalar();
        foreach (var parameter in groupParameters)
        {
            if (parameter.grad is not { } grad) continue;
            var state = StateOf(parameter);
            state.step++;
            grad = l2.AddTo(grad, parameter);
            state.square_avg.mul_(alpha).addcmul_(grad, grad, squareWeight);
            var average = state.square_avg.sqrt().add_(eps, One);
            if (momentumValue > 0)
            {
                state.momentum_buffer.mul_(momentum).addcdiv_(grad, average, One);
                parameter.add_(state.momentum_buffer, stepSize);
            }
            else
            {
                parameter.addcdiv_(grad, average, stepSize);
            }
        }
    }, closure);

    public override void zero_grad()
    {
        if (!FlatGroup.ZeroGrads(flat)) base.zero_grad();
    }

    private State StateOf(Parameter parameter) => (State)_state[parameter.Handle];

    protected override void Dispose(bool disposing)
    {
        if (disposing) flat?.Dispose();
        base.Dispose(disposing);
    }
}
