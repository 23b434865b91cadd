using SerSweep.Core;

namespace SerSweep.Training.Evaluation;

/// <summary>
/// How a classifier did on one set of items, the way SER papers report it. The confusion matrix is indexed
/// [true class, predicted class] in the order of <see cref="Classes"/>. UAR (unweighted average recall) is the
/// macro recall. Macro averages run over the classes present in the truth or the predictions (as sklearn's
/// default); weighted averages weight each class by its support.
/// </summary>
public sealed record ClassificationReport
{
    public required int Count { get; init; }
    /// <summary>Mean loss per item, when the caller had one.</summary>
    public double? Loss { get; init; }
    public required double Accuracy { get; init; }
    public required double MacroPrecision { get; init; }
    public required double MacroRecall { get; init; }
    public required double MacroF1 { get; init; }
    public required double WeightedPrecision { get; init; }
    public required double WeightedRecall { get; init; }
    public required double WeightedF1 { get; init; }
    public double Uar => MacroRecall;
    public required IReadOnlyList<Emotion> Classes { get; init; }
    public required IReadOnlyList<ClassMetrics> PerClass { get; init; }
    public required int[][] ConfusionMatrix { get; init; }
    /// <summary>Accuracy per actor number, in actor order.</summary>
    public required IReadOnlyDictionary<int, double> PerActorAccuracy { get; init; }
}
