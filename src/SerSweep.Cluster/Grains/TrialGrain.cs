using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SerSweep.Cluster.Artifacts;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Placement;
using SerSweep.Cluster.Telemetry;
using SerSweep.Cluster.Trainers;
using SerSweep.Core;

namespace SerSweep.Cluster.Grains;

/// <summary>
/// One attempt of one trial on a worker silo. <see cref="Start"/> takes a local slot, starts training on the
/// worker's <see cref="AttemptThreads"/> (never on the Orleans scheduler) and returns at once; a keep-alive timer holds the activation while training and heartbeats to the coordinator. Reports go to
/// the sweep's coordinator and are retried until it answers (it may be restarting). The attempt's files stay in
/// this worker's own folder; an epoch counts as checkpointed, and a result is reported, only once its checkpoint or
/// bundle is stored on the coordinator (<see cref="ArtifactTransfer"/>).
/// </summary>
[WorkerPlacement]
public sealed partial class TrialGrain(
    ITrialTrainer trainer, WorkerSlots slots, AttemptThreads threads, ArtifactTransfer transfer, SerSweepClusterOptions options, ILocalSiloDetails silo,
    ILogger<TrialGrain> logger)
    : Grain, ITrialGrain
{
    /// <summary>Every message logged while an attempt runs (the trainer's too) carries its ids as fields (--log-format json).</summary>
    private static readonly Func<ILogger, long, long, int, string, IDisposable?> AttemptScope =
        LoggerMessage.DefineScope<long, long, int, string>("Sweep {SweepId} trial {TrialId} attempt {Attempt} on {Silo}");
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);
    /// <summary>Longest single wait before starting the trainer again after a cluster fault (1 + 2 + ... + 32 s in all).</summary>
    private static readonly TimeSpan MaxClusterSettle = TimeSpan.FromSeconds(32);
    private readonly CancellationTokenSource _cancel = new();
    private TrialAssignment? _assignment;
    private Task? _run;
    private IGrainTimer? _timer;
    /// <summary>The coordinator's attempt span this attempt's training continues (the attempt threads do not carry it).</summary>
    private ActivityContext _trace;

    public Task Start(TrialAssignment assignment)
    {
        if (_assignment is not null) return Task.CompletedTask;
        if (!slots.TryAcquire())
            throw new InvalidOperationException($"worker {silo.Name} has all its {slots.Slots} slots busy");
        _assignment = assignment;
        _trace = Activity.Current?.Context ?? default;
        var coordinator = GrainFactory.GetGrain<ISweepCoordinatorGrain>(assignment.SweepId);
        _run = threads.Run(() => RunAsync(assignment, coordinator));
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(options.Heartbeat, options.Heartbeat) { KeepAlive = true, Interleave = true });
        return Task.CompletedTask;
    }

    public Task Cancel()
    {
        _cancel.Cancel();
        return Task.CompletedTask;
    }

    public Task<string?> RunningOn() =>
        Task.FromResult(_run is { IsCompleted: false } ? silo.SiloAddress.ToParsableString() : null);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A silo shutting down stops its trials; they report "cancelled" and the coordinator re-issues them.
        _cancel.Cancel();
        return _run ?? Task.CompletedTask;
    }

    private async Task TickAsync(CancellationToken cancel)
    {
        if (_run is { IsCompleted: true })
        {
            _timer?.Dispose();
            DeactivateOnIdle();
            return;
        }
        try
        {
            await GrainFactory.GetGrain<ISweepCoordinatorGrain>(_assignment!.SweepId).Heartbeat(_assignment.TrialId, _assignment.Attempt);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
        {
            LogCoordinatorUnreachable(_assignment!.TrialId, e.Message);
        }
    }

    private async Task RunAsync(TrialAssignment assignment, ISweepCoordinatorGrain coordinator)
    {
        var here = silo.SiloAddress.ToParsableString();
        using var scope = AttemptScope(logger, assignment.SweepId, assignment.TrialId, assignment.Attempt, here);
        using var training = SweepTracing.Training(_trace, assignment.TrialId, assignment.Attempt, here);
        LogAttemptStarted(assignment.TrialId, assignment.Attempt, assignment.SweepId, here);
        TrialOutcome outcome;
        var abandoned = false;
        var files = AttemptFiles.For(options, assignment);
        var tally = new ArtifactTransfer.Tally();
        async Task<EpochAnswer> SendEpochsAsync(IReadOnlyList<EpochProgress> epochs, CancellationToken cancel)
        {
            var answer = await RetryAsync(() => coordinator.ReportEpochs(epochs), cancel) ?? EpochAnswer.Continue;
            abandoned |= answer.Verdict == EpochVerdict.Abandon;
            return answer;
        }
        EpochReportBatch? reports = null;
        try
        {
            for (var wait = TimeSpan.FromSeconds(1); ; wait *= 2)
            {
                try
                {
                    // This worker's disk may lack the checkpoint to resume from (it never ran the trial, or lost it).
                    if (assignment.ResumeFromEpoch > 0 && trainer.CheckpointEpoch(files.CheckpointDir) < assignment.ResumeFromEpoch)
                        await transfer.RestoreCheckpointAsync(assignment, assignment.ResumeFromEpoch, files.CheckpointDir, tally, CancellationToken.None);
                    // A start again trains the unsent epochs again: their reports go with the new run's.
                    reports = new EpochReportBatch(assignment, options.EpochReportInterval, TimeProvider.System, SendEpochsAsync);
                    Task<bool>? lastReplica = null;
                    outcome = await trainer.RunAsync(assignment, files, options.ThreadsPerTrial, async (epoch, cancel) =>
                    {
                        SweepTracing.Epoch(epoch.Epoch, epoch.Seconds);
                        Task<bool>? replica = null;
                        if (epoch.CheckpointWritten)
                        {
                            // One upload at a time (with checkpoint_every: 1 the last may still run); packed before the
                            // trainer goes on, uploaded beside its next epochs.
                            if (lastReplica is not null) await lastReplica;
                            replica = lastReplica = transfer.ReplicateCheckpoint(assignment, epoch.Epoch, files.CheckpointDir, tally, cancel);
                        }
                        return await reports.AddAsync(epoch, replica, cancel);
                    }, _cancel.Token);
                    break;
                }
                // A call to another silo failed (e.g. the feature-set grain's silo died and membership has not said so
                // yet). The cluster settles within seconds, so this attempt starts again from its checkpoint rather than
                // failing at once: three such failures in a row used to exhaust the trial's retries in milliseconds.
                catch (Exception e) when (e is OrleansException or TimeoutException && wait <= MaxClusterSettle && !_cancel.IsCancellationRequested)
                {
                    LogClusterFault(assignment.TrialId, assignment.Attempt, wait.TotalSeconds, e.GetBaseException().Message);
                    if (reports is not null) await reports.SettleAsync(); // its sends end before the next run's begin
                    await Task.Delay(wait, CancellationToken.None);
                }
            }
        }
        catch (Exception e)
        {
            LogAttemptFailed(e, assignment.TrialId, assignment.Attempt);
            outcome = new TrialOutcome { TrialId = assignment.TrialId, Attempt = assignment.Attempt, State = TrialState.Failed, Failure = Classify(e), Reason = e.GetBaseException().Message };
        }
        finally
        {
            slots.Release();
        }
        // First the sends still under way (a checkpoint's report): their answer may yet be "abandon".
        if (reports is not null && await reports.SettleAsync() is { } unsent)
            LogReportsUnsent(assignment.TrialId, assignment.Attempt, unsent.GetBaseException().Message);
        LogAttemptEnded(assignment.TrialId, assignment.Attempt, assignment.SweepId, here, abandoned ? "abandoned" : outcome.Ending);
        if (abandoned) return;
        if (reports is not null) outcome = outcome with { LastEpochs = reports.TakeWaiting() };
        if (outcome.HasResult && File.Exists(files.BundlePath)) outcome = await UploadBundleAsync(assignment, files, outcome, tally);
        SweepMetrics.ArtifactUploaded(outcome.BundleBytes);
        await RetryAsync(async () => { await coordinator.ReportOutcome(outcome); return outcome; }, CancellationToken.None);
        transfer.Report(assignment, tally);
        // The coordinator holds the result's bundle now; without a result the checkpoint stays for a retry here.
        if (outcome.HasResult && Directory.Exists(files.TrialDir)) Directory.Delete(files.TrialDir, recursive: true);
    }

    /// <summary>The outcome with its stored bundle's SHA-256 and size; a bundle the coordinator did not take fails the attempt (it is retried).</summary>
    private async Task<TrialOutcome> UploadBundleAsync(TrialAssignment assignment, AttemptFiles files, TrialOutcome outcome, ArtifactTransfer.Tally tally)
    {
        try
        {
            var stored = await transfer.UploadBundleAsync(assignment, files.BundlePath, tally, CancellationToken.None);
            return outcome with { BundleSha256 = stored.Sha256, BundleBytes = stored.Bytes };
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidDataException or InvalidOperationException or IOException)
        {
            LogAttemptFailed(e, assignment.TrialId, assignment.Attempt);
            return new TrialOutcome { TrialId = assignment.TrialId, Attempt = assignment.Attempt, State = TrialState.Failed, Failure = FailureClass.Crashed, Reason = $"bundle upload failed: {e.Message}" };
        }
    }

    /// <summary>Calls the coordinator until it answers; null when <paramref name="cancel"/> fires first.</summary>
    private async Task<T?> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancel) where T : class?
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await call();
            }
            // Any failure of the call itself (dead or restarting coordinator silo, lost directory entry, timeout):
            // the report is retried; only this attempt's cancellation stops the loop.
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCoordinatorUnreachable(_assignment!.TrialId, e.Message);
            }
            if (cancel.IsCancellationRequested) return null;
            await Task.Delay(delay, CancellationToken.None);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private static FailureClass Classify(Exception e) =>
        e is OutOfMemoryException || e.GetBaseException().Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || e.GetBaseException().Message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase)
            ? FailureClass.OutOfMemory
            : FailureClass.Crashed;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId} attempt {Attempt}: a cluster call failed, starting again in {Seconds} s: {Reason}")]
    private partial void LogClusterFault(long trialId, int attempt, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId}: coordinator unreachable, retrying: {Reason}")]
    private partial void LogCoordinatorUnreachable(long trialId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {TrialId} attempt {Attempt} of sweep {SweepId} started on {Silo}")]
    private partial void LogAttemptStarted(long trialId, int attempt, long sweepId, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {TrialId} attempt {Attempt} of sweep {SweepId} ended on {Silo}: {End}")]
    private partial void LogAttemptEnded(long trialId, int attempt, long sweepId, string silo, string end);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId} attempt {Attempt} failed")]
    private partial void LogAttemptFailed(Exception error, long trialId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId} attempt {Attempt}: epoch reports sent beside the training were not answered, the outcome goes without them: {Reason}")]
    private partial void LogReportsUnsent(long trialId, int attempt, string reason);
}
