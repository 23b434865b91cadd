using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Telemetry;
using SerSweep.Core;
using SerSweep.Search;
using SerSweep.Search.MultiObjective;
using SerSweep.Search.Pruning;
using SerSweep.Search.Strategies;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Grains;

/// <summary>
/// Cross-validated trials. Each strategy suggestion becomes a parent row (ranked, never run) and one row per fold; the
/// folds are scheduled, leased, retried, checkpointed and resumed exactly as plain trials, each on its own. When the
/// last fold ends, the parent gets the mean of its folds' held-out objective (the sd beside it) and the strategy is
/// told. ASHA judges a fold at a rung on the mean of the folds of its trial that reached that rung; a stop (or a fold
/// that failed for good) stops the trial's other folds. A refit retrains a configuration on all training actors.
/// </summary>
public sealed partial class SweepCoordinatorGrain
{
    /// <summary>A cross-validated trial whose folds are not all done.</summary>
    private sealed class FoldedTrial(long id, int index)
    {
        public long Id { get; } = id;
        public int Index { get; } = index;
        public SortedDictionary<int, long> Folds { get; } = [];
        public HashSet<long> Done { get; } = [];
        /// <summary>Why the remaining folds stop (an ASHA decision or a failed fold); null while they run on.</summary>
        public string? StopReason { get; set; }
        public bool FoldFailed { get; set; }
    }

    /// <summary>Fold and refit rows: their parent and fold number (null for a refit).</summary>
    private readonly Dictionary<long, (long Parent, int? Fold)> _children = [];
    private readonly Dictionary<long, FoldedTrial> _folded = [];
    /// <summary>Parents that have a refit row; the refit's bundle carries its parent's summary.</summary>
    private readonly Dictionary<long, string?> _refits = [];
    private int _crossValidated;
    /// <summary>While loading: parents that already ended (their fold rows are seen but not tracked).</summary>
    private readonly HashSet<long> _closed = [];

    /// <summary>Ranked trials started so far: plain trials and cross-validated parents, not their folds.</summary>
    private int StartedTrials => _trials.Count - _children.Count + _crossValidated;

    /// <summary>Records a stored row's place in a cross-validated trial; false for a parent (which is never scheduled).</summary>
    private bool TrackCrossValidation(Trial trial)
    {
        switch (trial.Role)
        {
            case TrialRole.Trial when _definition.CrossValidation is not null:
                _crossValidated++;
                if (trial.Status.IsFinished()) _closed.Add(trial.Id);
                else Folded(trial.Id, trial.Index).StopReason ??= trial.StopReason;
                return false;
            case TrialRole.Fold:
                _children[trial.Id] = (trial.ParentTrialId!.Value, trial.Fold);
                var parent = Folded(trial.ParentTrialId.Value, trial.Index);
                parent.Folds[trial.Fold!.Value] = trial.Id;
                if (trial.Status.IsFinished()) parent.Done.Add(trial.Id);
                if (trial.Status == TrialState.Failed) parent.FoldFailed = true;
                return true;
            case TrialRole.Refit:
                _children[trial.Id] = (trial.ParentTrialId!.Value, null);
                _refits[trial.ParentTrialId.Value] = null;
                return true;
            default:
                return true;
        }
    }

    private FoldedTrial Folded(long id, int index)
    {
        if (!_folded.TryGetValue(id, out var folded)) _folded[id] = folded = new FoldedTrial(id, index);
        return folded;
    }

    /// <summary>After a restart: parents whose folds all ended before the coordinator could finish them; summaries of pending refits.</summary>
    private async Task SettleLoadedFoldsAsync()
    {
        foreach (var closed in _closed) _folded.Remove(closed);
        _closed.Clear();
        foreach (var parent in _folded.Values.ToList()) await SettleAsync(parent);
        foreach (var parentId in _refits.Keys.ToList()) _refits[parentId] = await SummaryJsonAsync(parentId);
    }

    private async Task<long> AddFoldsAsync(TrialSuggestion suggestion, CrossValidationSettings folds, string searchRecord)
    {
        var (parent, rows) = await writer.AddCrossValidatedTrialAsync(
            SweepId, suggestion.Index, StoredJson.WriteParameters(suggestion.ParametersToStore), suggestion.Seed, folds.Folds, searchRecord);
        _crossValidated++;
        var folded = Folded(parent.Id, parent.Index);
        foreach (var row in rows)
        {
            _trials[row.Id] = (row.Index, row.Seed, row.ParametersJson);
            _children[row.Id] = (parent.Id, row.Fold);
            folded.Folds[row.Fold!.Value] = row.Id;
        }
        // Every fold of this trial runs before the strategy is asked again: it learns from whole trials only.
        foreach (var row in rows.Skip(1)) _waiting.AddLast(row.Id);
        return rows[0].Id;
    }

