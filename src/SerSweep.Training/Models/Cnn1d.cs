using SerSweep.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SerSweep.Training.Models;

/// <summary>
/// 1D CNN over feature frames: the input [N, 1, rows, frames] (rows = mel bins or MFCC coefficients) is read as
/// [N, rows, frames] (each row a channel, convolution over time), then conv blocks, global pooling over time
/// (<see cref="GlobalPool"/>) and the classifier head. Unlike the 2D CNN it keeps where in the spectrum a pattern
/// sits, which is why it is the default sweep's model (docs/quality-experiments.md). The blocks run on [N, rows, 1, frames]
/// laid out channels-last (see <see cref="ConvBlock"/>); their convolutions' state is a Conv1d's (see <see cref="TimeConv"/>).
/// </summary>
public sealed class Cnn1d : Module<Tensor, Tensor>
{
    private readonly Sequential blocks;
    private readonly ClassifierHead head;
    private readonly GlobalPool globalPool;

    public Cnn1d(string name, ModelConfig config, int inChannels, int coefficients, int numClasses, Generator generator) : base(name)
    {
        (blocks, var channels) = ConvBlock.Stack(1, config, inChannels * coefficients);
        head = new ClassifierHead("head", channels, config.ClassifierWidth, config.Dropout, numClasses, generator);
        globalPool = config.GlobalPool;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var rows = input.flatten(1, 2).unsqueeze(2);
        using var frames = Cnn2d.ChannelsLast(rows);
        using var blocksOut = blocks.forward(frames);
        using var features = blocksOut.flatten(2);
        using var pooled = Pooling.OverTime(features, globalPool);
        return head.forward(pooled);
    }

    // A TimeConv's weight in the state dict is a copy in Conv1d's layout; loads land in it, then move to the parameter.
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null) =>
        TimeConv.AsConv1dState(this, base.state_dict(destination, prefix), prefix);

    public override Module load(BinaryReader reader, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null)
    {
        base.load(reader, strict, skip, loadedParameters);
        TimeConv.TakeLoadedWeights(this);
        return this;
    }

    public override (IList<string> missing_keys, IList<string> unexpected_keyes) load_state_dict(Dictionary<string, Tensor> source, bool strict = true, IList<string>? skip = null)
    {
        var result = base.load_state_dict(source, strict, skip);
        TimeConv.TakeLoadedWeights(this);
        return result;
    }
}
