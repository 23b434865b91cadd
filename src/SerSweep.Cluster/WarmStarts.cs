using SerSweep.Core;
using SerSweep.Search;
using SerSweep.Search.Strategies;
using SerSweep.Search.WarmStarting;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster;

/// <summary>
/// <c>search.warm_start</c> at launch: finds the earlier sweep in the database, refuses an incompatible one naming its
/// fields, and gives the new sweep a strategy state that already holds the earlier finished trials as history.
/// </summary>
public static class WarmStarts
{
    /// <summary>What a warm start seeded: the strategy state to store with the new sweep, or the error; how many earlier trials were kept and dropped.</summary>
    public sealed record Seeded(string? StrategyState, SweepError? Error, long FromSweepId = 0, int Kept = 0, int Dropped = 0);

    public static async Task<Seeded> SeedAsync(SweepQueries queries, SweepDefinition sweep, string file)
    {
        var warm = sweep.Search.WarmStart!;
        SweepError Error(string message, string hint) => new(file, warm.Position, message, hint);
        var sweeps = await queries.ListSweepsAsync();
        var found = long.TryParse(warm.From, out var id) ? sweeps.FirstOrDefault(s => s.Id == id) : sweeps.FirstOrDefault(s => s.Name == warm.From);
        if (found is null)
            return new(null, Error($"search.warm_start.from: no sweep '{warm.From}' in the database", "give the id or the name of an earlier sweep of this database"));
        var earlier = (await queries.GetSweepAsync(found.Id))!;
        var earlierDefinition = SweepDefinitions.FromStored(earlier);
        var problems = WarmStart.Incompatibilities(earlierDefinition, sweep);
        if (problems.Count > 0)
            return new(null, Error($"search.warm_start: sweep {earlier.Id} ({earlier.Name} v{earlier.Version}) is not compatible: {string.Join("; ", problems)}",
                "warm start needs the same objectives and parameters, each of the same kind, and the earlier values among this sweep's (docs/sweep-yaml.md#warm-start)"));
        // Of a sweep of several objectives, every objective's value of each trial that ran to its end, as the earlier strategy
        // was told them (held out, when the earlier trials were cross-validated), in the order both sweeps share.
        var values = sweep.Search.Objectives.Count > 1
            ? (await queries.ObjectivePointsAsync(earlier.Id, earlierDefinition.StoredObjectiveMetrics)).ToDictionary(p => p.TrialId, p => p.Values)
            : [];
        var trials = (await queries.TrialsAsync(earlier.Id))
            .Where(t => t.Role == TrialRole.Trial && t.ObjectiveValue is not null)
            .Select(t => new PriorTrial(StoredJson.ReadParameterValues(t.ParametersJson), t.Status, t.ObjectiveValue!.Value, t.LastEpoch, values.GetValueOrDefault(t.Id)));
        var history = WarmStart.Select(sweep, trials);
        return new(SearchStrategies.WarmStarted(sweep, history.Kept).SaveState(), null, earlier.Id, history.Kept.Count, history.Dropped);
    }
}
