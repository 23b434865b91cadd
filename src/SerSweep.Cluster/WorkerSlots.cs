namespace SerSweep.Cluster;

/// <summary>
/// The hard limit of concurrent trials on this worker silo (its --slots). The slot scheduler should never ask for
/// more; this is the check that makes "never more than N" hold even if it did.
/// </summary>
public sealed class WorkerSlots(int slots)
{
    private int _running;
    private int _peak;

    public int Slots { get; } = slots;
    public int Running => Volatile.Read(ref _running);
    /// <summary>The most trials that ever ran at once here (tests check it against <see cref="Slots"/>).</summary>
    public int Peak => Volatile.Read(ref _peak);

    public bool TryAcquire()
    {
        while (true)
        {
            var running = Volatile.Read(ref _running);
            if (running >= Slots) return false;
            if (Interlocked.CompareExchange(ref _running, running + 1, running) != running) continue;
            var peak = Volatile.Read(ref _peak);
            while (running + 1 > peak && Interlocked.CompareExchange(ref _peak, running + 1, peak) != peak) peak = Volatile.Read(ref _peak);
            return true;
        }
    }

    public void Release() => Interlocked.Decrement(ref _running);
}
