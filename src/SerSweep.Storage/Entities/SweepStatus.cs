namespace SerSweep.Storage.Entities;

public enum SweepStatus
{
    /// <summary>Stored, not yet picked up by a coordinator.</summary>
    Pending,
    Running,
    /// <summary>No new trials are started; running trials go on.</summary>
    Paused,
    /// <summary>Stopped by a user; running trials were cancelled.</summary>
    Stopped,
    /// <summary>The strategy has no more trials and every trial has a final state.</summary>
    Completed,
    Failed,
}
