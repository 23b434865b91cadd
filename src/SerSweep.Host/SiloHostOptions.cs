using SerSweep.Cluster.Contracts;

namespace SerSweep.Host;

public enum TrainerKind
{
    /// <summary>The real TorchSharp trainer on cached RAVDESS features.</summary>
    Torch,
    /// <summary>Deterministic metrics and real checkpoint files without TorchSharp: for cluster tests and overhead benchmarks.</summary>
    Synthetic,
}

/// <summary>Everything `sersweep silo` (and the embedded `sersweep sweep`) can set about one silo process.</summary>
public sealed record SiloHostOptions
{
    public string Role { get; init; } = SiloRoles.All;
    public int Slots { get; init; } = 1;
    public int ThreadsPerTrial { get; init; } = 1;
    /// <summary>HOST:PORT of Redis for membership and reminders; null = localhost clustering (one process).</summary>
    public string? Redis { get; init; }
    public string DbPath { get; init; } = "artifacts/sersweep.db";
    public string ArtifactsDir { get; init; } = "artifacts";
    /// <summary>Feature cache folder; shared by the silos of a cluster.</summary>
    public string CacheDir { get; init; } = ".cache/features";
    /// <summary>RAVDESS root used instead of each sweep's data.path (containers mount it elsewhere); null = as in the sweep.</summary>
    public string? DataRoot { get; init; }
    /// <summary>A sweep.yaml to watch: every saved version that validates starts a new sweep.</summary>
    public string? WatchFile { get; init; }
    public string Urls { get; init; } = "http://127.0.0.1:5080";
    /// <summary>Where /metrics listens on its own (any role), e.g. http://0.0.0.0:9464; null = only on a loopback dashboard.</summary>
    public string? MetricsUrls { get; init; }
    public LogFormat LogFormat { get; init; } = LogFormat.Text;
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    /// <summary>Address other silos reach this one at; "auto" = this host's first non-loopback IPv4; null = 127.0.0.1.</summary>
    public string? AdvertiseIp { get; init; }
    public string ClusterId { get; init; } = "sersweep";
    public TrainerKind Trainer { get; init; } = TrainerKind.Torch;
    /// <summary>Epoch duration of the synthetic trainer.</summary>
    public TimeSpan SyntheticEpoch { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>A trial attempt silent for this long is re-issued.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    public bool Coordinates => SiloRoles.Coordinates(Role);
}
