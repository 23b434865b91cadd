using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>Writes of cross-validated trials: a parent row per suggestion, one row per fold, a refit row; the parent's result once its folds are done.</summary>
public sealed partial class StoreWriter
{
    /// <summary>
    /// Adds a cross-validated trial: the parent (running from now on, never scheduled itself) and its pending folds,
    /// with the strategy's record of it on the parent. Idempotent on (sweep, index): returns what is stored.
    /// </summary>
    public Task<(Trial Parent, IReadOnlyList<Trial> Folds)> AddCrossValidatedTrialAsync(
        long sweepId, int index, string parametersJson, int seed, int folds, string? searchRecord = null) => Enqueue(async db =>
    {
        var parent = await db.Trials.SingleOrDefaultAsync(t => t.SweepId == sweepId && t.Index == index && t.ParentTrialId == null);
        if (parent is null)
        {
            var now = DateTime.UtcNow;
            parent = new Trial
            {
                SweepId = sweepId, Index = index, ParametersJson = parametersJson, Seed = seed, SearchJson = searchRecord, Role = TrialRole.Trial,
                Status = TrialState.Running, CreatedAt = now, StartedAt = now,
            };
            db.Trials.Add(parent);
            await db.SaveChangesAsync();
            for (var fold = 0; fold < folds; fold++)
                db.Trials.Add(Child(parent, TrialRole.Fold, fold, now));
            await db.SaveChangesAsync();
        }
        var children = await db.Trials.AsNoTracking().Where(t => t.ParentTrialId == parent.Id && t.Role == TrialRole.Fold).OrderBy(t => t.Fold).ToListAsync();
        return ((Trial)parent, (IReadOnlyList<Trial>)children);
    });

    /// <summary>Adds the refit of a cross-validated trial (pending); idempotent: returns the stored one.</summary>
    public Task<Trial> AddRefitAsync(long parentId) => Enqueue(async db =>
    {
        var existing = await db.Trials.AsNoTracking().SingleOrDefaultAsync(t => t.ParentTrialId == parentId && t.Role == TrialRole.Refit);
        if (existing is not null) return existing;
        var parent = await db.Trials.AsNoTracking().SingleAsync(t => t.Id == parentId);
        var refit = Child(parent, TrialRole.Refit, null, DateTime.UtcNow);
        db.Trials.Add(refit);
        await db.SaveChangesAsync();
        return refit;
    });

    private static Trial Child(Trial parent, TrialRole role, int? fold, DateTime now) => new()
    {
        SweepId = parent.SweepId, Index = parent.Index, ParametersJson = parent.ParametersJson, Seed = parent.Seed, Role = role,
        ParentTrialId = parent.Id, Fold = fold, Status = TrialState.Pending, CreatedAt = now,
    };

    /// <summary>
    /// Ends a cross-validated trial once its folds are done: its status, the objective (mean over folds) and its spread,
    /// the aggregate result (attempt 0), the strategy's record of it after being told. False when it already ended.
    /// </summary>
    public Task<bool> FinishCrossValidatedTrialAsync(
        TrialResult? result, long parentId, TrialState status, double? objective, double? objectiveSd, string? reason, string? searchRecord) => Enqueue(async db =>
    {
        var parent = await db.Trials.SingleAsync(t => t.Id == parentId);
        if (parent.Status.IsFinished()) return false;
        var now = DateTime.UtcNow;
        (parent.Status, parent.ObjectiveValue, parent.ObjectiveSd, parent.FinishedAt, parent.LastEpoch) = (status, objective, objectiveSd, now, result?.Epochs ?? parent.LastEpoch);
        parent.SearchJson = searchRecord ?? parent.SearchJson;
        if (status == TrialState.Failed) (parent.FailureClass, parent.FailureMessage) = (FailureClass.Crashed, reason);
        else parent.StopReason = reason;
        if (result is not null)
        {
            (result.TrialId, result.Attempt, result.CommittedAt) = (parentId, 0, now);
            db.TrialResults.Add(result);
        }
        await db.SaveChangesAsync();
        return true;
    });

    /// <summary>Folds of a parent that have not started yet will not run (the parent was pruned or failed): they are cancelled.</summary>
    public Task<int> CancelPendingFoldsAsync(long parentId, string reason) => Enqueue(db =>
        db.Trials.Where(t => t.ParentTrialId == parentId && t.Role == TrialRole.Fold && t.Status == TrialState.Pending)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, TrialState.Cancelled).SetProperty(x => x.StopReason, reason)
                .SetProperty(x => x.FinishedAt, DateTime.UtcNow)));

    /// <summary>Records why a cross-validated trial is being stopped (an ASHA decision on its folds) before its folds have ended.</summary>
    public Task SetStopReasonAsync(long trialId, string reason) => Enqueue(db =>
        db.Trials.Where(t => t.Id == trialId).ExecuteUpdateAsync(t => t.SetProperty(x => x.StopReason, reason)));
}
