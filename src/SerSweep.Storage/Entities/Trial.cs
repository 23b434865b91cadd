using SerSweep.Core;

namespace SerSweep.Storage.Entities;

/// <summary>One point of the search space. Runs as one or more attempts; has at most one final result.</summary>
public sealed class Trial
{
    public long Id { get; set; }
    public long SweepId { get; set; }
    /// <summary>0-based index within the sweep, as the strategy numbered it.</summary>
    public int Index { get; set; }
    /// <summary>A ranked trial (plain, or the parent of cross-validation folds), one fold of a parent, or a parent's refit.</summary>
    public TrialRole Role { get; set; }
    /// <summary>For a fold or a refit: the cross-validated trial it belongs to (same <see cref="Index"/>, parameters and seed).</summary>
    public long? ParentTrialId { get; set; }
    /// <summary>For a fold: its number, 0-based (<c>data.split.fold</c> of its config).</summary>
    public int? Fold { get; set; }
    /// <summary>For a cross-validated trial: the standard deviation over its folds of the objective (whose mean is <see cref="ObjectiveValue"/>).</summary>
    public double? ObjectiveSd { get; set; }
    /// <summary>The sampled parameters as a JSON object keyed by dotted path ("training.learning_rate": 0.001).</summary>
    public required string ParametersJson { get; set; }
    public int Seed { get; set; }
    /// <summary>
    /// For a ranked trial: the search strategy's record of it (its encoded values and, once told, its outcome), written with the
    /// trial and with its outcome. The coordinator restores the strategy from the sweep's <see cref="Sweep.StrategyState"/> (as
    /// launched) and these records: O(1) to store per trial, where the whole state grew with the sweep.
    /// </summary>
    public string? SearchJson { get; set; }
    public TrialState Status { get; set; }
    /// <summary>Number of attempts started so far.</summary>
    public int Attempts { get; set; }
    /// <summary>The only attempt whose reports are accepted; reports of older attempts are ignored.</summary>
    public int CurrentAttempt { get; set; }
    /// <summary>Until when the current attempt's silo holds the trial; renewed by its epoch reports.</summary>
    public DateTime? LeaseExpiresAt { get; set; }
    /// <summary>Silo of the current (or last) attempt.</summary>
    public string? Silo { get; set; }
    public FailureClass? FailureClass { get; set; }
    public string? FailureMessage { get; set; }
    /// <summary>Why the trial stopped before its last epoch (ASHA rung and cutoff, or early stopping).</summary>
    public string? StopReason { get; set; }
    /// <summary>The sweep's objective metric of the final result (or the best epoch so far while running).</summary>
    public double? ObjectiveValue { get; set; }
    /// <summary>Last epoch reported (1-based); 0 before the first.</summary>
    public int LastEpoch { get; set; }
    /// <summary>Newest replicated epoch checkpoint of the trial (weights + optimizer + trainer state), as the coordinator's artifact store keeps it: where the next attempt resumes.</summary>
    public string? CheckpointPath { get; set; }
    /// <summary>Epoch of <see cref="CheckpointPath"/>; 0 = none.</summary>
    public int CheckpointEpoch { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    public Sweep? Sweep { get; set; }
    public List<TrialAttempt> AttemptHistory { get; set; } = [];
    public List<EpochMetric> Epochs { get; set; } = [];
    public TrialResult? Result { get; set; }
    public List<Artifact> Artifacts { get; set; } = [];
}
