namespace SerSweep.Cluster.Contracts;

/// <summary>
/// One attempt of one trial, as the coordinator hands it to a trial grain. The experiment config travels as JSON
/// (Core's records stay free of Orleans); the checkpoint folder is the same for every attempt of a trial, so a new
/// attempt finds the last epoch checkpoint of the previous one.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrialAssignment(
    [property: Id(0)] long SweepId,
    [property: Id(1)] long TrialId,
    [property: Id(2)] int Index,
    [property: Id(3)] int Attempt,
    [property: Id(4)] string ConfigJson,
    [property: Id(5)] string CheckpointDir,
    [property: Id(6)] int ResumeFromEpoch,
    [property: Id(7)] string BundlePath,
    [property: Id(8)] string ObjectiveMetric)
{
    /// <summary>For the refit of a cross-validated trial: its folds' metrics (JSON), written into the bundle beside the model.</summary>
    [Id(9)] public string? CrossValidationJson { get; init; }
}
