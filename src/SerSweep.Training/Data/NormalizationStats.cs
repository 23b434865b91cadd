using SerSweep.Audio.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace SerSweep.Training.Data;

/// <summary>
/// Dataset normalisation: mean and standard deviation of every feature row (mel bin / MFCC coefficient,
/// per channel) over the TRAINING items only, so validation and test never leak into it. Stored in the
/// model bundle and applied again at prediction time.
/// </summary>
public sealed record NormalizationStats(int Channels, int Rows, float[] Mean, float[] Std)
{
    /// <summary>Statistics over <paramref name="items"/> of a [N, C, H, W] tensor.</summary>
    public static NormalizationStats Compute(Tensor data, int[] items)
    {
        using var scope = NewDisposeScope();
        var subset = data.index_select(0, tensor(items.Select(i => (long)i).ToArray()));
        var (std, mean) = std_mean(subset, [0L, 3L], unbiased: false);
        // Silent rows (e.g. an all-zero bin) would divide by zero: leave them unscaled.
        using var silent = 1e-5f.ToScalar();
        std = where(std.lt(silent), ones_like(std), std);
        return new NormalizationStats((int)data.shape[1], (int)data.shape[2], TensorData.ToArray<float>(mean), TensorData.ToArray<float>(std));
    }

    /// <summary>(x - mean) / std row-wise, for a [N, C, H, W] tensor.</summary>
    public Tensor Apply(Tensor data)
    {
        using var mean = tensor(Mean, [1, Channels, Rows, 1]);
        using var std = tensor(Std, [1, Channels, Rows, 1]);
        using var centred = data - mean;
        return centred / std;
    }
}
