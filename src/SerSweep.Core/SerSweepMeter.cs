using System.Diagnostics.Metrics;

namespace SerSweep.Core;

/// <summary>
/// SerSweep's one meter ("SerSweep"): the cluster, the SQLite writer and the dashboard each create their instruments
/// on it where they count (a listener enables them all by this name). Names follow OpenTelemetry's conventions; the
/// Prometheus exporter turns dots into underscores.
/// </summary>
public static class SerSweepMeter
{
    public const string Name = "SerSweep";

    public static Meter Meter { get; } = new(Name);

    /// <summary>Bucket bounds for durations from a millisecond to ten minutes (the default bounds are for milliseconds).</summary>
    public static InstrumentAdvice<double> Seconds { get; } = new() { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] };
}
