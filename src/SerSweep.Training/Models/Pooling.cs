using SerSweep.Core;
using static SerSweep.Audio.Torch.Scalars;
using static TorchSharp.torch;

namespace SerSweep.Training.Models;

/// <summary>The global pooling over time of <c>model.global_pool</c>: [N, C, T] to [N, C].</summary>
public static class Pooling
{
    public static Tensor OverTime(Tensor frames, GlobalPool kind)
    {
        if (kind == GlobalPool.Avg) return frames.mean([2L]);
        using var mean = frames.mean([2L]);
        using var max = frames.amax([2L]);
        return mean.add(max, One);
    }
}
