using Orleans.Concurrency;

namespace SerSweep.Cluster.Contracts;

public enum ArtifactKind
{
    /// <summary>The model bundle of a finished attempt.</summary>
    Bundle,
    /// <summary>The epoch checkpoint of a running attempt, packed as one file.</summary>
    Checkpoint,
}

/// <summary>Which artifact of a sweep: the store derives its file name from this, never from a path a worker sends.</summary>
[GenerateSerializer, Immutable]
public sealed record ArtifactRef(
    [property: Id(0)] ArtifactKind Kind,
    [property: Id(1)] long TrialId,
    [property: Id(2)] int TrialIndex,
    [property: Id(3)] int Attempt,
    [property: Id(4)] int Epoch)
{
    public static ArtifactRef Bundle(TrialAssignment a) => new(ArtifactKind.Bundle, a.TrialId, a.Index, a.Attempt, 0);

    public static ArtifactRef Checkpoint(TrialAssignment a, int epoch) => new(ArtifactKind.Checkpoint, a.TrialId, a.Index, a.Attempt, epoch);
}

/// <summary>An artifact the store holds, verified.</summary>
[GenerateSerializer, Immutable]
public sealed record StoredArtifact([property: Id(0)] ArtifactRef Artifact, [property: Id(1)] long Bytes, [property: Id(2)] string Sha256);

/// <summary>
/// One per sweep (key = sweep id), on a coordinator silo: receives the bundles and epoch checkpoints of the sweep's
/// attempts in chunks, checked by SHA-256, into the coordinator's own folders, and serves checkpoints back to a
/// worker that resumes a trial. A stored artifact never changes: a repeated upload of the same bytes is accepted,
/// other bytes under the same name are refused.
/// </summary>
public interface IArtifactStoreGrain : IGrainWithIntegerKey
{
    /// <summary>Chunks stay far below Orleans' message size limit.</summary>
    public const int MaxChunkBytes = 1024 * 1024;

    /// <summary>
    /// Appends <paramref name="chunk"/> at <paramref name="offset"/> of an upload (offset 0 starts it afresh) after
    /// checking it against <paramref name="chunkSha256"/>; returns the bytes received so far.
    /// </summary>
    Task<long> Write(ArtifactRef artifact, long offset, byte[] chunk, string chunkSha256);
    /// <summary>Checks the whole upload (length and SHA-256) and stores it; throws when it does not match.</summary>
    Task<StoredArtifact> Finish(ArtifactRef artifact, long bytes, string sha256);
    /// <summary>The stored checkpoint of a trial at <paramref name="epoch"/>; null when there is none.</summary>
    Task<StoredArtifact?> FindCheckpoint(long trialId, int epoch);
    /// <summary>Up to <see cref="MaxChunkBytes"/> bytes of a stored artifact from <paramref name="offset"/>.</summary>
    Task<byte[]> Read(ArtifactRef artifact, long offset, int length);
    /// <summary>The coordinator recorded <paramref name="epoch"/> as the trial's checkpoint: older ones go.</summary>
    [OneWay]
    Task PruneCheckpoints(long trialId, int epoch);
}
