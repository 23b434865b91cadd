using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
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
    /// Adds the trial the strategy suggested, with the strategy's record of it (<see cref="Trial.SearchJson"/>) in the same row
    /// (a restarted coordinator never suggests it again nor loses it). Idempotent on (sweep, index).
    /// </summary>
    public async Task<Trial> AddTrialAsync(long sweepId, int index, string parametersJson, int seed, string? searchRecord = null) =>
        (await AddTrialsAsync(sweepId, [new NewTrial(index, parametersJson, seed, searchRecord)]))[0];

    /// <summary>Adds several suggested trials in one write, in order; each as <see cref="AddTrialAsync"/>.</summary>
    public Task<IReadOnlyList<Trial>> AddTrialsAsync(long sweepId, IReadOnlyList<NewTrial> trials) => Enqueue(async db =>
    {
        var now = DateTime.UtcNow;
        var added = new List<Trial>(trials.Count);
        foreach (var trial in trials)
        {
            var id = _sql.Scalar("""
                INSERT INTO Trials (SweepId, "Index", ParametersJson, Seed, SearchJson, Status, Attempts, CurrentAttempt, LastEpoch, CheckpointEpoch, CreatedAt)
                VALUES (@sweep, @index, @parameters, @seed, @search, @pending, 0, 0, 0, 0, @now)
                ON CONFLICT (SweepId, "Index") WHERE ParentTrialId IS NULL DO NOTHING RETURNING Id
                """, ("@sweep", sweepId), ("@index", trial.Index), ("@parameters", trial.ParametersJson), ("@seed", trial.Seed),
                ("@search", trial.SearchRecord), ("@pending", TrialState.Pending), ("@now", now));
            added.Add(id is null
                ? await db.Trials.AsNoTracking().SingleAsync(t => t.SweepId == sweepId && t.Index == trial.Index && t.ParentTrialId == null)
                : new Trial
                {
                    Id = (long)id, SweepId = sweepId, Index = trial.Index, ParametersJson = trial.ParametersJson, Seed = trial.Seed,
                    SearchJson = trial.SearchRecord, Status = TrialState.Pending, CreatedAt = now,
                });
        }
        return (IReadOnlyList<Trial>)added;
    });

    /// <summary>
    /// Starts the next attempt of a trial on a silo. A still-open older attempt is closed as preempted: from now
    /// on only the new attempt's reports count. Returns null when the trial already has a final state.
    /// </summary>
    public Task<AttemptLease?> StartAttemptAsync(long trialId, string silo, TimeSpan lease) => EnqueueSql(() =>
    {
        var trial = ReadTrial(trialId);
        if (trial.Status.IsFinished()) return null;
        var now = DateTime.UtcNow;
        CloseOpenAttempt(trialId, trial.CurrentAttempt, FailureClass.Preempted, "superseded by a new attempt", now);
        var attempt = trial.Attempts + 1;
        _sql.Execute("""
            UPDATE Trials SET Attempts = @attempt, CurrentAttempt = @attempt, Status = @running, Silo = @silo,
                StartedAt = COALESCE(StartedAt, @now), LeaseExpiresAt = @lease
            WHERE Id = @trial
            """, ("@attempt", attempt), ("@running", TrialState.Running), ("@silo", silo), ("@now", now), ("@lease", now + lease), ("@trial", trialId));
        _sql.Execute("""
            INSERT INTO TrialAttempts (TrialId, Number, Silo, ResumedFromEpoch, StartedAt)
            VALUES (@trial, @attempt, @silo, @resumed, @now)
            """, ("@trial", trialId), ("@attempt", attempt), ("@silo", silo), ("@resumed", trial.CheckpointEpoch), ("@now", now));
        return (AttemptLease?)new AttemptLease(trialId, attempt, trial.CheckpointEpoch, trial.CheckpointPath, now + lease);
    });

    /// <summary>
    /// Records one epoch of the current attempt and renews its lease (<see cref="RecordEpochsAsync"/>).
    /// </summary>
    public Task<bool> RecordEpochAsync(EpochMetric epoch, double? objectiveSoFar, string? checkpointPath, TimeSpan lease, string? prunerState = null) =>
        RecordEpochsAsync([new EpochRecord(epoch, objectiveSoFar, checkpointPath)], lease, prunerState);

    /// <summary>
    /// Records consecutive epochs of the current attempt of one trial, oldest first, in one write, and renews its lease.
    /// An epoch the trial already has (a resumed attempt repeating it) is overwritten. The trial keeps the newest
    /// epoch's objective and checkpoint; the ASHA pruner's state after judging these epochs is stored with them.
    /// Returns false, and stores nothing, for a superseded attempt.
    /// </summary>
    public Task<bool> RecordEpochsAsync(IReadOnlyList<EpochRecord> epochs, TimeSpan lease, string? prunerState = null) => EnqueueSql(() =>
    {
        var now = DateTime.UtcNow;
        var last = epochs[^1].Metric;
        var checkpoint = epochs.LastOrDefault(e => e.CheckpointPath is not null);
        var sweepId = _sql.Scalar("""
            UPDATE Trials SET LastEpoch = @epoch, LeaseExpiresAt = @lease,
                CheckpointPath = COALESCE(@checkpoint, CheckpointPath),
                CheckpointEpoch = CASE WHEN @checkpoint IS NULL THEN CheckpointEpoch ELSE @checkpointEpoch END,
                ObjectiveValue = COALESCE(@objective, ObjectiveValue)
            WHERE Id = @trial AND CurrentAttempt = @attempt AND Status = @running
            RETURNING SweepId
            """, ("@epoch", last.Epoch), ("@lease", now + lease), ("@checkpoint", checkpoint?.CheckpointPath), ("@checkpointEpoch", checkpoint?.Metric.Epoch),
            ("@objective", epochs.LastOrDefault(e => e.ObjectiveSoFar is not null)?.ObjectiveSoFar),
            ("@trial", last.TrialId), ("@attempt", last.Attempt), ("@running", TrialState.Running));
        if (sweepId is null) return false;
        foreach (var (epoch, _, _) in epochs)
        {
            epoch.RecordedAt = now;
            // REPLACE deletes the row of the same (trial, epoch) first: a repeated epoch is overwritten.
            epoch.Id = (long)_sql.Scalar("""
                INSERT OR REPLACE INTO EpochMetrics
                    (TrialId, Attempt, Epoch, TrainLoss, TrainAccuracy, ValLoss, ValAccuracy, ValMacroF1, ValUar, LearningRate, Seconds, RecordedAt)
                VALUES (@trial, @attempt, @epoch, @trainLoss, @trainAccuracy, @valLoss, @valAccuracy, @valMacroF1, @valUar, @learningRate, @seconds, @now)
                RETURNING Id
                """, ("@trial", epoch.TrialId), ("@attempt", epoch.Attempt), ("@epoch", epoch.Epoch), ("@trainLoss", epoch.TrainLoss),
                ("@trainAccuracy", epoch.TrainAccuracy), ("@valLoss", epoch.ValLoss), ("@valAccuracy", epoch.ValAccuracy),
                ("@valMacroF1", epoch.ValMacroF1), ("@valUar", epoch.ValUar), ("@learningRate", epoch.LearningRate),
                ("@seconds", epoch.Seconds), ("@now", now))!;
        }
        if (prunerState is not null)
            _sql.Execute("UPDATE Sweeps SET PrunerState = @state WHERE Id = @sweep", ("@state", prunerState), ("@sweep", sweepId));
        return true;
    });

    /// <summary>
    /// Commits the final result of a trial, idempotently: only the current attempt may commit, and only once.
    /// A repeated or late commit changes nothing and says why. The strategy's record of the trial after being told the
    /// result is stored with it.
    /// </summary>
    public Task<CommitOutcome> CommitResultAsync(TrialResult result, double? objective, string? stopReason, Artifact? bundle, string? searchRecord = null) => EnqueueSql(() =>
    {
        var trial = ReadTrial(result.TrialId);
        if (_sql.Scalar("SELECT 1 FROM TrialResults WHERE TrialId = @trial", ("@trial", result.TrialId)) is not null) return CommitOutcome.AlreadyCommitted;
        if (trial.CurrentAttempt != result.Attempt || trial.Status != TrialState.Running) return CommitOutcome.Superseded;
        var now = DateTime.UtcNow;
        var outcome = result.Outcome.ToString();
        result.CommittedAt = now;
        result.Id = (long)_sql.Scalar("""
            INSERT INTO TrialResults (TrialId, Attempt, Outcome, Epochs, BestEpoch, ValLoss, ValAccuracy, ValMacroF1, ValUar,
                TestLoss, TestAccuracy, TestMacroF1, TestUar, ParamCount, ModelBytes, LatencyMs, PerClassJson, PerActorJson, ConfusionJson, DurationSeconds, CommittedAt)
            VALUES (@trial, @attempt, @outcome, @epochs, @bestEpoch, @valLoss, @valAccuracy, @valMacroF1, @valUar,
                @testLoss, @testAccuracy, @testMacroF1, @testUar, @paramCount, @modelBytes, @latencyMs, @perClass, @perActor, @confusion, @seconds, @now)
            RETURNING Id
            """, ("@trial", result.TrialId), ("@attempt", result.Attempt), ("@outcome", outcome), ("@epochs", result.Epochs),
            ("@bestEpoch", result.BestEpoch), ("@valLoss", result.ValLoss), ("@valAccuracy", result.ValAccuracy),
            ("@valMacroF1", result.ValMacroF1), ("@valUar", result.ValUar), ("@testLoss", result.TestLoss),
            ("@testAccuracy", result.TestAccuracy), ("@testMacroF1", result.TestMacroF1), ("@testUar", result.TestUar),
            ("@paramCount", result.ParamCount), ("@modelBytes", result.ModelBytes), ("@latencyMs", result.LatencyMs),
            ("@perClass", result.PerClassJson), ("@perActor", result.PerActorJson), ("@confusion", result.ConfusionJson),
            ("@seconds", result.DurationSeconds), ("@now", now))!;
        _sql.Execute("""
            UPDATE Trials SET Status = @outcome, ObjectiveValue = @objective, StopReason = @reason, FinishedAt = @now, LeaseExpiresAt = NULL,
                SearchJson = COALESCE(@search, SearchJson)
            WHERE Id = @trial
            """, ("@outcome", outcome), ("@objective", objective), ("@reason", stopReason), ("@now", now), ("@search", searchRecord), ("@trial", result.TrialId));
        if (_sql.Execute("UPDATE TrialAttempts SET Outcome = @outcome, FinishedAt = @now WHERE TrialId = @trial AND Number = @attempt",
                ("@outcome", outcome), ("@now", now), ("@trial", result.TrialId), ("@attempt", result.Attempt)) != 1)
            throw new InvalidOperationException($"Trial {result.TrialId} has no attempt {result.Attempt}.");
        if (bundle is not null)
        {
            (bundle.TrialId, bundle.CreatedAt) = (result.TrialId, now);
            bundle.Id = (long)_sql.Scalar("""
                INSERT INTO Artifacts (TrialId, Kind, Path, Sha256, SizeBytes, CreatedAt)
                VALUES (@trial, @kind, @path, @sha256, @size, @now) RETURNING Id
                """, ("@trial", result.TrialId), ("@kind", bundle.Kind), ("@path", bundle.Path), ("@sha256", bundle.Sha256),
                ("@size", bundle.SizeBytes), ("@now", now))!;
        }
        return CommitOutcome.Committed;
    });

    /// <summary>
    /// Ends the current attempt without a result. With <paramref name="retry"/> the trial goes back to Pending
    /// (it keeps its checkpoint, so the next attempt resumes); without, it is Failed for good.
    /// Returns false for a superseded attempt or one that already ended. The strategy's record of a trial failed for good
    /// (told) is stored with it.
    /// </summary>
    public Task<bool> FailAttemptAsync(long trialId, int attempt, FailureClass failure, string message, bool retry, string? searchRecord = null) => EnqueueSql(() =>
    {
        var trial = ReadTrial(trialId);
        if (trial.CurrentAttempt != attempt || trial.Status != TrialState.Running) return false;
        var now = DateTime.UtcNow;
        CloseOpenAttempt(trialId, attempt, failure, message, now);
        _sql.Execute("""
            UPDATE Trials SET FailureClass = @failure, FailureMessage = @message, LeaseExpiresAt = NULL, Status = @status,
                FinishedAt = COALESCE(@finished, FinishedAt), SearchJson = COALESCE(@search, SearchJson)
            WHERE Id = @trial
            """, ("@failure", failure), ("@message", message), ("@status", retry ? TrialState.Pending : TrialState.Failed),
            ("@finished", retry ? null : now), ("@search", searchRecord), ("@trial", trialId));
        return true;
    });

    /// <summary>Marks trials that will never run (a stopped sweep's pending and running ones) as cancelled.</summary>
    public Task<int> CancelUnfinishedTrialsAsync(long sweepId) => Enqueue(async db =>
    {
        var now = DateTime.UtcNow;
        await db.TrialAttempts
            .Where(a => a.Outcome == null && db.Trials.Any(t => t.Id == a.TrialId && t.SweepId == sweepId))
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Outcome, TrialState.Cancelled).SetProperty(x => x.FinishedAt, now));
        return await db.Trials
            .Where(t => t.SweepId == sweepId && (t.Status == TrialState.Pending || t.Status == TrialState.Running))
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, TrialState.Cancelled).SetProperty(x => x.FinishedAt, now).SetProperty(x => x.LeaseExpiresAt, (DateTime?)null));
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

    /// <summary>The columns of a trial that its writes decide on.</summary>
    private sealed record TrialRow(long SweepId, TrialState Status, int Attempts, int CurrentAttempt, int CheckpointEpoch, string? CheckpointPath);

    private TrialRow ReadTrial(long trialId)
    {
        using var row = _sql.Read(
            "SELECT SweepId, Status, Attempts, CurrentAttempt, CheckpointEpoch, CheckpointPath FROM Trials WHERE Id = @trial", ("@trial", trialId));
        if (!row.Read()) throw new InvalidOperationException($"No trial with id {trialId} in the database.");
        return new TrialRow(row.GetInt64(0), Enum.Parse<TrialState>(row.GetString(1)), row.GetInt32(2), row.GetInt32(3), row.GetInt32(4),
            row.IsDBNull(5) ? null : row.GetString(5));
    }

    private void CloseOpenAttempt(long trialId, int attempt, FailureClass failure, string message, DateTime now)
    {
        if (attempt == 0) return;
        _sql.Execute("""
            UPDATE TrialAttempts SET Outcome = @failed, FailureClass = @failure, FailureMessage = @message, FinishedAt = @now
            WHERE TrialId = @trial AND Number = @attempt AND Outcome IS NULL
            """, ("@failed", TrialState.Failed), ("@failure", failure), ("@message", message), ("@now", now), ("@trial", trialId), ("@attempt", attempt));
    }
}
