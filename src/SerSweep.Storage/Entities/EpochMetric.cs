using SerSweep.Core;

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

    /// <summary>The columns above as the one metrics record (a view: EF maps the columns, not this).</summary>
    public MetricValues Metrics
    {
        get => new() { TrainLoss = TrainLoss, TrainAccuracy = TrainAccuracy, ValLoss = ValLoss, ValAccuracy = ValAccuracy, ValMacroF1 = ValMacroF1, ValUar = ValUar };
        init => (TrainLoss, TrainAccuracy, ValLoss, ValAccuracy, ValMacroF1, ValUar) =
            (value.TrainLoss ?? double.NaN, value.TrainAccuracy ?? double.NaN, value.ValLoss ?? double.NaN, value.ValAccuracy ?? double.NaN,
             value.ValMacroF1 ?? double.NaN, value.ValUar ?? double.NaN);
    }
}
