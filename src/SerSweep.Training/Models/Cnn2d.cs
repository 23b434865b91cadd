using SerSweep.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SerSweep.Training.Models;

/// <summary>
/// 2D CNN over a log-mel/MFCC "image" [N, C, H, W]: conv blocks (pooling after every block but the last),
/// global average pooling, then the classifier head. With the <see cref="ModelConfig"/> defaults this is the
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
        using var features = blocks.forward(input);
        // Mean over H first: with Avg the mean over W follows, the same result as AdaptiveAvgPool2d(1) + flatten.
        using var frames = features.mean([2L]);
        using var pooled = Pooling.OverTime(frames, globalPool);
        return head.forward(pooled);
    }
}
