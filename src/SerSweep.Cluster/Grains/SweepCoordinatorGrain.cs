using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Serialization.Invocation;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Placement;
using SerSweep.Cluster.Telemetry;
using SerSweep.Core;
using SerSweep.Search;
using SerSweep.Search.Pruning;
using SerSweep.Search.Strategies;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Grains;

/// <summary>
/// Runs one sweep. The database is the system of record: on activation this grain rebuilds itself from the
/// stored sweep (YAML, strategy state) and trials, so a restarted coordinator silo continues every unfinished
/// sweep. It starts trial attempts while the sweep has fewer than max_concurrent running and the slot scheduler
/// has a free worker slot, and records every report through the single <see cref="StoreWriter"/>.
/// </summary>
[CoordinatorPlacement]
[MayInterleave(nameof(MayInterleave))]
public sealed partial class SweepCoordinatorGrain(
    StoreWriter writer, SweepQueries queries, SerSweepClusterOptions options, ILogger<SweepCoordinatorGrain> logger)
    : Grain, ISweepCoordinatorGrain, IRemindable
{
    /// <summary>
    /// A durable reminder (Redis in a multi-process cluster) per unfinished sweep: it reactivates the coordinator if
    /// its activation is ever lost while its silo lives; a restarted silo also resumes sweeps at start.
    /// </summary>
    private const string Watchdog = "sweep-watchdog";
    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMinutes(1);
    // Calls to a worker inside one of this grain's turns are bounded well below Orleans' 30 s response timeout:
    // a worker that has just died must not hold the sweep's other messages (reports, progress reads) that long.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(5);

    private sealed record Running(int Attempt, string Silo, int Index)
    {
        public DateTime LastSeen { get; set; } = DateTime.UtcNow;
        public bool Cancelling { get; set; }
    }

    private readonly Dictionary<long, Running> _running = [];
    private readonly LinkedList<long> _waiting = [];
    private readonly Dictionary<long, (int Index, int Seed, string ParametersJson)> _trials = [];
    private Sweep _sweep = null!;
    private SweepDefinition _definition = null!;
    private ISearchStrategy _strategy = null!;
    private IPruner _pruner = NopPruner.Instance;
    private bool _exhausted;
    private int _finished;
    private int _failed;
    private (double Value, long TrialId)? _best;
    private IGrainTimer? _timer;
    private bool _watchdog;
    private bool _pumpQueued;

    private long SweepId => this.GetPrimaryKeyLong();
    private ISlotSchedulerGrain Scheduler => GrainFactory.GetGrain<ISlotSchedulerGrain>(0);

    /// <summary>Every call finds the sweep loaded: a (re)activated coordinator first rebuilds itself from the database.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync();

    public async Task Start()
    {
        if (IsOver(_sweep.Status)) return;
        if (_sweep.Status == SweepStatus.Pending) await SetStatusAsync(SweepStatus.Running);
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(options.Heartbeat, options.Heartbeat) { KeepAlive = true });
        if (!_watchdog)
        {
            await this.RegisterOrUpdateReminder(Watchdog, WatchdogPeriod, WatchdogPeriod);
            _watchdog = true;
        }
        await PumpAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Watchdog) return;
        if (IsOver(_sweep.Status)) await StopWatchdogAsync();
        else await Start();
    }

    public async Task Pause()
    {
        await Start();
        if (_sweep.Status == SweepStatus.Running) await SetStatusAsync(SweepStatus.Paused);
    }

    public async Task Resume()
    {
        await Start();
        if (_sweep.Status != SweepStatus.Paused) return;
        await SetStatusAsync(SweepStatus.Running);
        await PumpAsync();
    }

    public async Task Stop()
    {
        if (IsOver(_sweep.Status)) return;
        await SetStatusAsync(SweepStatus.Stopped);
        foreach (var (trialId, run) in _running)
        {
            run.Cancelling = true;
            await TrialGrain(trialId, run.Attempt).Cancel();
        }
        await writer.CancelUnfinishedTrialsAsync(SweepId);
        _waiting.Clear();
        StopTimer();
        await StopWatchdogAsync();
    }

    public Task<SweepProgress> GetProgress() => Task.FromResult(new SweepProgress(SweepId, _sweep.Name, _sweep.Status.ToString(), _strategy.Budget,
        StartedTrials, _running.Count, _finished, _failed, _best?.Value, _best?.TrialId));

    /// <summary>
    /// The epoch reports of trials that are not folds interleave with every other call: such a report changes no state across
    /// an await (ASHA judges it synchronously, and it is answered only once its rows are committed, so acknowledged epochs
    /// are durable), and many reports waiting on the writer together share its transactions instead of each holding this
    /// grain for a commit. A fold's report stays serial: ASHA judges it with its siblings' rows, read from the database.
    /// </summary>
    public static bool MayInterleave(IInvokable request) =>
        request.GetMethodName() == nameof(ReportEpochs) && request.GetArgument(0) is IReadOnlyList<EpochProgress> { Count: > 0 } epochs && !epochs[0].IsFold;

    public async Task<EpochAnswer> ReportEpochs(IReadOnlyList<EpochProgress> epochs)
    {
        if (!_running.TryGetValue(epochs[^1].TrialId, out var run) || run.Attempt != epochs[^1].Attempt) return EpochAnswer.Abandon;
        run.LastSeen = DateTime.UtcNow;
        return await RecordEpochsAsync(epochs, run);
    }

    /// <summary>Judges and stores epochs of the running attempt <paramref name="run"/>; the answer for the last of them.</summary>
    private async Task<EpochAnswer> RecordEpochsAsync(IReadOnlyList<EpochProgress> epochs, Running run)
    {
        var (trialId, attempt) = (epochs[^1].TrialId, run.Attempt);
        // ASHA judges the epochs first, so that its new state is stored with them in one transaction.
        var (judgedRung, stop) = (false, (AshaDecision?)null);
        foreach (var epoch in epochs)
        {
            var verdict = await JudgeEpochAsync(epoch, run.Index);
            judgedRung |= verdict?.Rung is not null;
            if (verdict is { Stop: true }) stop ??= verdict;
        }
        var objectiveSoFar = !_children.ContainsKey(trialId);
        var stored = await writer.RecordEpochsAsync([.. epochs.Select(epoch => new EpochRecord(new EpochMetric
        {
            TrialId = trialId, Attempt = attempt, Epoch = epoch.Epoch, Metrics = epoch.Metrics, LearningRate = epoch.LearningRate, Seconds = epoch.Seconds,
        }, objectiveSoFar ? epoch.Metrics[_sweep.ObjectiveMetric] : null, epoch.CheckpointWritten ? StoredPath(ArtifactKind.Checkpoint, trialId, run, epoch.Epoch) : null))],
            options.Lease, judgedRung ? _pruner.SaveState() : null);
        if (!stored) return EpochAnswer.Abandon;
        if (epochs.LastOrDefault(e => e.CheckpointWritten) is { } checkpointed) await ArtifactStore.PruneCheckpoints(trialId, checkpointed.Epoch);
        foreach (var epoch in epochs) SweepMetrics.EpochReported(epoch.Seconds);
        if (run.Cancelling || _sweep.Status == SweepStatus.Stopped) return new EpochAnswer(EpochVerdict.Stop, "sweep stopped");
        if (FoldStopReason(trialId) is { } foldsStopped) return new EpochAnswer(EpochVerdict.Stop, foldsStopped);
        return stop is not null ? new EpochAnswer(EpochVerdict.Stop, stop.Reason) : EpochAnswer.Continue;
    }

    public async Task ReportOutcome(TrialOutcome outcome)
    {
        if (!_running.TryGetValue(outcome.TrialId, out var run) || run.Attempt != outcome.Attempt)
        {
            LogLateReport(outcome.TrialId, outcome.Attempt);
            // Its slot is free now: an attempt cancelled by a stop reports to the activation of the resumed sweep.
            await Scheduler.Release(new TrialAttemptRef(SweepId, outcome.TrialId, outcome.Attempt));
            return;
        }
        using var commit = SweepTracing.Commit(outcome.TrialId, outcome.Attempt, outcome.Ending, GrainContext.Address.SiloAddress!.ToParsableString());
        if (outcome.LastEpochs.Count > 0) await RecordEpochsAsync(outcome.LastEpochs, run);
        _running.Remove(outcome.TrialId);
        await Scheduler.Release(new TrialAttemptRef(SweepId, outcome.TrialId, outcome.Attempt));

        if (outcome.HasResult) await CommitAsync(outcome, run);
        else if (outcome.State == TrialState.Cancelled && (run.Cancelling || _sweep.Status == SweepStatus.Stopped))
            await writer.FailAttemptAsync(outcome.TrialId, outcome.Attempt, FailureClass.Preempted, outcome.Reason ?? "cancelled", retry: false);
        else await FailAsync(outcome.TrialId, outcome.Attempt, run.Index, Classify(outcome), outcome.Reason ?? outcome.Ending);
        PumpLater();
    }

    public Task Heartbeat(long trialId, int attempt)
    {
        if (_running.TryGetValue(trialId, out var run) && run.Attempt == attempt) run.LastSeen = DateTime.UtcNow;
        return Task.CompletedTask;
    }

    public Task SlotFreed()
    {
        _pumpQueued = false;
        return PumpAsync();
    }

    /// <summary>
    /// Starts the next trials in a turn of their own (a <see cref="SlotFreed"/> to itself), not in the turn that ended a trial:
    /// the ends queued meanwhile are answered first, and one pump then starts the trials of all of them side by side.
    /// </summary>
    private void PumpLater()
    {
        if (_pumpQueued) return;
        _pumpQueued = true;
        this.AsReference<ISweepCoordinatorGrain>().SlotFreed().Ignore();
    }

    public async Task AttemptsLost(IReadOnlyList<TrialAttemptRef> attempts, string reason)
    {
        foreach (var attempt in attempts)
        {
            if (!_running.TryGetValue(attempt.TrialId, out var run) || run.Attempt != attempt.Attempt) continue;
            _running.Remove(attempt.TrialId);
            await PreemptAsync(attempt.TrialId, attempt.Attempt, reason);
        }
        await PumpAsync();
    }

    private async Task LoadAsync()
    {
        _sweep = await queries.GetSweepAsync(SweepId) ?? throw new ArgumentException($"No sweep with id {SweepId} in the database.");
        _definition = SweepDefinitions.FromStored(_sweep);
        var trials = await queries.TrialsAsync(SweepId);
        _strategy = SearchStrategies.Restore(_definition, _sweep.StrategyState, trials.Where(t => t.SearchJson is not null).Select(t => t.SearchJson!));
        _pruner = Pruners.For(_definition, _sweep.PrunerState);
        _exhausted = IsOver(_sweep.Status);
        foreach (var trial in trials)
        {
            // A cross-validated trial is never scheduled itself: its folds are.
            if (!TrackCrossValidation(trial))
            {
                if (trial.Status.IsFinished()) Count(trial.Id, trial.Status, trial.ObjectiveValue);
                continue;
            }
            _trials[trial.Id] = (trial.Index, trial.Seed, trial.ParametersJson);
            if (trial.Status == TrialState.Pending) _waiting.AddLast(trial.Id);
            else if (trial.Status == TrialState.Running) await RecoverAsync(trial);
            else if (!_children.ContainsKey(trial.Id)) Count(trial.Id, trial.Status, trial.ObjectiveValue);
        }
        await SettleLoadedFoldsAsync();
    }

    /// <summary>
    /// A trial the database says is running, seen by a (re)started coordinator: if its attempt still trains on a
    /// worker, keep it (its reports go on); if it is not running, it was lost with its silo and is re-issued. No
    /// answer (the cluster is still settling after the restart) keeps it on its recorded silo: its next report, or
    /// its lease expiring, or membership declaring the silo dead, decides.
    /// </summary>
    private async Task RecoverAsync(Trial trial)
    {
        string? silo;
        try
        {
            // Aimed at the attempt's silo: if the directory entry died with the old coordinator silo, the call still
            // reaches the activation that trains there instead of creating an idle one elsewhere.
            silo = await PlacementHint.OnSilo(trial.Silo ?? "", () => TrialGrain(trial.Id, trial.CurrentAttempt).RunningOn())
                .WaitAsync(ProbeTimeout);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
        {
            LogRecoveryProbeFailed(trial.Id, e.Message);
            silo = trial.Silo;
        }
        var attempt = new TrialAttemptRef(SweepId, trial.Id, trial.CurrentAttempt);
        if (silo is not null)
        {
            _running[trial.Id] = new Running(trial.CurrentAttempt, silo, trial.Index);
            await Scheduler.Adopt(attempt, silo);
        }
        else await PreemptAsync(trial.Id, trial.CurrentAttempt, "its attempt was not running after a coordinator restart");
    }

    private async Task TickAsync(CancellationToken cancel)
    {
        var expired = _running.Where(r => DateTime.UtcNow - r.Value.LastSeen > options.Lease).Select(r => (r.Key, r.Value)).ToList();
        foreach (var (trialId, run) in expired)
        {
            _running.Remove(trialId);
            await Scheduler.Release(new TrialAttemptRef(SweepId, trialId, run.Attempt));
            await CancelQuietlyAsync(trialId, run.Attempt);
            await PreemptAsync(trialId, run.Attempt, $"lease expired: no report for {options.Lease.TotalSeconds:0}s");
        }
        await PumpAsync();
    }

    /// <summary>Starts attempts while the sweep may run more and a worker has a free slot; completes the sweep when nothing is left.</summary>
    private async Task PumpAsync()
    {
        while (_sweep.Status == SweepStatus.Running)
        {
            var free = Math.Max(1, _sweep.MaxConcurrent) - _running.Count;
            if (free <= 0) break;
            // The next trials for every free place at once: new ones stored in one write, slots reserved in one call, then
            // started side by side. One at a time, each trial cost this grain's turn a commit and a call in turn, and
            // that turn was what limited a busy cluster.
            var next = await NextTrialsAsync(free);
            if (next.Count == 0) break;
            // Reserved under attempt 0 until the database has numbered the attempt; Adopt then re-keys it.
            var silos = await Scheduler.TryReserve([.. next.Select(id => new TrialAttemptRef(SweepId, id, 0))]);
            // Refused ones wait at the head of the queue, in order, for the next freed slot.
            for (var i = next.Count - 1; i >= 0; i--)
                if (silos[i] is null) _waiting.AddFirst(next[i]);
            var reserved = next.Zip(silos).Where(r => r.Second is not null).Select(r => (TrialId: r.First, Silo: r.Second!)).ToList();
            if (reserved.Count == 0) break;
            var starts = await Task.WhenAll(reserved.Select(r => StartAsync(r.TrialId, r.Silo)));
            if (reserved.Count < next.Count || starts.Contains(StartOutcome.Refused)) break;
        }
        if (_sweep.Status == SweepStatus.Running && _exhausted && _running.Count == 0 && _waiting.Count == 0)
        {
            if (await QueueFinalRefitsAsync())
            {
                await PumpAsync();
                return;
            }
            // Durable first, then wound down, and only then over for readers: GetProgress interleaves, and a caller told
            // the sweep is over must find its watchdog gone (a crash in between leaves the watchdog, whose next tick
            // reads the stored status and removes itself).
            await writer.SetSweepStatusAsync(SweepId, SweepStatus.Completed);
            StopTimer();
            await StopWatchdogAsync();
            _sweep.Status = SweepStatus.Completed;
        }
        SweepMetrics.QueueLength(SweepId, _waiting.Count, _sweep.Status == SweepStatus.Running);
    }

    private enum StartOutcome
    {
        Started,
        /// <summary>The trial had ended meanwhile: nothing to start.</summary>
        Skipped,
        /// <summary>The worker refused or vanished: the attempt is preempted and retried later.</summary>
        Refused,
    }

    /// <summary>Starts an attempt of a trial on the slot reserved for it on <paramref name="silo"/>.</summary>
    private async Task<StartOutcome> StartAsync(long trialId, string silo)
    {
        var (index, _, _) = _trials[trialId];
        var reservation = new TrialAttemptRef(SweepId, trialId, 0);
        var lease = await writer.StartAttemptAsync(trialId, silo, options.Lease);
        if (lease is null)
        {
            await Scheduler.Release(reservation);
            return StartOutcome.Skipped;
        }
        var attempt = reservation with { Attempt = lease.Attempt };
        await Scheduler.Adopt(attempt, silo);
        _running[trialId] = new Running(lease.Attempt, silo, index);
        SweepMetrics.AttemptStarted(lease.Attempt);
        using var span = SweepTracing.Attempt(SweepId, trialId, lease.Attempt, silo);
        try
        {
            await PlacementHint.OnSilo(silo, async () => { await TrialGrain(trialId, lease.Attempt).Start(Assignment(trialId, lease)); return 0; })
                .WaitAsync(StartTimeout);
            return StartOutcome.Started;
        }
        catch (Exception e) when (e is OrleansException or InvalidOperationException or TimeoutException)
        {
            // The worker refused or vanished before training began: not the trial's fault, try again later.
            LogStartFailed(trialId, silo, e.Message);
            _running.Remove(trialId);
            await Scheduler.Release(attempt);
            await PreemptAsync(trialId, lease.Attempt, $"could not start on {silo}: {e.Message}");
            return StartOutcome.Refused;
        }
    }

    /// <summary>
    /// Up to <paramref name="free"/> trials to start: the waiting ones first, then new ones from the strategy, stored in one
    /// write. The strategy is asked only for trials that will find a slot, so each new trial learns from every result until
    /// then; with no slot free, for one, whose refusal has the scheduler wake this sweep when a slot frees.
    /// </summary>
    private async Task<List<long>> NextTrialsAsync(int free)
    {
        var next = new List<long>(free);
        while (next.Count < free && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            next.Add(first.Value);
        }
        if (next.Count == free || _exhausted) return next;
        var target = Math.Min(free, Math.Max(1, await Scheduler.CountFreeSlots()));
        var suggested = new List<NewTrial>();
        // A cross-validated trial's other folds wait in the queue: they all run before the strategy is asked again.
        while (next.Count + suggested.Count < target && _waiting.Count == 0 && Suggest() is { } suggestion)
        {
            var record = _strategy.SaveTrial(suggestion.Index);
            if (_definition.CrossValidation is { } folds) next.Add(await AddFoldsAsync(suggestion, folds, record));
            else suggested.Add(new NewTrial(suggestion.Index, StoredJson.WriteParameters(suggestion.ParametersToStore), suggestion.Seed, record));
        }
        if (suggested.Count == 0) return next;
        foreach (var trial in await writer.AddTrialsAsync(SweepId, suggested))
        {
            _trials[trial.Id] = (trial.Index, trial.Seed, trial.ParametersJson);
            next.Add(trial.Id);
        }
        return next;
    }

    /// <summary>The strategy's next trial; null once the sweep may start no more (its trial count or time limit reached).</summary>
    private TrialSuggestion? Suggest()
    {
        if (_exhausted) return null;
        if (_definition.Search.TimeLimit is { } limit && SweepClock.TimeUsed(_sweep, DateTime.UtcNow) > limit)
        {
            _exhausted = true;
            return null;
        }
        var suggestion = _strategy.Ask();
        _exhausted = suggestion is null;
        return suggestion;
    }

    private TrialAssignment Assignment(long trialId, AttemptLease lease)
    {
        var (index, seed, parameters) = _trials[trialId];
        var config = ConfigOf(trialId, _definition.ConfigFor(new TrialSuggestion(index, seed, StoredJson.ReadParameterValues(parameters))));
        return new TrialAssignment(SweepId, trialId, index, lease.Attempt, ConfigJson.Write(config), lease.ResumeFromEpoch, _sweep.ObjectiveMetric,
            _definition.Search.Checkpoints.Epochs)
        {
            CheckpointInterval = _definition.Search.Checkpoints.Interval,
            CrossValidationJson = RefitSummary(trialId), IsFold = _children.TryGetValue(trialId, out var child) && child.Fold is not null,
            JudgedEpochs = [.. Enumerable.Range(1, config.Training.Epochs).Where(_pruner.IsRung)],
        };
    }

    private async Task CommitAsync(TrialOutcome outcome, Running run)
    {
        if (_children.ContainsKey(outcome.TrialId))
        {
            await CommitChildAsync(outcome, run);
            return;
        }
        var objective = outcome.Metrics[_sweep.ObjectiveMetric];
        var status = outcome.State;
        var told = TellStrategy(run.Index, status, objective, outcome.Epochs, ObjectiveValues(metric => outcome.Metrics[metric]));
        var stopReason = status == TrialState.Completed ? null : outcome.Reason;
        var committed = await writer.CommitResultAsync(ResultOf(outcome, status), objective, stopReason, BundleOf(outcome, run), told.Record);
        if (committed == CommitOutcome.Committed)
        {
            Count(outcome.TrialId, status, objective);
            SweepMetrics.TrialFinished(status.ToString());
        }
        else UndoTell(told);
    }

    private static Storage.Entities.TrialResult ResultOf(TrialOutcome outcome, TrialState status) => new()
    {
        TrialId = outcome.TrialId, Attempt = outcome.Attempt, Outcome = status, Epochs = outcome.Epochs, BestEpoch = outcome.BestEpoch,
        Metrics = outcome.Metrics, PerClassJson = outcome.PerClassJson, PerActorJson = outcome.PerActorJson, ConfusionJson = outcome.ConfusionJson,
        DurationSeconds = outcome.Seconds,
    };

    /// <summary>The worker reports a result only after the sweep's artifact store verified its bundle (SHA-256).</summary>
    private Artifact? BundleOf(TrialOutcome outcome, Running run) => outcome.BundleSha256 is null ? null : new Artifact
    {
        Kind = Artifact.BundleKind, Path = StoredPath(ArtifactKind.Bundle, outcome.TrialId, run, 0), Sha256 = outcome.BundleSha256, SizeBytes = outcome.BundleBytes,
    };

    /// <summary>A ranked trial ended: it counts as finished or failed, and may be the best.</summary>
    private void Count(long trialId, TrialState status, double? objective)
    {
        if (status == TrialState.Failed)
        {
            _failed++;
            return;
        }
        _finished++;
        ConsiderBest(trialId, objective);
    }

    private void ConsiderBest(long trialId, double? objective)
    {
        if (objective is not { } value || !double.IsFinite(value)) return;
        if (_best is null || (_sweep.Maximize ? value > _best.Value.Value : value < _best.Value.Value)) _best = (value, trialId);
    }

    private async Task FailAsync(long trialId, int attempt, int index, FailureClass failure, string message)
    {
        var retry = await ShouldRetryAsync(trialId, failure);
        if (_children.ContainsKey(trialId))
        {
            await FailChildAsync(trialId, attempt, failure, message, retry);
            return;
        }
        var told = retry ? null : TellStrategy(index, TrialState.Failed, null, 0);
        if (await writer.FailAttemptAsync(trialId, attempt, failure, message, retry, told?.Record))
        {
            SweepMetrics.AttemptFailed(failure == FailureClass.Preempted, retry);
            if (retry) _waiting.AddLast(trialId);
            else _failed++;
        }
        else if (told is not null) UndoTell(told);
    }

    private async Task<bool> ShouldRetryAsync(long trialId, FailureClass failure) =>
        failure == FailureClass.Preempted || ((await queries.GetTrialAsync(trialId))?.Trial.Attempts ?? 0) < Math.Max(1, _sweep.MaxAttempts);

    private async Task PreemptAsync(long trialId, int attempt, string reason)
    {
        if (await writer.FailAttemptAsync(trialId, attempt, FailureClass.Preempted, reason, retry: true))
        {
            SweepMetrics.AttemptFailed(preempted: true, retried: true);
            _waiting.AddLast(trialId);
        }
    }

    /// <summary>
    /// Tells the strategy and returns its new record of the trial, stored in the same transaction as the result. The
    /// strategy ranks an early-stopped trial as completed (both ran to their own end) and one without a finite value as failed;
    /// <paramref name="values"/> are every objective's of a multi-objective sweep (<see cref="ObjectiveValues"/>).
    /// </summary>
    private Told TellStrategy(int index, TrialState state, double? value, int epochs, IReadOnlyList<double>? values = null)
    {
        var told = value is not { } v || !double.IsFinite(v) ? TrialState.Failed : state == TrialState.EarlyStopped ? TrialState.Completed : state;
        // A completed trial of a multi-objective sweep that lacks a value of some objective cannot be ranked: as failed.
        if (told == TrialState.Completed && _definition.Search.Objectives.Count > 0 && values is null) told = TrialState.Failed;
        var before = _strategy.SaveTrial(index);
        _strategy.Tell(new FinishedTrial(index, told, told == TrialState.Failed ? null : value, epochs, told == TrialState.Failed ? null : values));
        return new Told(before, _strategy.SaveTrial(index));
    }

    /// <summary>The strategy's record of a trial before and after it was told (<see cref="ISearchStrategy.SaveTrial"/>).</summary>
    private sealed record Told(string Before, string Record);

    /// <summary>The result was not stored (a racing or late report): forget the tell by taking back the record from before it.</summary>
    private void UndoTell(Told told) => _strategy.RestoreTrial(told.Before);

    /// <summary>An attempt cancelled without the coordinator asking (its worker stopped) was preempted: it is retried.</summary>
    private static FailureClass Classify(TrialOutcome outcome) =>
        outcome.Failure ?? (outcome.State == TrialState.Cancelled ? FailureClass.Preempted : FailureClass.Crashed);

    private async Task SetStatusAsync(SweepStatus status)
    {
        await writer.SetSweepStatusAsync(SweepId, status);
        _sweep.Status = status;
        if (status == SweepStatus.Running) _sweep.StartedAt ??= DateTime.UtcNow;
    }

    /// <summary>Asks a presumably lost attempt to stop; its silo may well be gone, which is fine.</summary>
    private async Task CancelQuietlyAsync(long trialId, int attempt)
    {
        try
        {
            await TrialGrain(trialId, attempt).Cancel().WaitAsync(CancelTimeout);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
        {
            LogRecoveryProbeFailed(trialId, e.Message);
        }
    }

    private async Task StopWatchdogAsync()
    {
        if (await this.GetReminder(Watchdog) is { } reminder) await this.UnregisterReminder(reminder);
        _watchdog = false;
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private static bool IsOver(SweepStatus status) => status is SweepStatus.Completed or SweepStatus.Stopped or SweepStatus.Failed;

    /// <summary>Where this coordinator silo's artifact store keeps an artifact of the current attempt.</summary>
    private string StoredPath(ArtifactKind kind, long trialId, Running run, int epoch) =>
        ArtifactStoreGrain.PathOf(options, SweepId, new ArtifactRef(kind, trialId, run.Index, run.Attempt, epoch));

    private IArtifactStoreGrain ArtifactStore => GrainFactory.GetGrain<IArtifactStoreGrain>(SweepId);

    private ITrialGrain TrialGrain(long trialId, int attempt) => GrainFactory.GetGrain<ITrialGrain>(trialId, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture), null);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a late report of trial {TrialId} attempt {Attempt}: it is not the current attempt")]
    private partial void LogLateReport(long trialId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not start trial {TrialId} on {Silo}: {Reason}")]
    private partial void LogStartFailed(long trialId, string silo, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask trial {TrialId} whether it still runs: {Reason}")]
    private partial void LogRecoveryProbeFailed(long trialId, string reason);
}
