using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Artifacts;

/// <summary>
/// A worker's side of the sweep's <see cref="IArtifactStoreGrain"/>: uploads bundles and epoch checkpoints, downloads
/// the checkpoint a resumed attempt lacks, and counts what it moved per attempt (logged when the attempt ends).
/// </summary>
public sealed partial class ArtifactTransfer(IGrainFactory grains, ILogger<ArtifactTransfer> logger)
{
    private const int Tries = 3;

    /// <summary>What one attempt moved: bytes and time of the checkpoint replicas, the download, and the bundle.</summary>
    public sealed class Tally
    {
        public int Checkpoints;
        public long CheckpointBytes;
        public TimeSpan CheckpointTime;
        public long DownloadBytes;
        public long BundleBytes;
        public TimeSpan BundleTime;
    }

    /// <summary>Uploads a file (the whole upload again after a failed try); throws when every try failed.</summary>
    public async Task<StoredArtifact> UploadAsync(long sweepId, ArtifactRef artifact, string file, CancellationToken cancel)
    {
        var store = grains.GetGrain<IArtifactStoreGrain>(sweepId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (bytes, sha) = await ChunkedCopy.UploadAsync(file, IArtifactStoreGrain.MaxChunkBytes,
                    (offset, chunk, chunkSha) => store.Write(artifact, offset, chunk, chunkSha), cancel);
                return await store.Finish(artifact, bytes, sha);
            }
            catch (Exception e) when (attempt < Tries && e is OrleansException or TimeoutException or InvalidDataException or InvalidOperationException)
            {
                LogUploadRetry(artifact.Kind, artifact.TrialId, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancel);
            }
        }
    }

    /// <summary>
    /// Replicates the epoch checkpoint in <paramref name="dir"/>: packs it now (the
    /// trainer rewrites the folder at its next checkpoint) and uploads it on the thread pool, beside the training; the
    /// task is true once the store holds it. A failure is logged and answered false: the epoch is then not resumable,
    /// the run goes on.
    /// </summary>
    public Task<bool> ReplicateCheckpoint(TrialAssignment a, int epoch, string dir, Tally tally, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var archive = $"{dir}.epoch-{epoch}.upload.zip";
        try
        {
            CheckpointArchive.Pack(dir, archive);
        }
        catch (Exception e)
        {
            File.Delete(archive);
            LogReplicationFailed(a.TrialId, epoch, e.Message);
            return Task.FromResult(false);
        }
        return Task.Run(() => UploadReplicaAsync(a, epoch, archive, clock, tally, cancel), CancellationToken.None);
    }

    private async Task<bool> UploadReplicaAsync(TrialAssignment a, int epoch, string archive, Stopwatch clock, Tally tally, CancellationToken cancel)
    {
        try
        {
            var stored = await UploadAsync(a.SweepId, ArtifactRef.Checkpoint(a, epoch), archive, cancel);
            tally.Checkpoints++;
            tally.CheckpointBytes += stored.Bytes;
            tally.CheckpointTime += clock.Elapsed;
            return true;
        }
        // Also a cancelled attempt's replica: the trainer then ends the run as cancelled at its next batch, as it
        // would without replication, rather than crashing on the exception.
        catch (Exception e)
        {
            if (!cancel.IsCancellationRequested) LogReplicationFailed(a.TrialId, epoch, e.Message);
            return false;
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>Puts the stored checkpoint of <paramref name="epoch"/> into <paramref name="dir"/> (this worker never had it, or an older one).</summary>
    public async Task RestoreCheckpointAsync(TrialAssignment a, int epoch, string dir, Tally tally, CancellationToken cancel)
    {
        var store = grains.GetGrain<IArtifactStoreGrain>(a.SweepId);
        var stored = await store.FindCheckpoint(a.TrialId, epoch)
                     ?? throw new FileNotFoundException($"the coordinator holds no checkpoint of trial {a.TrialId} at epoch {epoch}");
        var archive = $"{dir}.download.zip";
        try
        {
            await ChunkedCopy.DownloadAsync(offset => store.Read(stored.Artifact, offset, IArtifactStoreGrain.MaxChunkBytes),
                stored.Bytes, stored.Sha256, archive, $"checkpoint of trial {a.TrialId} epoch {epoch}", cancel);
            CheckpointArchive.Unpack(archive, dir);
            tally.DownloadBytes += stored.Bytes;
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>Uploads the bundle of a finished attempt; its SHA-256 and size go into the outcome the coordinator commits.</summary>
    public async Task<StoredArtifact> UploadBundleAsync(TrialAssignment a, string bundle, Tally tally, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var stored = await UploadAsync(a.SweepId, ArtifactRef.Bundle(a), bundle, cancel);
        (tally.BundleBytes, tally.BundleTime) = (stored.Bytes, clock.Elapsed);
        return stored;
    }

    public void Report(TrialAssignment a, Tally t) =>
        LogMoved(a.TrialId, a.Attempt, t.Checkpoints, t.CheckpointBytes, t.CheckpointTime.TotalMilliseconds, t.DownloadBytes, t.BundleBytes, t.BundleTime.TotalMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload of the {Kind} of trial {TrialId} failed (try {Try}), sending it again: {Reason}")]
    private partial void LogUploadRetry(ArtifactKind kind, long trialId, int @try, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId}: the checkpoint of epoch {Epoch} could not be replicated, it does not count as resumable: {Reason}")]
    private partial void LogReplicationFailed(long trialId, int epoch, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {TrialId} attempt {Attempt} moved {Checkpoints} checkpoint replicas ({CheckpointBytes} bytes, {CheckpointMs:0} ms), " +
                                                          "downloaded {DownloadBytes} bytes, uploaded a {BundleBytes}-byte bundle ({BundleMs:0} ms)")]
    private partial void LogMoved(long trialId, int attempt, int checkpoints, long checkpointBytes, double checkpointMs, long downloadBytes, long bundleBytes, double bundleMs);
}
