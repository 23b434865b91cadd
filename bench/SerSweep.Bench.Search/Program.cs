using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SerSweep.Core;
using SerSweep.Search;
using SerSweep.Search.Parsing;
using SerSweep.Search.Strategies;
using SerSweep.Testing;

// Suggestion overhead of random search and TPE, against Optuna 3 on the same machine in the same run.
// Two measurements, each for both samplers, median of --runs runs:
//   per trial:  a whole 300-trial study with an instant objective (ask + tell), what optuna_overhead.py
//               --scenario memory reports as ms_per_trial;
//   per ask:    with 300 completed trials of history, --asks further suggestions (never told, so the
//               history stays at 300), what optuna_suggest_at_history.py reports as ms_per_ask.
// Usage: dotnet run -c Release --project bench/SerSweep.Bench.Search [-- --runs 3 --asks 200 --no-python --json]
// With --pareto [--first-seed 0 --seeds 10 --trials 100 --dims 5 --population 50 --mutation-scale 0.1 --mutation-prob P
//   --startup 10 --candidates 24 --gamma 0.3 --univariate]: the multi-objective benchmark instead (ParetoBenchmark.cs; --startup,
//   --candidates, --gamma and --univariate are MOTPE's tpe settings, --univariate one density per parameter as Optuna 3.1's MOTPE).
// --json: one JSON line (each row with the wall ms of every run) instead of the table, for deploy/bench.
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal)).ToDictionary(p => p.a, p => p.i);
int Option(string name, int fallback) => options.TryGetValue(name, out var i) ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
var runs = Option("--runs", 3);
var asks = Option("--asks", 200);
const int History = 300;
var withPython = !options.ContainsKey("--no-python");
if (options.ContainsKey("--pareto"))
    return ParetoBenchmark.Run(Option("--first-seed", 0), Option("--seeds", 10), Option("--trials", 100), Option("--dims", 5), new Nsga2Settings
    {
        PopulationSize = Option("--population", 50),
        MutationScale = options.TryGetValue("--mutation-scale", out var scale) ? double.Parse(args[scale + 1], CultureInfo.InvariantCulture) : new Nsga2Settings().MutationScale,
        MutationProb = options.TryGetValue("--mutation-prob", out var prob) ? double.Parse(args[prob + 1], CultureInfo.InvariantCulture) : null,
    }, new TpeSettings { NStartupTrials = Option("--startup", 10), NEiCandidates = Option("--candidates", 24), MotpeMultivariate = !options.ContainsKey("--univariate"), MotpeGamma = options.TryGetValue("--gamma", out var gamma) ? double.Parse(args[gamma + 1], CultureInfo.InvariantCulture) : new TpeSettings().MotpeGamma }, withPython, options.ContainsKey("--json"));

var rows = new List<(string Measure, string Sampler, Timing SerSweep, double[] WallRunsMs, double? OptunaMs)>();
foreach (var sampler in new[] { "tpe", "random" })
{
    // Warm-up until the JIT's tiering has settled (the coordinator is a long-running process).
    for (var warm = Stopwatch.StartNew(); warm.Elapsed < TimeSpan.FromSeconds(3);) StudyMs(sampler, 0);
    var perTrialRuns = Enumerable.Range(0, runs).Select(r => StudyMs(sampler, r)).ToArray();
    var perAskRuns = Enumerable.Range(0, runs).Select(r => AskAtHistoryMs(sampler, r)).ToArray();
    var (perTrial, perAsk) = (Timing.Median(perTrialRuns), Timing.Median(perAskRuns));
    double? optunaTrial = null, optunaAsk = null;
    if (withPython)
    {
        optunaTrial = Timing.Median(PythonPeer.Run(Path.Combine(TestPaths.SharedDir, "bench", "peers", "optuna_overhead.py"),
            "--scenario", "memory", "--sampler", sampler, "--runs", runs.ToString(CultureInfo.InvariantCulture))
            .Select(j => j.GetProperty("ms_per_trial").GetProperty("median").GetDouble()));
        optunaAsk = Timing.Median(PythonPeer.Run(Path.Combine(AppContext.BaseDirectory, "optuna_suggest_at_history.py"),
            "--sampler", sampler, "--history", History.ToString(CultureInfo.InvariantCulture), "--asks", "100", "--runs", runs.ToString(CultureInfo.InvariantCulture))
            .Select(j => j.GetProperty("ms_per_ask").GetDouble()));
    }
    rows.Add(($"per trial, {History}-trial study (ask + tell)", sampler, perTrial, [.. perTrialRuns.Select(t => t.WallMs)], optunaTrial));
    rows.Add(($"per ask, {History} trials of history", sampler, perAsk, [.. perAskRuns.Select(t => t.WallMs)], optunaAsk));
}
if (options.ContainsKey("--json"))
{
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        bench = "search", runs, history = History,
        rows = rows.Select(r => new { measure = r.Measure, sampler = r.Sampler, wall_ms = r.SerSweep.WallMs, cpu_ms = r.SerSweep.CpuMs, wall_ms_runs = r.WallRunsMs, optuna_ms = r.OptunaMs }),
    }));
    return 0;
}

