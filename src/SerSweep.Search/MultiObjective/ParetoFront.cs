namespace SerSweep.Search.MultiObjective;

/// <summary>
/// Pareto dominance over points of objective values (one value per objective, each maximised or minimised): a
/// dominates b when a is no worse than b in every objective and better in at least one. Equal points do not
/// dominate each other, so duplicates on the front are all on it.
/// </summary>
public static class ParetoFront
{
    /// <summary>The indices (ascending) of the points no other point dominates.</summary>
    public static int[] Of(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<Direction> directions)
    {
        var costs = ToMinimization(points, directions);
        // In lexicographic order a point's dominators all come before it, and whoever dominates it, some point of the
        // front does too (dominance is transitive): so each point is checked against the front found so far only.
        var order = Enumerable.Range(0, costs.Length).OrderBy(i => costs[i], Lexicographic.Instance).ToArray();
        var front = new List<int>();
        foreach (var i in order)
            if (!front.Exists(f => Dominates(costs[f], costs[i]))) front.Add(i);
        front.Sort();
        return [.. front];
    }

    /// <summary>
    /// Non-dominated sorting (NSGA-II's): the front, then the front of what remains, and so on; every index once,
    /// each rank ascending.
    /// </summary>
    public static List<int[]> Ranks(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<Direction> directions)
    {
        var ranks = new List<int[]>();
        var remaining = Enumerable.Range(0, points.Count).ToList();
        while (remaining.Count > 0)
        {
            var front = Of([.. remaining.Select(i => points[i])], directions).Select(j => remaining[j]).ToArray();
            ranks.Add(front);
            remaining = [.. remaining.Except(front)];
        }
        return ranks;
    }

    /// <summary>
    /// Per point, the sum over objectives of the gap between its neighbours in that objective, relative to the
    /// objective's range (Optuna's definition): the extremes get infinity, an objective where all agree adds nothing.
    /// </summary>
    public static double[] CrowdingDistance(IReadOnlyList<double[]> points)
    {
        var distance = new double[points.Count];
        if (points.Count == 0) return distance;
        for (var k = 0; k < points[0].Length; k++)
        {
            var order = Enumerable.Range(0, points.Count).OrderBy(i => points[i][k]).ThenBy(i => i).ToArray();
            var (low, high) = (points[order[0]][k], points[order[^1]][k]);
            if (low == high) continue;
            double Value(int j) => j < 0 ? double.NegativeInfinity : j >= order.Length ? double.PositiveInfinity : points[order[j]][k];
            for (var j = 0; j < order.Length; j++)
            {
                var (below, above) = (Value(j - 1), Value(j + 1));
                distance[order[j]] += below == above ? 0 : (above - below) / (high - low);
            }
        }
        return distance;
    }

    /// <summary>True when <paramref name="a"/> dominates <paramref name="b"/>.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<Direction> directions) =>
        Dominates(Cost(a, directions), Cost(b, directions));

    /// <summary>Every value as a cost (maximised objectives negated), so that lower is better everywhere.</summary>
    internal static double[][] ToMinimization(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<Direction> directions) =>
        [.. points.Select(p => Cost(p, directions))];

    internal static double[] Cost(IReadOnlyList<double> point, IReadOnlyList<Direction> directions)
    {
        if (point.Count != directions.Count)
            throw new ArgumentException($"a point has {point.Count} values for {directions.Count} objectives", nameof(point));
        return [.. point.Select((v, k) => directions[k] == Direction.Minimize ? v : -v)];
    }

    /// <summary>Dominance of costs (lower is better in every objective).</summary>
    internal static bool Dominates(double[] a, double[] b)
    {
        var better = false;
        for (var k = 0; k < a.Length; k++)
        {
            if (a[k] > b[k]) return false;
            better |= a[k] < b[k];
        }
        return better;
    }

    private sealed class Lexicographic : IComparer<double[]>
    {
        public static Lexicographic Instance { get; } = new();

        public int Compare(double[]? a, double[]? b)
        {
            for (var k = 0; k < a!.Length; k++)
                if (a[k].CompareTo(b![k]) is var c and not 0) return c;
            return 0;
        }
    }
}
