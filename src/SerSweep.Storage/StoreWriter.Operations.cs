using Microsoft.EntityFrameworkCore;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>What became of a final result handed to <see cref="StoreWriter.CommitResultAsync"/>.</summary>
public enum CommitOutcome
{
    Committed,
    /// <summary>The trial already has its result (a repeated commit of the same attempt, or a racing one).</summary>
    AlreadyCommitted,
    /// <summary>The result came from an attempt that is no longer current: ignored.</summary>
    Superseded,
}

/// <summary>The attempt a trial was just given: its number, and where it resumes.</summary>
public sealed record AttemptLease(long TrialId, int Attempt, int ResumeFromEpoch, string? CheckpointPath, DateTime ExpiresAt);

public sealed partial class StoreWriter
{
    /// <summary>Stores a new sweep; its version is one more than the last sweep of the same name.</summary>
    public Task<Sweep> CreateSweepAsync(Sweep sweep) => Enqueue(async db =>
    {
        var last = await db.Sweeps.Where(s => s.Name == sweep.Name).MaxAsync(s => (int?)s.Version) ?? 0;
        sweep.Version = last + 1;
        sweep.CreatedAt = DateTime.UtcNow;
        db.Sweeps.Add(sweep);
        await db.SaveChangesAsync();
        return sweep;
    });

    public Task SetSweepStatusAsync(long sweepId, SweepStatus status, string? error = null) => Enqueue(async db =>
    {
        var sweep = await db.Sweeps.SingleAsync(s => s.Id == sweepId);
        sweep.Status = status;
        if (status == SweepStatus.Running) sweep.StartedAt ??= DateTime.UtcNow;
        if (status is SweepStatus.Completed or SweepStatus.Stopped or SweepStatus.Failed) sweep.FinishedAt = DateTime.UtcNow;
        if (error is not null) sweep.Error = error;
        return await db.SaveChangesAsync();
    });

    /// <summary>
    /// Adds the trial the strategy suggested, with the strategy's state after the suggestion in the same transaction
    /// (a restarted coordinator never suggests it again nor loses it). Idempotent on (sweep, index).
    /// </summary>
    public Task<Trial> AddTrialAsync(long sweepId, int index, string parametersJson, int seed, string? strategyState = null) => Enqueue(async db =>
    {
        var existing = await db.Trials.AsNoTracking().SingleOrDefaultAsync(t => t.SweepId == sweepId && t.Index == index);
        if (existing is not null) return existing;
        await SaveStrategyStateAsync(db, sweepId, strategyState);
        var trial = new Trial
        {
            SweepId = sweepId, Index = index, ParametersJson = parametersJson, Seed = seed,
            Status = TrialStatus.Pending, CreatedAt = DateTime.UtcNow,
        };
        db.Trials.Add(trial);
        await db.SaveChangesAsync();
        return trial;
    });

    /// <summary>
    /// Starts the next attempt of a trial on a silo. A still-open older attempt is closed as preempted: from now
    /// on only the new attempt's reports count. Returns null when the trial already has a final state.
    /// </summary>
    public Task<AttemptLease?> StartAttemptAsync(long trialId, string silo, TimeSpan lease) => Enqueue(async db =>
    {
        var trial = await db.Trials.SingleAsync(t => t.Id == trialId);
        if (trial.Status.IsFinal()) return null;
        var now = DateTime.UtcNow;
        await CloseOpenAttemptAsync(db, trial, FailureClass.Preempted, "superseded by a new attempt", now);
        trial.Attempts++;
        trial.CurrentAttempt = trial.Attempts;
        trial.Status = TrialStatus.Running;
        trial.Silo = silo;
        trial.StartedAt ??= now;
        trial.LeaseExpiresAt = now + lease;
        db.TrialAttempts.Add(new TrialAttempt
        {
            TrialId = trialId, Number = trial.CurrentAttempt, Silo = silo, StartedAt = now,
            ResumedFromEpoch = trial.CheckpointEpoch,
        });
        await db.SaveChangesAsync();
        return (AttemptLease?)new AttemptLease(trialId, trial.CurrentAttempt, trial.CheckpointEpoch, trial.CheckpointPath, now + lease);
    });

