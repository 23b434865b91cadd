using SerSweep.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SerSweep.Training.Models;

/// <summary>
/// Conv (same padding) + optional <see cref="BatchNorm"/> + ReLU + optional pooling by 2 (null = none), in 1 dimension
/// (over time) or 2 (over frequency and time). In 2 dimensions the output is channels-last whatever the input's layout
/// (see <see cref="Cnn2d.ChannelsLast"/>). In 1 dimension the block takes and returns [N, C, 1, T] laid out channels-last
/// and convolves it with a <see cref="TimeConv"/> (a Conv1d run as a conv2d with a 1 x k kernel, its state that of a
/// Conv1d): the same function, and libtorch's channels-last conv2d, batch norm and pooling take about a third less CPU per
/// training step of the default 1D CNN than conv1d on [N, C, T], and give the right gradients where oneDNN's NCW conv1d
/// backward does not (docs/training.md, "Training throughput"). In training, its batch norm, ReLU and max pool run as
/// one C# function (<see cref="BatchNorm.ForwardWithReluAndPool"/>).
/// </summary>
public sealed class ConvBlock : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv;
    private readonly Module<Tensor, Tensor>? norm;
    private readonly Module<Tensor, Tensor>? pool;
    private readonly int dimensions;

    public ConvBlock(string name, int dimensions, int inChannels, int outChannels, int kernelSize, bool batchNorm, PoolKind? pool)
        : base(name)
    {
        if (dimensions is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "1 or 2");
        this.dimensions = dimensions;
        conv = dimensions == 2
            ? Conv2d(inChannels, outChannels, kernelSize, padding: kernelSize / 2)
            : new TimeConv("conv", inChannels, outChannels, kernelSize);
        // 1 dimension runs on [N, C, 1, T] too: its norm and pooling are 2D ones over a height of 1.
        norm = batchNorm ? new BatchNorm("norm", outChannels) : null;
        this.pool = (pool, dimensions) switch
        {
            (PoolKind.Max, 2) => MaxPool2d(2),
            (PoolKind.Avg, 2) => AvgPool2d(2),
            (PoolKind.Max, 1) => MaxPool2d((1, 2)),
            (PoolKind.Avg, 1) => AvgPool2d((1, 2)),
            _ => null,
        };
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = conv.forward(input);
        if (dimensions == 1 && norm is BatchNorm batchNorm && pool is null or TorchSharp.Modules.MaxPool2d
            && batchNorm.ForwardWithReluAndPool(x, maxPool: pool is not null) is { } fused)
        {
            x.Dispose();
            return fused;
        }
        if (dimensions == 2 && !IsChannelsLast(x))
        {
            using var nchw = x;
            x = Cnn2d.ChannelsLast(nchw);
        }
        if (norm is not null) x = norm.forward(x);
        x = x.relu_();
        return pool is null ? x : pool.forward(x);
    }

    private static bool IsChannelsLast(Tensor x) => x.size(1) == 1 || x.stride(1) == 1;

    /// <summary>The conv blocks of <paramref name="config"/> (pooling after every block but the last) and their output channels.</summary>
    public static (Sequential Blocks, int OutChannels) Stack(int dimensions, ModelConfig config, int inChannels)
    {
        var blocks = Sequential();
        var channels = inChannels;
        for (var i = 0; i < config.Channels.Count; i++)
        {
            var last = i == config.Channels.Count - 1;
            blocks.append(new ConvBlock($"block{i}", dimensions, channels, config.Channels[i], config.KernelSize, config.BatchNorm, last ? null : config.Pool));
            channels = config.Channels[i];
        }
        return (blocks, channels);
    }
}
