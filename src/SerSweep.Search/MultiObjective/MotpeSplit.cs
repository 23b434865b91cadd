namespace SerSweep.Search.MultiObjective;

/// <summary>
/// How MOTPE (Ozaki et al. 2020, as Optuna 3.1's <c>MOTPESampler</c>) tells good trials from bad ones and weighs the
/// good ones. Both measure hypervolume against a reference point just beyond the worst of the points concerned (in each
/// objective, as a cost: 1.1 × the worst if positive, 0.9 × if negative, 1e-12 if zero), so every point counts.
/// </summary>
public static class MotpeSplit
{
    private const double Eps = 1e-12;

    /// <summary>
    /// The indices (ascending) of the <paramref name="count"/> good points: whole non-dominated ranks while they fit, then
    /// from the rank that does not fit, one at a time, the point that adds the most hypervolume to those of that rank
    /// already taken (greedy hypervolume subset selection, Optuna's <c>_solve_hssp</c>), the lower index on a tie.
    /// </summary>
    public static int[] Good(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<Direction> directions, int count)
    {
        if (count < 0 || count > points.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"{count} good points of {points.Count}");
        var good = new List<int>();
        foreach (var rank in ParetoFront.Ranks(points, directions))
        {
            if (good.Count + rank.Length <= count)
            {
                good.AddRange(rank);
                if (good.Count == count) break;
                continue;
            }
            good.AddRange(GreedySubset([.. rank.Select(i => ParetoFront.Cost(points[i], directions))], count - good.Count).Select(j => rank[j]));
            break;
        }
        good.Sort();
        return [.. good];
    }

    /// <summary>
    /// Each point's kernel weight: its hypervolume contribution (what the set loses without it), plus 1e-12, over the
    /// largest; a lone point weighs 1. A point another dominates contributes nothing, so it weighs almost nothing.
    /// </summary>
    public static double[] Weights(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<Direction> directions)
    {
        if (points.Count <= 1) return [.. points.Select(_ => 1.0)];
        var costs = ParetoFront.ToMinimization(points, directions);
        var reference = Reference(costs);
        var whole = Volume(costs, reference);
        var contributions = Enumerable.Range(0, costs.Length)
            .Select(i => whole - Volume([.. costs.Where((_, j) => j != i)], reference) + Eps).ToArray();
        var largest = contributions.Max();
        return [.. contributions.Select(c => Math.Clamp(c / largest, 0, 1))];
    }

    /// <summary>The positions of <paramref name="size"/> of <paramref name="costs"/> chosen greedily by added hypervolume.</summary>
    private static IEnumerable<int> GreedySubset(double[][] costs, int size)
    {
        var reference = Reference(costs);
        var chosen = new List<int>();
        var volume = 0.0;
        while (chosen.Count < size)
        {
            var (best, bestVolume) = (-1, double.NegativeInfinity);
            for (var j = 0; j < costs.Length; j++)
            {
                if (chosen.Contains(j)) continue;
                var with = Volume([.. chosen.Select(c => costs[c]), costs[j]], reference);
                if (with - volume > bestVolume - volume) (best, bestVolume) = (j, with);
            }
            chosen.Add(best);
            volume = bestVolume;
        }
        return chosen;
    }

    private static double[] Reference(double[][] costs) =>
        [.. Enumerable.Range(0, costs[0].Length).Select(k => costs.Max(c => c[k]) switch { 0 => Eps, var worst => Math.Max(1.1 * worst, 0.9 * worst) })];

    private static double Volume(double[][] costs, double[] reference) =>
        Hypervolume.Of(costs, reference, [.. reference.Select(_ => Direction.Minimize)]);
}
