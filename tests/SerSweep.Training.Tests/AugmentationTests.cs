using SerSweep.Core;
using SerSweep.Training.Data;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

/// <summary>features.augment in training, on the real Actor_01..04 clips: training batches only, fresh each epoch, fixed by the seed.</summary>
public class AugmentationTests
{
    private static readonly AugmentConfig Augment = new()
    {
        NoiseSnrDb = 20, TimeShiftSeconds = 0.2, SpeedFactors = [0.9, 1.0, 1.1], FreqMasks = 1, FreqMaskWidth = 4, TimeMasks = 1, TimeMaskWidth = 10,
    };

    private static float[] Batch(TrainingInputs inputs, long[] items)
    {
        using var batch = inputs.Batch(items);
        return batch.data<float>().ToArray();
    }

    /// <summary>The rows <paramref name="items"/> of the cached, normalised features.</summary>
    private static float[] Rows(Tensor normalized, long[] items)
    {
        using var index = tensor(items);
        using var rows = normalized.index_select(0, index);
        return rows.data<float>().ToArray();
    }

    private static (TrainingInputs Inputs, Tensor Normalized, NormalizationStats Stats) Inputs(AugmentConfig augment)
    {
        var features = RealFeatures.Actors1To4;
        using var raw = tensor(features.Data.ToArray(), features.Shape.Select(d => (long)d).ToArray());
        var stats = NormalizationStats.Compute(raw, Enumerable.Range(0, 100).ToArray());
        var normalized = stats.Apply(raw);
        return (new TrainingInputs(features, normalized, stats, RealFeatures.Config with { Augment = augment }), normalized, stats);
    }

    [Fact]
    public void Augmented_batches_are_fresh_each_epoch_and_the_same_for_the_same_seed()
    {
        var (inputs, normalized, _) = Inputs(Augment);
        using var _n = normalized;
        using var _i = inputs;
        long[] items = [3, 17, 42, 99];

        inputs.StartEpoch(1);
        var epoch1 = Batch(inputs, items);
        inputs.StartEpoch(2);
        var epoch2 = Batch(inputs, items);
        inputs.StartEpoch(1);
        var epoch1Again = Batch(inputs, items);
        using var index = tensor(items);
        using var cachedRows = normalized.index_select(0, index);
        var cached = cachedRows.data<float>().ToArray();

        Assert.True(inputs.Augments);
        Assert.Equal(epoch1, epoch1Again);
        Assert.NotEqual(epoch1, epoch2);
        Assert.NotEqual(cached, epoch1);
        Assert.Equal(cached.Length, epoch1.Length);
    }

