using SerSweep.Core;
using SerSweep.Training;
using SerSweep.Training.Models;
using static TorchSharp.torch;

namespace SerSweep.Bench.Training;

/// <summary>
/// An untrained bundle of the reference CNN with the default features (64 mels x 300 frames): latency does not
/// depend on the weights, and the benchmark then needs no trained model.
/// </summary>
public static class ReferenceBundle
{
    public static string Create(string directory)
    {
        var config = new ExperimentConfig();
        using var generator = new Generator(0);
        using var model = ModelFactory.Create(config.Model, [1, 64, 300], 8, generator);
        var path = Path.Combine(directory, "reference-cnn.zip");
        new ModelBundle
        {
            Config = config,
            ItemShape = [1, 64, 300],
            Classes = Emotions.All.ToArray(),
            Weights = Trainer.SaveWeights(model),
            FeatureCacheKey = "untrained",
            Training = new TrainingOutcome
            {
                Status = TrialState.Completed, Epochs = [], Split = "untrained (benchmark)",
                ParameterCount = ModelFactory.ParameterCount(model), Elapsed = TimeSpan.Zero,
            },
        }.Save(path);
        return path;
    }
}