Console.WriteLine($"search suggestion overhead: median of {runs} runs; {Environment.ProcessorCount} cores; .NET {Environment.Version}");
// Wall time is what is compared; CPU time shows how much of it other processes on the machine took.
Console.WriteLine("| measurement | sampler | SerSweep ms | SerSweep CPU ms | SerSweep suggestions/s | Optuna ms | Optuna / SerSweep |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var (measure, sampler, ours, _, optuna) in rows)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {measure} | {sampler} | {ours.WallMs:0.000} | {ours.CpuMs:0.000} | {1000 / ours.WallMs:0} | {(optuna is { } o ? o.ToString("0.000", CultureInfo.InvariantCulture) : "-")} | {(optuna is { } p ? (p / ours.WallMs).ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-")} |"));
var tpeAsk = rows.Single(r => r.Sampler == "tpe" && r.Measure.StartsWith("per ask", StringComparison.Ordinal)).SerSweep.WallMs;
Console.WriteLine($"goal TPE <= 1 ms per suggestion at {History} trials: {(tpeAsk <= 1 ? "met" : "NOT met")} ({tpeAsk.ToString("0.000", CultureInfo.InvariantCulture)} ms)");
return 0;

// The search space and objective of optuna_overhead.py.
static SweepDefinition Sweep(string method, int seed) => SweepFile.Parse($$"""
    seed: {{seed}}
    search:
      method: {{method}}
      max_trials: 100000
      objective: {metric: val_loss}
    parameters:
      training.learning_rate: {loguniform: [1.0e-5, 1.0e-1]}
      model.dropout: {uniform: [0.0, 0.5]}
      training.optimizer: {values: [adam, sgd, adam_w]}
    """, "bench.yaml").GetDefinitionOrThrow();

static double Objective(TrialSuggestion t) =>
    Math.Pow(Math.Log10((double)t.Parameters["training.learning_rate"]!) + 3, 2) + Math.Pow((double)t.Parameters["model.dropout"]! - 0.3, 2)
    + ((OptimizerKind)t.Parameters["training.optimizer"]! switch { OptimizerKind.Sgd => 0.1, OptimizerKind.AdamW => 0.05, _ => 0 });

static ISearchStrategy Study(string method, int seed, int trials)
{
    var strategy = SearchStrategies.Create(Sweep(method, seed));
    for (var i = 0; i < trials; i++)
    {
        var trial = strategy.Ask()!;
        strategy.Tell(new FinishedTrial(trial.Index, TrialState.Completed, Objective(trial)));
    }
    return strategy;
}

static Timing StudyMs(string method, int seed) => Timing.Of(History, () => Study(method, seed, History));

Timing AskAtHistoryMs(string method, int seed)
{
    var strategy = Study(method, seed, History);
    return Timing.Of(asks, () =>
    {
        for (var i = 0; i < asks; i++) strategy.Ask();
    });
}
