using SerSweep.Testing;
using SerSweep.Training.Models;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

// Alone: the finalizer count is process-wide.
[Collection(SerialCollection.Name)]
public class BatchNormTests(ITestOutputHelper output)
{
    private static nn.Module<Tensor, Tensor> TorchSharps(int dimensions, long features) =>
        dimensions == 2 ? nn.BatchNorm2d(features) : nn.BatchNorm1d(features);

    private static Tensor Input(int dimensions, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return dimensions == 2 ? randn([6, 4, 5, 7], generator: generator) : randn([6, 4, 9], generator: generator);
    }

    /// <summary>Ours takes the 1D CNN's [N, C, 1, T] where BatchNorm1d takes [N, C, T]: the same values in the same order.</summary>
    private static Tensor Ours(nn.Module<Tensor, Tensor> ours, Tensor input) =>
        ours.forward(input.dim() == 3 ? input.unsqueeze(2) : input);

    private static void AssertSameState(nn.Module expected, nn.Module actual)
    {
        var theirs = expected.state_dict();
        var ours = actual.state_dict();
        Assert.Equal(theirs.Keys, ours.Keys);
        foreach (var (name, value) in theirs)
        {
            Assert.Equal(value.dtype, ours[name].dtype);
            Assert.Equal(value.to(float64).data<double>().ToArray(), ours[name].to(float64).data<double>().ToArray());
        }
    }

    private static void AssertSameEvalOutput(nn.Module<Tensor, Tensor> expected, nn.Module<Tensor, Tensor> actual, int dimensions)
    {
        expected.eval();
        actual.eval();
        using var scope = NewDisposeScope();
        var test = Input(dimensions, seed: 10);
        Assert.Equal(expected.forward(test).data<float>().ToArray(), Ours(actual, test).data<float>().ToArray());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Training_and_eval_equal_TorchSharps_BatchNorm_exactly(int dimensions)
    {
        using var ours = new BatchNorm("norm", 4);
        using var theirs = TorchSharps(dimensions, 4);
        using (no_grad())
        {
            // Trained-looking affine parameters, the same in both.
            using var generator = new Generator(9);
            foreach (var (mine, other) in ours.parameters().Zip(theirs.parameters()))
            {
                using var values = rand(mine.shape, generator: generator);
                mine.copy_(values);
                other.copy_(values);
            }
        }
        foreach (var module in new[] { ours, theirs }) module.train();
        for (var step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            var input = Input(dimensions, seed: step);
            var mine = Ours(ours, input);
            var other = theirs.forward(input);
            Assert.Equal(other.data<float>().ToArray(), mine.data<float>().ToArray());
            mine.square().sum().backward();
            other.square().sum().backward();
            foreach (var (a, b) in ours.parameters().Zip(theirs.parameters()))
                Assert.Equal(b.grad!.data<float>().ToArray(), a.grad!.data<float>().ToArray());
        }
        AssertSameState(theirs, ours);
        Assert.Equal(3L, ours.state_dict()["num_batches_tracked"].item<long>());

        AssertSameEvalOutput(theirs, ours, dimensions);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Checkpoints_load_either_way_with_identical_outputs(int dimensions)
    {
        using var trained = TorchSharps(dimensions, 4);
        trained.train();
        for (var step = 0; step < 2; step++)
        {
            using var input = Input(dimensions, seed: step);
            using var _ = trained.forward(input);
        }
        using var ours = new BatchNorm("norm", 4);
        Trainer.LoadWeights(ours, Trainer.SaveWeights(trained));
        AssertSameState(trained, ours);
        using var back = TorchSharps(dimensions, 4);
        Trainer.LoadWeights(back, Trainer.SaveWeights(ours));
        AssertSameState(trained, back);

        AssertSameEvalOutput(trained, ours, dimensions);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void A_training_forward_leaves_no_scalars_to_the_finalizer(int dimensions)
    {
        using var ours = new BatchNorm("norm", 4);
        using var theirs = TorchSharps(dimensions, 4);
        using var input = Input(dimensions, seed: 1);
        void Forward(nn.Module<Tensor, Tensor> module)
        {
            using var scope = NewDisposeScope();
            if (module == ours) Ours(module, input);
            else module.forward(input);
        }
        Forward(ours);
        Forward(theirs);
        var left = FinalizerCount.LeftBy(() => Forward(ours));
        var leftByTorchSharp = FinalizerCount.LeftBy(() => Forward(theirs));
        var baseline = FinalizerCount.Baseline();
        output.WriteLine($"objects left to the finalizer by a training forward: ours {left}, TorchSharp's {leftByTorchSharp}, nothing {baseline}");
        Assert.True(leftByTorchSharp >= baseline + 2, $"TorchSharp's BatchNorm left only {leftByTorchSharp} objects, nothing {baseline}");
        Assert.True(left <= baseline, $"our BatchNorm left {left} objects for the finalizer, nothing {baseline}");
    }
}
