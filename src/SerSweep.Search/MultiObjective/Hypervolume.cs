namespace SerSweep.Search.MultiObjective;

/// <summary>
/// The hypervolume of a set of points: the measure of the region they dominate, bounded by a reference point that
/// every objective's value must beat to count (a point not better than the reference in every objective adds
/// nothing). Exact: two objectives by one sweep over the points sorted by the first; three or more by WFG (While,
/// Bradstreet and Barone 2012, as Optuna's <c>WFG</c>), which is exponential in the worst case, so for small sets.
/// </summary>
public static class Hypervolume
{
    public static double Of(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<double> reference, IReadOnlyList<Direction> directions)
    {
        if (reference.Count != directions.Count)
            throw new ArgumentException($"the reference point has {reference.Count} values for {directions.Count} objectives", nameof(reference));
        var bound = ParetoFront.Cost(reference, directions);
        var costs = ParetoFront.ToMinimization(points, directions).Where(c => c.Zip(bound).All(z => z.First < z.Second)).ToArray();
        return Compute(NonDominated(costs), bound);
    }

    private static double Compute(double[][] front, double[] bound)
    {
        if (front.Length == 0) return 0;
        if (bound.Length == 1) return bound[0] - front.Min(p => p[0]);
        if (bound.Length == 2) return Sweep2D(front, bound);
        // WFG: the points sorted by the first objective, each adding what it dominates beyond the points after it.
        var sorted = front.OrderBy(p => p[0]).ToArray();
        double volume = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var limited = NonDominated([.. sorted.Skip(i + 1).Select(q => q.Zip(sorted[i], Math.Max).ToArray())]);
            volume += Box(sorted[i], bound) - Compute(limited, bound);
        }
        return volume;
    }

    private static double Sweep2D(double[][] front, double[] bound)
    {
        double volume = 0, ceiling = bound[1];
        foreach (var p in front.OrderBy(p => p[0]).ThenBy(p => p[1]))
        {
            if (p[1] >= ceiling) continue;
            volume += (bound[0] - p[0]) * (ceiling - p[1]);
            ceiling = p[1];
        }
        return volume;
    }

    private static double Box(double[] point, double[] bound)
    {
        double volume = 1;
        for (var k = 0; k < point.Length; k++) volume *= bound[k] - point[k];
        return volume;
    }

    /// <summary>The non-dominated costs, one of each group of equal ones (a duplicate adds no volume).</summary>
    private static double[][] NonDominated(double[][] costs)
    {
        var kept = new List<double[]>();
        foreach (var c in costs)
        {
            if (kept.Exists(k => ParetoFront.Dominates(k, c) || k.AsSpan().SequenceEqual(c))) continue;
            kept.RemoveAll(k => ParetoFront.Dominates(c, k));
            kept.Add(c);
        }
        return [.. kept];
    }
}