    [Fact]
    public void SpecAugment_alone_masks_cells_to_the_training_mean_and_leaves_the_rest()
    {
        var (inputs, normalized, _) = Inputs(new AugmentConfig { FreqMasks = 2, FreqMaskWidth = 6, TimeMasks = 2, TimeMaskWidth = 20 });
        using var _n = normalized;
        using var _i = inputs;
        long[] items = [0, 1, 2, 3, 4, 5, 6, 7];
        using var index = tensor(items);
        using var cachedRows = normalized.index_select(0, index);
        var cached = cachedRows.data<float>().ToArray();

        inputs.StartEpoch(7);
        var masked = Batch(inputs, items);

        var changed = Enumerable.Range(0, cached.Length).Where(i => Math.Abs(cached[i] - masked[i]) > 1e-5).ToArray();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.Equal(0f, masked[i]));
        Assert.True(changed.Length < cached.Length / 2, $"{changed.Length} of {cached.Length} cells masked");
    }

    [Fact]
    public void Without_augmentation_a_batch_is_the_cached_normalized_rows()
    {
        var (inputs, normalized, _) = Inputs(new AugmentConfig());
        using var _n = normalized;
        using var _i = inputs;
        long[] items = [5, 6, 200];
        using var index = tensor(items);
        using var rows = normalized.index_select(0, index);

        inputs.StartEpoch(1);

        Assert.False(inputs.Augments);
        Assert.Equal(rows.data<float>().ToArray(), Batch(inputs, items));
    }

    [Fact]
    public void Features_recomputed_from_unchanged_clips_are_the_cached_features()
    {
        // Speed factor 1 leaves the clip as it is, so the on-the-fly path must give what validation sees.
        var (inputs, normalized, _) = Inputs(new AugmentConfig { SpeedFactors = [1.0] });
        using var _n = normalized;
        using var _i = inputs;
        long[] items = [0, 61, 122, 239];
        var cached = Rows(normalized, items);

        inputs.StartEpoch(1);
        var recomputed = Batch(inputs, items);

        var worst = Enumerable.Range(0, cached.Length).Max(i => Math.Abs(cached[i] - recomputed[i]));
        Assert.True(worst < 1e-3, $"largest difference {worst} (normalized units)");
    }

    [Fact]
    public void Vtlp_warps_a_batch_and_the_same_way_for_the_same_seed()
    {
        var (inputs, normalized, _) = Inputs(new AugmentConfig { VtlpFactors = [0.9, 1.1] });
        using var _n = normalized;
        using var _i = inputs;
        long[] items = [0, 61, 122, 239];
        var cached = Rows(normalized, items);

        inputs.StartEpoch(3);
        var first = Batch(inputs, items);
        inputs.StartEpoch(3);
        var again = Batch(inputs, items);

        Assert.True(inputs.Augments);
        Assert.Equal(first, again);
        var worst = Enumerable.Range(0, cached.Length).Max(i => Math.Abs(cached[i] - first[i]));
        Assert.True(worst > 0.5, $"largest difference {worst} (normalized units)");
    }

    [Fact]
    public void Waveform_augmentation_without_clips_is_refused_with_the_keys_named()
    {
        var features = SyntheticFeatures.Create();
        using var data = tensor(features.Data.ToArray(), features.Shape.Select(d => (long)d).ToArray());

        var error = Assert.Throws<ArgumentException>(() => new TrainingInputs(features, data, null, new FeatureConfig { Augment = new AugmentConfig { NoiseSnrDb = 10 } }));

        Assert.Contains("features.augment", error.Message);
        Assert.Contains("noise_snr_db", error.Message);
    }

    [Fact]
    public async Task Augmented_training_repeats_for_the_same_seed_differs_from_plain_training_and_never_augments_validation()
    {
        var config = RealFeatures.SmallConfig(epochs: 2);
        var augmented = config with { Features = config.Features with { Augment = Augment } };
        var path = Path.Combine(Testing.TestPaths.NewTempDir(), "model.zip");
        Task<TrainingOutcome> Run(ExperimentConfig c, string? bundle = null) =>
            Trainer.RunAsync(new TrainingRequest { Config = c, Features = RealFeatures.Actors1To4, BundlePath = bundle });

        var first = await Run(augmented, path);
        var second = await Run(augmented);
        var plain = await Run(config);

        Assert.Equal(first.Epochs.Select(e => e.TrainLoss), second.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(first.Epochs.Select(e => e.ValLoss), second.Epochs.Select(e => e.ValLoss));
        Assert.NotEqual(first.Epochs.Select(e => e.TrainLoss), plain.Epochs.Select(e => e.TrainLoss));
        // Validation is scored on the cached, unaugmented features: the bundle predicting those rows agrees.
        var features = RealFeatures.Actors1To4;
        var split = Splits.Create(augmented.Data.Split, features.Labels, features.Actors);
        using var predictor = Predictor.Load(path);
        var valRows = split.Val.SelectMany(i => features.Data.Slice(i * features.ItemLength, features.ItemLength).ToArray()).ToArray();
        var correct = predictor.Predict(valRows).Zip(split.Val).Count(p => p.First.Emotion == features.Labels[p.Second]);
        Assert.Equal(first.Val!.Accuracy, (double)correct / split.Val.Length, 6);
    }
}
