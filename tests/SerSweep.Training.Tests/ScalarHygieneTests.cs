using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training.Data;
using SerSweep.Training.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

/// <summary>
/// Our tensor code on the training and prediction paths hands libtorch only Scalars it keeps alive and disposes
/// (see SerSweep.Audio.Torch.Scalars), so it leaves nothing to the finalizer. (TorchSharp itself leaves managed-only
/// PinnedArray helpers there, e.g. per <c>shape</c>, stft or conv call: these tests measure our pieces, not whole passes.)
/// </summary>
// Alone: the finalizer count is process-wide.
[Collection(SerialCollection.Name)]
public class ScalarHygieneTests(ITestOutputHelper output)
{
    private void AssertLeavesNothing(string what, Action action)
    {
        action(); // JIT outside the count
        var left = FinalizerCount.LeftBy(() =>
        {
            using var scope = NewDisposeScope();
            action();
        });
        var baseline = FinalizerCount.Baseline();
        output.WriteLine($"objects left to the finalizer by {what}: {left}, by nothing: {baseline}");
        Assert.True(left <= baseline, $"{what} left {left} objects for the finalizer, nothing {baseline}");
    }

    [Fact]
    public void Avg_max_pooling_leaves_nothing_to_the_finalizer()
    {
        using var frames = randn(8, 4, 12);
        AssertLeavesNothing("avg+max pooling", () => Pooling.OverTime(frames, GlobalPool.AvgMax));
    }

    [Fact]
    public void Mixup_leaves_nothing_to_the_finalizer()
    {
        using var batch = randn(8, 1, 4, 6);
        using var logits = randn(8, 8);
        using var target = tensor(Enumerable.Range(0, 8).Select(i => (long)i).ToArray());
        var draw = new Mixup(0.4, epochSeed: 1).Draw(8);
        AssertLeavesNothing("mixup", () =>
        {
            draw.Mix(batch);
            draw.Loss(logits, target, (l, t) => nn.functional.cross_entropy(l, t, label_smoothing: 0.1));
        });
    }

    [Fact]
    public void Normalisation_leaves_nothing_to_the_finalizer()
    {
        using var data = randn(10, 1, 4, 6);
        var stats = NormalizationStats.Compute(data, [0, 1, 2, 3, 4]);
        AssertLeavesNothing("dataset normalisation", () => stats.Apply(data));
    }
}
