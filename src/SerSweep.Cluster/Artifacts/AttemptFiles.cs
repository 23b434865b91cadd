using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Artifacts;

/// <summary>
/// Where an attempt keeps its working files on its worker, under the worker's own folder (<see cref="SerSweepClusterOptions.WorkDir"/>):
/// the trial's epoch checkpoint (shared by the trial's attempts on this worker, so a retry here resumes without a
/// download) and this attempt's bundle before it is uploaded.
/// </summary>
public sealed record AttemptFiles(string TrialDir, string CheckpointDir, string BundlePath)
{
    public static AttemptFiles For(SerSweepClusterOptions options, TrialAssignment a)
    {
        var trial = Path.Combine(options.WorkDir, $"sweep-{a.SweepId}", $"trial-{a.TrialId}");
        return new AttemptFiles(trial, Path.Combine(trial, "checkpoint"), Path.Combine(trial, $"bundle-attempt-{a.Attempt}.zip"));
    }
}
