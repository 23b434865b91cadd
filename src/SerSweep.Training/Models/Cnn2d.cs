using SerSweep.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SerSweep.Training.Models;

/// <summary>
/// 2D CNN over a log-mel/MFCC "image" [N, C, H, W]: conv blocks (pooling after every block but the last),
/// global pooling (<see cref="GlobalPool"/>), then the classifier head. With the <see cref="ModelConfig"/> defaults this is the
/// peers' reference CNN (32/64/128/256, Dropout 0.3, Linear(256, 8): 390,856 parameters).
/// </summary>
public sealed class Cnn2d : Module<Tensor, Tensor>
{
    private readonly Sequential blocks;
    private readonly ClassifierHead head;
    private readonly GlobalPool globalPool;

    public Cnn2d(string name, ModelConfig config, int inChannels, int numClasses, Generator generator) : base(name)
    {
        (blocks, var channels) = ConvBlock.Stack(2, config, inChannels);
        head = new ClassifierHead("head", channels, config.ClassifierWidth, config.Dropout, numClasses, generator);
        globalPool = config.GlobalPool;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var features = BlocksForward(input);
        // Mean over H first: with Avg the mean over W follows, the same result as AdaptiveAvgPool2d(1) + flatten.
        using var frames = features.mean([2L]);
        using var pooled = Pooling.OverTime(frames, globalPool);
        return head.forward(pooled);
    }

    /// <summary>
    /// The conv blocks on a channels-last copy of the input, except for a single item (a one-file predict): there
    /// libtorch's channels-last conv of the one-channel map takes 0.9 ms against 0.2 ms for NCHW plus 0.2 ms for
    /// <see cref="ConvBlock"/> to lay its output channels-last; at batch 32 channels-last is the faster, 6 ms against 29.
    /// </summary>
    private Tensor BlocksForward(Tensor input)
    {
        if (input.size(0) == 1) return blocks.forward(input);
        using var nhwc = ChannelsLast(input);
        return blocks.forward(nhwc);
    }

    /// <summary>
    /// A copy of <paramref name="input"/> [N, C, H, W] laid out channels-last (NHWC strides, same shape and values).
    /// libtorch keeps that layout through conv, batch norm, ReLU and pooling, and its channels-last max pool is
    /// vectorised over channels: ~14x faster than the NCHW kernel, which took a quarter of a training step
    /// (bench/report/notes/training.md). TorchSharp 0.107 has no memory_format argument, hence the explicit strides;
    /// they also mark a one-channel input as channels-last, where permute + contiguous would not.
    /// </summary>
    public static Tensor ChannelsLast(Tensor input)
    {
        var (n, c, h, w) = (input.size(0), input.size(1), input.size(2), input.size(3));
        var nhwc = empty_strided([n, c, h, w], [h * w * c, 1, w * c, c], dtype: input.dtype, device: input.device);
        return nhwc.copy_(input);
    }
}
