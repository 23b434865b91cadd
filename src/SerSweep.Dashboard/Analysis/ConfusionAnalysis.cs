using SerSweep.Dashboard.Views;

namespace SerSweep.Dashboard.Analysis;

/// <summary>A pair of classes the model mixes up: how many samples of <see cref="Actual"/> it called <see cref="Predicted"/>.</summary>
public sealed record ConfusedPair(string Actual, string Predicted, int Count, double RateOfActual);

/// <summary>Precision, recall and F1 of one class, and its support (samples whose true class it is).</summary>
public sealed record ClassScores(string Label, double Precision, double Recall, double F1, int Support);

/// <summary>Reads a confusion matrix: row-normalised rates, the most confused pairs, per-class scores, differences.</summary>
public static class ConfusionAnalysis
{
    /// <summary>Each row divided by its total (the recall view); an empty row stays all zero.</summary>
    public static double[][] RowNormalised(ConfusionMatrixView matrix) =>
        matrix.Counts.Select(row =>
        {
            var total = row.Sum();
            return row.Select(count => total == 0 ? 0.0 : (double)count / total).ToArray();
        }).ToArray();

    /// <summary>Off-diagonal cells with a count, largest first (ties: higher rate of the true class first).</summary>
    public static IReadOnlyList<ConfusedPair> MostConfused(ConfusionMatrixView matrix, int take = 5)
    {
        var rates = RowNormalised(matrix);
        var pairs = new List<ConfusedPair>();
        for (var actual = 0; actual < matrix.Size; actual++)
            for (var predicted = 0; predicted < matrix.Size; predicted++)
                if (actual != predicted && matrix.Counts[actual][predicted] > 0)
                    pairs.Add(new ConfusedPair(matrix.Labels[actual], matrix.Labels[predicted],
                        matrix.Counts[actual][predicted], rates[actual][predicted]));
        return pairs.OrderByDescending(p => p.Count).ThenByDescending(p => p.RateOfActual)
            .ThenBy(p => p.Actual, StringComparer.Ordinal).Take(take).ToList();
    }

    public static IReadOnlyList<ClassScores> PerClass(ConfusionMatrixView matrix)
    {
        var scores = new List<ClassScores>(matrix.Size);
        for (var c = 0; c < matrix.Size; c++)
        {
            var truePositives = matrix.Counts[c][c];
            var support = matrix.Counts[c].Sum();
            var predictedAsC = matrix.Counts.Sum(row => row[c]);
            var precision = predictedAsC == 0 ? 0 : (double)truePositives / predictedAsC;
            var recall = support == 0 ? 0 : (double)truePositives / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            scores.Add(new ClassScores(matrix.Labels[c], precision, recall, f1, support));
        }
        return scores;
    }

    /// <summary>
    /// Row-normalised <paramref name="right"/> minus row-normalised <paramref name="left"/>: rates, not counts, so
    /// trials evaluated on different splits compare fairly. Positive on the diagonal = right recalls that class better.
    /// </summary>
    public static double[][] RateDifference(ConfusionMatrixView left, ConfusionMatrixView right)
    {
        if (!left.Labels.SequenceEqual(right.Labels))
            throw new ArgumentException(
                $"the matrices have different classes: [{string.Join(", ", left.Labels)}] vs [{string.Join(", ", right.Labels)}]");
        var l = RowNormalised(left);
        var r = RowNormalised(right);
        return l.Select((row, i) => row.Select((value, j) => r[i][j] - value).ToArray()).ToArray();
    }
}
