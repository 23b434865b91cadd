using SerSweep.Audio.Dsp;
using SerSweep.Core;

namespace SerSweep.Audio.Augment;

/// <summary>
/// Training-split augmentation, deterministic for a seed: on clip waveforms [N, L] (speed perturbation, circular time
/// shift, additive white noise at an SNR, in that order), a VTLP warp of the mel filterbank per clip and SpecAugment
/// masks on features [N, 1, H, W]. Training augments each batch's clips, recomputes their features
/// (<see cref="Features.FeaturePipeline.Extract"/>, with the clips' warps) and then masks them; validation and test data are never passed here. Not thread-safe (one per training run).
/// </summary>
public sealed class Augmenter(AugmentConfig config, int sampleRate, int seed)
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<double, SincResampler> _speedResamplers = [];

    public AugmentConfig Config { get; } = config;

    public bool ChangesWaveforms => Config.NoiseSnrDb is not null || Config.TimeShiftSeconds > 0 || Config.SpeedFactors.Count > 0;
    /// <summary>The features of a batch must be recomputed from its clips: changed waveforms or a warped filterbank (VTLP).</summary>
    public bool RecomputesFeatures => ChangesWaveforms || Config.VtlpFactors.Count > 0;
    public bool MasksFeatures => Config.FreqMasks > 0 || Config.TimeMasks > 0;

    /// <summary>Augments <paramref name="count"/> clips of <paramref name="length"/> samples in place.</summary>
    public void AugmentWaveforms(float[] clips, int count, int length)
    {
        for (var i = 0; i < count; i++)
        {
            var clip = clips.AsSpan(i * length, length);
            if (Config.SpeedFactors.Count > 0)
                ChangeSpeed(clip, Config.SpeedFactors[_random.Next(Config.SpeedFactors.Count)]);
            if (Config.TimeShiftSeconds > 0)
            {
                var max = (int)Math.Round(Config.TimeShiftSeconds * sampleRate);
                Rotate(clip, _random.Next(-max, max + 1));
            }
            if (Config.NoiseSnrDb is { } snr) AddNoise(clip, snr);
        }
    }

    /// <summary>A VTLP warp factor per clip drawn from <c>vtlp_factors</c>, or null when VTLP is off.</summary>
    public double[]? DrawWarps(int count) =>
        Config.VtlpFactors.Count == 0 ? null : [.. Enumerable.Range(0, count).Select(_ => Config.VtlpFactors[_random.Next(Config.VtlpFactors.Count)])];

    /// <summary>SpecAugment: zeroes <c>freq_masks</c> bands of up to <c>freq_mask_width</c> rows and <c>time_masks</c> spans of up to <c>time_mask_width</c> frames per item.</summary>
    public void MaskFeatures(float[] features, int[] shape)
    {
        var (count, height, width) = (shape[0], shape[^2], shape[^1]);
        var itemLength = features.Length / count;
        for (var i = 0; i < count; i++)
        {
            var item = features.AsSpan(i * itemLength, itemLength);
            for (var m = 0; m < Config.FreqMasks; m++)
            {
                var (start, size) = MaskSpan(height, Config.FreqMaskWidth);
                for (var row = start; row < start + size; row++) item.Slice(row * width, width).Clear();
            }
            for (var m = 0; m < Config.TimeMasks; m++)
            {
                var (start, size) = MaskSpan(width, Config.TimeMaskWidth);
                for (var row = 0; row < height; row++) item.Slice(row * width + start, size).Clear();
            }
        }
    }

    /// <summary>A mask of uniform width 0..maxWidth (capped at the axis) at a uniform start, as torchaudio's masking.</summary>
    private (int Start, int Size) MaskSpan(int axis, int maxWidth)
    {
        var size = _random.Next(Math.Min(maxWidth, axis) + 1);
        return (_random.Next(axis - size + 1), size);
    }

    /// <summary>Plays the clip <paramref name="factor"/> times faster (pitch moves with it): band-limited resampling, then crop / zero-pad.</summary>
    private void ChangeSpeed(Span<float> clip, double factor)
    {
        if (factor == 1.0) return;
        // Treating the samples as recorded at rate * factor and resampling to rate shortens the clip by 1 / factor.
        if (!_speedResamplers.TryGetValue(factor, out var resampler))
            _speedResamplers[factor] = resampler = new SincResampler((int)Math.Round(sampleRate * factor), sampleRate);
        var faster = resampler.Resample(clip);
        clip.Clear();
        faster.AsSpan(0, Math.Min(faster.Length, clip.Length)).CopyTo(clip);
    }

    private static void Rotate(Span<float> clip, int shift)
    {
        shift = ((shift % clip.Length) + clip.Length) % clip.Length;
        if (shift == 0) return;
        var rotated = new float[clip.Length];
        clip[^shift..].CopyTo(rotated);
        clip[..^shift].CopyTo(rotated.AsSpan(shift));
        rotated.CopyTo(clip);
    }

    /// <summary>White Gaussian noise scaled so that signal power / noise power = 10^(snr/10); a silent clip stays silent.</summary>
    private void AddNoise(Span<float> clip, double snrDb)
    {
        var power = 0.0;
        foreach (var x in clip) power += (double)x * x;
        power /= clip.Length;
        if (power == 0) return;
        var std = Math.Sqrt(power / Math.Pow(10, snrDb / 10));
        for (var i = 0; i < clip.Length; i++) clip[i] += (float)(std * Gaussian());
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
