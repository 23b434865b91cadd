using System.Globalization;
using System.Security.Cryptography;
using SerSweep.Cluster.Artifacts;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Placement;
using SerSweep.Core;

namespace SerSweep.Cluster.Grains;

/// <summary>
/// The coordinator's copy of a sweep's bundles and replicated checkpoints, in its own --artifacts folder. An upload
/// grows a ".upload" file beside its final name and is moved into place only once its length and SHA-256 match, so a
/// torn or corrupted upload never replaces anything; names carry the attempt (and the epoch), so a superseded
/// attempt's upload can never overwrite the bundle or checkpoint another attempt's result relies on.
/// </summary>
[CoordinatorPlacement]
public sealed class ArtifactStoreGrain(SerSweepClusterOptions options) : Grain, IArtifactStoreGrain
{
    private long SweepId => this.GetPrimaryKeyLong();

    /// <summary>Where the store keeps an artifact (the coordinator records this path in the database).</summary>
    public static string PathOf(SerSweepClusterOptions options, long sweepId, ArtifactRef a) => a.Kind switch
    {
        // The id too: the folds and the refit of one trial share its index.
        ArtifactKind.Bundle => Path.Combine(options.BundleDir, $"sweep-{sweepId}", $"trial-{a.TrialIndex:D4}-{a.TrialId}-attempt-{a.Attempt}.zip"),
        _ => Path.Combine(TrialCheckpoints(options, sweepId, a.TrialId), $"epoch-{a.Epoch:D4}-attempt-{a.Attempt}.ckpt"),
    };

    public async Task<long> Write(ArtifactRef artifact, long offset, byte[] chunk, string chunkSha256)
    {
        if (Convert.ToHexStringLower(SHA256.HashData(chunk)) != chunkSha256)
            throw new InvalidDataException($"chunk at {offset} of {Name(artifact)} arrived corrupted (SHA-256 mismatch); nothing written");
        var upload = UploadPath(artifact);
        Directory.CreateDirectory(Path.GetDirectoryName(upload)!);
        await using var file = new FileStream(upload, offset == 0 ? FileMode.Create : FileMode.OpenOrCreate, FileAccess.Write);
        if (file.Length != offset)
            throw new InvalidOperationException($"upload of {Name(artifact)} holds {file.Length} bytes, not {offset}: start it again from 0");
        file.Position = offset;
        await file.WriteAsync(chunk);
        return file.Length;
    }

    public async Task<StoredArtifact> Finish(ArtifactRef artifact, long bytes, string sha256)
    {
        var (upload, final) = (UploadPath(artifact), PathOf(options, SweepId, artifact));
        if (File.Exists(final))
        {
            // A repeated upload (the worker retried after a lost answer): the stored copy stands if it is the same.
            File.Delete(upload);
            var stored = await Describe(artifact, final);
            return stored.Sha256 == sha256 ? stored
                : throw new InvalidDataException($"{Name(artifact)} is already stored with SHA-256 {stored.Sha256}, not {sha256}");
        }
        var received = File.Exists(upload) ? await Describe(artifact, upload) : null;
        if (received is null || received.Bytes != bytes || received.Sha256 != sha256)
        {
            File.Delete(upload);
            throw new InvalidDataException($"upload of {Name(artifact)} is {received?.Bytes ?? 0} bytes with SHA-256 {received?.Sha256 ?? "-"}, " +
                                           $"expected {bytes} bytes with {sha256}: refused");
        }
        File.Move(upload, final);
        return received;
    }

    public async Task<StoredArtifact?> FindCheckpoint(long trialId, int epoch)
    {
        var newest = Checkpoints(trialId).Where(c => c.Epoch == epoch).MaxBy(c => c.Attempt);
        return newest is null ? null : await Describe(newest, PathOf(options, SweepId, newest));
    }

    public Task<byte[]> Read(ArtifactRef artifact, long offset, int length) =>
        ChunkedCopy.ReadChunkAsync(PathOf(options, SweepId, artifact), offset, length, IArtifactStoreGrain.MaxChunkBytes);

    public Task PruneCheckpoints(long trialId, int epoch)
    {
        foreach (var old in Checkpoints(trialId).Where(c => c.Epoch < epoch)) File.Delete(PathOf(options, SweepId, old));
        return Task.CompletedTask;
    }

    private static string TrialCheckpoints(SerSweepClusterOptions options, long sweepId, long trialId) =>
        Path.Combine(options.CheckpointDir, $"sweep-{sweepId}", $"trial-{trialId}");

    /// <summary>The stored checkpoints of a trial, read back from their names ("epoch-0003-attempt-2.ckpt").</summary>
    private IEnumerable<ArtifactRef> Checkpoints(long trialId)
    {
        var dir = TrialCheckpoints(options, SweepId, trialId);
        if (!Directory.Exists(dir)) yield break;
        foreach (var file in Directory.EnumerateFiles(dir, "epoch-*-attempt-*.ckpt"))
        {
            var parts = Path.GetFileNameWithoutExtension(file).Split('-');
            if (parts.Length == 4 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var epoch) && int.TryParse(parts[3], CultureInfo.InvariantCulture, out var attempt))
                yield return new ArtifactRef(ArtifactKind.Checkpoint, trialId, 0, attempt, epoch);
        }
    }

    private string UploadPath(ArtifactRef artifact) => PathOf(options, SweepId, artifact) + ".upload";

    private static async Task<StoredArtifact> Describe(ArtifactRef artifact, string path) =>
        new(artifact, new FileInfo(path).Length, await FileHashes.Sha256Async(path));

    private string Name(ArtifactRef a) =>
        $"the {a.Kind.ToString().ToLowerInvariant()} of sweep {SweepId} trial {a.TrialId} attempt {a.Attempt}{(a.Kind == ArtifactKind.Checkpoint ? $" epoch {a.Epoch}" : "")}";
}
