using System.Text.Json.Serialization;

namespace SerSweep.Training;

/// <summary>
/// What one finished epoch measured. <see cref="Metrics"/> holds the same numbers under the names of
/// <see cref="SerSweep.Core.Metrics"/> (train_loss, val_accuracy, ...), which is what objectives and pruning use.
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
    [JsonIgnore]
    public IReadOnlyDictionary<string, double> Metrics => new Dictionary<string, double>
    {
        [Core.Metrics.TrainLoss] = TrainLoss,
        [Core.Metrics.TrainAccuracy] = TrainAccuracy,
        [Core.Metrics.ValLoss] = ValLoss,
        [Core.Metrics.ValAccuracy] = ValAccuracy,
        [Core.Metrics.ValMacroF1] = ValMacroF1,
        [Core.Metrics.ValUar] = ValUar,
    };
}
