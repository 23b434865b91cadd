namespace SerSweep.Storage.Entities;

/// <summary>Metrics after one epoch. (TrialId, Epoch) is unique: a resumed attempt overwrites epochs it repeats.</summary>
public sealed class EpochMetric
{
    public long Id { get; set; }
    public long TrialId { get; set; }
    public int Attempt { get; set; }
    /// <summary>1-based epoch number.</summary>
    public int Epoch { get; set; }
    public double TrainLoss { get; set; }
    public double TrainAccuracy { get; set; }
    public double ValLoss { get; set; }
    public double ValAccuracy { get; set; }
    public double ValMacroF1 { get; set; }
    public double ValUar { get; set; }
    public double LearningRate { get; set; }
    public double Seconds { get; set; }
    public DateTime RecordedAt { get; set; }

    /// <summary>A training or validation metric by its name in <see cref="Core.Metrics"/>.</summary>
    public double Metric(string name) => name switch
    {
        Core.Metrics.TrainLoss => TrainLoss,
        Core.Metrics.TrainAccuracy => TrainAccuracy,
        Core.Metrics.ValLoss => ValLoss,
        Core.Metrics.ValAccuracy => ValAccuracy,
        Core.Metrics.ValMacroF1 => ValMacroF1,
        Core.Metrics.ValUar => ValUar,
        _ => throw new ArgumentException($"{name} is not an epoch metric", nameof(name)),
    };
}
