using SerSweep.Core;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Views;

/// <summary>Storage records as the components' view models.</summary>
public static class TrialViews
{
    public static IReadOnlyList<EpochPoint> Epochs(IEnumerable<EpochMetric> epochs) =>
        epochs.Select(e => new EpochPoint(e.Epoch, e.Metrics.Measured)).ToList();

    public static ConfusionMatrixView? Confusion(TrialDetails trial) =>
        trial.Confusion is { } matrix ? new ConfusionMatrixView(matrix.Labels, matrix.Counts) : null;

    /// <summary>The final metrics of a result by name (those it has).</summary>
    public static IReadOnlyDictionary<string, double> FinalMetrics(TrialResult? result) =>
        result?.Metrics.Measured ?? new Dictionary<string, double>();
}
