using SerSweep.Audio.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training.Optimizers;

/// <summary>
/// One param group's parameters, gradients and per-parameter state tensors (e.g. Adam's exp_avg and exp_avg_sq) joined
/// into flat buffers (<see cref="FlatBuffers"/>), so the optimizer's update runs once over all of them. Bound at the
/// first step, when every parameter has its gradient (and after any state was loaded for a resume).
/// </summary>
internal sealed class FlatGroup : IDisposable
{
    private readonly FlatBuffers buffers = new();

    private FlatGroup(IReadOnlyList<Parameter> parameters, IReadOnlyList<Tensor> grads, IReadOnlyList<Tensor[]> state)
    {
        Values = buffers.Join(parameters);
        Grads = buffers.Join(grads);
        State = [.. Enumerable.Range(0, state[0].Length).Select(k => buffers.Join([.. state.Select(s => s[k])]))];
    }

    /// <summary>All parameters of the group, one after the other.</summary>
    public Tensor Values { get; }

    /// <summary>Their gradients, in the same order.</summary>
    public Tensor Grads { get; }

    /// <summary>The k-th state tensor of every parameter, one buffer per k.</summary>
    public Tensor[] State { get; }

    /// <summary>The group joined, or null while a parameter has no gradient (then the caller steps parameter by parameter).</summary>
    public static FlatGroup? TryBind(IList<Parameter> parameters, Func<Parameter, Tensor[]> stateOf)
    {
        var grads = parameters.Select(p => p.grad).ToArray();
        if (parameters.Count == 0 || grads.Any(g => g is null)) return null;
        return new FlatGroup([.. parameters], grads!, [.. parameters.Select(stateOf)]);
    }

    /// <summary>Zeroes the gradients of a bound group in one op; false when <paramref name="group"/> is not bound yet.</summary>
    public static bool ZeroGrads(FlatGroup? group)
    {
        group?.Grads.fill_(Scalars.Zero);
        return group is not null;
    }

    public void Dispose() => buffers.Dispose();
}
