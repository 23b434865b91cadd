using SerSweep.Audio.Torch;
using SerSweep.Core;
using SerSweep.Training.Models;
using static SerSweep.Training.Onnx.OnnxGraph;
using static TorchSharp.torch;

namespace SerSweep.Training.Onnx;

/// <summary>
/// A bundle's network as an ONNX graph (opset <see cref="Opset"/>), layer by layer from the architecture the bundle's
/// <see cref="ModelConfig"/> describes (the one <see cref="ModelFactory"/> builds) and the weights of its TorchSharp
/// state: input <see cref="InputName"/> [batch, C, H, W], the raw features of <see cref="Predictor"/>; the bundle's
/// dataset normalisation (Sub, Div); Cnn1d's reshape to [batch, C*H, W]; per conv block Conv (same padding),
/// BatchNormalization (running statistics, eps 1e-5), Relu, MaxPool/AveragePool by 2; Cnn2d's mean over frequency; the
/// global pooling over time (ReduceMean, + ReduceMax for avg_max); the head's Gemm (+ Relu + Gemm), dropout being the
/// identity at inference; outputs <see cref="LogitsName"/> and <see cref="ProbabilitiesName"/> (Softmax), [batch, classes].
/// Every tensor of the state must be mapped: one that is not (a layer this export does not know) is an
/// <see cref="OnnxExportException"/> naming it, never a silently different graph.
/// </summary>
public static class OnnxModel
{
    public const int Opset = 17;
    public const string InputName = "features";
    public const string LogitsName = "logits";
    public const string ProbabilitiesName = "probabilities";

    private const float BatchNormEpsilon = 1e-5f;

    public static byte[] Export(ModelBundle bundle)
    {
        var config = bundle.Config.Model;
        if (config.Architecture is not (Architecture.Cnn1d or Architecture.Cnn2d))
            throw new OnnxExportException($"model.architecture {config.Architecture} has no ONNX mapping");
        var state = ReadState(bundle);
        var (c, h, w) = (bundle.ItemShape[0], bundle.ItemShape[1], bundle.ItemShape[2]);
        var graph = new OnnxGraph("sersweep");
        graph.Input(InputName, null, c, h, w);

        var x = InputName;
        if (bundle.Normalization is { } stats)
        {
            var mean = graph.Initializer("normalization.mean", stats.Mean, 1, stats.Channels, stats.Rows, 1);
            var std = graph.Initializer("normalization.std", stats.Std, 1, stats.Channels, stats.Rows, 1);
            x = graph.Node("Div", [graph.Node("Sub", [x, mean]), std]);
        }
        var dimensions = config.Architecture == Architecture.Cnn2d ? 2 : 1;
        if (dimensions == 1) x = graph.Node("Reshape", [x, graph.Int64Initializer("cnn1d.shape", 0, c * h, w)]);

        for (var i = 0; i < config.Channels.Count; i++)
        {
            var block = $"blocks.{i}";
            var pad = config.KernelSize / 2;
            x = graph.Node("Conv", [x, state.Take(graph, $"{block}.conv.weight"), state.Take(graph, $"{block}.conv.bias")],
                [Ints("kernel_shape", Repeat(config.KernelSize, dimensions)), Ints("pads", Repeat(pad, 2 * dimensions)), Ints("strides", Repeat(1, dimensions))]);
            if (config.BatchNorm)
            {
                x = graph.Node("BatchNormalization",
                    [x, state.Take(graph, $"{block}.norm.weight"), state.Take(graph, $"{block}.norm.bias"),
                        state.Take(graph, $"{block}.norm.running_mean"), state.Take(graph, $"{block}.norm.running_var")],
                    [Float("epsilon", BatchNormEpsilon)]);
                state.Skip($"{block}.norm.num_batches_tracked");
            }
            x = graph.Node("Relu", [x]);
            if (i < config.Channels.Count - 1)
                x = graph.Node(config.Pool == PoolKind.Max ? "MaxPool" : "AveragePool", [x],
                    [Ints("kernel_shape", Repeat(2, dimensions)), Ints("strides", Repeat(2, dimensions))]);
        }

        // [batch, C, F, T] -> [batch, C, T] (Cnn2d), then over time -> [batch, C]: Pooling.OverTime.
        if (dimensions == 2) x = graph.Node("ReduceMean", [x], [Ints("axes", 2), Int("keepdims", 0)]);
        var pooled = graph.Node("ReduceMean", [x], [Ints("axes", 2), Int("keepdims", 0)]);
        if (config.GlobalPool == GlobalPool.AvgMax)
            pooled = graph.Node("Add", [pooled, graph.Node("ReduceMax", [x], [Ints("axes", 2), Int("keepdims", 0)])]);

        // ClassifierHead's Sequential: [dropout, linear] or [dropout, linear, relu, dropout, linear].
        var logits = config.ClassifierWidth > 0
            ? Linear(graph, state, graph.Node("Relu", [Linear(graph, state, pooled, "head.layers.1")]), "head.layers.4", LogitsName)
            : Linear(graph, state, pooled, "head.layers.1", LogitsName);
        graph.Node("Softmax", [logits], [Int("axis", 1)], ProbabilitiesName);
        graph.Output(LogitsName, null, bundle.Classes.Length);
        graph.Output(ProbabilitiesName, null, bundle.Classes.Length);

        state.EnsureAllMapped();
        return graph.ToModel(Opset, bundle.CodeVersion,
            $"SerSweep {config.Architecture} over [{c}, {h}, {w}] features; classes {string.Join(", ", bundle.Classes.Select(e => e.Name()))}");
    }

    private static string Linear(OnnxGraph graph, WeightState state, string x, string layer, string? output = null) =>
        graph.Node("Gemm", [x, state.Take(graph, $"{layer}.weight"), state.Take(graph, $"{layer}.bias")], [Int("transB", 1)], output);

    private static long[] Repeat(long value, int count) => Enumerable.Repeat(value, count).ToArray();

    private static WeightState ReadState(ModelBundle bundle)
    {
        using var generator = new Generator(0);
        using var model = ModelFactory.Create(bundle.Config.Model, bundle.ItemShape, bundle.Classes.Length, generator);
        Trainer.LoadWeights(model, bundle.Weights);
        var tensors = new Dictionary<string, (float[]? Values, long[] Shape)>();
        foreach (var (name, tensor) in model.state_dict())
            tensors[name] = (tensor.dtype == ScalarType.Float32 ? TensorData.ToArray<float>(tensor) : null, tensor.shape);
        return new WeightState(tensors);
    }

    /// <summary>The model's state by name; remembers what was mapped so that nothing is left out unnoticed.</summary>
    private sealed class WeightState(Dictionary<string, (float[]? Values, long[] Shape)> tensors)
    {
        private readonly HashSet<string> mapped = [];

        public string Take(OnnxGraph graph, string name)
        {
            if (!tensors.TryGetValue(name, out var tensor) || tensor.Values is null)
                throw new OnnxExportException($"the model has no float tensor {name} where the ONNX mapping expects one (its state: {string.Join(", ", tensors.Keys)})");
            mapped.Add(name);
            return graph.Initializer(name, tensor.Values, tensor.Shape);
        }

        /// <summary>A tensor inference does not use (batch norm's training counter).</summary>
        public void Skip(string name) => mapped.Add(name);

        public void EnsureAllMapped()
        {
            var left = tensors.Keys.Where(k => !mapped.Contains(k)).ToArray();
            if (left.Length > 0)
                throw new OnnxExportException($"the model has layers the ONNX export does not map (tensors {string.Join(", ", left)}); it cannot be exported");
        }
    }
}
