namespace SerSweep.Storage.Entities;

/// <summary>One run of a sweep.yaml. The YAML text is kept verbatim so that a restarted coordinator rebuilds the same sweep.</summary>
public sealed class Sweep
{
    public long Id { get; set; }
    public required string Name { get; set; }
    /// <summary>1 for the first sweep of a name, then counting up (a changed sweep.yaml is a new version).</summary>
    public int Version { get; set; }
    public required string YamlText { get; set; }
    /// <summary>Where the YAML came from (file path or "dashboard").</summary>
    public string? SourcePath { get; set; }
    public int Seed { get; set; }
    public SweepStatus Status { get; set; }
    public required string Method { get; set; }
    public required string ObjectiveMetric { get; set; }
    public bool Maximize { get; set; }
    public int MaxTrials { get; set; }
    public int MaxConcurrent { get; set; }
    public int MaxAttempts { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>
    /// The search strategy's serialised state at launch (null: fresh; a warm start's history), or after every Ask/Tell in
    /// databases older than <see cref="Trial.SearchJson"/>: a restarted coordinator resumes from it and its trials' records.
    /// </summary>
    public string? StrategyState { get; set; }
    /// <summary>The ASHA pruner's serialised state.</summary>
    public string? PrunerState { get; set; }
    /// <summary>
    /// Set once the sweep was resumed: its raised time limit and how long it ran before (JSON, read by the cluster's
    /// <c>SweepClock</c>); a raised max_trials is <see cref="MaxTrials"/> itself. Null for a sweep never resumed.
    /// </summary>
    public string? ResumeJson { get; set; }
    public string? Error { get; set; }

    public List<Trial> Trials { get; set; } = [];
}
