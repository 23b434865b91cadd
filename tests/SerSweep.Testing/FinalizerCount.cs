namespace SerSweep.Testing;

/// <summary>
/// Counts objects with a finalizer that an action dropped without disposing (e.g. TorchSharp's implicit Scalars).
/// The count is process-wide: run such tests alone (a non-parallel collection) and compare with <see cref="Baseline"/>.
/// </summary>
public static class FinalizerCount
{
    public static long LeftBy(Action action)
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

    /// <summary>What an empty action leaves (the test framework's own objects), the larger of two counts.</summary>
    public static long Baseline() => Math.Max(LeftBy(() => { }), LeftBy(() => { }));
}
