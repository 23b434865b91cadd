using System.Diagnostics.Metrics;

namespace SerSweep.Bench.Scale;

/// <summary>
/// The Orleans messages this process's silo sent and received over the network, counted from Orleans' own size
/// histograms (one measurement per message). Per trial they do not depend on the machine's load, as CPU does.
/// </summary>
internal sealed class SiloMessages : IDisposable
{
    private const string Sent = "orleans-messaging-sent-messages-size";
    private const string Received = "orleans-messaging-received-messages-size";
    private readonly MeterListener _listener = new();
    private long _sent;
    private long _received;

    public SiloMessages()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Microsoft.Orleans" && instrument.Name is Sent or Received)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((instrument, _, _, _) => Count(instrument));
        _listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => Count(instrument));
        _listener.Start();
    }

    private void Count(Instrument instrument)
    {
        if (instrument.Name == Sent) Interlocked.Increment(ref _sent);
        else Interlocked.Increment(ref _received);
    }

    public void Reset() => (_sent, _received) = (0, 0);

    public (long Sent, long Received) Counts => (Interlocked.Read(ref _sent), Interlocked.Read(ref _received));

    public void Dispose() => _listener.Dispose();
}
