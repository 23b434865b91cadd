namespace SerSweep.Search.Strategies;

/// <summary>Creates the strategy a sweep file asks for, fresh or from a saved state.</summary>
public static class SearchStrategies
{
    public static ISearchStrategy Create(SweepDefinition sweep) => sweep.Search.Method switch
    {
        SearchMethod.Grid => new GridSearch(sweep),
        SearchMethod.Random => new RandomSearch(sweep),
        SearchMethod.Nsga2 => new Nsga2Search(sweep),
        SearchMethod.Motpe => new MotpeSearch(sweep),
        _ => new TpeSearch(sweep),
    };

    /// <summary>A fresh strategy that knows <paramref name="earlier"/> (see <see cref="WarmStarting.WarmStart"/>) as history.</summary>
    public static ISearchStrategy WarmStarted(SweepDefinition sweep, IReadOnlyList<WarmStarting.PriorTrial> earlier)
    {
        var strategy = (SearchStrategy)Create(sweep);
        strategy.AddHistory(earlier);
        return strategy;
    }

    /// <summary>The strategy as it was when <see cref="ISearchStrategy.SaveState"/> produced <paramref name="state"/>.</summary>
    /// <exception cref="FormatException">The state is not one of this sweep's method.</exception>
    public static ISearchStrategy Restore(SweepDefinition sweep, string state) => Restore(sweep, state, []);

    /// <summary>
    /// The strategy from a saved state (null: a fresh one) and the records of its trials saved since
    /// (<see cref="ISearchStrategy.SaveTrial"/>), each newer than what the state says of that trial.
    /// </summary>
    /// <exception cref="FormatException">The state is not one of this sweep's method.</exception>
    public static ISearchStrategy Restore(SweepDefinition sweep, string? state, IEnumerable<string> trialRecords)
    {
        var strategy = (SearchStrategy)Create(sweep);
        if (state is not null) strategy.Load(state);
        foreach (var record in trialRecords) strategy.RestoreTrial(record);
        return strategy;
    }
}