    /// <summary>
    /// Records one epoch of the current attempt and renews its lease. An epoch the trial already has (a resumed
    /// attempt repeating it) is overwritten. The ASHA pruner's state after judging this epoch is stored with it.
    /// Returns false, and stores nothing, for a superseded attempt.
    /// </summary>
    public Task<bool> RecordEpochAsync(EpochMetric epoch, double? objectiveSoFar, string? checkpointPath, TimeSpan lease, string? prunerState = null) => Enqueue(async db =>
    {
        var trial = await db.Trials.SingleAsync(t => t.Id == epoch.TrialId);
        if (trial.CurrentAttempt != epoch.Attempt || trial.Status != TrialStatus.Running) return false;
        var stored = await db.EpochMetrics.SingleOrDefaultAsync(e => e.TrialId == epoch.TrialId && e.Epoch == epoch.Epoch);
        if (stored is not null) db.EpochMetrics.Remove(stored);
        epoch.Id = 0;
        epoch.RecordedAt = DateTime.UtcNow;
        db.EpochMetrics.Add(epoch);
        trial.LastEpoch = epoch.Epoch;
        if (checkpointPath is not null) (trial.CheckpointPath, trial.CheckpointEpoch) = (checkpointPath, epoch.Epoch);
        if (objectiveSoFar is not null) trial.ObjectiveValue = objectiveSoFar;
        trial.LeaseExpiresAt = epoch.RecordedAt + lease;
        if (prunerState is not null)
        {
            var sweepId = trial.SweepId;
            await db.Sweeps.Where(s => s.Id == sweepId).ExecuteUpdateAsync(u => u.SetProperty(s => s.PrunerState, prunerState));
        }
        await db.SaveChangesAsync();
        return true;
    });

    /// <summary>
    /// Commits the final result of a trial, idempotently: only the current attempt may commit, and only once.
    /// A repeated or late commit changes nothing and says why. The strategy's state after being told the result is
    /// stored with it.
    /// </summary>
    public Task<CommitOutcome> CommitResultAsync(TrialResult result, double? objective, string? stopReason, Artifact? bundle, string? strategyState = null) => Enqueue(async db =>
    {
        var trial = await db.Trials.SingleAsync(t => t.Id == result.TrialId);
        if (await db.TrialResults.AnyAsync(r => r.TrialId == result.TrialId)) return CommitOutcome.AlreadyCommitted;
        if (trial.CurrentAttempt != result.Attempt || trial.Status != TrialStatus.Running) return CommitOutcome.Superseded;
        var now = DateTime.UtcNow;
        result.Id = 0;
        result.CommittedAt = now;
        db.TrialResults.Add(result);
        trial.Status = result.Outcome;
        trial.ObjectiveValue = objective;
        trial.StopReason = stopReason;
        trial.FinishedAt = now;
        trial.LeaseExpiresAt = null;
        var attempt = await db.TrialAttempts.SingleAsync(a => a.TrialId == trial.Id && a.Number == result.Attempt);
        attempt.Outcome = result.Outcome;
        attempt.FinishedAt = now;
        if (bundle is not null)
        {
            bundle.Id = 0;
            bundle.TrialId = trial.Id;
            bundle.CreatedAt = now;
            db.Artifacts.Add(bundle);
        }
        await SaveStrategyStateAsync(db, trial.SweepId, strategyState);
        await db.SaveChangesAsync();
        return CommitOutcome.Committed;
    });

