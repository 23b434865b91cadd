namespace SerSweep.Dashboard.Views;

/// <summary>One trial as a leaderboard line: what it tried (parameters) and what it scored (metrics).</summary>
public sealed record TrialRow
{
    public required long TrialId { get; init; }
    /// <summary>The trial's index within its sweep (the order the strategy asked for it).</summary>
    public required int Index { get; init; }
    public required string Status { get; init; }
    /// <summary>Sampled hyperparameters keyed by dotted path (e.g. <c>training.learning_rate</c>).</summary>
    public IReadOnlyDictionary<string, HyperparameterValue> Parameters { get; init; } = new Dictionary<string, HyperparameterValue>();
    /// <summary>Final (or last reported) metrics keyed by metric name (see <c>SerSweep.Core.Metrics</c>).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    public int EpochsDone { get; init; }
    /// <summary>A cross-validated trial: the sd over its folds of the objective (whose mean is the objective).</summary>
    public double? ObjectiveSd { get; init; }
    /// <summary>Why the trial stopped before its last epoch (ASHA rung, early stopping, failure), if it did.</summary>
    public string? StopReason { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    public double? Metric(string name) => Metrics.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A hyperparameter value: its text as written, and its number when it is numeric.</summary>
public sealed record HyperparameterValue(string Text, double? Number)
{
    public static HyperparameterValue Of(double number) =>
        new(number.ToString("G6", System.Globalization.CultureInfo.InvariantCulture), number);

    public static HyperparameterValue Of(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? new(text, number)
            : new(text, null);

    public override string ToString() => Text;
}
