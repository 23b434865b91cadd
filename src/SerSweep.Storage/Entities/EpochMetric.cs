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
}
