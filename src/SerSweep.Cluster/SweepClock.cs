using System.Text.Json;
using SerSweep.Core;
using SerSweep.Search;
using SerSweep.Search.Resuming;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster;

/// <summary>
/// How long a sweep has run, which its time_limit is measured against: from its start while it never stopped; once
/// resumed, the time it ran before (until it finished or was stopped) plus the time since the resume. Kept in
/// <see cref="Sweep.ResumeJson"/> with the raised time limit; a raised max_trials is <see cref="Sweep.MaxTrials"/>.
/// </summary>
public static class SweepClock
{
    /// <summary>What <see cref="Sweep.ResumeJson"/> holds.</summary>
    private sealed record Resumed(double SecondsBefore, DateTime ResumedAt, double? TimeLimitSeconds);

    public static TimeSpan TimeUsed(Sweep sweep, DateTime now)
    {
        var end = sweep.Status is SweepStatus.Completed or SweepStatus.Stopped or SweepStatus.Failed ? sweep.FinishedAt ?? now : now;
        if (Read(sweep) is { } resumed) return TimeSpan.FromSeconds(resumed.SecondsBefore) + Positive(end - resumed.ResumedAt);
        return sweep.StartedAt is { } started ? Positive(end - started) : TimeSpan.Zero;
    }

    /// <summary>The definition with the limits a resume raised (the stored YAML keeps the ones it was started with).</summary>
    public static SweepDefinition WithResumedLimits(SweepDefinition definition, Sweep sweep) => Read(sweep) is { } resumed
        ? SweepResume.WithLimits(definition, new RaisedLimits(sweep.MaxTrials, resumed.TimeLimitSeconds is { } s ? TimeSpan.FromSeconds(s) : null))
        : definition;

    /// <summary>
    /// The <see cref="Sweep.ResumeJson"/> of a sweep resumed now with <paramref name="timeLimit"/>: a sweep that was over
    /// starts a new running period; a live one keeps counting as before.
    /// </summary>
    public static string Resume(Sweep sweep, bool wasOver, TimeSpan? timeLimit, DateTime now)
    {
        var previous = Read(sweep);
        var limit = timeLimit?.TotalSeconds ?? previous?.TimeLimitSeconds;
        var resumed = wasOver
            ? new Resumed(TimeUsed(sweep, now).TotalSeconds, now, limit)
            : previous is null ? new Resumed(0, sweep.StartedAt ?? now, limit) : previous with { TimeLimitSeconds = limit };
        return JsonSerializer.Serialize(resumed, SnakeCaseJson.Options);
    }

    private static Resumed? Read(Sweep sweep) =>
        sweep.ResumeJson is { } json ? JsonSerializer.Deserialize<Resumed>(json, SnakeCaseJson.Options) : null;

    private static TimeSpan Positive(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;
}
