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

    /// <summary>
    /// Each thread decodes file after file into one buffer of its own (kept up to 4 M samples, 87 s at 48 kHz): a new
    /// array per file (~0.7 MB for 4 s at 48 kHz, on the large-object heap) made the GC collect generation 2 two or
    /// three times per 240 files and the kernel fault in up to 58 000 fresh pages, whose count set how long a pass took.
    /// </summary>
    [ThreadStatic] private static float[]? _decoded;
    private const int MaxKeptSamples = 1 << 22;

    /// <summary>Writes the clip of <paramref name="path"/> into <paramref name="clip"/> (ClipSamples long); returns the decoded audio's duration in seconds.</summary>
    public double Load(string path, Span<float> clip)
    {
        var audio = Decoding.AudioFile.Read(path, _decoded);
        if (audio.Buffer.Length <= MaxKeptSamples) _decoded = audio.Buffer;
        Load(audio.Samples, audio.SampleRate, clip);
        return audio.Seconds;
    }

    /// <summary>The clip of audio already decoded (e.g. an upload, <see cref="Decoding.AudioFile.Read(ReadOnlyMemory{byte}, string)"/>); returns its duration in seconds.</summary>
    public double Load(WavAudio audio, Span<float> clip)
    {
        Load(audio.Samples, audio.SampleRate, clip);
        return audio.Seconds;
    }

    private void Load(ReadOnlySpan<float> samples, int sampleRate, Span<float> clip)
    {
        var resampler = _resamplers.GetOrAdd(sampleRate, rate => new SincResampler(rate, Config.SampleRate));
        if (!Config.TrimSilence)
        {
            resampler.Resample(samples, OffsetSamples, clip);
            return;
        }
        var resampled = resampler.IsIdentity ? samples : resampler.Resample(samples);
        var (start, length) = SilenceTrimmer.Span(resampled, Config.WinLength, Config.HopLength, Config.TrimDb);
        clip.Clear();
        var from = start + OffsetSamples;
        var count = Math.Min(clip.Length, start + length - from);
        if (count > 0) resampled.Slice(from, count).CopyTo(clip);
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
