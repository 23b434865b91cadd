using SerSweep.Audio.Cache;
using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training;

namespace SerSweep.Dashboard.Tests.Support;

/// <summary>
/// A real model bundle: a small CNN trained for one epoch on the real RAVDESS Actor_01..04 features (the training
/// tests' reduced resolution and feature cache, so a machine that ran them computes nothing again). Trained once
/// per test run. Needs deploy/torch-runtime, like every test that touches TorchSharp.
/// </summary>
public static class RealModel
{
    private static readonly Lazy<Task<string>> Bundle = new(TrainAsync);

    public static Task<string> BundlePathAsync() => Bundle.Value;

    /// <summary>A real speech file of the data set (Actor_01, angry, strong intensity).</summary>
    public static string AngryWav => Path.Combine(TestPaths.Ravdess, "Actor_01", "03-01-05-02-01-01-01.wav");

    private static async Task<string> TrainAsync()
    {
        var features = new FeatureConfig { NMels = 32, HopLength = 320, OffsetSeconds = 0.5 };
        var data = new DataConfig { Path = TestPaths.Ravdess, Actors = "1-4", Split = new SplitConfig { ValFraction = 0.2, TestFraction = 0.1 } };
        var cache = new FeatureCache(Path.Combine(Path.GetTempPath(), "sersweep-training-tests-features"));
        var set = cache.GetOrCompute(data, features).Features;
        var path = Path.Combine(TestPaths.NewTempDir("sersweep-dashboard-model"), "bundle.zip");
        var config = new ExperimentConfig
        {
            Data = data, Features = features,
            Model = new ModelConfig { Channels = [8, 16], Dropout = 0.1 },
            Training = new TrainingConfig { Epochs = 1, BatchSize = 16, LearningRate = 3e-3 },
        };
        await Trainer.RunAsync(new TrainingRequest { Config = config, Features = set, BundlePath = path });
        return path;
    }
}
