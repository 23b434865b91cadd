using SerSweep.Core;
using SerSweep.Training.Models;
using static TorchSharp.torch;

namespace SerSweep.Training;

/// <summary>
/// Inference from a <see cref="ModelBundle"/> alone: rebuilds the module from the bundled model config and
/// item shape, loads the weights, applies the bundled dataset normalisation, and predicts in eval mode.
/// </summary>
public sealed class Predictor : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> model;

    public ModelBundle Bundle { get; }

    public Predictor(ModelBundle bundle)
    {
        Bundle = bundle;
        model = ModelFactory.Create(bundle.Config.Model, bundle.ItemShape, bundle.Classes.Length);
        Trainer.LoadWeights(model, bundle.Weights);
        model.eval();
    }

    public static Predictor Load(string bundlePath) => new(ModelBundle.Load(bundlePath));

    /// <summary>Predicts items given as one row-major block [count, C, H, W] with the bundle's item shape.</summary>
    public Prediction[] Predict(float[] items)
    {
        var itemLength = Bundle.ItemShape.Aggregate(1, (a, b) => a * b);
        if (items.Length == 0 || items.Length % itemLength != 0)
            throw new ArgumentException($"expected a multiple of {itemLength} values (items of shape [{string.Join(", ", Bundle.ItemShape)}]), got {items.Length}");
        var count = items.Length / itemLength;
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var input = tensor(items, [count, .. Bundle.ItemShape.Select(d => (long)d)]);
        if (Bundle.Normalization is { } stats) input = stats.Apply(input);
        var probabilities = nn.functional.softmax(model.forward(input), 1).data<float>().ToArray();
        var classes = Bundle.Classes;
        return Enumerable.Range(0, count).Select(n =>
        {
            var row = probabilities.AsSpan(n * classes.Length, classes.Length);
            var best = 0;
            for (var c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
            var map = new Dictionary<Emotion, double>(classes.Length);
            for (var c = 0; c < row.Length; c++) map[classes[c]] = row[c];
            return new Prediction(classes[best], map);
        }).ToArray();
    }

    public void Dispose() => model.Dispose();
}
