using SerSweep.Storage;

namespace SerSweep.Dashboard.Views;

/// <summary>How long a sweep has run and, from its pace so far, how long it still needs.</summary>
public static class SweepTiming
{
    public static TimeSpan? Elapsed(SweepSummary sweep, DateTime utcNow) =>
        sweep.StartedAt is { } started ? (sweep.FinishedAt ?? utcNow) - started : null;

    /// <summary>Remaining trials times the mean time per finished trial so far; null before the first finishes or once done.</summary>
    public static TimeSpan? Eta(SweepSummary sweep, DateTime utcNow)
    {
        var finished = sweep.Completed + sweep.Pruned + sweep.Failed + sweep.Cancelled;
        var remaining = sweep.MaxTrials - finished;
        if (sweep.FinishedAt is not null || finished == 0 || remaining <= 0 || Elapsed(sweep, utcNow) is not { } elapsed)
            return null;
        return elapsed / finished * remaining;
    }

    public static string Format(TimeSpan? span) => span switch
    {
        null => "–",
        { TotalHours: >= 1 } s => $"{(int)s.TotalHours}h {s.Minutes:00}m",
        { TotalMinutes: >= 1 } s => $"{s.Minutes}m {s.Seconds:00}s",
        { } s => $"{s.Seconds}s",
    };
}
