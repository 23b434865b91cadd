using System.Text.Json.Serialization;
using SerSweep.Core;

namespace SerSweep.Training;

/// <summary>
/// What one finished epoch measured, flat as <c>train --json</c> and the checkpoint's history have always written it;
/// <see cref="Metrics"/> holds the same numbers as the one metrics record, which objectives, pruning and storage read by name.
/// </summary>
public sealed record EpochReport(
    int Epoch,
    int Epochs,
    double TrainLoss,
    double TrainAccuracy,
    double ValLoss,
    double ValAccuracy,
    double ValMacroF1,
    double ValUar,
    double LearningRate,
    TimeSpan Elapsed)
{
    /// <summary>Whether the run wrote its checkpoint after this epoch (<see cref="TrainingRequest.Checkpoints"/>): what a sweep replicates.</summary>
    [JsonIgnore]
    public bool Checkpointed { get; init; }

    [JsonIgnore]
    public MetricValues Metrics => new()
    {
        TrainLoss = TrainLoss, TrainAccuracy = TrainAccuracy, ValLoss = ValLoss, ValAccuracy = ValAccuracy, ValMacroF1 = ValMacroF1, ValUar = ValUar,
    };
}
