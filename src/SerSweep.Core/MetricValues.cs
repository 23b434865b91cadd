namespace SerSweep.Core;

/// <summary>
/// Measured values under the names of <see cref="Metrics"/>: an epoch's training and validation metrics, or a trial's final
/// validation, test and cost metrics; what was not measured is null. The indexer is the one place a metric name meets its value.
/// </summary>
public sealed record MetricValues
{
    public double? TrainLoss { get; init; }
    public double? TrainAccuracy { get; init; }
    public double? ValLoss { get; init; }
    public double? ValAccuracy { get; init; }
    public double? ValMacroF1 { get; init; }
    public double? ValUar { get; init; }
    public double? TestLoss { get; init; }
    public double? TestAccuracy { get; init; }
    public double? TestMacroF1 { get; init; }
    public double? TestUar { get; init; }
    public double? ParamCount { get; init; }
    public double? ModelBytes { get; init; }
    public double? LatencyMs { get; init; }

    /// <summary>The value of a metric by its name in <see cref="Metrics"/>; null when it was not measured or is no metric.</summary>
    public double? this[string metric] => metric switch
    {
        Metrics.TrainLoss => TrainLoss,
        Metrics.TrainAccuracy => TrainAccuracy,
        Metrics.ValLoss => ValLoss,
        Metrics.ValAccuracy => ValAccuracy,
        Metrics.ValMacroF1 => ValMacroF1,
        Metrics.ValUar => ValUar,
        Metrics.TestLoss => TestLoss,
        Metrics.TestAccuracy => TestAccuracy,
        Metrics.TestMacroF1 => TestMacroF1,
        Metrics.TestUar => TestUar,
        Metrics.ParamCount => ParamCount,
        Metrics.ModelBytes => ModelBytes,
        Metrics.LatencyMs => LatencyMs,
        _ => null,
    };

    /// <summary>The measured metrics by name, in the order of <see cref="Metrics.All"/>.</summary>
    public IReadOnlyDictionary<string, double> Measured =>
        Metrics.All.Where(name => this[name] is not null).ToDictionary(name => name, name => this[name]!.Value);
}
