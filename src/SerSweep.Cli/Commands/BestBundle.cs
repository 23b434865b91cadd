using SerSweep.Cluster;
using SerSweep.Core;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cli.Commands;

/// <summary>Copies the best trial's bundle of a sweep out of the artifacts, checked against the SHA-256 in the database.</summary>
public static class BestBundle
{
    public sealed record Exported(long SweepId, string Sweep, int Version, long TrialId, int TrialIndex, string Objective, double? Value, string Path, string Sha256, long Bytes);

    public static string DefaultPath(string artifactsDir, Sweep sweep) =>
        Path.Combine(artifactsDir, $"best-{sweep.Name}-v{sweep.Version}.zip");

    /// <summary>The export of the best trial's bundle, or of trial <paramref name="trialId"/>'s; null when that trial (or any) has no bundle.</summary>
    public static async Task<Exported?> ExportAsync(SweepQueries queries, Sweep sweep, string destination, long? trialId = null)
    {
        var chosen = trialId is { } id ? await queries.TrialWithBundleAsync(sweep.Id, id) : await queries.BestTrialAsync(sweep.Id);
        if (chosen is not var (trial, bundle) || bundle is null) return null;
        if (!File.Exists(bundle.Path)) throw new FileNotFoundException($"the best bundle {bundle.Path} (trial {trial.Index}) is gone from disk", bundle.Path);
        var sha = await FileHashes.Sha256Async(bundle.Path);
        if (sha != bundle.Sha256) throw new InvalidDataException($"{bundle.Path} does not match its SHA-256 in the database ({sha} != {bundle.Sha256})");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        File.Copy(bundle.Path, destination, overwrite: true);
        return new Exported(sweep.Id, sweep.Name, sweep.Version, trial.Id, trial.Index, sweep.ObjectiveMetric, trial.ObjectiveValue,
            Path.GetFullPath(destination), sha, new FileInfo(destination).Length);
    }
}
