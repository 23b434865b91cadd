using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>A sweep with its trial counts: what the sweeps list shows.</summary>
public sealed record SweepSummary(
    long Id, string Name, int Version, SweepStatus Status, string Method, string ObjectiveMetric, bool Maximize,
    int MaxTrials, int Total, int Pending, int Running, int Completed, int Pruned, int Failed, int Cancelled,
    double? BestObjective, long? BestTrialId, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt);

/// <summary>Everything about one trial: the trial page.</summary>
public sealed record TrialDetails(
    Trial Trial, IReadOnlyList<TrialAttempt> Attempts, IReadOnlyList<EpochMetric> Epochs, TrialResult? Result, Artifact? Bundle)
{
    public IReadOnlyList<ClassMetrics> PerClass => StoredJson.Read<List<ClassMetrics>>(Result?.PerClassJson) ?? [];
    public IReadOnlyDictionary<int, double> PerActor => StoredJson.Read<Dictionary<int, double>>(Result?.PerActorJson) ?? [];
    public ConfusionMatrix? Confusion => StoredJson.Read<ConfusionMatrix>(Result?.ConfusionJson);
}
