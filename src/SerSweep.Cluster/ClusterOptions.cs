namespace SerSweep.Cluster;

/// <summary>Settings of the SerSweep grains in one silo.</summary>
public sealed record SerSweepClusterOptions
{
    /// <summary>This silo's role: coordinator, worker or all.</summary>
    public string Role { get; init; } = Contracts.SiloRoles.All;
    /// <summary>Trials this silo runs at once (workers).</summary>
    public int Slots { get; init; } = 1;
    /// <summary>torch threads of each trial (workers).</summary>
    public int ThreadsPerTrial { get; init; } = 1;
    /// <summary>The coordinator's replicas of the trials' epoch checkpoints (a re-issued attempt resumes from one on any worker).</summary>
    public string CheckpointDir { get; init; } = Path.GetFullPath("artifacts/checkpoints");
    /// <summary>Feature cache folder of this silo; workers keep copies of the entries computed where the audio is.</summary>
    public string CacheDir { get; init; } = Path.GetFullPath(".cache/features");
    /// <summary>RAVDESS root that replaces each sweep's data.path on this silo (advertised: feature sets are computed here); null = as the sweep says.</summary>
    public string? DataRoot { get; init; }
    /// <summary>This worker's own working files (epoch checkpoints, bundles before upload); no other silo reads it.</summary>
    public string WorkDir { get; init; } = Path.GetFullPath("artifacts/work");
    /// <summary>The coordinator's stored model bundles, one per trial with a result (uploaded by its worker).</summary>
    public string BundleDir { get; init; } = Path.GetFullPath("artifacts/bundles");
    /// <summary>An attempt that neither reports nor heartbeats for this long is considered lost and re-issued.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Attempts a trial gets before it is failed for good (preemptions by dead silos do not count).</summary>
    public int MaxAttempts { get; init; } = 3;
    /// <summary>How often a running attempt heartbeats (and how often coordinators look for free slots and expired leases).</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Longest an epoch's report waits on its worker to travel with the next (<see cref="Grains.EpochReportBatch"/>).</summary>
    public TimeSpan EpochReportInterval { get; init; } = TimeSpan.FromSeconds(1);
}
