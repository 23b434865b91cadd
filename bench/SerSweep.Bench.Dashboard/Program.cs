using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SerSweep.Bench.Dashboard;

// The leaderboard of a 10 000-trial sweep: how long until its first page is rendered. Run on a quiet machine:
//   dotnet run -c Release --project bench/SerSweep.Bench.Dashboard [-- --iterations 20] [--json]
// --json: one JSON line per measurement (median, p95, min, max, cpu per run, goal) instead of the table, for deploy/bench.
// Plain Stopwatch timings (median and p95 after warm-up): BenchmarkDotNet's Roslyn conflicts with Orleans' here.
var iterations = Array.IndexOf(args, "--iterations") is var at and >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 20;
var json = args.Contains("--json");
await using var bench = await LeaderboardBenchmark.StartAsync();
if (!json) Console.WriteLine($"leaderboard benchmark: {TenThousandTrials.Count} trials in SQLite, {iterations} iterations after 3 warm-ups, {Environment.ProcessorCount} cores");
if (!json) Console.WriteLine($"{"measurement",-72} {"median",9} {"p95",9} {"min",9} {"cpu/run",9}");
var failed = false;
foreach (var (name, run, goal) in bench.Measurements())
{
    for (var i = 0; i < 3; i++) await run();
    var times = new List<double>(iterations);
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    for (var i = 0; i < iterations; i++)
    {
        var watch = Stopwatch.StartNew();
        await run();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    // CPU time per run (all threads of this process): on a shared, loaded machine it is steadier than wall time.
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / iterations;
    times.Sort();
    var median = times[times.Count / 2];
    var p95 = times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)];
    var verdict = goal is { } g ? (p95 < g ? $"  < {g} ms goal: met" : $"  < {g} ms goal: MISSED") : "";
    failed |= goal is { } limit && p95 >= limit;
    if (json)
        Console.WriteLine(JsonSerializer.Serialize(new { bench = "dashboard", measure = name, trials = TenThousandTrials.Count, iterations, median_ms = median, p95_ms = p95, min_ms = times[0], max_ms = times[^1], cpu_ms_per_run = cpu, goal_p95_ms = goal }));
    else
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-72} {median,7:0.0}ms {p95,7:0.0}ms {times[0],7:0.0}ms {cpu,7:0.0}ms{verdict}"));
}
return failed ? 1 : 0;
