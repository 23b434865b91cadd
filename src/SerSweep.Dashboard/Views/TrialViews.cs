using SerSweep.Core;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Views;

/// <summary>Storage records as the components' view models.</summary>
public static class TrialViews
{
    public static IReadOnlyList<EpochPoint> Epochs(IEnumerable<EpochMetric> epochs) =>
        epochs.Select(e => new EpochPoint(e.Epoch, new Dictionary<string, double>
        {
            [Metrics.TrainLoss] = e.TrainLoss,
            [Metrics.TrainAccuracy] = e.TrainAccuracy,
            [Metrics.ValLoss] = e.ValLoss,
            [Metrics.ValAccuracy] = e.ValAccuracy,
            [Metrics.ValMacroF1] = e.ValMacroF1,
            [Metrics.ValUar] = e.ValUar,
        })).ToList();

    public static ConfusionMatrixView? Confusion(TrialDetails trial) =>
        trial.Confusion is { } matrix ? new ConfusionMatrixView(matrix.Labels, matrix.Counts) : null;

    /// <summary>The final metrics of a result by name (those it has).</summary>
    public static IReadOnlyDictionary<string, double> FinalMetrics(TrialResult? result)
    {
        var metrics = new Dictionary<string, double>();
        if (result is null)
            return metrics;
        void Add(string name, double? value) { if (value is { } v) metrics[name] = v; }
        Add(Metrics.ValLoss, result.ValLoss);
        Add(Metrics.ValAccuracy, result.ValAccuracy);
        Add(Metrics.ValMacroF1, result.ValMacroF1);
        Add(Metrics.ValUar, result.ValUar);
        Add(Metrics.TestLoss, result.TestLoss);
        Add(Metrics.TestAccuracy, result.TestAccuracy);
        Add(Metrics.TestMacroF1, result.TestMacroF1);
        Add(Metrics.TestUar, result.TestUar);
        return metrics;
    }
}
