using System.Globalization;
using SerSweep.Core;
using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.WarmStarting;

/// <summary><c>search.warm_start: {from: SWEEP}</c>: the id or name (its newest version) of the earlier sweep, and where the file says so.</summary>
public sealed record WarmStartSettings(string From, SourcePosition Position);

/// <summary>
/// One finished trial of an earlier sweep: its parameters as stored (numbers as doubles, the rest as YAML text) and its
/// outcome: the (first) objective's value and, for a sweep of several objectives, every objective's value in the sweep's
/// order when the trial ran to its end and measured them all.
/// </summary>
public sealed record PriorTrial(IReadOnlyDictionary<string, object?> Parameters, TrialState State, double Value, int Epochs, IReadOnlyList<double>? Values = null);

/// <summary>The earlier trials that fit this sweep's space, and how many were left out because a value lies outside it.</summary>
public sealed record WarmStartHistory(IReadOnlyList<PriorTrial> Kept, int Dropped);

/// <summary>
/// <c>search.warm_start: {from: SWEEP}</c>: the finished (completed, early-stopped or pruned) trials of an earlier sweep
/// seed this sweep's strategy as history: told, never re-run, not counted in max_trials. The earlier sweep must be
/// compatible: the same objectives (metric and direction of each, in the same order: the first is the one ASHA judged
/// and a pruned trial's one value measures); the same parameter names, each of the same kind (categorical
/// with categorical, and a range with a range of the same distribution); every categorical value of the earlier sweep
/// among this sweep's values. A numeric value outside this sweep's range drops its trial (counted), the rest are kept.
/// </summary>
public static class WarmStart
{
    /// <summary>Why the trials of <paramref name="earlier"/> cannot seed <paramref name="sweep"/>: one message per field, naming it; empty when compatible.</summary>
    public static IReadOnlyList<string> Incompatibilities(SweepDefinition earlier, SweepDefinition sweep)
    {
        var problems = new List<string>(ObjectiveIncompatibilities(earlier.Search.AllObjectives, sweep.Search.AllObjectives));
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

    /// <summary>The objective fields that differ: <c>search.objective</c> when both sweeps have one, else <c>search.objectives</c> (by position).</summary>
    private static IEnumerable<string> ObjectiveIncompatibilities(IReadOnlyList<Objective> before, IReadOnlyList<Objective> now)
    {
        if (before.Count == 1 && now.Count == 1)
        {
            if (before[0].Metric != now[0].Metric)
                yield return $"search.objective.metric: the earlier sweep optimised {before[0].Metric}, this one {now[0].Metric}";
            else if (before[0].Direction != now[0].Direction)
                yield return $"search.objective.direction: the earlier sweep's is {Key(before[0].Direction)}, this one's {Key(now[0].Direction)}";
            yield break;
        }
        if (before.Count != now.Count)
        {
            yield return $"search.objectives: the earlier sweep optimised {List(before)}, this one {List(now)}";
            yield break;
        }
        for (var i = 0; i < now.Count; i++)
        {
            if (before[i].Metric != now[i].Metric)
                yield return $"search.objectives[{i}].metric: the earlier sweep's is {before[i].Metric}, this one's {now[i].Metric}";
            else if (before[i].Direction != now[i].Direction)
                yield return $"search.objectives[{i}].direction: the earlier sweep's is {Key(before[i].Direction)}, this one's {Key(now[i].Direction)}";
        }
    }

    private static string List(IReadOnlyList<Objective> objectives) => $"[{string.Join(", ", objectives.Select(o => $"{o.Metric} ({Key(o.Direction)})"))}]";

    /// <summary>
    /// The trials whose every value this sweep's space holds (as the strategy encodes them) and, in a sweep of several
    /// objectives, that carry every objective's value unless pruned; and the count of the others.
    /// </summary>
    public static WarmStartHistory Select(SweepDefinition sweep, IEnumerable<PriorTrial> trials)
    {
        var kept = new List<PriorTrial>();
        var dropped = 0;
        var objectives = sweep.Search.AllObjectives.Count;
        foreach (var trial in trials.Where(t => t.State.HasResult() && double.IsFinite(t.Value)))
        {
            // A trial of several objectives that ran to its end but lacks one of their values cannot be ranked (a pruned one needs only its first).
            var ranked = objectives == 1 || trial.State == TrialState.Pruned || trial.Values is { } values && values.Count == objectives && values.All(double.IsFinite);
            if (ranked && Encode(sweep, trial) is not null) kept.Add(trial);
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
