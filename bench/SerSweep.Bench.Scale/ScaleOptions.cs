namespace SerSweep.Bench.Scale;

/// <summary>The command line of the scale simulation, for both of its roles (the run, and a process hosting worker silos).</summary>
internal sealed record ScaleOptions
{
    /// <summary>Worker silos in the cluster (in a <c>--worker-host</c> process: the silos it hosts).</summary>
    public int Workers { get; init; } = 32;
    /// <summary>Slots (trials at once) of each worker silo.</summary>
    public int Slots { get; init; } = 4;
    /// <summary>Worker processes the worker silos are spread over (1: all in one process; = Workers: one silo per process).</summary>
    public int Processes { get; init; } = 1;
    /// <summary>Concurrent sweeps sharing the trials; each may run all the cluster's slots.</summary>
    public int Sweeps { get; init; } = 8;
    /// <summary>Trials of the measured run, over all its sweeps.</summary>
    public int Trials { get; init; } = 20_000;
    /// <summary>Epochs of every trial: each is one row in SQLite; a worker sends them as <c>EpochReportBatch</c> says.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>
    /// ASHA on every sweep (grace 1, factor 3: rungs at epochs 1, 3, 9): the coordinator judges those epochs, so their
    /// reports are sent at once; without it a trial of instant epochs sends them all with its last.
    /// </summary>
    public bool Asha { get; init; }
    /// <summary>Trials of the warm-up sweep before the measured run (JIT, connections, activations); not counted.</summary>
    public int WarmupTrials { get; init; } = 1_000;
    /// <summary>Seconds the warmed-up cluster idles, measured, before the run: its fixed CPU cost, which no trial causes.</summary>
    public int IdleSeconds { get; init; } = 10;
    public bool Json { get; init; }

    // A worker-silo process (started by the run itself): its silos and where they meet.
    public bool WorkerHost { get; init; }
    public string Redis { get; init; } = "";
    public string ClusterId { get; init; } = "";
    public string Dir { get; init; } = "";
    public int FirstWorker { get; init; }

    public int SlotsTotal => Workers * Slots;

    public static ScaleOptions Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        var defaults = new ScaleOptions();
        var options = new ScaleOptions
        {
            Workers = Int("--workers", defaults.Workers), Slots = Int("--slots", defaults.Slots), Processes = Int("--processes", defaults.Processes),
            Sweeps = Int("--sweeps", defaults.Sweeps), Trials = Int("--trials", defaults.Trials), Epochs = Int("--epochs", defaults.Epochs),
            WarmupTrials = Int("--warmup", defaults.WarmupTrials), IdleSeconds = Int("--idle", defaults.IdleSeconds), Json = args.Contains("--json"),
            Asha = args.Contains("--asha"),
            WorkerHost = args.Contains("--worker-host"), Redis = Value("--redis") ?? "", ClusterId = Value("--cluster-id") ?? "",
            Dir = Value("--dir") ?? "", FirstWorker = Int("--first", 0),
        };
        if (options.Workers < 1 || options.Slots < 1 || options.Processes < 1 || options.Processes > options.Workers || options.Sweeps < 1
            || options.Trials < options.Sweeps || options.Epochs < 1 || options.WarmupTrials < 1 || options.IdleSeconds < 0)
            throw new ArgumentException("need workers, slots, sweeps, epochs, warmup >= 1, idle >= 0, 1 <= processes <= workers and trials >= sweeps");
        return options;
    }
}
