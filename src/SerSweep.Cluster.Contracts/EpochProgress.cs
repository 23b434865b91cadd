using SerSweep.Core;

namespace SerSweep.Cluster.Contracts;

/// <summary>
/// One finished epoch of an attempt. <see cref="CheckpointWritten"/>: the trainer wrote this epoch's checkpoint to the
/// worker's disk, and by the time the coordinator sees it the trial grain has stored a replica with the sweep's
/// <see cref="IArtifactStoreGrain"/> (else it is cleared), so that an attempt on any worker may resume from it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EpochProgress(
    [property: Id(0)] long TrialId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] int Epoch,
    [property: Id(3)] int Epochs,
    [property: Id(13)] MetricValues Metrics,
    [property: Id(10)] double LearningRate,
    [property: Id(11)] double Seconds,
    [property: Id(12)] bool CheckpointWritten)
{
    /// <summary>The epoch of a fold of a cross-validated trial (<see cref="TrialAssignment.IsFold"/>): ASHA judges it with its sibling folds.</summary>
    [Id(14)] public bool IsFold { get; init; }
}

public enum EpochVerdict
{
    Continue,
    /// <summary>ASHA (or a stopped sweep) ends the run now; it still reports its result.</summary>
    Stop,
    /// <summary>This attempt is superseded: stop without reporting anything.</summary>
    Abandon,
}

[GenerateSerializer, Immutable]
public sealed record EpochAnswer([property: Id(0)] EpochVerdict Verdict, [property: Id(1)] string? Reason = null)
{
    public static EpochAnswer Continue { get; } = new(EpochVerdict.Continue);
    public static EpochAnswer Abandon { get; } = new(EpochVerdict.Abandon, "superseded attempt");
}