    /// <summary>
    /// Ends the current attempt without a result. With <paramref name="retry"/> the trial goes back to Pending
    /// (it keeps its checkpoint, so the next attempt resumes); without, it is Failed for good.
    /// Returns false for a superseded attempt or one that already ended.
    /// </summary>
    public Task<bool> FailAttemptAsync(long trialId, int attempt, FailureClass failure, string message, bool retry, string? strategyState = null) => Enqueue(async db =>
    {
        var trial = await db.Trials.SingleAsync(t => t.Id == trialId);
        if (trial.CurrentAttempt != attempt || trial.Status != TrialStatus.Running) return false;
        var now = DateTime.UtcNow;
        await CloseOpenAttemptAsync(db, trial, failure, message, now);
        trial.FailureClass = failure;
        trial.FailureMessage = message;
        trial.LeaseExpiresAt = null;
        trial.Status = retry ? TrialStatus.Pending : TrialStatus.Failed;
        if (!retry) trial.FinishedAt = now;
        await SaveStrategyStateAsync(db, trial.SweepId, strategyState);
        await db.SaveChangesAsync();
        return true;
    });

    /// <summary>Marks trials that will never run (a stopped sweep's pending and running ones) as cancelled.</summary>
    public Task<int> CancelUnfinishedTrialsAsync(long sweepId) => Enqueue(async db =>
    {
        var now = DateTime.UtcNow;
        await db.TrialAttempts
            .Where(a => a.Outcome == null && db.Trials.Any(t => t.Id == a.TrialId && t.SweepId == sweepId))
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Outcome, TrialStatus.Cancelled).SetProperty(x => x.FinishedAt, now));
        return await db.Trials
            .Where(t => t.SweepId == sweepId && (t.Status == TrialStatus.Pending || t.Status == TrialStatus.Running))
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, TrialStatus.Cancelled).SetProperty(x => x.FinishedAt, now).SetProperty(x => x.LeaseExpiresAt, (DateTime?)null));
    });

    /// <summary>Replaces the cluster snapshot with the coordinator's current view.</summary>
    public Task UpsertSilosAsync(IReadOnlyList<SiloSnapshot> silos) => Enqueue(async db =>
    {
        var stored = await db.SiloSnapshots.ToDictionaryAsync(s => s.Address);
        foreach (var silo in silos)
        {
            if (stored.Remove(silo.Address, out var existing)) db.Entry(existing).CurrentValues.SetValues(silo);
            else db.SiloSnapshots.Add(silo);
        }
        // Silos no longer in membership at all are kept as dead rather than forgotten.
        foreach (var gone in stored.Values) gone.Status = "Dead";
        return await db.SaveChangesAsync();
    });

    /// <summary>Records how the coordinator judged a saved version of a watched sweep file.</summary>
    public Task<SweepFileEvent> RecordSweepFileEventAsync(SweepFileEvent watched) => Enqueue(async db =>
    {
        watched.Id = 0;
        db.SweepFileEvents.Add(watched);
        await db.SaveChangesAsync();
        return watched;
    });

    /// <summary>One UPDATE in the write's savepoint, without loading the sweep (its YAML and state are the largest row).</summary>
    private static async Task SaveStrategyStateAsync(SerSweepDbContext db, long sweepId, string? strategyState)
    {
        if (strategyState is null) return;
        await db.Sweeps.Where(s => s.Id == sweepId).ExecuteUpdateAsync(u => u.SetProperty(s => s.StrategyState, strategyState));
    }

    private static async Task CloseOpenAttemptAsync(SerSweepDbContext db, Trial trial, FailureClass failure, string message, DateTime now)
    {
        if (trial.CurrentAttempt == 0) return;
        var open = await db.TrialAttempts.SingleOrDefaultAsync(a => a.TrialId == trial.Id && a.Number == trial.CurrentAttempt && a.Outcome == null);
        if (open is null) return;
        open.Outcome = TrialStatus.Failed;
        open.FailureClass = failure;
        open.FailureMessage = message;
        open.FinishedAt = now;
    }
}
