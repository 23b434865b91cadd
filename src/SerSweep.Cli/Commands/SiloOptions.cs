using System.CommandLine;
using SerSweep.Host;

namespace SerSweep.Cli.Commands;

/// <summary>The options `silo` and `sweep` share: where things go and how the silo runs trials.</summary>
internal sealed class SiloOptions
{
    public Option<int> Slots { get; } = new("--slots") { Description = "Trials this silo runs at once (workers and 'all').", DefaultValueFactory = _ => 1 };
    public Option<int> ThreadsPerTrial { get; } = new("--threads-per-trial") { Description = "torch threads of each trial.", DefaultValueFactory = _ => 1 };
    public Option<string> Db { get; } = new("--db") { Description = "SQLite database (coordinator only).", DefaultValueFactory = _ => "artifacts/sersweep.db" };
    public Option<string> Artifacts { get; } = new("--artifacts") { Description = "This silo's own folder: a coordinator stores the uploaded model bundles and checkpoint replicas here, a worker its working files.", DefaultValueFactory = _ => "artifacts" };
    public Option<string> Cache { get; } = new("--cache") { Description = "Feature cache folder.", DefaultValueFactory = _ => ".cache/features" };
    public Option<string?> Data { get; } = new("--data") { Description = "RAVDESS root to use instead of each sweep's data.path; a silo started with it computes the feature sets (workers need none)." };
    public Option<string> Urls { get; } = new("--urls") { Description = "Where the dashboard listens (coordinator only).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
    public Option<int> SiloPort { get; } = new("--silo-port") { Description = "Orleans silo port.", DefaultValueFactory = _ => EnvInt("SERSWEEP_SILO_PORT", 11111) };
    public Option<int> GatewayPort { get; } = new("--gateway-port") { Description = "Orleans gateway port.", DefaultValueFactory = _ => EnvInt("SERSWEEP_GATEWAY_PORT", 30000) };
    public Option<TrainerKind> Trainer { get; } = new("--trainer") { Description = "torch (real training) or synthetic (no TorchSharp; for cluster tests and benchmarks).", DefaultValueFactory = _ => TrainerKind.Torch };
    public Option<int> SyntheticEpochMs { get; } = new("--synthetic-epoch-ms") { Description = "Epoch duration of the synthetic trainer.", DefaultValueFactory = _ => 500 };

    public Option<string?> MetricsUrls { get; } = new("--metrics-urls") { Description = "Where /metrics (Prometheus text format) listens on its own, any role, e.g. http://0.0.0.0:9464; without it only a loopback dashboard serves /metrics." };
    public Option<LogFormat> LogFormat { get; } = new("--log-format") { Description = "text (readable lines) or json (one JSON object a line, with sweep, trial, attempt and silo as fields).", DefaultValueFactory = _ => Host.LogFormat.Text };

    public IEnumerable<Option> All => [Slots, ThreadsPerTrial, Db, Artifacts, Cache, Data, Urls, SiloPort, GatewayPort, Trainer, SyntheticEpochMs, MetricsUrls, LogFormat];

    public SiloHostOptions Read(ParseResult parse, string role)
    {
        var options = new SiloHostOptions
        {
            Role = role,
            Slots = parse.GetValue(Slots),
            ThreadsPerTrial = parse.GetValue(ThreadsPerTrial),
            DbPath = parse.GetValue(Db)!,
            ArtifactsDir = parse.GetValue(Artifacts)!,
            CacheDir = parse.GetValue(Cache)!,
            DataRoot = parse.GetValue(Data),
            Urls = parse.GetValue(Urls)!,
            MetricsUrls = parse.GetValue(MetricsUrls) is { Length: > 0 } metrics ? metrics : null,
            LogFormat = parse.GetValue(LogFormat),
            SiloPort = parse.GetValue(SiloPort),
            GatewayPort = parse.GetValue(GatewayPort),
            Trainer = parse.GetValue(Trainer),
            SyntheticEpoch = TimeSpan.FromMilliseconds(parse.GetValue(SyntheticEpochMs)),
        };
        if (options.Slots < 1) throw new UserInputException($"--slots must be at least 1, got {options.Slots}");
        if (options.ThreadsPerTrial < 1) throw new UserInputException($"--threads-per-trial must be at least 1, got {options.ThreadsPerTrial}");
        if (options.DataRoot is { } data && !Directory.Exists(data)) throw new UserInputException($"--data: folder {data} does not exist");
        return options;
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;
}
