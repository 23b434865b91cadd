namespace SerSweep.Core;

/// <summary>Why an attempt ended without a result: the detail of <see cref="TrialState.Failed"/> (and of a preempted attempt, which is retried).</summary>
public enum FailureClass
{
    /// <summary>An exception in training (or a crash of the process that ran it).</summary>
    Crashed,
    /// <summary>The loss became NaN/infinite.</summary>
    Diverged,
    OutOfMemory,
    /// <summary>The silo running the attempt died or left the cluster; the next attempt resumes from its checkpoint.</summary>
    Preempted,
}
