using SerSweep.Search;
using SerSweep.Search.MultiObjective;
using SerSweep.Search.Parsing;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Data;

/// <summary>
/// A multi-objective sweep's finished trials in objective space and its Pareto front: the objectives from its stored YAML,
/// the values from the trials' results (Storage), the front from Search's <see cref="ParetoFront"/>. The dashboard plots it,
/// the CLI prints it and <c>export</c> asks which of its members to write.
/// </summary>
public sealed record SweepFront(IReadOnlyList<Objective> Objectives, IReadOnlyList<SweepFront.Point> Points)
{
    /// <summary>
    /// A trial with each objective's value by metric name, in the order of the objectives. <see cref="HasModel"/>: a member of the
    /// front whose model can be downloaded (a cross-validated trial has one only when it was refit); not looked up off the front.
    /// </summary>
    public sealed record Point(long TrialId, int Index, IReadOnlyDictionary<string, double> Values, bool OnFront, bool HasModel = false);

    /// <summary>The front, by trial index (not serialised: <see cref="Point.OnFront"/> says it).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<Point> Members => [.. Points.Where(p => p.OnFront)];

    /// <summary>The sweep's points and front; null for a single-objective sweep (its best is one trial).</summary>
    public static async Task<SweepFront?> OfAsync(SweepQueries queries, Sweep sweep, CancellationToken cancel = default)
    {
        if (SweepFile.Parse(sweep.YamlText, sweep.SourcePath ?? "sweep.yaml").Definition is not { Search.Objectives.Count: > 0 } definition) return null;
        var objectives = definition.Search.Objectives;
        var found = await queries.ObjectivePointsAsync(sweep.Id, definition.StoredObjectiveMetrics, cancel);
        var front = ParetoFront.Of([.. found.Select(p => p.Values)], [.. objectives.Select(o => o.Direction)]).ToHashSet();
        var points = new List<Point>(found.Count);
        for (var i = 0; i < found.Count; i++)
        {
            var p = found[i];
            var hasModel = front.Contains(i) && (await queries.TrialWithBundleAsync(sweep.Id, p.TrialId, cancel))?.Bundle is not null;
            points.Add(new Point(p.TrialId, p.Index, objectives.Select((o, k) => (o.Metric, Value: p.Values[k])).ToDictionary(v => v.Metric, v => v.Value), front.Contains(i), hasModel));
        }
        return new SweepFront(objectives, points);
    }
}
