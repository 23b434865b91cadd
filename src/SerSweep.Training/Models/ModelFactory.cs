using SerSweep.Core;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace SerSweep.Training.Models;

/// <summary>Builds the module a <see cref="ModelConfig"/> describes for inputs of one item shape [C, H, W].</summary>
public static class ModelFactory
{
    public static Module<Tensor, Tensor> Create(ModelConfig config, IReadOnlyList<int> itemShape, int numClasses)
    {
        if (itemShape.Count != 3)
            throw new ArgumentException($"item shape must be [channels, height, width], got [{string.Join(", ", itemShape)}]", nameof(itemShape));
        if (config.Channels.Count == 0)
            throw new ArgumentException("model.channels must name at least one conv block", nameof(config));
        return config.Architecture switch
        {
            Architecture.Cnn2d => new Cnn2d("cnn2d", config, itemShape[0], numClasses),
            Architecture.Cnn1d => new Cnn1d("cnn1d", config, itemShape[0], itemShape[1], numClasses),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Architecture, "unknown architecture"),
        };
    }

    /// <summary>Trainable parameters (batch-norm running statistics are buffers, not parameters).</summary>
    public static long ParameterCount(Module module) => module.parameters().Sum(p => p.numel());
}
