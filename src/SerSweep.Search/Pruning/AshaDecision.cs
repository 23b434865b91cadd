using System.Globalization;

namespace SerSweep.Search.Pruning;

/// <summary>
/// ASHA's verdict on one epoch report. A stop always says why: the rung (epoch) where trials were compared,
/// the trial's metric there, the cutoff it had to reach, and its rank among the trials at that rung.
/// </summary>
public sealed record AshaDecision(bool Stop, int? Rung, string Metric, double? Value, double? Cutoff, int Rank, int Competitors)
{
    public static AshaDecision Continue(string metric) => new(false, null, metric, null, null, 0, 0);

    /// <summary>"stopped at rung 3 (epoch 3): val_accuracy 0.41 is worse than the cutoff 0.52 (rank 4 of 6, top 2 continue)".</summary>
    public string Reason => !Stop
        ? Rung is { } rung ? $"promoted at rung epoch {rung}: {Metric} {Format(Value)} reaches the cutoff {Format(Cutoff)} (rank {Rank} of {Competitors})" : "continue"
        : $"stopped at rung epoch {Rung}: {Metric} {Format(Value)} is worse than the cutoff {Format(Cutoff)} (rank {Rank} of {Competitors})";

    private static string Format(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "?";
}
