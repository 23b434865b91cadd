using SerSweep.Training.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SerSweep.Training.Tests;

public class NormReluPoolTests
{
    /// <summary>
    /// A 1D block's batch norm, ReLU and max pool in training, as one C# function (BatchNorm.ForwardWithReluAndPool),
    /// against libtorch's batch_norm, relu and max_pool2d on the same values: the output, the gradients of input, weight
    /// and bias, and the running statistics. Odd frame counts (the last frame dropped by the pool) and exact ties between
    /// the two frames of a pool (every second frame a copy of the one before) are in the input; 32 channels take the
    /// vectorised path with any vector width up to 32.
    /// </summary>
    [Theory]
    [InlineData(true, 23)]
    [InlineData(true, 24)]
    [InlineData(false, 23)]
    public void Fused_norm_relu_pool_equals_libtorchs_ops(bool pool, int frames)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        const int batch = 3, channels = 32;
        var values = randn([batch, channels, 1, frames], generator: generator);
        values.narrow(3, 1, 1).copy_(values.narrow(3, 0, 1)); // a tie, before and after normalisation
        var input = Cnn2d.ChannelsLast(values).requires_grad_(true);
        var reference = values.detach().clone().requires_grad_(true);
        using var norm = new BatchNorm("norm", channels);
        using (no_grad())
            foreach (var p in norm.parameters()) p.copy_(rand(p.shape, generator: generator).add(0.5));
        var parameters = norm.named_parameters().ToDictionary(x => x.name, x => (Tensor)x.parameter);
        var weight = parameters["weight"].detach().clone().requires_grad_(true);
        var bias = parameters["bias"].detach().clone().requires_grad_(true);
        var buffers = norm.named_buffers().ToDictionary(x => x.name, x => x.buffer);
        var (runningMean, runningVar) = (buffers["running_mean"].clone(), buffers["running_var"].clone());
        norm.train();

        Assert.True(NormReluPool.Takes(input));
        var output = norm.ForwardWithReluAndPool(input, pool) ?? throw new Xunit.Sdk.XunitException("the fused path refused the input");
        var expected = functional.batch_norm(reference, runningMean, runningVar, weight, bias, training: true, momentum: 0.1, eps: 1e-5).relu();
        if (pool) expected = functional.max_pool2d(expected, [1, 2]);

        Assert.Equal(expected.shape, output.shape);
        Close("output", expected, output);
        using var gradOutput = randn(output.shape, generator: generator);
        output.backward([gradOutput]);
        expected.backward([gradOutput]);
        Close("input gradient", reference.grad!, input.grad!);
        Close("weight gradient", weight.grad!, parameters["weight"].grad!);
        Close("bias gradient", bias.grad!, parameters["bias"].grad!);
        Close("running mean", runningMean, buffers["running_mean"]);
        Close("running variance", runningVar, buffers["running_var"]);
        Assert.Equal(1L, buffers["num_batches_tracked"].item<long>());
    }

    [Fact]
    public void The_fused_path_leaves_eval_and_other_layouts_to_libtorch()
    {
        using var scope = NewDisposeScope();
        using var norm = new BatchNorm("norm", 32);
        var channelsLast = Cnn2d.ChannelsLast(randn(2, 32, 1, 10));
        Assert.NotNull(norm.ForwardWithReluAndPool(channelsLast, maxPool: true));
        Assert.Null(norm.ForwardWithReluAndPool(randn(2, 32, 1, 10), maxPool: true));            // NCHW
        Assert.Null(norm.ForwardWithReluAndPool(Cnn2d.ChannelsLast(randn(2, 12, 1, 10)), true)); // 12 channels: no whole vectors
        Assert.Null(norm.ForwardWithReluAndPool(Cnn2d.ChannelsLast(randn(2, 32, 1, 10).to(float64)), true));
        norm.eval();
        Assert.Null(norm.ForwardWithReluAndPool(channelsLast, maxPool: true));
    }

    private static void Close(string what, Tensor expected, Tensor actual)
    {
        var difference = actual.sub(expected).abs().max().item<float>();
        var scale = expected.abs().max().item<float>();
        Assert.True(scale > 0, $"{what}: the reference is all zeros");
        Assert.True(difference <= 1e-5f * Math.Max(1f, scale), $"{what}: {difference} apart (largest {scale})");
    }
}
