namespace SerSweep.Bench.Training;

/// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat), as train.py records via getrusage.</summary>
public static class ProcessCounters
{
    public static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        // The command name (field 2) may contain spaces; the fields after it follow the closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7]);
    }
}
