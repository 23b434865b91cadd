using SerSweep.Core;
using TorchSharp;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace SerSweep.Training.Models;

/// <summary>Builds the module a <see cref="ModelConfig"/> describes for inputs of one item shape [C, H, W].</summary>
public static class ModelFactory
{
    /// <summary>
    /// The module, its weights drawn from <paramref name="generator"/> with PyTorch's default distributions
    /// (conv and linear weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)), batch norm 1 and 0) and its dropout
    /// driven by the same generator: the run's seed fixes both, whatever else runs in the process.
    /// </summary>
    public static Module<Tensor, Tensor> Create(ModelConfig config, IReadOnlyList<int> itemShape, int numClasses, Generator generator)
    {
        LibTorchFlags.TurnOffNnpack();
        var model = Build(config, itemShape, numClasses, generator);
        Initialize(model, generator);
        return model;
    }

    private static Module<Tensor, Tensor> Build(ModelConfig config, IReadOnlyList<int> itemShape, int numClasses, Generator generator)
    {
        if (itemShape.Count != 3)
            throw new ArgumentException($"item shape must be [channels, height, width], got [{string.Join(", ", itemShape)}]", nameof(itemShape));
        if (config.Channels.Count == 0)
            throw new ArgumentException("model.channels must name at least one conv block", nameof(config));
        return config.Architecture switch
        {
            Architecture.Cnn2d => new Cnn2d("cnn2d", config, itemShape[0], numClasses, generator),
            Architecture.Cnn1d => new Cnn1d("cnn1d", config, itemShape[0], itemShape[1], numClasses, generator),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Architecture, "unknown architecture"),
        };
    }

    private static void Initialize(Module model, Generator generator)
    {
        using var noGrad = no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        // A TimeConv's weight is drawn in Conv1d's [out, in, k] order, so a seed gives the same model as with a Conv1d.
        var views = model.named_modules().Where(m => m.module is TimeConv)
            .Select(m => (Name: $"{m.name}.weight", View: ((TimeConv)m.module).Conv1dWeight())).ToList();
        foreach (var (name, view) in views) parameters[name] = view;
        foreach (var (name, weight) in parameters)
        {
            // Rank > 1 = conv or linear weight; rank-1 weights are batch norm's (left at 1).
            if (!name.EndsWith(".weight", StringComparison.Ordinal) || weight.dim() < 2) continue;
            var bound = 1 / Math.Sqrt(weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b));
            FillUniform(weight, bound, generator);
            if (parameters.TryGetValue(name[..^".weight".Length] + ".bias", out var bias))
                FillUniform(bias, bound, generator);
        }
        foreach (var (_, view) in views) view.Dispose();
    }

    // Not nn.init.uniform_: TorchSharp 0.107 ignores its generator argument and draws from the global one.
    private static void FillUniform(Tensor parameter, double bound, Generator generator)
    {
        using var width = (2 * bound).ToScalar();
        using var low = bound.ToScalar();
        using var unit = rand(parameter.shape, dtype: parameter.dtype, generator: generator);
        using var scaled = unit.mul(width).sub_(low);
        parameter.copy_(scaled);
    }

    /// <summary>Trainable parameters (batch-norm running statistics are buffers, not parameters).</summary>
    public static long ParameterCount(Module module) => module.parameters().Sum(p => p.numel());
}
