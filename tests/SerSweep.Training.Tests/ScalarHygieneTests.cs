using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training.Data;
using SerSweep.Training.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

/// <summary>
/// Our tensor code on the training and prediction paths hands libtorch only Scalars it keeps alive and disposes
/// (see SerSweep.Audio.Torch.Scalars) and reads sizes by dimension, so it leaves nothing to the finalizer. TorchSharp
/// itself leaves managed-only PinnedArray helpers there (per <c>Tensor.shape</c>, custom autograd function, backward,
/// stft call): a whole training step may leave only those of the TorchSharp calls it cannot avoid.
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
    public void Evaluating_the_1d_cnn_leaves_nothing_to_the_finalizer()
    {
        using var generator = new Generator(1);
        using var model = ModelFactory.Create(new ModelConfig { Architecture = Architecture.Cnn1d }, [1, 64, 150], 8, generator);
        using var input = randn(16, 1, 64, 150);
        model.eval();
        AssertLeavesNothing("an evaluation forward of the 1D CNN", () =>
        {
            using var noGrad = no_grad();
            model.forward(input);
        });
    }

    /// <summary>
    /// Every block of the 1D CNN applies our fused norm, ReLU and pool, a TorchSharp custom autograd function whose
    /// apply leaves TorchSharp's helpers, and backward() leaves some too: a step may leave those, counted apart on the same
    /// calls outside the model, and nothing more (it left ~4x as many when the model read <c>Tensor.shape</c>).
    /// </summary>
    [Fact]
    public void A_training_step_of_the_1d_cnn_leaves_the_finalizer_only_what_torchsharps_autograd_calls_leave()
    {
        var config = new ModelConfig { Architecture = Architecture.Cnn1d };
        using var generator = new Generator(1);
        using var model = ModelFactory.Create(config, [1, 64, 150], 8, generator);
        using var optimizer = OptimizerFactory.Create(new TrainingConfig(), model.parameters());
        using var input = randn(16, 1, 64, 150);
        using var target = tensor(Enumerable.Range(0, 16).Select(i => (long)(i % 8)).ToArray());
        model.train();
        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(input), target, label_smoothing: 0.1);
            loss.backward();
            optimizer.step();
        }
        using var blockInput = Cnn2d.ChannelsLast(randn(16, 32, 1, 150));
        using var norm = new BatchNorm("norm", 32);
        using var weight = ones(4, requires_grad: true);
        void TorchSharpsShare()
        {
            using var scope = NewDisposeScope();
            foreach (var _ in config.Channels) Assert.NotNull(norm.ForwardWithReluAndPool(blockInput, maxPool: true));
            weight.sum().backward();
        }
        const int steps = 5;
        void Repeat(Action action) { for (var i = 0; i < steps; i++) action(); }
        Step(); // JIT and the optimizer's state outside the count
        TorchSharpsShare();

        var left = FinalizerCount.LeftBy(() => Repeat(Step));
        var allowed = FinalizerCount.LeftBy(() => Repeat(TorchSharpsShare));
        var baseline = FinalizerCount.Baseline();
        output.WriteLine($"objects left to the finalizer by {steps} training steps: {left}; by TorchSharp's calls alone: {allowed}; by nothing: {baseline}");
        // + 2: a stray object of another thread may land in one count (see FinalizerCount).
        Assert.True(left <= allowed + 2, $"{steps} training steps left {left} objects for the finalizer, TorchSharp's autograd calls alone {allowed}");
    }

    [Fact]
    public void Normalisation_leaves_nothing_to_the_finalizer()
    {
        using var data = randn(10, 1, 4, 6);
        var stats = NormalizationStats.Compute(data, [0, 1, 2, 3, 4]);
        AssertLeavesNothing("dataset normalisation", () => stats.Apply(data));
    }
}
