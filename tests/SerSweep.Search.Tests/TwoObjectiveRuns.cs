using SerSweep.Core;
using SerSweep.Search.Strategies;

namespace SerSweep.Search.Tests;

/// <summary>Multi-objective strategies driven over every kind of parameter with a made-up trade-off (val_uar against latency_ms).</summary>
internal static class TwoObjectiveRuns
{
    public static string Key(TrialSuggestion t) => $"{t.Index}/{t.Seed}/" + string.Join(",", t.ParametersAsText.Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Every kind of parameter (<see cref="Sweeps.Mixed"/>: 5 TPE start-up trials), two objectives.</summary>
    public static SweepDefinition Sweep(string method, string nsga2 = "{population_size: 6}", int maxTrials = 40, int seed = 7) =>
        Sweeps.Mixed(method, maxTrials, seed, $"objectives: [{{metric: val_uar}}, {{metric: latency_ms}}]\n  nsga2: {nsga2}");

    // Accuracy grows with the learning rate's closeness to 1e-3 and with the batch size, latency with the batch size;
    // every ninth trial from the fifth fails, every ninth from the eighth is pruned.
    public static FinishedTrial Outcome(TrialSuggestion t)
    {
        var lr = (double)t.Parameters["training.learning_rate"]!;
        var batch = (int)t.Parameters["training.batch_size"]!;
        var uar = 1 / (1 + Math.Pow(Math.Log10(lr) + 3, 2)) * (0.5 + batch / 256.0);
        var latency = batch / 16.0 + (double)t.Parameters["model.dropout"]!;
        return (t.Index % 9) switch
        {
            4 => new FinishedTrial(t.Index, TrialState.Failed, null),
            7 => new FinishedTrial(t.Index, TrialState.Pruned, uar, Epochs: 2),
            _ => FinishedTrial.WithValues(t.Index, TrialState.Completed, [uar, latency], epochs: 5),
        };
    }

    /// <summary>Asks and tells up to <paramref name="asks"/> trials, appending each trial's <see cref="Key"/> to <paramref name="log"/>.</summary>
    public static List<string> Drive(ISearchStrategy strategy, int asks, List<string> log, Func<TrialSuggestion, FinishedTrial>? outcome = null)
    {
        for (var i = 0; i < asks && strategy.Ask() is { } trial; i++)
        {
            log.Add(Key(trial));
            strategy.Tell((outcome ?? Outcome)(trial));
        }
        return log;
    }
}
