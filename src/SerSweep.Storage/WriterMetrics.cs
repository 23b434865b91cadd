using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SerSweep.Storage;

/// <summary>
/// The writer's instruments under SerSweep's meter name (see SerSweep.Cluster.Telemetry.SweepMetrics, which Storage
/// does not know): writes per transaction and the time from BEGIN to COMMIT.
/// </summary>
internal static class WriterMetrics
{
    private static readonly Meter Meter = new("SerSweep");
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("sersweep.db.batch.size", "{write}", "Writes applied in one SQLite transaction.");
    private static readonly Histogram<double> CommitSeconds = Meter.CreateHistogram<double>("sersweep.db.commit.duration", "s", "Time of one writer transaction, BEGIN to COMMIT.");

    public static void Committed(int writes, long startedTimestamp)
    {
        BatchSize.Record(writes);
        CommitSeconds.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
    }
}
