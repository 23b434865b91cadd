namespace SerSweep.Bench.Training;

/// <summary>Counters of this process so far, as train.py records them via getrusage.</summary>
public static class ProcessCounters
{
    /// <summary>User + system CPU time of all threads: on a shared machine a steadier measure than wall time.</summary>
    public static TimeSpan CpuTime()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Minor page faults (field 10 of /proc/self/stat).</summary>
    public static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        // The command name (field 2) may contain spaces; the fields after it follow the closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7]);
    }
}
