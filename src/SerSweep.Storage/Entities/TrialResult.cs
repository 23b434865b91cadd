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
    /// <summary>Test-split per-class precision/recall/F1: JSON array of <see cref="ClassMetrics"/>.</summary>
    public string? PerClassJson { get; set; }
    /// <summary>Test-split accuracy per actor: JSON object actor number -> accuracy.</summary>
    public string? PerActorJson { get; set; }
    /// <summary>Test-split confusion matrix: <see cref="ConfusionMatrix"/> (rows = true class).</summary>
    public string? ConfusionJson { get; set; }
    public double DurationSeconds { get; set; }
    public DateTime CommittedAt { get; set; }
}
