namespace SerSweep.Search.Strategies;

/// <summary>
/// A search strategy (grid, random, TPE, NSGA-II, MOTPE): asked for the next trial, told how trials ended. Deterministic
/// for a given sweep seed and history; <see cref="SaveState"/> + <see cref="SearchStrategies.Restore"/>
/// continue a sweep exactly where it stopped.
/// </summary>
public interface ISearchStrategy
{
    /// <summary>How many trials the strategy suggests in total (max_trials, or the grid size).</summary>
    int Budget { get; }

    /// <summary>The next trial, or null when the budget (or the grid) is exhausted.</summary>
    TrialSuggestion? Ask();

    /// <summary>Records how a suggested trial ended.</summary>
    void Tell(FinishedTrial result);

    string SaveState();

    /// <summary>One trial's part of the state: a saved state plus the newer records of its trials restores the whole.</summary>
    string SaveTrial(int index);

    /// <summary>Takes back a record of <see cref="SaveTrial"/> (replacing what the strategy knew of that trial).</summary>
    void RestoreTrial(string record);
}
