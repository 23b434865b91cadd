using SerSweep.Core;

namespace SerSweep.Training.Tests;

/// <summary>
/// A small learnable feature set for unit tests of the training loop: every emotion lights up its own band
/// of rows on top of seeded noise. (Behaviour on real RAVDESS features is tested in RealDataTrainingTests.)
/// </summary>
public static class SyntheticFeatures
{
    public static FeatureSet Create(int perClassAndActor = 4, int rows = 16, int frames = 24, int seed = 1)
    {
        var random = new Random(seed);
        var items = new List<(Emotion Emotion, int Actor)>();
        for (var actor = 1; actor <= 4; actor++)
            foreach (var emotion in Emotions.All)
                for (var i = 0; i < perClassAndActor; i++) items.Add((emotion, actor));
        var itemLength = rows * frames;
        var data = new float[items.Count * itemLength];
        for (var n = 0; n < items.Count; n++)
        {
            var band = ((int)items[n].Emotion - 1) * rows / 8;
            for (var r = 0; r < rows; r++)
                for (var t = 0; t < frames; t++)
                    data[n * itemLength + r * frames + t] = (float)(random.NextDouble() - 0.5) + (r >= band && r < band + rows / 8 ? 3f : 0f);
        }
        return new FeatureSet
        {
            Data = data,
            Shape = [items.Count, 1, rows, frames],
            Labels = items.Select(i => i.Emotion).ToArray(),
            Actors = items.Select(i => i.Actor).ToArray(),
            Files = items.Select((i, n) => $"Actor_{i.Actor:00}/synthetic-{n}.wav").ToArray(),
            CacheKey = $"synthetic-{seed}",
        };
    }

    /// <summary>A tiny model and short schedule for the synthetic set.</summary>
    public static ExperimentConfig SmallConfig(int epochs = 3) => new()
    {
        Data = new DataConfig { Split = new SplitConfig { ValFraction = 0.2, TestFraction = 0.2 } },
        Model = new ModelConfig { Channels = [8, 16], Dropout = 0.1 },
        Training = new TrainingConfig { Epochs = epochs, BatchSize = 16, LearningRate = 0.01 },
    };
}
