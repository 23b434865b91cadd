namespace SerSweep.Training;

/// <summary>How a training run ended.</summary>
public enum TrainingStatus
{
    /// <summary>Ran all configured epochs.</summary>
    Completed,
    /// <summary>The validation metric did not improve for <c>training.patience</c> epochs.</summary>
    EarlyStopped,
    /// <summary>The epoch callback said stop (e.g. ASHA pruning).</summary>
    Pruned,
    /// <summary>The loss became NaN or infinite.</summary>
    Diverged,
    /// <summary>The cancellation token fired; the run stopped within one batch.</summary>
    Cancelled,
}