    /// <summary>The config a row trains: a fold's split, a refit's all-actors split, or the trial's own.</summary>
    private ExperimentConfig ConfigOf(long trialId, ExperimentConfig trial) =>
        !_children.TryGetValue(trialId, out var child) ? trial
        : child.Fold is { } fold ? _definition.CrossValidation!.ForFold(trial, fold)
        : CrossValidationSettings.ForRefit(trial);

    private string? RefitSummary(long trialId) =>
        _children.TryGetValue(trialId, out var child) && child.Fold is null ? _refits.GetValueOrDefault(child.Parent) : null;

    /// <summary>ASHA's verdict on an epoch: a plain trial's own value; a fold's at a rung, the mean of its trial's folds there.</summary>
    private async Task<AshaDecision?> JudgeEpochAsync(EpochProgress epoch, int index)
    {
        if (_pruner.Metric is not { } metric || epoch.Metrics[metric] is not { } value) return null;
        if (!_children.TryGetValue(epoch.TrialId, out var child)) return _pruner.Report(index, epoch.Epoch, value);
        if (child.Fold is null || !_folded.TryGetValue(child.Parent, out var parent) || parent.StopReason is not null
            || !_pruner.IsRung(epoch.Epoch)) return null;
        var siblings = await queries.EpochMetricsAtAsync([.. parent.Folds.Values.Where(id => id != epoch.TrialId)], epoch.Epoch);
        var values = siblings.Select(e => e.Metrics[metric]!.Value).Append(value).ToList();
        var decision = _pruner.Report(index, epoch.Epoch, values.Average());
        if (decision.Stop)
            await StopFoldsAsync(parent, $"{decision.Reason}; the mean of the {values.Count} of {parent.Folds.Count} folds that reached the rung");
        return decision;
    }

    /// <summary>Why a fold must stop now (its trial was pruned, or another fold failed for good); null to go on.</summary>
    private string? FoldStopReason(long trialId) =>
        _children.TryGetValue(trialId, out var child) && _folded.TryGetValue(child.Parent, out var parent) ? parent.StopReason : null;

    private async Task StopFoldsAsync(FoldedTrial parent, string reason)
    {
        parent.StopReason = reason;
        await writer.SetStopReasonAsync(parent.Id, reason);
        foreach (var id in parent.Folds.Values.Where(id => !parent.Done.Contains(id) && !_running.ContainsKey(id)))
        {
            _waiting.Remove(id);
            parent.Done.Add(id);
        }
        await writer.CancelPendingFoldsAsync(parent.Id, reason);
    }

    private async Task CommitChildAsync(TrialOutcome outcome, Running run)
    {
        var (parentId, fold) = _children[outcome.TrialId];
        var status = outcome.State;
        // A fold's objective is measured on its held-out actors; a refit has none (it trains on every actor).
        var objective = fold is null ? null : outcome.Metrics[CrossValidationSettings.HeldOut(_sweep.ObjectiveMetric)];
        var committed = await writer.CommitResultAsync(ResultOf(outcome, status), objective, status == TrialState.Completed ? null : outcome.Reason, BundleOf(outcome, run));
        if (committed != CommitOutcome.Committed || fold is null || !_folded.TryGetValue(parentId, out var parent)) return;
        parent.Done.Add(outcome.TrialId);
        await SettleAsync(parent);
    }

    private async Task FailChildAsync(long trialId, int attempt, FailureClass failure, string message, bool retry)
    {
        if (!await writer.FailAttemptAsync(trialId, attempt, failure, message, retry)) return;
        if (retry)
        {
            _waiting.AddLast(trialId);
            return;
        }
        var (parentId, fold) = _children[trialId];
        if (fold is null || !_folded.TryGetValue(parentId, out var parent)) return;
        parent.Done.Add(trialId);
        parent.FoldFailed = true;
        if (parent.StopReason is null) await StopFoldsAsync(parent, $"fold {fold} failed after {_sweep.MaxAttempts} attempts: {message}");
        await SettleAsync(parent);
    }

