using System.Diagnostics;
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
    private readonly Dictionary<string, double> seconds = [];
    private double last;

    private TrainingProfile(string path) => this.path = path;

    /// <summary>A profile that appends to the file named by <see cref="Variable"/>; null when it is not set.</summary>
    public static TrainingProfile? FromEnvironment() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } file ? new TrainingProfile(file) : null;

    /// <summary>Charges the time since the previous lap (or the start) to <paramref name="phase"/>.</summary>
    public void Lap(string phase)
    {
        var now = clock.Elapsed.TotalSeconds;
        seconds[phase] = seconds.GetValueOrDefault(phase) + now - last;
        last = now;
    }

    /// <summary>Appends {"seed", "epochs", "status", "seconds": {phase: s}, "total_s"} to the profile file.</summary>
    public void Write(int seed, int epochs, TrialState status)
    {
        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["seed"] = seed, ["epochs"] = epochs, ["status"] = status.ToString(), ["seconds"] = seconds, ["total_s"] = clock.Elapsed.TotalSeconds,
        });
        lock (FileLock) File.AppendAllText(path, line + "\n");
    }
}
