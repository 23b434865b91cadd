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
    [property: Id(4)] double TrainLoss,
    [property: Id(5)] double TrainAccuracy,
    [property: Id(6)] double ValLoss,
    [property: Id(7)] double ValAccuracy,
    [property: Id(8)] double ValMacroF1,
    [property: Id(9)] double ValUar,
    [property: Id(10)] double LearningRate,
    [property: Id(11)] double Seconds,
    [property: Id(12)] bool CheckpointWritten)
{
    /// <summary>The value of a validation or training metric by its name in <see cref="Core.Metrics"/>; null for test metrics.</summary>
    public double? Metric(string name) => name switch
    {
        Core.Metrics.TrainLoss => TrainLoss,
        Core.Metrics.TrainAccuracy => TrainAccuracy,
        Core.Metrics.ValLoss => ValLoss,
        Core.Metrics.ValAccuracy => ValAccuracy,
        Core.Metrics.ValMacroF1 => ValMacroF1,
        Core.Metrics.ValUar => ValUar,
        _ => null,
    };
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
