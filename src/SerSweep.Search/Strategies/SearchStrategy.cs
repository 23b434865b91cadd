using System.Text.Json;
using SerSweep.Core;
using SerSweep.Search.Config;

namespace SerSweep.Search.Strategies;

/// <summary>
/// What every strategy does: hand out trial indices 0, 1, 2, ... within the budget, remember what it suggested
/// and what came of it, and save all of that as a string from which <see cref="SearchStrategies.Restore"/>
/// continues exactly; or one trial's record at a time (<see cref="SaveTrial"/>), so that a coordinator stores O(1) per trial. Subclasses only decide the values of trial i; each draws from a generator seeded by
/// (sweep seed, i), so the only state is the history itself. The first trials are the sweep's <c>enqueue:</c> list, if any.
/// </summary>
public abstract class SearchStrategy : ISearchStrategy
{
    private readonly SortedDictionary<int, Suggested> trials = new();

    protected SearchStrategy(SweepDefinition sweep)
    {
        Sweep = sweep;
        Space = new SearchSpace(sweep.Parameters);
    }

    public SweepDefinition Sweep { get; }
    public SearchSpace Space { get; }
    public int NextIndex { get; private set; }

    /// <summary>How many trials the strategy will suggest in total.</summary>
    public abstract int Budget { get; }

    /// <summary>The next trial, or null when the budget (or the grid) is exhausted.</summary>
    public TrialSuggestion? Ask()
    {
        if (NextIndex >= Budget) return null;
        var index = NextIndex++;
        var encoded = index < Sweep.Enqueued.Count ? Space.Complete(Sweep.Enqueued[index], TrialSeeds.Sampler(Sweep.Seed, index)) : Suggest(index);
        trials[index] = new Suggested { Index = index, Params = encoded };
        return new TrialSuggestion(index, TrialSeeds.ForTrial(Sweep.Seed, index), Space.Decode(encoded));
    }

    /// <summary>Records the outcome of a suggested trial (again for the same trial replaces it).</summary>
    public void Tell(FinishedTrial result)
    {
        if (!trials.TryGetValue(result.Index, out var trial))
            throw new ArgumentException($"trial {result.Index} was never suggested by this strategy", nameof(result));
        if (result.State != TrialState.Failed && (result.Value is not { } value || !double.IsFinite(value)))
            throw new ArgumentException($"trial {result.Index}: a {result.State} trial needs a finite value", nameof(result));
        var objectives = Sweep.Search.AllObjectives.Count;
        if (result.Values is { } values && (values.Count != objectives || !values.All(double.IsFinite)))
            throw new ArgumentException($"trial {result.Index}: needs {objectives} finite values, one per objective, got [{string.Join(", ", values)}]", nameof(result));
        if (objectives > 1 && result.State == TrialState.Completed && result.Values is null)
            throw new ArgumentException($"trial {result.Index}: a completed trial of a multi-objective sweep needs every objective's value", nameof(result));
        trial.Status = result.State;
        trial.Value = result.Value;
        trial.Values = result.Values?.ToArray();
        trial.Epochs = result.Epochs;
    }

    /// <summary>
    /// Warm start: trials of an earlier sweep as told history, under indices -n..-1 (older than any trial of this sweep,
    /// which TPE's weights count less); never suggested again, not counted in the budget, saved with the state.
    /// </summary>
    internal void AddHistory(IReadOnlyList<WarmStarting.PriorTrial> earlier)
    {
        for (var i = 0; i < earlier.Count; i++)
        {
            var trial = earlier[i];
            var encoded = WarmStarting.WarmStart.Encode(Sweep, trial) ?? throw new ArgumentException($"earlier trial {i} lies outside this sweep's space", nameof(earlier));
            var index = i - earlier.Count;
            trials[index] = new Suggested
            {
                Index = index, Params = encoded, Status = trial.State == TrialState.EarlyStopped ? TrialState.Completed : trial.State, Value = trial.Value, Epochs = trial.Epochs,
                Values = trial.Values?.ToArray(),
            };
        }
    }

    /// <summary>The encoded values of trial <paramref name="index"/>.</summary>
    protected abstract Dictionary<string, double> Suggest(int index);

    /// <summary>Trials told so far with a usable value, in index order.</summary>
    protected IEnumerable<Suggested> Finished => trials.Values.Where(t => t.Status is TrialState.Completed or TrialState.Pruned);

    public string SaveState() => JsonSerializer.Serialize(new SavedState(ConfigSchema.KeyOf(Sweep.Search.Method.ToString()), NextIndex, [.. trials.Values]), Json);

    /// <summary>What the strategy knows of trial <paramref name="index"/> (its encoded values and, once told, its outcome), on its own.</summary>
    public string SaveTrial(int index) => JsonSerializer.Serialize(trials[index], Json);

    /// <summary>Takes back a record of <see cref="SaveTrial"/>: the trial as it was then, and suggested (the next index lies past it).</summary>
    public void RestoreTrial(string record)
    {
        var trial = JsonSerializer.Deserialize<Suggested>(record, Json) ?? throw new FormatException("empty trial record");
        trials[trial.Index] = trial;
        NextIndex = Math.Max(NextIndex, trial.Index + 1);
    }

    internal void Load(string state)
    {
        var saved = JsonSerializer.Deserialize<SavedState>(state, Json) ?? throw new FormatException("empty search state");
        var method = ConfigSchema.KeyOf(Sweep.Search.Method.ToString());
        if (saved.Method != method)
            throw new FormatException($"the saved search state is of a {saved.Method} search, this sweep uses {method}");
        NextIndex = saved.NextIndex;
        trials.Clear();
        foreach (var trial in saved.Trials) trials[trial.Index] = trial;
    }

    private static JsonSerializerOptions Json => SnakeCaseJson.Options;

    private sealed record SavedState(string Method, int NextIndex, List<Suggested> Trials);

    /// <summary>One suggested trial: its encoded values and, once told, its outcome.</summary>
    protected internal sealed class Suggested
    {
        public int Index { get; init; }
        public Dictionary<string, double> Params { get; init; } = [];
        public TrialState? Status { get; set; }
        public double? Value { get; set; }
        /// <summary>Every objective's value, when told (<see cref="FinishedTrial.Values"/>).</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public double[]? Values { get; set; }
        public int Epochs { get; set; }
    }
}
