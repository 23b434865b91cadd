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
    /// <summary>The final validation and test metrics of the kept epoch; none for an attempt without a result.</summary>
    [Id(22)] public MetricValues Metrics { get; init; } = new();
    [Id(14)] public string? PerClassJson { get; init; }
    [Id(15)] public string? PerActorJson { get; init; }
    [Id(16)] public string? ConfusionJson { get; init; }
    [Id(18)] public string? BundleSha256 { get; init; }
    [Id(19)] public long BundleBytes { get; init; }
    [Id(20)] public double Seconds { get; init; }
    /// <summary>The epochs trained since the attempt's last epoch report, oldest first: recorded before the outcome.</summary>
    [Id(23)] public IReadOnlyList<EpochProgress> LastEpochs { get; init; } = [];

    public bool HasResult => State.HasResult();

    /// <summary>How the attempt ended in one word, for logs and traces: the failure class of a failed attempt, else its state.</summary>
    public string Ending => Failure?.ToString() ?? State.ToString();
}
