using System.Globalization;
using SerSweep.Core;
using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.WarmStarting;

/// <summary><c>search.warm_start: {from: SWEEP}</c>: the id or name (its newest version) of the earlier sweep, and where the file says so.</summary>
public sealed record WarmStartSettings(string From, SourcePosition Position);

/// <summary>One finished trial of an earlier sweep: its parameters as stored (numbers as doubles, the rest as YAML text) and its outcome.</summary>
public sealed record PriorTrial(IReadOnlyDictionary<string, object?> Parameters, TrialState State, double Value, int Epochs);

/// <summary>The earlier trials that fit this sweep's space, and how many were left out because a value lies outside it.</summary>
public sealed record WarmStartHistory(IReadOnlyList<PriorTrial> Kept, int Dropped);

/// <summary>
/// <c>search.warm_start: {from: SWEEP}</c>: the finished (completed, early-stopped or pruned) trials of an earlier sweep
/// seed this sweep's strategy as history: told, never re-run, not counted in max_trials. The earlier sweep must be
/// compatible: the same objective metric and direction; the same parameter names, each of the same kind (categorical
/// with categorical, and a range with a range of the same distribution); every categorical value of the earlier sweep
/// among this sweep's values. A numeric value outside this sweep's range drops its trial (counted), the rest are kept.
/// </summary>
public static class WarmStart
{
    /// <summary>Why the trials of <paramref name="earlier"/> cannot seed <paramref name="sweep"/>: one message per field, naming it; empty when compatible.</summary>
    public static IReadOnlyList<string> Incompatibilities(SweepDefinition earlier, SweepDefinition sweep)
    {
        var problems = new List<string>();
        var (was, now) = (earlier.Search.Objective, sweep.Search.Objective);
        if (was.Metric != now.Metric)
            problems.Add($"search.objective.metric: the earlier sweep optimised {was.Metric}, this one {now.Metric}");
        else if (was.Direction != now.Direction)
            problems.Add($"search.objective.direction: the earlier sweep's is {Key(was.Direction)}, this one's {Key(now.Direction)}");
        var before = earlier.Parameters.ToDictionary(p => p.Path);
        foreach (var p in sweep.Parameters.Where(p => !before.ContainsKey(p.Path)))
            problems.Add($"parameters.{p.Path}: the earlier sweep did not search it");
        foreach (var old in earlier.Parameters)
        {
            var p = sweep.Parameters.FirstOrDefault(n => n.Path == old.Path);
            if (p is null)
                problems.Add($"parameters.{old.Path}: the earlier sweep searched it, this one does not");
            else if (old.IsCategorical != p.IsCategorical || (!p.IsCategorical && old.Kind != p.Kind))
                problems.Add($"parameters.{p.Path}: {old.Keyword} in the earlier sweep, {p.Keyword} in this one");
            else if (p.IsCategorical && old.Choices.FirstOrDefault(c => Choice(p, c) < 0) is { } missing)
                problems.Add($"parameters.{p.Path}: the earlier sweep's value {ValueTypes.Format(missing)} is not among this one's values");
        }
        return problems;
    }

    /// <summary>The trials whose every value this sweep's space holds (as the strategy encodes them), and the count of the others.</summary>
    public static WarmStartHistory Select(SweepDefinition sweep, IEnumerable<PriorTrial> trials)
    {
        var kept = new List<PriorTrial>();
        var dropped = 0;
        foreach (var trial in trials.Where(t => t.State.HasResult() && double.IsFinite(t.Value)))
        {
            if (Encode(sweep, trial) is not null) kept.Add(trial);
            else dropped++;
        }
        return new WarmStartHistory(kept, dropped);
    }

    /// <summary>The trial's values as the strategy encodes them (a choice's index, a number itself), or null when one lies outside the space.</summary>
    public static Dictionary<string, double>? Encode(SweepDefinition sweep, PriorTrial trial)
    {
        var encoded = new Dictionary<string, double>();
        foreach (var p in sweep.Parameters)
        {
            if (!trial.Parameters.TryGetValue(p.Path, out var value)) continue;
            if (p.IsCategorical)
            {
                var index = Choice(p, value);
                if (index < 0) return null;
                encoded[p.Path] = index;
            }
            else if (value is double x && x >= p.Low && x <= p.High) encoded[p.Path] = x;
            else return null;
        }
        return encoded;
    }

    /// <summary>The index of <paramref name="value"/> among the choices of <paramref name="p"/> (numbers compared as numbers, the rest as YAML text), or -1.</summary>
    private static int Choice(ParameterSpec p, object? value)
    {
        for (var i = 0; i < p.Choices.Count; i++)
        {
            var choice = p.Choices[i];
            if (value is double x ? choice is int or long or double && Convert.ToDouble(choice, CultureInfo.InvariantCulture) == x
                : ValueTypes.Format(choice) == (value as string ?? ValueTypes.Format(value)))
                return i;
        }
        return -1;
    }

    private static string Key(Direction direction) => ConfigSchema.KeyOf(direction.ToString());
}
