using System.Collections.Concurrent;
using SerSweep.Audio.Dsp;
using SerSweep.Audio.Wav;
using SerSweep.Core;

namespace SerSweep.Audio.Features;

/// <summary>
/// File -> fixed-length clip at the configured rate: decode (mono), resample (only the samples the clip needs),
/// optionally trim leading/trailing silence, skip <c>offset_seconds</c>, crop or zero-pad to <c>clip_seconds</c>.
/// Thread-safe: <see cref="FeaturePipeline"/> calls it from one worker per core.
/// </summary>
public sealed class ClipLoader(FeatureConfig config)
{
    private readonly ConcurrentDictionary<int, SincResampler> _resamplers = new();

    public FeatureConfig Config { get; } = config;
    public int ClipSamples { get; } = FeatureExtractor.ClipSamplesOf(config);
    private int OffsetSamples => (int)Math.Round(Config.OffsetSeconds * Config.SampleRate);

    /// <summary>Writes the clip of <paramref name="path"/> into <paramref name="clip"/> (ClipSamples long); returns the decoded audio's duration in seconds.</summary>
    public double Load(string path, Span<float> clip) => Load(Decoding.AudioFile.Read(path), clip);

    /// <summary>The clip of audio already decoded (e.g. an upload, <see cref="Decoding.AudioFile.Read(ReadOnlyMemory{byte}, string)"/>); returns its duration in seconds.</summary>
    public double Load(WavAudio audio, Span<float> clip)
    {
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
    /// <see cref="Load"/>, but a file that does not decode leaves zeros in <paramref name="clip"/> and returns its
    /// <see cref="WavFormatException"/>; other I/O errors propagate.
    /// </summary>
    public Outcome TryLoad(string path, Span<float> clip)
    {
        try
        {
            return new Outcome(Load(path, clip), null);
        }
        catch (WavFormatException e)
        {
            clip.Clear();
            return new Outcome(0, e);
        }
    }
}
