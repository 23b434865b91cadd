using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training.Serving;

namespace SerSweep.Training.Tests;

/// <summary>
/// The micro-batcher `serve` predicts through, on a bundle trained here: items submitted concurrently come back as one
/// <see cref="Predictor.Predict"/> of all of them gives them, in fewer forward passes than items; the queue limit refuses.
/// </summary>
public class MicroBatcherTests
{
    private static readonly FeatureSet Features = SyntheticFeatures.Create();

    private static Predictor TrainedPredictor()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        Trainer.RunAsync(new TrainingRequest { Config = SyntheticFeatures.SmallConfig(epochs: 1), Features = Features, BundlePath = path })
            .GetAwaiter().GetResult();
        return Predictor.Load(path);
    }

    private static float[] Item(int i) => Features.Data.Slice(i * Features.ItemLength, Features.ItemLength).ToArray();

    [Fact]
    public async Task Concurrent_items_get_the_predictions_of_one_whole_predict_in_fewer_forward_passes()
    {
        using var predictor = TrainedPredictor();
        var count = Math.Min(Features.Count, 48);
        var expected = predictor.Predict(Features.Data.Span[..(count * Features.ItemLength)]);
        using var batcher = new MicroBatcher(predictor, new MicroBatchOptions(MaxBatch: 8, MaxWait: TimeSpan.FromMilliseconds(50), QueueLimit: 64));

        var served = await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(() => batcher.TryPredict(Item(i))!)))
            .WaitAsync(TimeSpan.FromMinutes(1));

        for (var i = 0; i < count; i++)
        {
            Assert.Equal(expected[i].Emotion, served[i].Emotion);
            foreach (var (emotion, p) in expected[i].Probabilities)
                Assert.Equal(p, served[i].Probabilities[emotion], 5);
        }
        Assert.Equal(count, batcher.Requests);
        Assert.InRange(batcher.Batches, (count + 7) / 8, count - 1);
        Assert.Equal(0, batcher.Waiting);
    }

    [Fact]
    public async Task Beyond_the_queue_limit_items_are_refused_and_the_admitted_ones_still_complete()
    {
        using var predictor = TrainedPredictor();
        var batcher = new MicroBatcher(predictor, new MicroBatchOptions(MaxBatch: 16, MaxWait: TimeSpan.FromMinutes(10), QueueLimit: 2));

        var first = batcher.TryPredict(Item(0));
        var second = batcher.TryPredict(Item(1));
        var third = batcher.TryPredict(Item(2));

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.Equal(2, batcher.Waiting);
        batcher.Dispose(); // closes the queue: the batch being formed runs at once instead of waiting 10 minutes
        await Task.WhenAll(first!, second!).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(1, batcher.Batches);
        Assert.Equal(0, batcher.Waiting);
    }
}
