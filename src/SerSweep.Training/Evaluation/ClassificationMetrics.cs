using SerSweep.Core;

namespace SerSweep.Training.Evaluation;

/// <summary>Computes a <see cref="ClassificationReport"/> from class indices. Pure C#, no TorchSharp.</summary>
public static class ClassificationMetrics
{
    /// <param name="classes">Label map: class index i is <c>classes[i]</c>.</param>
    /// <param name="truth">True class index per item.</param>
    /// <param name="predicted">Predicted class index per item.</param>
    /// <param name="actors">Actor number per item (for per-actor accuracy).</param>
    /// <param name="loss">Mean loss per item, carried into the report.</param>
    public static ClassificationReport Compute(
        IReadOnlyList<Emotion> classes, IReadOnlyList<int> truth, IReadOnlyList<int> predicted, IReadOnlyList<int> actors, double? loss = null)
    {
        if (truth.Count != predicted.Count || truth.Count != actors.Count)
            throw new ArgumentException($"truth ({truth.Count}), predicted ({predicted.Count}) and actors ({actors.Count}) must have the same length");
        var k = classes.Count;
        var confusion = new int[k][];
        for (var i = 0; i < k; i++) confusion[i] = new int[k];
        for (var n = 0; n < truth.Count; n++)
        {
            if ((uint)truth[n] >= k || (uint)predicted[n] >= k)
                throw new ArgumentOutOfRangeException(nameof(truth), $"item {n}: class index out of range 0..{k - 1}");
            confusion[truth[n]][predicted[n]]++;
        }

        var perClass = new List<ClassMetrics>(k);
        var present = new List<ClassMetrics>();
        for (var c = 0; c < k; c++)
        {
            var tp = confusion[c][c];
            var support = confusion[c].Sum();
            var predictedCount = confusion.Sum(row => row[c]);
            var precision = Ratio(tp, predictedCount);
            var recall = Ratio(tp, support);
            var f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            var metrics = new ClassMetrics(classes[c], precision, recall, f1, support);
            perClass.Add(metrics);
            if (support > 0 || predictedCount > 0) present.Add(metrics);
        }

        var total = truth.Count;
        var correct = Enumerable.Range(0, k).Sum(c => confusion[c][c]);
        return new ClassificationReport
        {
            Count = total,
            Loss = loss,
            Accuracy = Ratio(correct, total),
            MacroPrecision = Mean(present, m => m.Precision),
            MacroRecall = Mean(present, m => m.Recall),
            MacroF1 = Mean(present, m => m.F1),
            WeightedPrecision = Weighted(perClass, total, m => m.Precision),
            WeightedRecall = Weighted(perClass, total, m => m.Recall),
            WeightedF1 = Weighted(perClass, total, m => m.F1),
            Classes = classes.ToArray(),
            PerClass = perClass,
            ConfusionMatrix = confusion,
            PerActorAccuracy = Enumerable.Range(0, total)
                .GroupBy(n => actors[n])
                .OrderBy(g => g.Key)
                .ToDictionary(g => g.Key, g => Ratio(g.Count(n => truth[n] == predicted[n]), g.Count())),
        };
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private static double Mean(List<ClassMetrics> classes, Func<ClassMetrics, double> value) =>
        classes.Count == 0 ? 0 : classes.Average(value);

    private static double Weighted(List<ClassMetrics> classes, int total, Func<ClassMetrics, double> value) =>
        total == 0 ? 0 : classes.Sum(m => value(m) * m.Support) / total;
}
