namespace SerSweep.Dashboard.Views;

/// <summary>Whether a leaderboard row changed between two reads: status, progress or scores.</summary>
public sealed class TrialRowChanges : IEqualityComparer<TrialRow>
{
    public static TrialRowChanges Comparer { get; } = new();

    public bool Equals(TrialRow? x, TrialRow? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null
            && x.TrialId == y.TrialId && x.Status == y.Status && x.EpochsDone == y.EpochsDone && x.StopReason == y.StopReason
            && x.Metrics.Count == y.Metrics.Count && x.Metrics.All(m => y.Metrics.TryGetValue(m.Key, out var v) && v.Equals(m.Value)));

    public int GetHashCode(TrialRow row) => HashCode.Combine(row.TrialId, row.Status, row.EpochsDone);
}
