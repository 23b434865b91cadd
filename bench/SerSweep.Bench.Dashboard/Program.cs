using System.Diagnostics;
using System.Globalization;
using SerSweep.Bench.Dashboard;

// The leaderboard of a 10 000-trial sweep: how long until its first page is rendered. Run on a quiet machine:
//   dotnet run -c Release --project bench/SerSweep.Bench.Dashboard [-- --iterations 20]
// Plain Stopwatch timings (median and p95 after warm-up): BenchmarkDotNet's Roslyn conflicts with Orleans' here.
var iterations = args is ["--iterations", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 20;
await using var bench = await LeaderboardBenchmark.StartAsync();
Console.WriteLine($"leaderboard benchmark: {TenThousandTrials.Count} trials in SQLite, {iterations} iterations after 3 warm-ups, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"measurement",-72} {"median",9} {"p95",9} {"min",9} {"cpu/run",9}");
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
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-72} {median,7:0.0}ms {p95,7:0.0}ms {times[0],7:0.0}ms {cpu,7:0.0}ms{verdict}"));
}
return failed ? 1 : 0;
