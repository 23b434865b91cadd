using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>One finished trial's values of a multi-objective sweep's metrics, in the order asked for.</summary>
public sealed record ObjectivePoint(long TrialId, int Index, IReadOnlyList<double> Values);

public sealed partial class SweepQueries
{
    /// <summary>
    /// The trials of a sweep (not folds) that ran to their own end (completed or early-stopped) with a finite value of every
    /// one of <paramref name="metrics"/> in their result, by index: the candidates of the sweep's Pareto front. Storage
    /// knows no dominance: Search's <c>ParetoFront</c> picks the front from these.
    /// </summary>
    public async Task<IReadOnlyList<ObjectivePoint>> ObjectivePointsAsync(long sweepId, IReadOnlyList<string> metrics, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        var finished = await db.Trials.AsNoTracking().Include(t => t.Result)
            .Where(t => t.SweepId == sweepId && t.Role == TrialRole.Trial && t.Result != null
                && (t.Status == TrialState.Completed || t.Status == TrialState.EarlyStopped))
            .OrderBy(t => t.Index).ToListAsync(cancel);
        var points = new List<ObjectivePoint>(finished.Count);
        foreach (var trial in finished)
        {
            var values = metrics.Select(m => trial.Result!.Metrics[m]).ToArray();
            if (values.All(v => v is { } x && double.IsFinite(x))) points.Add(new ObjectivePoint(trial.Id, trial.Index, [.. values.Select(v => v!.Value)]));
        }
        return points;
    }
}
