namespace SerSweep.Testing;

/// <summary>
/// Counts objects with a finalizer that an action dropped without disposing (e.g. TorchSharp's implicit Scalars).
/// The count is process-wide, so another thread's garbage can land in it now and then: run such tests alone (a
/// non-parallel collection), and compare <see cref="LeftBy"/>, the least of three counts (what the action leaves every
/// time), with <see cref="Baseline"/>, the most of three (what nothing leaves at worst).
/// </summary>
public static class FinalizerCount
{
    private const int Tries = 3;

    public static long LeftBy(Action action)
    {
        var least = long.MaxValue;
        for (var i = 0; i < Tries; i++) least = Math.Min(least, Once(action));
        return least;
    }

    /// <summary>What an empty action leaves (the test framework's own objects), the most of three counts.</summary>
    public static long Baseline()
    {
        var most = 0L;
        for (var i = 0; i < Tries; i++) most = Math.Max(most, Once(() => { }));
        return most;
    }

    private static long Once(Action action)
    {
        // Twice: finalizers of the first round may drop further finalizable objects.
        for (var round = 0; round < 2; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        action();
        GC.Collect();
        var pending = GC.GetGCMemoryInfo(GCKind.Any).FinalizationPendingCount;
        GC.WaitForPendingFinalizers();
        return pending;
    }
}