    /// <summary>Finishes a cross-validated trial whose folds have all ended: objective = mean over folds, strategy told.</summary>
    private async Task SettleAsync(FoldedTrial parent)
    {
        if (parent.Folds.Values.Any(id => !parent.Done.Contains(id))) return;
        var rows = await queries.ChildrenAsync(parent.Id);
        var summary = CrossValidationSummary.Of(_sweep.ObjectiveMetric, parent.Folds.Count, rows);
        var folds = rows.Where(r => r.Role == TrialRole.Fold && r.Result is not null).Select(r => r.Result!).ToList();
        // A trial with a failed fold is failed: its mean would rank it on the folds that happened to succeed.
        var status = parent.FoldFailed || folds.Count == 0 || summary.ObjectiveMean is null ? TrialState.Failed
            : parent.StopReason is not null ? TrialState.Pruned : TrialState.Completed;
        var epochs = folds.Count == 0 ? 0 : folds.Max(f => f.Epochs);
        var objective = status == TrialState.Failed ? null : summary.ObjectiveMean;
        var told = TellStrategy(parent.Index, status, objective, epochs, ObjectiveValues(metric => metric == _sweep.ObjectiveMetric
            ? summary.ObjectiveMean : CrossValidationSummary.MeanSd(folds.Select(f => f.Metrics[CrossValidationSettings.HeldOut(metric)])).Mean));
        var result = status == TrialState.Failed ? null : Aggregate(summary, folds, status);
        if (!await writer.FinishCrossValidatedTrialAsync(result, parent.Id, status, objective, objective is null ? null : summary.ObjectiveSd,
                parent.StopReason ?? (status == TrialState.Failed ? "no fold finished" : null), told.Record))
        {
            UndoTell(told);
            return;
        }
        _folded.Remove(parent.Id);
        Count(parent.Id, status, objective);
        SweepMetrics.TrialFinished(status.ToString());
        if (status == TrialState.Completed && _definition.CrossValidation?.Refit == RefitMode.Every) await QueueRefitAsync(parent.Id);
    }

    /// <summary>The parent's result: every metric the mean over its folds, the confusion matrix summed, per-actor accuracy over all held-out actors.</summary>
    private static Storage.Entities.TrialResult Aggregate(CrossValidationSummary summary, IReadOnlyList<Storage.Entities.TrialResult> folds, TrialState status)
    {
        double? Mean(Func<Storage.Entities.TrialResult, double?> metric) => CrossValidationSummary.MeanSd(folds.Select(metric)).Mean;
        return new Storage.Entities.TrialResult
        {
            Outcome = status, Epochs = folds.Max(f => f.Epochs), BestEpoch = (int)Math.Round(folds.Average(f => f.BestEpoch)),
            ValLoss = Mean(f => f.ValLoss), ValAccuracy = Mean(f => f.ValAccuracy), ValMacroF1 = Mean(f => f.ValMacroF1), ValUar = Mean(f => f.ValUar),
            TestLoss = Mean(f => f.TestLoss), TestAccuracy = summary.AccuracyMean, TestMacroF1 = summary.MacroF1Mean, TestUar = summary.UarMean,
            ParamCount = Mean(f => f.ParamCount), ModelBytes = Mean(f => f.ModelBytes), LatencyMs = Mean(f => f.LatencyMs),
            PerClassJson = StoredJson.Write(summary.PerClass()), PerActorJson = StoredJson.Write(summary.PerActorAccuracy),
            ConfusionJson = summary.Confusion is null ? null : StoredJson.Write(summary.Confusion), DurationSeconds = folds.Sum(f => f.DurationSeconds),
        };
    }

    /// <summary>
    /// At the end of a sweep with <c>refit: best</c>: queues the refit of the best trial, or with several objectives of
    /// every trial on the Pareto front (the user picks the one to download, so each needs its model), once each; true
    /// when it queued any.
    /// </summary>
    private async Task<bool> QueueFinalRefitsAsync()
    {
        if (_definition.CrossValidation?.Refit != RefitMode.Best) return false;
        IReadOnlyList<long> chosen = _definition.Search.Objectives.Count > 0 ? await FrontTrialIdsAsync() : _best is { } best ? [best.TrialId] : [];
        var queued = false;
        foreach (var parentId in chosen.Where(id => !_refits.ContainsKey(id)))
        {
            await QueueRefitAsync(parentId);
            queued = true;
        }
        return queued;
    }

    /// <summary>The front as the dashboard and <c>export</c> show it: the finished trials' held-out objectives, non-dominated.</summary>
    private async Task<IReadOnlyList<long>> FrontTrialIdsAsync()
    {
        var objectives = _definition.Search.Objectives;
        var points = await queries.ObjectivePointsAsync(SweepId, _definition.StoredObjectiveMetrics);
        return [.. ParetoFront.Of([.. points.Select(p => p.Values)], [.. objectives.Select(o => o.Direction)]).Select(i => points[i].TrialId)];
    }

    private async Task QueueRefitAsync(long parentId)
    {
        var refit = await writer.AddRefitAsync(parentId);
        _refits[parentId] = await SummaryJsonAsync(parentId);
        if (refit.Status.IsFinished()) return;
        _trials[refit.Id] = (refit.Index, refit.Seed, refit.ParametersJson);
        _children[refit.Id] = (parentId, null);
        _waiting.AddLast(refit.Id);
    }

    private async Task<string> SummaryJsonAsync(long parentId) =>
        StoredJson.Write(CrossValidationSummary.Of(_sweep.ObjectiveMetric, _definition.CrossValidation!.Folds, await queries.ChildrenAsync(parentId)));
}
