using static TorchSharp.torch;

namespace SerSweep.Training.Optimizers;

/// <summary>
/// Moves groups of tensors (a param group's parameters, their gradients, one kind of optimizer state) into one contiguous
/// buffer per group: each tensor becomes a view of its buffer (<c>set_</c>: the same tensor object and handle, the same
/// values), so an optimizer step can update every parameter in one pass over the buffers (<see cref="FusedUpdate"/>)
/// instead of the same ops once per parameter. The 1D CNN has 18 parameter tensors, each op on a small tensor costs about
/// as much in dispatch as in arithmetic, and Adam's per-parameter update was ~7 ops: ~130 ops per step. Autograd accumulates into the
/// existing gradient tensors in place and every load (model, optimizer state) writes into the existing tensors, so the
/// views stay the live storage for the whole run.
/// </summary>
internal sealed class FlatBuffers : IDisposable
{
    private readonly List<Tensor> buffers = [];

    /// <summary>One buffer holding <paramref name="tensors"/>' values in order, each tensor now a view of it (float32, contiguous, same device).</summary>
    public Tensor Join(IReadOnlyList<Tensor> tensors)
    {
        using var noGrad = no_grad();
        Tensor flat;
        using (var scope = NewDisposeScope())
            flat = cat(tensors.Select(t => t.reshape(-1)).ToList(), 0).DetachFromDisposeScope(); // lives as long as this object
        long offset = 0;
        foreach (var t in tensors)
        {
            var count = t.numel();
            using var view = flat.narrow(0, offset, count).view(t.shape);
            t.set_(view); // returns t itself
            offset += count;
        }
        buffers.Add(flat);
        return flat;
    }

    public void Dispose()
    {
        foreach (var buffer in buffers) buffer.Dispose();
    }
}
