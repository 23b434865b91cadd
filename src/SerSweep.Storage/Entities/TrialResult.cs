using SerSweep.Core;

namespace SerSweep.Storage.Entities;

/// <summary>
/// The final result of a trial: exactly one per trial (unique TrialId), written by the attempt that was current
/// when it was committed. JSON columns are written and read with <see cref="StoredJson"/>.
/// </summary>
public sealed class TrialResult
{
    public long Id { get; set; }
    public long TrialId { get; set; }
    public int Attempt { get; set; }
    public TrialState Outcome { get; set; }
    public int Epochs { get; set; }
    /// <summary>Epoch whose weights the result (and bundle) are from.</summary>
    public int BestEpoch { get; set; }
    public double? ValLoss { get; set; }
    public double? ValAccuracy { get; set; }
    public double? ValMacroF1 { get; set; }
    public double? ValUar { get; set; }
    public double? TestLoss { get; set; }
    public double? TestAccuracy { get; set; }
    public double? TestMacroF1 { get; set; }
    public double? TestUar { get; set; }
    public double? ParamCount { get; set; }
    public double? ModelBytes { get; set; }
    public double? LatencyMs { get; set; }
    /// <summary>Test-split per-class precision/recall/F1: JSON array of <see cref="ClassMetrics"/>.</summary>
    public string? PerClassJson { get; set; }
    /// <summary>Test-split accuracy per actor: JSON object actor number -> accuracy.</summary>
    public string? PerActorJson { get; set; }
    /// <summary>Test-split confusion matrix: <see cref="ConfusionMatrix"/> (rows = true class).</summary>
    public string? ConfusionJson { get; set; }
    public double DurationSeconds { get; set; }

    /// <summary>The column of a final metric (val_*, test_* and the costs: a result keeps no training metric) named as in <see cref="Core.Metrics"/>; null for any other name.</summary>
    public static string? ColumnOf(string metric) =>
        Core.Metrics.All.Contains(metric) && !metric.StartsWith("train_", StringComparison.Ordinal)
            ? string.Concat(metric.Split('_').Select(word => char.ToUpperInvariant(word[0]) + word[1..]))
            : null;

    /// <summary>The metric columns as the one metrics record (a view: EF maps the columns, not this).</summary>
    public MetricValues Metrics
    {
        get => new()
        {
            ValLoss = ValLoss, ValAccuracy = ValAccuracy, ValMacroF1 = ValMacroF1, ValUar = ValUar,
            TestLoss = TestLoss, TestAccuracy = TestAccuracy, TestMacroF1 = TestMacroF1, TestUar = TestUar,
            ParamCount = ParamCount, ModelBytes = ModelBytes, LatencyMs = LatencyMs,
        };
        init => (ValLoss, ValAccuracy, ValMacroF1, ValUar, TestLoss, TestAccuracy, TestMacroF1, TestUar, ParamCount, ModelBytes, LatencyMs) =
            (value.ValLoss, value.ValAccuracy, value.ValMacroF1, value.ValUar, value.TestLoss, value.TestAccuracy, value.TestMacroF1, value.TestUar,
             value.ParamCount, value.ModelBytes, value.LatencyMs);
    }
    public DateTime CommittedAt { get; set; }
}
