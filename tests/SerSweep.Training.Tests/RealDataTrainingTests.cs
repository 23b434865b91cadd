using SerSweep.Core;
using SerSweep.Training.Models;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

/// <summary>Training behaviour on the real RAVDESS features of Actor_01..04 (short runs, small models).</summary>
public class RealDataTrainingTests
{
    private static async Task<TrainingOutcome> Train(ExperimentConfig config, string? bundlePath = null) =>
        await Trainer.RunAsync(new TrainingRequest { Config = config, Features = RealFeatures.Actors1To4, BundlePath = bundlePath });

    /// <summary>Sum of |w| over the conv and linear weights of a bundle's model.</summary>
    private static double WeightL1(string bundlePath)
    {
        var bundle = ModelBundle.Load(bundlePath);
        using var generator = new Generator(0);
        using var model = ModelFactory.Create(bundle.Config.Model, bundle.ItemShape, bundle.Classes.Length, generator);
        Trainer.LoadWeights(model, bundle.Weights);
        return model.parameters().Where(p => p.dim() > 1).Sum(p => p.abs().sum().item<float>());
    }

    [Fact]
    public async Task A_short_run_learns_well_above_chance()
    {
        var outcome = await Train(RealFeatures.SmallConfig(epochs: 12));

        Assert.Equal(240, RealFeatures.Actors1To4.Count);
        Assert.Equal(TrialState.Completed, outcome.Status);
        // chance is 1/8 = 12.5 %
        Console.WriteLine($"real-data short run: val accuracy {outcome.Val!.Accuracy:P1}, test accuracy {outcome.Test!.Accuracy:P1}");
        Assert.True(outcome.Val!.Accuracy >= 0.3, $"val accuracy {outcome.Val.Accuracy:P1} after {outcome.Epochs.Count} epochs");
        Assert.True(outcome.Epochs[^1].TrainLoss < outcome.Epochs[0].TrainLoss);
        // per emotion: test round(0.1 n), val round(0.2 / 0.9 x the rest): neutral 16 -> 3, the others 32 -> 6
        Assert.Equal(3 + 7 * 6, outcome.Val.Count);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, 0.0, false)]
    [InlineData(OptimizerKind.AdamW, 0.0, false)]
    [InlineData(OptimizerKind.RmsProp, 0.9, false)]
    [InlineData(OptimizerKind.Sgd, 0.9, true)]
    public async Task Every_optimizer_steps(OptimizerKind optimizer, double momentum, bool nesterov)
    {
        var config = RealFeatures.SmallConfig(epochs: 1);
        config = config with
        {
            Model = config.Model with { Channels = [8, 16] },
            Training = config.Training with { Optimizer = optimizer, Momentum = momentum, Nesterov = nesterov, LearningRate = 1e-3 },
        };
        using var generator = new Generator((ulong)config.Training.Seed);
        using var initial = ModelFactory.Create(config.Model, RealFeatures.Actors1To4.Shape[1..], 8, generator);
        var before = initial.parameters().Select(p => p.detach().clone()).ToArray();
        var path = Path.Combine(Testing.TestPaths.NewTempDir(), "model.zip");

        var outcome = await Train(config, path);

        Assert.Equal(TrialState.Completed, outcome.Status);
        Assert.True(double.IsFinite(outcome.Epochs[0].TrainLoss));
        var bundle = ModelBundle.Load(path);
        using var trained = ModelFactory.Create(bundle.Config.Model, bundle.ItemShape, 8, generator);
        Trainer.LoadWeights(trained, bundle.Weights);
        var after = trained.parameters().ToArray();
        Assert.Equal(before.Length, after.Length);
        // Same seed => the trained model started from exactly `initial`; every conv/linear weight must have moved.
        // (Conv biases before batch norm get a zero gradient: BN removes any constant shift.)
        for (var i = 0; i < before.Length; i++)
            if (before[i].dim() > 1)
                Assert.False(before[i].allclose(after[i], rtol: 0, atol: 0), $"{optimizer}: weight {i} did not change");
    }

    [Fact]
    public async Task L1_and_L2_measurably_shrink_the_weights()
    {
        var config = RealFeatures.SmallConfig(epochs: 3);
        config = config with { Model = config.Model with { Channels = [8, 16] } };
        var dir = Testing.TestPaths.NewTempDir();
        string Path(string name) => System.IO.Path.Combine(dir, name);

        await Train(config, Path("plain.zip"));
        await Train(config with { Training = config.Training with { L1 = 1e-2 } }, Path("l1.zip"));
        await Train(config with { Training = config.Training with { L2 = 1.0 } }, Path("l2.zip"));

        var plain = WeightL1(Path("plain.zip"));
        var l1 = WeightL1(Path("l1.zip"));
        var l2 = WeightL1(Path("l2.zip"));
        Assert.True(l1 < 0.9 * plain, $"L1: sum|w| {l1:0.0} vs {plain:0.0} without");
        Assert.True(l2 < 0.9 * plain, $"L2: sum|w| {l2:0.0} vs {plain:0.0} without");
    }
}
