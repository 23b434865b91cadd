using System.Diagnostics;
using System.Diagnostics.Metrics;
using SerSweep.Core;

namespace SerSweep.Storage;

/// <summary>
/// The writer's instruments on <see cref="SerSweepMeter"/>: writes per transaction and the time from BEGIN to COMMIT.
/// </summary>
internal static class WriterMetrics
{
    private static readonly Meter Meter = SerSweepMeter.Meter;
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram("sersweep.db.batch.size", "{write}", "Writes applied in one SQLite transaction.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
    private static readonly Histogram<double> CommitSeconds = Meter.CreateHistogram("sersweep.db.commit.duration", "s", "Time of one writer transaction, BEGIN to COMMIT.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    public static void Committed(int writes, long startedTimestamp)
    {
        BatchSize.Record(writes);
        CommitSeconds.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
    }
}
