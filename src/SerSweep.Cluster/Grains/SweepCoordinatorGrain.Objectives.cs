namespace SerSweep.Cluster.Grains;

/// <summary>Several objectives: what the coordinator tells the strategy of a multi-objective sweep.</summary>
public sealed partial class SweepCoordinatorGrain
{
    /// <summary>
    /// Every objective's value of a finished trial, in the order of <c>search.objectives</c>, read by metric name; null for
    /// a single-objective sweep, and when some objective has no finite value (the strategy cannot rank the trial then).
    /// </summary>
    private IReadOnlyList<double>? ObjectiveValues(Func<string, double?> valueOf)
    {
        if (_definition.Search.Objectives.Count == 0) return null;
        var values = _definition.Search.Objectives.Select(o => valueOf(o.Metric)).ToArray();
        return values.All(v => v is { } x && double.IsFinite(x)) ? [.. values.Select(v => v!.Value)] : null;
    }
}
