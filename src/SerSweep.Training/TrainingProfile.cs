using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using SerSweep.Core;

namespace SerSweep.Training;

/// <summary>
/// Where a training run's wall time goes, phase by phase (set-up, training steps, evaluation, keeping the best
/// weights, checkpoint, the epoch callback, the end's evaluation and bundle). Off unless the environment variable
/// <see cref="Variable"/> names a file: then every run appends one JSON line to it when it ends. Used by the
/// end-to-end benchmark (deploy/bench --only e2e) to say where a trial-epoch's time goes; costs nothing when off.
/// </summary>
public sealed class TrainingProfile
{
    public const string Variable = "SERSWEEP_PROFILE";
    private static readonly Lock FileLock = new();
    private readonly string path;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Dictionary<string, double> seconds = [], cpuSeconds = [];
    private double last, lastCpu = ThreadCpuSeconds();

    internal TrainingProfile(string path) => this.path = path;

    /// <summary>A profile that appends to the file named by <see cref="Variable"/>; null when it is not set.</summary>
    public static TrainingProfile? FromEnvironment() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } file ? new TrainingProfile(file) : null;

    /// <summary>Charges the time since the previous lap (or the start) to <paramref name="phase"/>.</summary>
    public void Lap(string phase)
    {
        var now = clock.Elapsed.TotalSeconds;
        seconds[phase] = seconds.GetValueOrDefault(phase) + now - last;
        last = now;
        var cpu = ThreadCpuSeconds();
        cpuSeconds[phase] = cpuSeconds.GetValueOrDefault(phase) + cpu - lastCpu;
        lastCpu = cpu;
    }

    /// <summary>
    /// The calling thread's CPU time (Linux; 0 elsewhere). Beside a phase's wall time it tells time the training thread
    /// ran from time it waited for a core (other threads of the process, another tenant of the machine).
    /// </summary>
    private static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        return clock_gettime(ClockThreadCpuTime, out var time) == 0 ? time.Seconds + time.Nanoseconds * 1e-9 : 0;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    /// <summary>Appends {"seed", "epochs", "status", "seconds": {phase: s}, "cpu_seconds": {phase: s} (Linux), "total_s"} to the profile file.</summary>
    public void Write(int seed, int epochs, TrialState status)
    {
        var fields = new Dictionary<string, object>
        {
            ["seed"] = seed, ["epochs"] = epochs, ["status"] = status.ToString(), ["seconds"] = seconds, ["total_s"] = clock.Elapsed.TotalSeconds,
        };
        // Only where the thread's clock was read: zeros elsewhere would read as a thread that waited all along.
        if (OperatingSystem.IsLinux()) fields["cpu_seconds"] = cpuSeconds;
        var line = JsonSerializer.Serialize(fields);
        lock (FileLock) File.AppendAllText(path, line + "\n");
    }
}
