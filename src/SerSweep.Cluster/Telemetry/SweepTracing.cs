using System.Diagnostics;

namespace SerSweep.Cluster.Telemetry;

/// <summary>
/// SerSweep's traces (activity source "SerSweep"): one trace per trial attempt. The coordinator opens
/// <see cref="Attempt"/> when it dispatches the attempt; Orleans carries the context into the trial grain (silos call
/// <c>AddActivityPropagation</c>), which runs <see cref="Training"/> with an event per epoch; the result is reported
/// from inside the training span, so the coordinator's <see cref="Commit"/> joins the same trace on whichever silo.
/// With no listener every call returns null and costs nothing.
/// </summary>
public static class SweepTracing
{
    public const string SourceName = "SerSweep";
    /// <summary>Every SerSweep span's name starts with it: samplers keep the traces these spans start.</summary>
    public const string SpanPrefix = "sersweep.";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A new trace: the coordinator dispatches attempts while handling other calls (the report that freed the slot), which must not become their parent.</summary>
    public static Activity? Attempt(long sweepId, long trialId, int attempt, string silo)
    {
        var caller = Activity.Current;
        Activity.Current = null;
        var span = Source.StartActivity(SpanPrefix + "attempt", ActivityKind.Internal);
        if (span is null)
        {
            Activity.Current = caller;
            return null;
        }
        return span.AddTag("sersweep.sweep_id", sweepId).AddTag("sersweep.trial_id", trialId).AddTag("sersweep.attempt", attempt).AddTag("sersweep.silo", silo);
    }

    public static Activity? Training(ActivityContext parent, long trialId, int attempt, string silo) =>
        Source.StartActivity(SpanPrefix + "training", ActivityKind.Internal, parent)?.AddTag("sersweep.trial_id", trialId).AddTag("sersweep.attempt", attempt).AddTag("sersweep.silo", silo);

    public static void Epoch(int epoch, double seconds) =>
        Activity.Current?.AddEvent(new ActivityEvent("epoch", tags: new ActivityTagsCollection { ["epoch"] = epoch, ["seconds"] = seconds }));

    public static Activity? Commit(long trialId, int attempt, string end, string silo) =>
        Source.StartActivity(SpanPrefix + "commit")?.AddTag("sersweep.trial_id", trialId).AddTag("sersweep.attempt", attempt).AddTag("sersweep.end", end).AddTag("sersweep.silo", silo);
}
