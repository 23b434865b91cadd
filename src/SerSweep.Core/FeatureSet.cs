namespace SerSweep.Core;

/// <summary>
/// Features of a selected set of files, as the audio pipeline computes and caches them and as training
/// consumes them: one row-major float32 block of shape [Count, Channels, Height, Width]
/// (log-mel: [N, 1, n_mels, frames]; MFCC: [N, 1, n_mfcc, frames]), and per item its label and actor.
/// Plain memory so that this contract needs neither TorchSharp nor Orleans: an array when computed, a read-only view
/// of the memory-mapped cache file when loaded (the mapping lives as long as this set is reachable; see docs/audio.md).
/// </summary>
public sealed record FeatureSet
{
    public required ReadOnlyMemory<float> Data { get; init; }
    public required int[] Shape { get; init; }
    public required Emotion[] Labels { get; init; }
    public required int[] Actors { get; init; }
    /// <summary>Path of each item relative to the data root, e.g. "Actor_01/03-01-01-01-01-01-01.wav".</summary>
    public required string[] Files { get; init; }
    /// <summary>Content-addressed cache key (dataset fingerprint + feature config).</summary>
    public required string CacheKey { get; init; }
    /// <summary>
    /// The resampled, trimmed, offset and cropped/padded clip of each item, row-major [Count, WaveformLength], so that
    /// training can augment waveforms per batch and recompute features on the fly; empty when not kept.
    /// </summary>
    public ReadOnlyMemory<float> Waveforms { get; init; }
    /// <summary>Samples per item in <see cref="Waveforms"/> (clip_seconds * sample_rate); 0 when there are none.</summary>
    public int WaveformLength { get; init; }

    public int Count => Shape[0];
    public int ItemLength => Shape[1] * Shape[2] * Shape[3];
}
