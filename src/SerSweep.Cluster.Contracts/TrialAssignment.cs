using SerSweep.Core;

namespace SerSweep.Cluster.Contracts;

/// <summary>
/// One attempt of one trial, as the coordinator hands it to a trial grain. The experiment config travels as JSON
/// (Core's records stay free of Orleans). It names no file: the worker keeps its working files in its own folder
/// and gets the checkpoint of <see cref="ResumeFromEpoch"/> from the sweep's <see cref="IArtifactStoreGrain"/> when
/// its disk lacks it. <see cref="Checkpoints"/>: which epochs' checkpoints are written and replicated (search.checkpoint_every).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrialAssignment(
    [property: Id(0)] long SweepId,
    [property: Id(1)] long TrialId,
    [property: Id(2)] int Index,
    [property: Id(3)] int Attempt,
    [property: Id(4)] string ConfigJson,
    [property: Id(5)] int ResumeFromEpoch,
    [property: Id(6)] string ObjectiveMetric,
    [property: Id(7)] int CheckpointEveryEpochs)
{
    /// <summary>With <see cref="CheckpointEveryEpochs"/> 0: the training time between checkpoints (Core's cadence stays free of Orleans).</summary>
    [Id(11)] public TimeSpan CheckpointInterval { get; init; }

    public CheckpointCadence Checkpoints => new(CheckpointEveryEpochs, CheckpointInterval);

    /// <summary>For the refit of a cross-validated trial: its folds' metrics (JSON), written into the bundle beside the model.</summary>
    [Id(8)] public string? CrossValidationJson { get; init; }

    /// <summary>A fold of a cross-validated trial: its epoch reports say so (<see cref="EpochProgress.IsFold"/>).</summary>
    [Id(9)] public bool IsFold { get; init; }

    /// <summary>
    /// The epochs the sweep's pruner judges (its rungs, within this trial's epochs): their reports are sent and answered
    /// at once. The other epochs' reports may wait, a little, to travel with the next (<see cref="IsJudged"/>).
    /// </summary>
    [Id(10)] public int[] JudgedEpochs { get; init; } = [];

    public bool IsJudged(int epoch) => Array.IndexOf(JudgedEpochs, epoch) >= 0;
}
