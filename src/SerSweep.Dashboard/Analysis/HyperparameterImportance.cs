using SerSweep.Dashboard.Views;

namespace SerSweep.Dashboard.Analysis;

/// <summary>How much a hyperparameter matters: its share of the total importance (the shares sum to 1).</summary>
public sealed record ParameterImportance(string Parameter, double Importance);

/// <summary>
/// PED-ANOVA-like importance (Watanabe et al. 2023): a parameter matters when the values of the best trials
/// (the top quantile by the objective) are distributed differently from the values of all trials. The difference
/// is the Pearson divergence between the two densities: Gaussian kernel estimates on [0, 1] for numeric
/// parameters (log scale when they span two decades), smoothed frequencies for categorical ones.
/// Cheap and closed-form, so it can be recomputed on every live update.
/// </summary>
public static class HyperparameterImportance
{
    public const int MinTrials = 4;
    private const int GridPoints = 64;

    /// <param name="rows">Trials; only those with a value of <paramref name="objective"/> count.</param>
    /// <param name="topFraction">The quantile that counts as "best" (at least two trials).</param>
    public static IReadOnlyList<ParameterImportance> Compute(
        IReadOnlyList<TrialRow> rows, IReadOnlyList<string> parameters, string objective, bool lowerIsBetter,
        double topFraction = 0.1)
    {
        var scored = rows.Where(r => r.Metric(objective) is { } v && double.IsFinite(v)).ToList();
        if (scored.Count < MinTrials || parameters.Count == 0)
            return [];
        var ranked = lowerIsBetter
            ? scored.OrderBy(r => r.Metric(objective)).ToList()
            : scored.OrderByDescending(r => r.Metric(objective)).ToList();
        var topCount = Math.Clamp((int)Math.Ceiling(ranked.Count * topFraction), 2, ranked.Count - 1);
        var top = ranked.Take(topCount).ToList();

        var divergences = parameters.Select(p => Divergence(p, ranked, top)).ToArray();
        var total = divergences.Sum();
        return parameters
            .Select((p, i) => new ParameterImportance(p, total > 0 ? divergences[i] / total : 0))
            .OrderByDescending(x => x.Importance).ThenBy(x => x.Parameter, StringComparer.Ordinal)
            .ToList();
    }

    private static double Divergence(string parameter, List<TrialRow> all, List<TrialRow> top)
    {
        var values = all.Where(r => r.Parameters.ContainsKey(parameter)).Select(r => r.Parameters[parameter]).ToList();
        if (values.Count < MinTrials)
            return 0;
        var topValues = top.Where(r => r.Parameters.ContainsKey(parameter)).Select(r => r.Parameters[parameter]).ToList();
        if (topValues.Count == 0)
            return 0;
        var (pAll, pTop) = values.All(v => v.Number is not null)
            ? NumericDensities(values.Select(v => v.Number!.Value).ToArray(), topValues.Select(v => v.Number!.Value).ToArray())
            : CategoricalDensities(values.Select(v => v.Text).ToArray(), topValues.Select(v => v.Text).ToArray());
        // Pearson divergence D(top || all) = sum_x p_all(x) * (p_top(x) / p_all(x) - 1)^2.
        var divergence = 0.0;
        for (var i = 0; i < pAll.Length; i++)
            if (pAll[i] > 0)
                divergence += pAll[i] * Math.Pow(pTop[i] / pAll[i] - 1, 2);
        return divergence;
    }

    private static (double[] All, double[] Top) NumericDensities(double[] all, double[] top)
    {
        var logScale = all.All(v => v > 0) && all.Max() / all.Min() >= 100;
        Func<double, double> transform = logScale ? Math.Log10 : v => v;
        var min = all.Min(transform);
        var max = all.Max(transform);
        if (max - min <= 0)
            return ([1.0], [1.0]);
        double Unit(double v) => (transform(v) - min) / (max - min);
        return (Kde(all.Select(Unit).ToArray()), Kde(top.Select(Unit).ToArray()));
    }

    /// <summary>
    /// Gaussian kernel density on a fixed grid over [0, 1], Scott's bandwidth (floored), normalised to sum 1.
    /// Samples are first counted into the grid's bins, so the cost is grid² whatever the number of trials.
    /// </summary>
    private static double[] Kde(double[] samples)
    {
        var mean = samples.Average();
        var sd = Math.Sqrt(samples.Sum(x => (x - mean) * (x - mean)) / samples.Length);
        var bandwidth = Math.Max(1.06 * sd * Math.Pow(samples.Length, -0.2), 0.05);
        var counts = new double[GridPoints];
        foreach (var s in samples)
            counts[(int)Math.Round(Math.Clamp(s, 0, 1) * (GridPoints - 1))]++;
        var density = new double[GridPoints];
        for (var g = 0; g < GridPoints; g++)
            for (var b = 0; b < GridPoints; b++)
                if (counts[b] > 0)
                    density[g] += counts[b] * Math.Exp(-0.5 * Math.Pow((g - b) / (GridPoints - 1.0) / bandwidth, 2));
        var sum = density.Sum();
        return density.Select(d => d / sum).ToArray();
    }

    /// <summary>Category frequencies with add-one smoothing, over the categories seen in all trials.</summary>
    private static (double[] All, double[] Top) CategoricalDensities(string[] all, string[] top)
    {
        var categories = all.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        double[] Frequencies(string[] values) =>
            categories.Select(c => (values.Count(v => v == c) + 1.0) / (values.Length + categories.Length)).ToArray();
        return (Frequencies(all), Frequencies(top));
    }
}
