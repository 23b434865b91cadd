using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>One fold's result as a cross-validated trial reports it (held-out metrics: actors the fold never trained on).</summary>
public sealed record FoldScore(int Fold, string Status, double? Objective, double? Accuracy, double? MacroF1, double? Uar, double? Loss,
    IReadOnlyList<int> HeldOutActors);

/// <summary>
/// The metrics of a cross-validated trial over its folds: mean and sample standard deviation of each held-out metric,
/// the confusion matrix summed over folds, accuracy per held-out actor. The same record is stored with the trial's
/// result, carried into its refit bundle (<c>cross_validation.json</c>) and printed by the CLI.
/// </summary>
public sealed record CrossValidationSummary(
    string Objective, int Folds, IReadOnlyList<FoldScore> Scores,
    double? ObjectiveMean, double? ObjectiveSd, double? AccuracyMean, double? AccuracySd, double? UarMean, double? UarSd,
    double? MacroF1Mean, double? MacroF1Sd, ConfusionMatrix? Confusion, IReadOnlyDictionary<int, double> PerActorAccuracy)
{
    /// <summary>Summarises the stored fold rows (with their results) of one trial; folds without a result are listed but not averaged.</summary>
    public static CrossValidationSummary Of(string objective, int folds, IReadOnlyList<Trial> foldRows)
    {
        var scores = foldRows.Where(f => f.Role == TrialRole.Fold).OrderBy(f => f.Fold).Select(f => new FoldScore(
            f.Fold ?? 0, f.Status.ToString(), f.Result is null ? null : f.ObjectiveValue, f.Result?.TestAccuracy, f.Result?.TestMacroF1,
            f.Result?.TestUar, f.Result?.TestLoss,
            [.. (StoredJson.Read<Dictionary<int, double>>(f.Result?.PerActorJson) ?? []).Keys.Order()])).ToList();
        var withResult = foldRows.Where(f => f.Role == TrialRole.Fold && f.Result is not null).ToList();
        var perActor = new SortedDictionary<int, double>();
        foreach (var fold in withResult)
            foreach (var (actor, accuracy) in StoredJson.Read<Dictionary<int, double>>(fold.Result!.PerActorJson) ?? [])
                perActor[actor] = accuracy;
        var (objectiveMean, objectiveSd) = MeanSd(scores.Select(s => s.Objective));
        var (accuracyMean, accuracySd) = MeanSd(scores.Select(s => s.Accuracy));
        var (uarMean, uarSd) = MeanSd(scores.Select(s => s.Uar));
        var (f1Mean, f1Sd) = MeanSd(scores.Select(s => s.MacroF1));
        return new CrossValidationSummary(objective, folds, scores, objectiveMean, objectiveSd, accuracyMean, accuracySd, uarMean, uarSd,
            f1Mean, f1Sd, SumConfusion(withResult.Select(f => StoredJson.Read<ConfusionMatrix>(f.Result!.ConfusionJson))), perActor);
    }

    /// <summary>Mean and sample standard deviation (n - 1) of the finite values; sd is 0 for one value, both null for none.</summary>
    public static (double? Mean, double? Sd) MeanSd(IEnumerable<double?> values)
    {
        var finite = values.OfType<double>().Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return (null, null);
        var mean = finite.Average();
        var sd = finite.Length < 2 ? 0 : Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1));
        return (mean, sd);
    }

    private static ConfusionMatrix? SumConfusion(IEnumerable<ConfusionMatrix?> matrices)
    {
        ConfusionMatrix? sum = null;
        foreach (var matrix in matrices.OfType<ConfusionMatrix>())
        {
            if (sum is null)
            {
                sum = matrix;
                continue;
            }
            if (!sum.Labels.SequenceEqual(matrix.Labels)) throw new InvalidOperationException("folds with different class labels cannot be summed");
            sum = sum with { Counts = [.. sum.Counts.Select((row, i) => (IReadOnlyList<int>)[.. row.Select((c, j) => c + matrix.Counts[i][j])])] };
        }
        return sum;
    }

    /// <summary>The per-class precision, recall and F1 of the summed confusion matrix (rows = true class).</summary>
    public IReadOnlyList<ClassMetrics> PerClass() => Confusion is not { } confusion ? [] :
        [.. confusion.Labels.Select((label, c) =>
        {
            var truePositive = confusion.Counts[c][c];
            var support = confusion.Counts[c].Sum();
            var predicted = confusion.Counts.Sum(row => row[c]);
            var precision = predicted == 0 ? 0 : (double)truePositive / predicted;
            var recall = support == 0 ? 0 : (double)truePositive / support;
            return new ClassMetrics(label, precision, recall, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall), support);
        })];
}
