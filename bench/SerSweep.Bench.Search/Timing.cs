using System.Diagnostics;

/// <summary>Milliseconds per operation: wall clock, and this process's CPU time (which shows how much other processes took).</summary>
internal readonly record struct Timing(double WallMs, double CpuMs)
{
    public static Timing Of(int operations, Action work)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        work();
        var wall = clock.Elapsed.TotalMilliseconds;
        process.Refresh();
        return new(wall / operations, (process.TotalProcessorTime - cpu).TotalMilliseconds / operations);
    }

    public static Timing Median(IEnumerable<Timing> timings)
    {
        var all = timings.ToArray();
        return new(Median(all.Select(t => t.WallMs)), Median(all.Select(t => t.CpuMs)));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
