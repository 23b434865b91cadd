namespace SerSweep.Search.Resuming;

/// <summary>
/// What a resume asks of a sweep: a new <c>max_trials</c> (total, counting the trials already started) and a new
/// <c>time_limit</c> (total running time, counting the time already run); null keeps the sweep's own.
/// </summary>
public sealed record RaisedLimits(int? MaxTrials = null, TimeSpan? TimeLimit = null)
{
    public static RaisedLimits None { get; } = new();

    public bool IsEmpty => MaxTrials is null && TimeLimit is null;
}

/// <summary>Where a sweep stands when it is asked to go on: its trials started so far and the time it has run.</summary>
/// <param name="Over">Completed, stopped or failed (not running, paused or pending).</param>
/// <param name="Stopped">Stopped by a user: the trials the stop cancelled run again, so it may go on with the same max_trials.</param>
public sealed record SweepStanding(bool Over, int StartedTrials, TimeSpan TimeUsed, bool Stopped = false);
