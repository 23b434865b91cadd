using SerSweep.Audio.Cache;
using SerSweep.Core;
using SerSweep.Testing;

namespace SerSweep.Training.Tests;

/// <summary>
/// Features of the real RAVDESS Actor_01..04 (240 files) through the audio pipeline's cache, at a reduced
/// resolution (32 mels, 150 frames) so that the real-data training tests stay short. Computed once per
/// machine into a content-addressed cache under the temp folder, loaded afterwards.
/// </summary>
public static class RealFeatures
{
    public static readonly string CacheDir = Path.Combine(Path.GetTempPath(), "sersweep-training-tests-features");

    public static FeatureConfig Config { get; } = new() { NMels = 32, HopLength = 320, OffsetSeconds = 0.5 };

    public static DataConfig Data { get; } = new() { Path = TestPaths.Ravdess, Actors = "1-4" };

    private static readonly Lazy<FeatureSet> Set = new(() => new FeatureCache(CacheDir).GetOrCompute(Data, Config).Features);

    public static FeatureSet Actors1To4 => Set.Value;

    /// <summary>A small CNN over the real features.</summary>
    public static ExperimentConfig SmallConfig(int epochs) => new()
    {
        Data = Data with { Split = new SplitConfig { ValFraction = 0.2, TestFraction = 0.1 } },
        Features = Config,
        Model = new ModelConfig { Channels = [16, 32, 64], Dropout = 0.2 },
        Training = new TrainingConfig { Epochs = epochs, BatchSize = 16, LearningRate = 3e-3 },
    };
}
