using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SerSweep.Core;

namespace SerSweep.Cluster.Telemetry;

/// <summary>
/// What a sweep does, counted where it happens, on <see cref="SerSweepMeter"/>. Static, so that each grain records
/// with one line and nothing in the grains' constructors changes; with no listener (metrics off) every call is a few
/// nanoseconds.
/// </summary>
public static class SweepMetrics
{
    private static readonly Meter Meter = SerSweepMeter.Meter;

    private static readonly Counter<long> TrialsStarted = Meter.CreateCounter<long>("sersweep.trials.started", "{trial}", "Trials whose first attempt started.");
    private static readonly Counter<long> TrialsFinished = Meter.CreateCounter<long>("sersweep.trials.finished", "{trial}", "Trials that ended, by status (completed, pruned, earlystopped, failed).");
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("sersweep.attempts.started", "{attempt}", "Trial attempts started on a worker (first attempts and retries).");
    private static readonly Counter<long> Preemptions = Meter.CreateCounter<long>("sersweep.attempts.preempted", "{attempt}", "Attempts given up for reasons not the trial's own (silo died, lease expired, could not start, stopped).");
    private static readonly Counter<long> Epochs = Meter.CreateCounter<long>("sersweep.epochs.reported", "{epoch}", "Epochs reported to a coordinator and stored.");
    private static readonly Histogram<double> EpochSeconds = Meter.CreateHistogram("sersweep.epoch.duration", "s", "Training time of one epoch as the trainer measured it.", advice: SerSweepMeter.Seconds);
    private static readonly Counter<long> FeatureSetsLoaded = Meter.CreateCounter<long>("sersweep.feature_sets.loaded", "{set}", "Feature sets a trial loaded; those not copied were cache hits.");
    private static readonly Counter<long> FeatureSetsCopied = Meter.CreateCounter<long>("sersweep.feature_sets.copied", "{set}", "Feature sets copied to this silo's cache from the silo that has them.");
    private static readonly Counter<long> FeatureBytes = Meter.CreateCounter<long>("sersweep.feature_sets.transferred", "By", "Feature cache bytes copied to this silo from another.");
    private static readonly Counter<long> ArtifactBytes = Meter.CreateCounter<long>("sersweep.artifacts.uploaded", "By", "Model bundle bytes a worker reported with its results.");

    /// <summary>Sweep id -> trials waiting for a slot, as each coordinator last saw it.</summary>
    private static readonly ConcurrentDictionary<long, int> Queues = new();
    /// <summary>Silo name -> its slots (one per silo; tests run several silos in one process).</summary>
    private static readonly ConcurrentDictionary<string, WorkerSlots> Workers = new();

    static SweepMetrics()
    {
        Meter.CreateObservableGauge("sersweep.queue.length", () => Queues.Select(q => new Measurement<int>(q.Value, new KeyValuePair<string, object?>("sweep", q.Key))),
            "{trial}", "Trials of a running sweep waiting for a free slot.");
        Meter.CreateObservableGauge("sersweep.worker.free_slots", () => Workers.Select(w => new Measurement<int>(w.Value.Slots - w.Value.Running, new KeyValuePair<string, object?>("silo", w.Key))),
            "{slot}", "Slots of a worker silo not running a trial.");
    }

    /// <summary>Publishes the free slots of this worker silo, tagged with the silo's name.</summary>
    public static WorkerSlots Observe(WorkerSlots slots, string silo)
    {
        if (slots.Slots > 0) Workers[silo] = slots;
        return slots;
    }

    public static void AttemptStarted(int attempt)
    {
        Attempts.Add(1);
        if (attempt == 1) TrialsStarted.Add(1);
    }

    public static void TrialFinished(string status) => TrialsFinished.Add(1, new KeyValuePair<string, object?>("status", status.ToLowerInvariant()));

    /// <summary>An attempt ended without a result: counted as a preemption if not the trial's fault, as a failed trial if not retried.</summary>
    public static void AttemptFailed(bool preempted, bool retried)
    {
        if (preempted) Preemptions.Add(1);
        if (!retried) TrialFinished("failed");
    }

    public static void EpochReported(double seconds)
    {
        Epochs.Add(1);
        EpochSeconds.Record(seconds);
    }

    public static void QueueLength(long sweepId, int waiting, bool running)
    {
        if (running) Queues[sweepId] = waiting;
        else Queues.TryRemove(sweepId, out _);
    }

    public static void FeatureSetLoaded() => FeatureSetsLoaded.Add(1);

    public static void FeatureSetCopied(long bytes)
    {
        FeatureSetsCopied.Add(1);
        FeatureBytes.Add(bytes);
    }

    public static void ArtifactUploaded(long bytes) => ArtifactBytes.Add(bytes);
}
