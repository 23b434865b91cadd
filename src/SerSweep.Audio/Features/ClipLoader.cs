using System.Collections.Concurrent;
using SerSweep.Audio.Dsp;
using SerSweep.Audio.Wav;
using SerSweep.Core;

namespace SerSweep.Audio.Features;

/// <summary>
/// File -> fixed-length clip at the configured rate: decode (mono), resample (only the samples the clip needs),
/// optionally trim leading/trailing silence, skip <c>offset_seconds</c>, crop or zero-pad to <c>clip_seconds</c>.
/// Thread-safe; <see cref="LoadMany"/> decodes files in parallel straight into one [N, clip] block.
/// </summary>
public sealed class ClipLoader(FeatureConfig config)
{
    private readonly ConcurrentDictionary<int, SincResampler> _resamplers = new();

    public FeatureConfig Config { get; } = config;
    public int ClipSamples { get; } = FeatureExtractor.ClipSamplesOf(config);
    private int OffsetSamples => (int)Math.Round(Config.OffsetSeconds * Config.SampleRate);

    /// <summary>Writes the clip of <paramref name="path"/> into <paramref name="clip"/> (ClipSamples long); returns the decoded audio's duration in seconds.</summary>
    public double Load(string path, Span<float> clip)
    {
        var audio = WavReader.Read(path);
        var resampler = _resamplers.GetOrAdd(audio.SampleRate, rate => new SincResampler(rate, Config.SampleRate));
        if (!Config.TrimSilence)
        {
            resampler.Resample(audio.Samples, OffsetSamples, clip);
            return audio.Seconds;
        }
        var resampled = resampler.IsIdentity ? audio.Samples : resampler.Resample(audio.Samples);
        var (start, length) = SilenceTrimmer.Span(resampled, Config.WinLength, Config.HopLength, Config.TrimDb);
        clip.Clear();
        var from = start + OffsetSamples;
        var count = Math.Min(clip.Length, start + length - from);
        if (count > 0) resampled.AsSpan(from, count).CopyTo(clip);
        return audio.Seconds;
    }

    /// <summary>One outcome per path: seconds of audio decoded, or the error that file gave.</summary>
    public readonly record struct Outcome(double Seconds, WavFormatException? Error);

    /// <summary>
    /// Loads every path in parallel into <paramref name="clips"/> ([paths.Count, ClipSamples], row-major).
    /// A file that does not decode leaves zeros in its row and reports its <see cref="WavFormatException"/>;
    /// other I/O errors propagate. <paramref name="onLoaded"/> is called once per file (from any thread).
    /// </summary>
    public Outcome[] LoadMany(IReadOnlyList<string> paths, float[] clips, Action? onLoaded = null, CancellationToken cancellation = default)
    {
        if (clips.Length < (long)paths.Count * ClipSamples)
            throw new ArgumentException($"clips holds {clips.Length} floats, needs {paths.Count} x {ClipSamples}", nameof(clips));
        var outcomes = new Outcome[paths.Count];
        Parallel.For(0, paths.Count, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            try
            {
                outcomes[i] = new Outcome(Load(paths[i], clips.AsSpan(i * ClipSamples, ClipSamples)), null);
            }
            catch (WavFormatException e)
            {
                clips.AsSpan(i * ClipSamples, ClipSamples).Clear();
                outcomes[i] = new Outcome(0, e);
            }
            onLoaded?.Invoke();
        });
        return outcomes;
    }
}
