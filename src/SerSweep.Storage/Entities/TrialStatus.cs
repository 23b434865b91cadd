namespace SerSweep.Storage.Entities;

public enum TrialStatus
{
    /// <summary>Suggested by the strategy, waiting for a free slot (or for a re-issue after a failure).</summary>
    Pending,
    Running,
    Completed,
    /// <summary>Stopped by its own early-stopping patience.</summary>
    EarlyStopped,
    /// <summary>Stopped by ASHA; <see cref="Trial.StopReason"/> says at which rung and why.</summary>
    Pruned,
    /// <summary>Failed on its last allowed attempt; <see cref="Trial.FailureClass"/> says how.</summary>
    Failed,
    Cancelled,
}

public static class TrialStatuses
{
    /// <summary>True when the trial will not run again.</summary>
    public static bool IsFinal(this TrialStatus status) => status is not (TrialStatus.Pending or TrialStatus.Running);
}

/// <summary>What a row of the Trials table is. Folds and refits are scheduled, retried and resumed like trials but never ranked.</summary>
public enum TrialRole
{
    /// <summary>A point of the search space, ranked on the leaderboard; with cross-validation the parent of its folds (never run itself).</summary>
    Trial,
    /// <summary>One fold of a cross-validated trial.</summary>
    Fold,
    /// <summary>A cross-validated trial's configuration retrained on all training actors: the exported model.</summary>
    Refit,
}
