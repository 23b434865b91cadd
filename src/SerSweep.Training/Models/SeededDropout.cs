using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SerSweep.Training.Models;

/// <summary>
/// Inverted dropout drawing its mask from the run's own <see cref="Generator"/> instead of libtorch's global
/// one: several runs training at once in one process (a worker silo, parallel tests) then cannot disturb each
/// other's masks, so the seed alone fixes them.
/// </summary>
public sealed class SeededDropout(string name, double probability, Generator generator) : Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor input)
    {
        if (!training || probability == 0) return input.alias();
        // Scalars disposed here, not left to the finalizer thread (dotnet/TorchSharp#1434).
        using var threshold = probability.ToScalar();
        using var scale = (1 / (1 - probability)).ToScalar();
        // The shape dimension by dimension: Tensor.shape leaves TorchSharp's PinnedArray helper to the finalizer on every call.
        Span<long> shape = stackalloc long[(int)input.dim()];
        for (var d = 0; d < shape.Length; d++) shape[d] = input.size(d);
        using var noise = rand(shape, dtype: input.dtype, generator: generator);
        using var keep = noise.ge(threshold);
        using var kept = input.mul(keep);
        return kept.mul(scale);
    }
}
