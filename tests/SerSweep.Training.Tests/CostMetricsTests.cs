using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training.Evaluation;
using SerSweep.Training.Models;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

/// <summary>param_count, model_bytes and latency_ms: measured by the run on its kept weights, reported under their metric names.</summary>
public class CostMetricsTests
{
    [Fact]
    public async Task A_kept_model_reports_its_parameters_its_bundles_weight_bytes_and_a_latency()
    {
        var features = SyntheticFeatures.Create();
        var path = Path.Combine(TestPaths.NewTempDir(), "model.zip");

        var outcome = await Trainer.RunAsync(new TrainingRequest { Config = SyntheticFeatures.SmallConfig(epochs: 1), Features = features, BundlePath = path });

        var metrics = outcome.FinalMetrics;
        var bundle = ModelBundle.Load(path);
        Assert.Equal(outcome.ParameterCount, metrics[Metrics.ParamCount]);
        Assert.Equal(bundle.Weights.Length, metrics[Metrics.ModelBytes]);
        Assert.True(metrics[Metrics.LatencyMs] is > 0 and < double.PositiveInfinity, $"latency {metrics[Metrics.LatencyMs]}");
        Assert.Equal(metrics[Metrics.LatencyMs], bundle.Training.LatencyMs);
        // The weights are stored, not deflated (float weights barely compress): model_bytes is also what they take in the file.
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        var weights = zip.GetEntry("weights.pt")!;
        Assert.Equal((weights.Length, weights.Length), (weights.CompressedLength, (long)metrics[Metrics.ModelBytes]!.Value));
    }

    [Fact]
    public void A_run_without_a_kept_epoch_has_no_costs()
    {
        var outcome = new TrainingOutcome { Status = TrialState.Failed, Epochs = [], Split = "none", ParameterCount = 1234, Elapsed = TimeSpan.Zero };

        Assert.Null(outcome.FinalMetrics[Metrics.ParamCount]);
        Assert.Null(outcome.FinalMetrics[Metrics.ModelBytes]);
        Assert.Null(outcome.FinalMetrics[Metrics.LatencyMs]);
    }

    [Fact]
    public void Latency_is_a_finite_median_and_leaves_the_thread_count_and_training_mode_as_they_were()
    {
        using var model = ModelFactory.Create(new ModelConfig { Channels = [4, 8] }, [1, 8, 16], 8, new Generator(3));
        model.train();
        var threads = get_num_threads();

        var median = InferenceLatency.MedianMs(model, [1, 8, 16], warmUp: 1, passes: 4);

        Assert.True(median > 0 && double.IsFinite(median), $"median {median}");
        Assert.Equal(threads, get_num_threads());
        Assert.True(model.training);
    }
}
