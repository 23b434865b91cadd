namespace SerSweep.Core;

/// <summary>
/// Where a trial (or one attempt of it, or one training run) is in its life, as Optuna's <c>TrialState</c>: the one
/// vocabulary of training, search, the cluster contracts and storage (which keeps these names as strings). Why a trial
/// failed is not a state but its <see cref="FailureClass"/>.
/// </summary>
public enum TrialState
{
    /// <summary>Suggested by the strategy, waiting for a free slot (or for a re-issue after a failure).</summary>
    Pending,
    Running,
    /// <summary>Ran all its epochs: its value is final.</summary>
    Completed,
    /// <summary>Stopped by its own early-stopping patience (<c>training.patience</c>): its value is final.</summary>
    EarlyStopped,
    /// <summary>Stopped by the pruner (ASHA) or the coordinator: its value is the last one reported.</summary>
    Pruned,
    /// <summary>Crashed, diverged or ran out of memory (its <see cref="FailureClass"/> says which): no value.</summary>
    Failed,
    /// <summary>Stopped by a user or superseded by another attempt.</summary>
    Cancelled,
}

public static class TrialStates
{
    /// <summary>True when the trial will not run again (Optuna's <c>is_finished()</c>).</summary>
    public static bool IsFinished(this TrialState state) => state is not (TrialState.Pending or TrialState.Running);

    /// <summary>True when it ended with metrics: completed, early-stopped or pruned.</summary>
    public static bool HasResult(this TrialState state) => state is TrialState.Completed or TrialState.EarlyStopped or TrialState.Pruned;
}
