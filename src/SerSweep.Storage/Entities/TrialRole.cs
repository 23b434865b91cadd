namespace SerSweep.Storage.Entities;

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
