using SerSweep.Dashboard.Views;

namespace SerSweep.Dashboard.Analysis;

/// <summary>An inclusive range on one numeric hyperparameter; an open end is null.</summary>
public sealed record ParameterRange(string Parameter, double? Min, double? Max)
{
    public bool Contains(TrialRow row)
    {
        if (Min is null && Max is null)
            return true;
        if (!row.Parameters.TryGetValue(Parameter, out var value) || value.Number is not { } number)
            return false;
        return (Min is null || number >= Min) && (Max is null || number <= Max);
    }
}

/// <summary>What the leaderboard shows: trials whose status is among <see cref="Statuses"/> (all when empty) inside every range.</summary>
public sealed record LeaderboardFilter(IReadOnlySet<string> Statuses, IReadOnlyList<ParameterRange> Ranges)
{
    public static LeaderboardFilter None { get; } = new(new HashSet<string>(), []);

    public bool Matches(TrialRow row) =>
        (Statuses.Count == 0 || Statuses.Contains(row.Status)) && Ranges.All(range => range.Contains(row));

    public IReadOnlyList<TrialRow> Apply(IReadOnlyList<TrialRow> rows) => rows.Where(Matches).ToList();
}
