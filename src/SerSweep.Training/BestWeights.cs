using TorchSharp;
using static TorchSharp.torch;

namespace SerSweep.Training;

/// <summary>
/// The best epoch's weights of a run, kept as a copy of each parameter and buffer of the model (a <c>copy_</c> per
/// tensor when an epoch improves) and serialised only when a checkpoint or the bundle needs bytes. Serialising the
/// model on every improving epoch cost the default sweep 5-8 ms per improving epoch (the "best" part of its profile).
/// The tensors themselves, not the state dict: a model's state dict may hold copies in another layout (TimeConv).
/// </summary>
public sealed class BestWeights : IDisposable
{
    private readonly Dictionary<string, Tensor> copies = [];
    /// <summary>The weights in <see cref="nn.Module.save(string)"/>'s format: set when they came from a checkpoint or were serialised since the last <see cref="Take"/>.</summary>
    private byte[]? bytes;

    /// <summary>The model's weights as they are now become the kept ones.</summary>
    public void Take(nn.Module model)
    {
        using var _ = no_grad();
        foreach (var (name, live) in Tensors(model))
        {
            if (copies.TryGetValue(name, out var copy)) copy.copy_(live);
            else copies[name] = live.clone(); // under no_grad: a plain tensor, no graph (and no detached wrapper left over)
        }
        bytes = null;
    }

    /// <summary>Kept weights as a checkpoint wrote them.</summary>
    public void Set(byte[] serialised)
    {
        bytes = serialised;
        foreach (var copy in copies.Values) copy.Dispose();
        copies.Clear();
    }

    /// <summary>Puts the kept weights into <paramref name="model"/>.</summary>
    public void Restore(nn.Module model)
    {
        if (copies.Count == 0)
        {
            Trainer.LoadWeights(model, bytes ?? throw new InvalidOperationException("no weights kept yet"));
            return;
        }
        using var _ = no_grad();
        foreach (var (name, live) in Tensors(model)) live.copy_(copies[name]);
    }

    /// <summary>The kept weights serialised as <paramref name="model"/>'s own; its weights are as they were afterwards.</summary>
    public byte[] Serialise(nn.Module model)
    {
        if (bytes is not null) return bytes;
        using var current = new BestWeights();
        current.Take(model);
        Restore(model);
        bytes = Trainer.SaveWeights(model);
        current.Restore(model);
        return bytes;
    }

    private static IEnumerable<(string, Tensor)> Tensors(nn.Module model) =>
        model.named_parameters().Select(p => ($"p:{p.name}", (Tensor)p.parameter)).Concat(model.named_buffers().Select(b => ($"b:{b.name}", b.buffer)));

    public void Dispose()
    {
        foreach (var copy in copies.Values) copy.Dispose();
        copies.Clear();
    }
}
