namespace SerSweep.Bench.Training;

/// <summary>median / min / max of the runs, the shape train.py reports.</summary>
public sealed record Summary(double Median, double Min, double Max, IReadOnlyList<double> Runs)
{
    public static Summary Of(IReadOnlyList<double> runs)
    {
        var sorted = runs.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Summary(median, sorted[0], sorted[^1], runs);
    }
}
