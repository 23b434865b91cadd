using SerSweep.Core;
using SerSweep.Training.Data;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

public class MixupTests
{
    [Theory]
    [InlineData(0.2)]
    [InlineData(0.4)]
    [InlineData(2.0)]
    public void Lambda_follows_a_symmetric_beta_distribution(double alpha)
    {
        var random = new Random(5);
        var draws = Enumerable.Range(0, 40_000).Select(_ => Mixup.SampleBeta(random, alpha)).ToArray();
        var mean = draws.Average();
        var variance = draws.Select(x => (x - mean) * (x - mean)).Average();

        Assert.All(draws, x => Assert.InRange(x, 0, 1));
        Assert.InRange(mean, 0.49, 0.51);
        // Beta(a, a) has variance 1 / (4 (2a + 1)): 0.179 at a = 0.2, 0.139 at 0.4, 0.05 at 2.
        Assert.InRange(variance, 0.95 / (4 * (2 * alpha + 1)), 1.05 / (4 * (2 * alpha + 1)));
    }

    [Fact]
    public void Mix_and_loss_blend_each_item_with_its_partner()
    {
        var draw = new MixupDraw(0.75, [1, 0, 2]);
        using var batch = tensor(new float[] { 0, 4, 8 }).reshape(3, 1);
        using var mixed = draw.Mix(batch);
        Assert.Equal([1f, 3f, 8f], mixed.data<float>().ToArray());

        // A "loss" that is the first target makes the blend visible: 0.75·y[0] + 0.25·y[perm][0] = 0.75·1 + 0.25·5.
        using var target = tensor(new long[] { 1, 5, 9 });
        using var logits = zeros(3, 2);
        using var loss = draw.Loss(logits, target, (_, y) => y[0].to_type(ScalarType.Float32));
        Assert.Equal(2f, loss.item<float>(), 5);
    }

    [Fact]
    public void The_same_epoch_seed_draws_the_same_batches()
    {
        var a = new Mixup(0.4, 17);
        var b = new Mixup(0.4, 17);
        var c = new Mixup(0.4, 18);
        var drawsA = Enumerable.Range(0, 5).Select(_ => a.Draw(8)).ToArray();
        var drawsB = Enumerable.Range(0, 5).Select(_ => b.Draw(8)).ToArray();
        var drawsC = Enumerable.Range(0, 5).Select(_ => c.Draw(8)).ToArray();

        Assert.Equal(drawsA.Select(d => d.Lambda), drawsB.Select(d => d.Lambda));
        Assert.Equal(drawsA.SelectMany(d => d.Permutation), drawsB.SelectMany(d => d.Permutation));
        Assert.NotEqual(drawsA.Select(d => d.Lambda), drawsC.Select(d => d.Lambda));
        Assert.All(drawsA, d => Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), d.Permutation.Order()));
    }

    [Fact]
    public async Task Training_with_mixup_learns_and_is_reproducible()
    {
        var config = SyntheticFeatures.SmallConfig(epochs: 8);
        config = config with { Training = config.Training with { MixupAlpha = 0.4 } };
        var request = new TrainingRequest { Config = config, Features = SyntheticFeatures.Create() };
        var a = await Trainer.RunAsync(request);
        var b = await Trainer.RunAsync(request);
        var plain = await Trainer.RunAsync(request with { Config = config with { Training = config.Training with { MixupAlpha = 0 } } });

        Assert.Equal(TrialState.Completed, a.Status);
        Assert.True(a.Val!.Accuracy >= 0.5, $"val accuracy {a.Val.Accuracy}: {string.Join("; ", a.Epochs)}");
        Assert.Equal(a.Epochs.Select(e => e.TrainLoss), b.Epochs.Select(e => e.TrainLoss));
        Assert.NotEqual(plain.Epochs.Select(e => e.TrainLoss), a.Epochs.Select(e => e.TrainLoss));
    }
}
