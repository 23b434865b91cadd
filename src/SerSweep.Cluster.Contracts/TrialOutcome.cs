using SerSweep.Core;

namespace SerSweep.Cluster.Contracts;

/// <summary>
/// The end of one attempt: its final metrics (test-split per-class, per-actor and confusion matrix as the JSON the
/// storage keeps) and the SHA-256 and size of its bundle, already stored by the sweep's <see cref="IArtifactStoreGrain"/>,
/// or why it failed: <see cref="State"/> is Completed, EarlyStopped, Pruned, Cancelled or Failed (then <see cref="Failure"/> says how).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrialOutcome
{
    [Id(0)] public required long TrialId { get; init; }
    [Id(1)] public required int Attempt { get; init; }
    [Id(2)] public required TrialState State { get; init; }
    [Id(21)] public FailureClass? Failure { get; init; }
    [Id(3)] public string? Reason { get; init; }
    [Id(4)] public int Epochs { get; init; }
    [Id(5)] public int BestEpoch { get; init; }
    [Id(6)] public double? ValLoss { get; init; }
    [Id(7)] public double? ValAccuracy { get; init; }
    [Id(8)] public double? ValMacroF1 { get; init; }
    [Id(9)] public double? ValUar { get; init; }
    [Id(10)] public double? TestLoss { get; init; }
    [Id(11)] public double? TestAccuracy { get; init; }
    [Id(12)] public double? TestMacroF1 { get; init; }
    [Id(13)] public double? TestUar { get; init; }
    [Id(14)] public string? PerClassJson { get; init; }
    [Id(15)] public string? PerActorJson { get; init; }
    [Id(16)] public string? ConfusionJson { get; init; }
    [Id(18)] public string? BundleSha256 { get; init; }
    [Id(19)] public long BundleBytes { get; init; }
    [Id(20)] public double Seconds { get; init; }

    public bool HasResult => State.HasResult();

    /// <summary>How the attempt ended in one word, for logs and traces: the failure class of a failed attempt, else its state.</summary>
    public string Ending => Failure?.ToString() ?? State.ToString();

    /// <summary>A final metric by its name in <see cref="Core.Metrics"/>.</summary>
    public double? Metric(string name) => name switch
    {
        Core.Metrics.ValLoss => ValLoss,
        Core.Metrics.ValAccuracy => ValAccuracy,
        Core.Metrics.ValMacroF1 => ValMacroF1,
        Core.Metrics.ValUar => ValUar,
        Core.Metrics.TestLoss => TestLoss,
        Core.Metrics.TestAccuracy => TestAccuracy,
        Core.Metrics.TestMacroF1 => TestMacroF1,
        Core.Metrics.TestUar => TestUar,
        _ => null,
    };
}
