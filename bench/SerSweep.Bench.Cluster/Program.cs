// Load benchmark of the cluster's orchestration: 8 concurrent sweeps x 50 trials with the no-op trainer (one
// epoch that takes no time), through the full path: coordinator grain -> slot scheduler -> trial grain -> epoch
// report and result -> SQLite (WAL, one batching writer). Checks every result is stored exactly once and counts
// "database is locked"; then runs Optuna + SQLite's instant-objective peer in the same run and prints the ratio.
//
//   dotnet run -c Release --project bench/SerSweep.Bench.Cluster [-- --sweeps 8 --trials 50 --no-peer --json]
// --json: also prints one JSON line with every figure at the end, for deploy/bench.
using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SerSweep.Bench.Cluster;
using SerSweep.Cluster;
using SerSweep.Cluster.Trainers;
using SerSweep.Host;
using SerSweep.Storage;
using SerSweep.Storage.Entities;
using SerSweep.Testing;

var sweeps = Arg("--sweeps", 8);
var trials = Arg("--trials", 50);
var root = TestPaths.NewTempDir("sersweep-bench-cluster");
var locked = new LockedCounter();
var options = new SiloHostOptions
{
    Role = "all", Slots = 16, Trainer = TrainerKind.Synthetic, SyntheticEpoch = TimeSpan.Zero,
    DbPath = Path.Combine(root, "sersweep.db"), ArtifactsDir = Path.Combine(root, "artifacts"),
    Urls = "http://127.0.0.1:0", SiloPort = 21111, GatewayPort = 31111,
};
using var host = SerSweepHost.Build(options, services => services
    .AddSingleton<ILoggerProvider>(locked)
    .AddSingleton<ITrialTrainer>(new SyntheticTrainer(new SyntheticTrainerOptions { WritesFiles = false })));
await host.StartAsync();
var launcher = host.Services.GetRequiredService<SweepLauncher>();
var writer = host.Services.GetRequiredService<StoreWriter>();

await RunAsync("warm-up", 1, 20, concurrent: 8);
var latency = await RunAsync("sequential", 1, trials, concurrent: 1);
var commitsBefore = writer.Commits;
var load = await RunAsync("load", sweeps, trials, concurrent: 8);
var commits = writer.Commits - commitsBefore;

int results, duplicates, notCompleted, expected;
await using (var db = new SerSweepDbContext(SqliteDatabase.Options(options.DbPath)))
{
    results = await db.TrialResults.CountAsync();
    duplicates = await db.TrialResults.GroupBy(r => r.TrialId).CountAsync(g => g.Count() > 1);
    notCompleted = await db.Trials.CountAsync(t => t.Status != TrialStatus.Completed);
    expected = 20 + trials + sweeps * trials;
    Console.WriteLine($"results stored: {results} of {expected} trials, duplicates {duplicates}, trials not completed {notCompleted}, 'database is locked' {locked.Count}");
    Console.WriteLine($"writer: {commits} transactions for {sweeps * trials} trials of the load run");
}
await host.StopAsync();

var perTrial = load.TotalMilliseconds / (sweeps * trials);
Console.WriteLine($"sersweep: {sweeps} sweeps x {trials} trials in {load.TotalSeconds:0.00} s = {perTrial:0.00} ms per trial (wall / trials), {sweeps * trials / load.TotalSeconds:0} trials/s");
Console.WriteLine($"sersweep: one sweep, one trial at a time: {latency.TotalMilliseconds / trials:0.00} ms per trial (full round trip, no overlap)");
var optunaMs = args.Contains("--no-peer") ? null : OptunaPeer.MsPerTrial();
if (optunaMs is { } optuna)
    Console.WriteLine($"optuna + sqlite (random sampler, 300 trials, same machine, now): {optuna:0.00} ms per trial -> sersweep is {optuna / perTrial:0.0}x faster per trial");
if (args.Contains("--json"))
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        bench = "overhead", sweeps, trials, ms_per_trial = perTrial, sequential_ms_per_trial = latency.TotalMilliseconds / trials,
        results_stored = results, trials_expected = expected, duplicates, not_completed = notCompleted, database_locked = locked.Count,
        optuna_sqlite_ms_per_trial = optunaMs,
    }));

async Task<TimeSpan> RunAsync(string name, int count, int trialCount, int concurrent)
{
    var clock = Stopwatch.StartNew();
    var launched = await Task.WhenAll(Enumerable.Range(0, count).Select(i => launcher.LaunchAsync(Yaml($"{name}-{i}", trialCount, concurrent), null)));
    foreach (var (sweep, errors) in launched)
    {
        if (sweep is null) throw new InvalidOperationException(string.Join("\n", errors));
        while (!(await launcher.Coordinator(sweep.Id).GetProgress()).IsOver) await Task.Delay(20);
    }
    return clock.Elapsed;
}

static string Yaml(string name, int trialCount, int concurrent) => $"""
    name: {name}
    seed: 1
    training:
      epochs: 1
    search:
      method: random
      max_trials: {trialCount}
      max_concurrent: {concurrent}
      objective:
        metric: val_accuracy
        direction: maximize
    parameters:
      training.learning_rate:
        loguniform: [1.0e-5, 1.0e-1]
      model.dropout:
        uniform: [0.0, 0.5]
      training.optimizer:
        values: [adam, sgd, adam_w]
    """;

int Arg(string name, int fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;

namespace SerSweep.Bench.Cluster
{
    /// <summary>Counts log messages that mention SQLite's "database is locked".</summary>
    internal sealed class LockedCounter : ILoggerProvider, ILogger
    {
        private int _count;
        public int Count => _count;
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if ($"{formatter(state, exception)} {exception}".Contains("database is locked", StringComparison.OrdinalIgnoreCase))
                Interlocked.Increment(ref _count);
        }
        public void Dispose() { }
    }

    /// <summary>Runs ../shared/bench/peers/optuna_overhead.py (SQLite, random sampler, one run) and reads its median ms per trial.</summary>
    internal static class OptunaPeer
    {
        public static double? MsPerTrial()
        {
            var script = Path.Combine(TestPaths.SharedDir, "bench", "peers", "optuna_overhead.py");
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { script, "--scenario", "sqlite", "--sampler", "random", "--runs", "1" }) psi.ArgumentList.Add(arg);
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
            if (process.ExitCode != 0 || line is null)
            {
                Console.WriteLine($"optuna peer failed (exit {process.ExitCode}): {process.StandardError.ReadToEnd()}");
                return null;
            }
            return JsonDocument.Parse(line).RootElement.GetProperty("ms_per_trial").GetProperty("median").GetDouble();
        }
    }
}
