using SerSweep.Search.Parsing;
using SerSweep.Search.Strategies;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Resuming;

/// <summary>
/// The rules of resuming a sweep (<c>sersweep sweep --resume</c>, <c>POST /api/sweeps/{id}/resume</c>): which limits may
/// be raised, and which changes of the sweep file are refused. The strategy itself simply continues from its saved
/// state with the raised budget: trial i draws from (seed, i) and the history, never from the budget.
/// </summary>
public static class SweepResume
{
    /// <summary>The keys a resumed sweep may change: its limits. Everything else would make it another sweep.</summary>
    public static IReadOnlyList<string> LimitKeys { get; } = ["search.max_trials", "search.time_limit"];

    /// <summary>The sweep with its limits raised (null keeps each).</summary>
    public static SweepDefinition WithLimits(SweepDefinition sweep, RaisedLimits limits) => sweep with
    {
        Search = sweep.Search with
        {
            MaxTrials = limits.MaxTrials ?? sweep.Search.MaxTrials,
            TimeLimit = limits.TimeLimit ?? sweep.Search.TimeLimit,
        },
    };

    /// <summary>
    /// Why <paramref name="sweep"/> (its current limits) cannot go on with <paramref name="limits"/>, or null when it can:
    /// a limit below what the sweep already used, a budget beyond its grid, or a finished sweep given nothing more to do.
    /// </summary>
    public static string? Refusal(SweepDefinition sweep, SweepStanding standing, RaisedLimits limits)
    {
        if (limits.MaxTrials is { } trials)
        {
            if (trials < 1) return $"max_trials must be at least 1, got {trials}";
            if (trials < standing.StartedTrials)
                return $"max_trials {trials} is below the {standing.StartedTrials} trials this sweep has already started";
            if (sweep.Search.Method == SearchMethod.Grid && new GridSearch(sweep).GridSize is var size && trials > size)
                return $"max_trials {trials} is beyond the grid's {size} combinations";
        }
        if (limits.TimeLimit is { } time && time <= standing.TimeUsed)
            return $"time_limit {Durations.Format(time)} is not above the {Durations.Format(standing.TimeUsed)} this sweep has already run";
        if (!standing.Over) return null;

        var raised = WithLimits(sweep, limits);
        if (raised.Search.TimeLimit is { } limit && limit <= standing.TimeUsed)
            return $"the sweep has used its time_limit of {Durations.Format(limit)}: give a higher time_limit to resume it";
        if (!standing.Stopped && SearchStrategies.Create(raised).Budget <= standing.StartedTrials)
            return $"the sweep has started all its {standing.StartedTrials} trials: give a higher max_trials to resume it";
        return null;
    }

    /// <summary>
    /// The keys (dotted, "parameters.model.dropout.uniform[1]") whose values differ between the sweep file a sweep was
    /// started from and the one given to resume it, the limits excepted; empty when they describe the same sweep.
    /// Formatting, comments, quoting and key order do not count.
    /// </summary>
    public static IReadOnlyList<string> ChangedFields(string storedYaml, string givenYaml)
    {
        var stored = Flatten(storedYaml);
        var given = Flatten(givenYaml);
        return [.. stored.Keys.Union(given.Keys)
            .Where(key => !LimitKeys.Contains(key) && stored.GetValueOrDefault(key) != given.GetValueOrDefault(key))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The limits a sweep file sets, as a resume raises them.</summary>
    public static RaisedLimits LimitsOf(SweepDefinition sweep) => new(sweep.Search.MaxTrials, sweep.Search.TimeLimit);

    private static Dictionary<string, string> Flatten(string yaml)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = YamlLoader.Load(yaml, "sweep.yaml", SweepLimits.Default, []);
        if (root is not null) Add(root, "", leaves);
        return leaves;
    }

    private static void Add(YamlNode node, string path, Dictionary<string, string> leaves)
    {
        switch (node)
        {
            case YamlMapping mapping:
                foreach (var (key, value) in mapping.Entries) Add(value, path == "" ? key.Value : $"{path}.{key.Value}", leaves);
                break;
            case YamlSequence sequence:
                for (var i = 0; i < sequence.Items.Count; i++) Add(sequence.Items[i], $"{path}[{i}]", leaves);
                leaves[path] = $"[{sequence.Items.Count}]";
                break;
            case YamlScalar scalar:
                leaves[path] = scalar.IsNull ? "null" : scalar.Value;
                break;
        }
    }
}
