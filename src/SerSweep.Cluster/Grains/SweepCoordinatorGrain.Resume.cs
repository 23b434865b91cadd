using SerSweep.Search.Resuming;
using SerSweep.Search.Strategies;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Grains;

/// <summary>Going on with raised limits: a live sweep changes its budget in place, a finished one is loaded afresh.</summary>
public sealed partial class SweepCoordinatorGrain
{
    public async Task<string?> Extend(int? maxTrials, TimeSpan? timeLimit)
    {
        var limits = new RaisedLimits(maxTrials, timeLimit);
        var over = IsOver(_sweep.Status);
        var now = DateTime.UtcNow;
        var standing = new SweepStanding(over, StartedTrials, SweepClock.TimeUsed(_sweep, now), _sweep.Status == SweepStatus.Stopped);
        if (SweepResume.Refusal(_definition, standing, limits) is { } refusal) return refusal;
        if (!over && limits.IsEmpty) return null;

        var budget = SearchStrategies.Create(SweepResume.WithLimits(_definition, limits)).Budget;
        _sweep = await writer.ResumeSweepAsync(SweepId, budget, SweepClock.Resume(_sweep, over, timeLimit, now), reopen: over);
        if (over)
        {
            // The next call (Start) activates this sweep afresh from the database: its waiting trials, folds and new limits.
            DeactivateOnIdle();
            return null;
        }
        _definition = SweepDefinitions.FromStored(_sweep);
        _strategy = SearchStrategies.Restore(_definition, _strategy.SaveState());
        _exhausted = false;
        return null;
    }
}
