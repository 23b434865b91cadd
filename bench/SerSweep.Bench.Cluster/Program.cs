// Load benchmark of the cluster's orchestration: 8 concurrent sweeps x 50 trials with the no-op trainer (one
// epoch that takes no time), through the full path: coordinator grain -> slot scheduler -> trial grain -> epoch
// report and result -> SQLite (WAL, one batching writer). Checks every result is stored exactly once and counts
// "database is locked"; then runs Optuna + SQLite's instant-objective peer in the same run and prints the ratios.
// Besides wall time per trial it prints CPU time per trial (this whole process, every thread, during the load run;
// the peer's own process CPU over its trial loop): on a loaded machine wall time inflates, CPU time much less.
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
using SerSweep.Core;
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
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var load = await RunAsync("load", sweeps, trials, concurrent: 8);
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
var commits = writer.Commits - commitsBefore;

int results, duplicates, notCompleted, expected;
await using (var db = new SerSweepDbContext(SqliteDatabase.Options(options.DbPath)))
{
    results = await db.TrialResults.CountAsync();
    duplicates = await db.TrialResults.GroupBy(r => r.TrialId).CountAsync(g => g.Count() > 1);
    notCompleted = await db.Trials.CountAsync(t => t.Status != TrialState.Completed);
    expected = 20 + trials + sweeps * trials;
    Console.WriteLine($"results stored: {results} of {expected} trials, duplicates {duplicates}, trials not completed {notCompleted}, 'database is locked' {locked.Count}");
    Console.WriteLine($"writer: {commits} transactions for {sweeps * trials} trials of the load run");
}
var writerCpu = await WriterAloneAsync(sweeps, trials);
await host.StopAsync();

var perTrial = load.TotalMilliseconds / (sweeps * trials);
var cpuPerTrial = cpu.TotalMilliseconds / (sweeps * trials);
Console.WriteLine($"sersweep: {sweeps} sweeps x {trials} trials in {load.TotalSeconds:0.00} s = {perTrial:0.00} ms per trial (wall / trials), {sweeps * trials / load.TotalSeconds:0} trials/s");
Console.WriteLine($"sersweep: CPU {cpu.TotalMilliseconds:0} ms over the load run = {cpuPerTrial:0.00} ms CPU per trial (all threads of the process, {Environment.ProcessorCount} cores)");
Console.WriteLine($"profile: the SQLite writer alone (the same 4 writes per trial, {sweeps} x {trials} concurrently, no grains): {writerCpu.TotalMilliseconds / (sweeps * trials):0.00} ms CPU per trial");
Console.WriteLine($"sersweep: one sweep, one trial at a time: {latency.TotalMilliseconds / trials:0.00} ms per trial (full round trip, no overlap)");
var optuna = args.Contains("--no-peer") ? null : OptunaPeer.Measure();
if (optuna is { } peer)
{
    Console.WriteLine($"optuna + sqlite (random sampler, 300 trials, same machine, now): {peer.WallMs:0.00} ms per trial wall, {peer.CpuMs:0.00} ms CPU per trial");
    Console.WriteLine($"ratio: sersweep is {peer.WallMs / perTrial:0.0}x faster per trial in wall time, {peer.CpuMs / cpuPerTrial:0.0}x in CPU time");
}
if (args.Contains("--json"))
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        bench = "overhead", sweeps, trials, ms_per_trial = perTrial, cpu_ms_per_trial = cpuPerTrial,
        sequential_ms_per_trial = latency.TotalMilliseconds / trials,
        results_stored = results, trials_expected = expected, duplicates, not_completed = notCompleted, database_locked = locked.Count,
        optuna_sqlite_ms_per_trial = optuna?.WallMs, optuna_sqlite_cpu_ms_per_trial = optuna?.CpuMs,
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

// The database share of a trial's CPU: a trial's writes (new trial, attempt, epoch, result) straight to the writer.
async Task<TimeSpan> WriterAloneAsync(int count, int trialCount)
{
    var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
    {
        var sweep = await writer.CreateSweepAsync(new Sweep
        {
            Name = $"writer-{i}", YamlText = "", Method = "random", ObjectiveMetric = "val_accuracy", Status = SweepStatus.Running,
        });
        for (var index = 0; index < trialCount; index++)
        {
            var trial = await writer.AddTrialAsync(sweep.Id, index, "{}", index, "{}");
            var lease = (await writer.StartAttemptAsync(trial.Id, "silo", TimeSpan.FromMinutes(1)))!;
            await writer.RecordEpochAsync(new EpochMetric { TrialId = trial.Id, Attempt = lease.Attempt, Epoch = 1, ValAccuracy = 0.5 }, 0.5, null, TimeSpan.FromMinutes(1));
            await writer.CommitResultAsync(new SerSweep.Storage.Entities.TrialResult
            {
                TrialId = trial.Id, Attempt = lease.Attempt, Outcome = TrialState.Completed, Epochs = 1, ValAccuracy = 0.5,
            }, 0.5, null, null, "{}");
        }
    }));
    return Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
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

    /// <summary>
    /// Runs the trial loop of ../shared/bench/peers/optuna_overhead.py (its <c>single("sqlite", "random", ...)</c>: 300
    /// trials, SQLite, one process) once, timing it by wall clock and by the process's CPU time.
    /// </summary>
    internal static class OptunaPeer
    {
        private const int Trials = 300;

        private const string Driver = """
            import importlib.util, json, sys, time
            import optuna
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            spec = importlib.util.spec_from_file_location("peer", sys.argv[1])
            peer = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(peer)
            cpu = time.process_time()
            wall, done, _ = peer.single("sqlite", "random", 0, int(sys.argv[2]))
            print(json.dumps({"wall_s": wall, "cpu_s": time.process_time() - cpu, "trials": done}))
            """;

        public static (double WallMs, double CpuMs)? Measure()
        {
            var script = Path.Combine(TestPaths.SharedDir, "bench", "peers", "optuna_overhead.py");
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-c", Driver, script, Trials.ToString() }) psi.ArgumentList.Add(arg);
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
            if (process.ExitCode != 0 || line is null)
            {
                Console.WriteLine($"optuna peer failed (exit {process.ExitCode}): {errors}");
                return null;
            }
            var result = JsonDocument.Parse(line).RootElement;
            var trials = result.GetProperty("trials").GetInt32();
            return (result.GetProperty("wall_s").GetDouble() * 1000 / trials, result.GetProperty("cpu_s").GetDouble() * 1000 / trials);
        }
    }
}
