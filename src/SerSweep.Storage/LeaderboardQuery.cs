using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>
/// One page of a sweep's leaderboard, the one way trials are ranked (the dashboard's grid and the REST API both
/// page through it). <see cref="SortBy"/> is "objective" (default), a metric name from <see cref="Core.Metrics"/>,
/// "index", "status", "epochs", "finished_at", or "param:DOTTED.PATH" for a hyperparameter (numbers numerically, text as text).
/// </summary>
public sealed record LeaderboardQuery
{
    public const string Objective = "objective";
    public const string ParameterPrefix = "param:";

    public string SortBy { get; init; } = Objective;
    /// <summary>null = the best first for the objective and metrics (by their direction), ascending otherwise.</summary>
    public bool? Descending { get; init; }
    public IReadOnlyList<TrialState> Statuses { get; init; } = [];
    /// <summary>Numeric hyperparameter ranges, inclusive: dotted path -> (min, max), either end open.</summary>
    public IReadOnlyDictionary<string, (double? Min, double? Max)> ParameterRanges { get; init; } = new Dictionary<string, (double?, double?)>();
    public int Page { get; init; }
    public int PageSize { get; init; } = 50;
}

public sealed record LeaderboardRow(
    long TrialId, int Index, TrialState Status, string ParametersJson, double? ObjectiveValue,
    double? ValAccuracy, double? ValMacroF1, double? TestAccuracy, double? TestMacroF1, double? TestUar,
    double? ValLoss, double? ValUar, double? TestLoss,
    int LastEpoch, int Attempts, string? Silo, FailureClass? FailureClass, string? StopReason,
    DateTime? StartedAt, DateTime? FinishedAt, double? ObjectiveSd = null);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);
