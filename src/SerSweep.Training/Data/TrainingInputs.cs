using SerSweep.Audio.Augment;
using SerSweep.Audio.Features;
using SerSweep.Audio.Torch;
using SerSweep.Core;
using static TorchSharp.torch;

namespace SerSweep.Training.Data;

/// <summary>
/// The network input of a training batch. Without <c>features.augment</c> it is the batch's rows of the
/// (normalised) feature tensor. With it, a fresh <see cref="Augmenter"/> per epoch, seeded from the run seed and
/// the epoch, changes the batch's clips (speed, time shift, noise) and their features are recomputed with the
/// feature config of the run (through a filterbank warped per clip with VTLP); the run's normalisation follows
/// (CMVN: a speaker's statistics from the unaugmented features, an utterance's from its augmented rows; dataset:
/// statistics of the unaugmented training split), then SpecAugment masks, so a masked cell is the row's mean (0). Only the trainer's training batches come
/// through here: validation and test are evaluated on the cached features, never augmented.
/// </summary>
public sealed class TrainingInputs : IDisposable
{
    private readonly FeatureSet features;
    private readonly Tensor normalized;
    private readonly NormalizationStats? normalization;
    private readonly TrainingCmvn? cmvn;
    private readonly AugmentConfig augment;
    private readonly int sampleRate;
    private readonly FeatureExtractor? extractor;
    private Augmenter? augmenter;

    public TrainingInputs(FeatureSet features, Tensor normalized, NormalizationStats? normalization, FeatureConfig config, TrainingCmvn? cmvn = null)
    {
        this.features = features;
        this.normalized = normalized;
        this.normalization = normalization;
        this.cmvn = cmvn;
        augment = config.Augment;
        sampleRate = config.SampleRate;
        var probe = new Augmenter(augment, sampleRate, 0);
        Augments = probe.RecomputesFeatures || probe.MasksFeatures;
        if (!probe.RecomputesFeatures) return;
        if (features.Waveforms.IsEmpty || features.WaveformLength == 0)
            throw new ArgumentException("features.augment recomputes features from the clips (noise_snr_db, time_shift_seconds, speed_factors or vtlp_factors) but the feature set holds no clips: recompute the feature cache");
        extractor = new FeatureExtractor(config);
        if (!extractor.ItemShape.SequenceEqual(features.Shape[1..]) || extractor.ClipSamples != features.WaveformLength)
            throw new ArgumentException($"features.augment: the feature config gives items [{string.Join(", ", extractor.ItemShape)}] of {extractor.ClipSamples} samples, the feature set [{string.Join(", ", features.Shape[1..])}] of {features.WaveformLength}");
    }

    /// <summary>True when <c>features.augment</c> turns anything on.</summary>
    public bool Augments { get; }

    /// <summary>Draws this epoch's augmentation afresh: same seed and epoch, same augmented batches.</summary>
    public void StartEpoch(int epochSeed)
    {
        if (Augments) augmenter = new Augmenter(augment, sampleRate, unchecked(epochSeed * 31 + 17));
    }

    /// <summary>The input [n, C, H, W] of the training items <paramref name="items"/> (in the current dispose scope).</summary>
    public Tensor Batch(long[] items)
    {
        if (augmenter is null)
        {
            if (Augments) throw new InvalidOperationException("StartEpoch must be called before the first batch");
            using var index = tensor(items);
            return normalized.index_select(0, index);
        }
        var shape = new long[] { items.Length, features.Shape[1], features.Shape[2], features.Shape[3] };
        var raw = augmenter.RecomputesFeatures ? AugmentedFeatures(items) : Rows(features.Data.Span, items, features.ItemLength);
        if (cmvn is not null) raw = cmvn.Normalize(raw, items);
        using var rawTensor = tensor(raw, shape);
        var input = normalization?.Apply(rawTensor) ?? rawTensor.clone();
        if (!augmenter.MasksFeatures) return input;
        using (input)
        {
            var values = TensorData.ToArray<float>(input);
            augmenter.MaskFeatures(values, [.. shape.Select(d => (int)d)]);
            return tensor(values, shape);
        }
    }

    private float[] AugmentedFeatures(long[] items)
    {
        var clips = Rows(features.Waveforms.Span, items, features.WaveformLength);
        augmenter!.AugmentWaveforms(clips, items.Length, features.WaveformLength);
        return FeaturePipeline.Extract(extractor!, clips, items.Length, augmenter.DrawWarps(items.Length));
    }

    private static float[] Rows(ReadOnlySpan<float> source, long[] items, int rowLength)
    {
        var rows = new float[items.Length * (long)rowLength];
        for (var i = 0; i < items.Length; i++)
            source.Slice((int)(items[i] * rowLength), rowLength).CopyTo(rows.AsSpan(i * rowLength, rowLength));
        return rows;
    }

    public void Dispose() => extractor?.Dispose();
}
