using System.Diagnostics.Metrics;

namespace SerSweep.Bench.Scale;

/// <summary>
/// Every transaction of the single SQLite writer as its own instruments record it (<c>sersweep.db.commit.duration</c>,
/// BEGIN to COMMIT, and <c>sersweep.db.batch.size</c>), each measurement kept, so that percentiles are exact.
/// </summary>
internal sealed class CommitLatency : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _seconds = [];
    private readonly List<int> _writes = [];

    public CommitLatency()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Core.SerSweepMeter.Name && instrument.Name is "sersweep.db.commit.duration" or "sersweep.db.batch.size")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => { lock (_seconds) _seconds.Add(value); });
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) => { lock (_seconds) _writes.Add(value); });
        _listener.Start();
    }

    public void Reset()
    {
        lock (_seconds)
        {
            _seconds.Clear();
            _writes.Clear();
        }
    }

    /// <summary>Transactions, their p50 / p99 / max in ms, the writes per transaction (mean) and the seconds spent in transactions.</summary>
    public (int Commits, double P50Ms, double P99Ms, double MaxMs, double MeanWrites, double BusySeconds) Summary()
    {
        lock (_seconds)
        {
            if (_seconds.Count == 0) return (0, 0, 0, 0, 0, 0);
            var sorted = _seconds.Order().ToArray();
            double At(double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))] * 1000;
            return (sorted.Length, At(0.5), At(0.99), sorted[^1] * 1000, _writes.Count == 0 ? 0 : _writes.Average(), sorted.Sum());
        }
    }

    public void Dispose() => _listener.Dispose();
}
