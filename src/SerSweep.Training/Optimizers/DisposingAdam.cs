using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training.Optimizers;

/// <summary>
/// TorchSharp's <see cref="Adam"/> (L2 added to the gradient) whose step frees its Scalars (see <see cref="AdamMoments"/>)
/// and, from the first step on, updates all parameters in one pass over flat buffers (<see cref="FlatGroup"/>, <see cref="FusedUpdate"/>).
/// </summary>
public sealed class DisposingAdam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double weightDecay)
    : Adam(parameters, lr, beta1, beta2, weight_decay: weightDecay)
{
    private FlatGroup? flat;

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var learningRate = options.LearningRate!.Value;
        var groupParameters = group.Parameters.ToList();
        if (ParamGroups.Count() == 1) flat ??= FlatGroup.TryBind(groupParameters, p => [StateOf(p).exp_avg, StateOf(p).exp_avg_sq]);
        if (flat is not null)
        {
            var step = groupParameters.Select(p => ++StateOf(p).step).Last();
            FusedUpdate.Adam(flat, options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.weight_decay!.Value, keep: 1, step, learningRate);
            return;
        }
        using var moments = new AdamMoments(options.beta1!.Value, options.beta2!.Value, options.eps!.Value);
        using var l2 = new L2Penalty(options.weight_decay!.Value);
        foreach (var parameter in groupParameters)
        {
            if (parameter.grad is not { } grad) continue;
            var state = StateOf(parameter);
            state.step++;
            grad = l2.AddTo(grad, parameter);
            moments.Apply(parameter, grad, state.exp_avg, state.exp_avg_sq, state.step, learningRate);
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
