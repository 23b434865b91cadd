using SerSweep.Search.Parsing;
using SerSweep.Search.Strategies;

namespace SerSweep.Search.Tests;

/// <summary>Valid sweep files for strategy tests, parsed from YAML as users write them.</summary>
internal static class Sweeps
{
    public static SweepDefinition Parse(string yaml) => SweepFile.Parse(yaml, "test.yaml").GetDefinitionOrThrow();

    /// <summary>Every trial a fresh strategy suggests, without telling it any result.</summary>
    public static List<TrialSuggestion> AskAll(SweepDefinition sweep)
    {
        var strategy = SearchStrategies.Create(sweep);
        var trials = new List<TrialSuggestion>();
        while (strategy.Ask() is { } trial) trials.Add(trial);
        return trials;
    }

    /// <summary>Optimizer x batch size, with momentum only for SGD.</summary>
    public static SweepDefinition Conditional(string method, int maxTrials = 20, int seed = 7) => Parse($"""
        seed: {seed}
        search: {"{"}method: {method}, max_trials: {maxTrials}{"}"}
        parameters:
          training.optimizer: {"{"}values: [adam, sgd]{"}"}
          training.batch_size: {"{"}values: [16, 32]{"}"}
          training.momentum:
            values: [0.0, 0.9]
            when: {"{"}training.optimizer: sgd{"}"}
        """);

    /// <summary>Every kind of parameter; <paramref name="objective"/>: the search section's lines about what it optimises.</summary>
    public static SweepDefinition Mixed(string method, int maxTrials = 40, int seed = 7, string objective = "objective: {metric: val_loss}") => Parse($"""
        seed: {seed}
        search:
          method: {method}
          max_trials: {maxTrials}
          {objective}
          tpe: {"{"}n_startup_trials: 5{"}"}
        parameters:
          training.optimizer: {"{"}values: [adam, rmsprop, sgd]{"}"}
          training.learning_rate: {"{"}loguniform: [1.0e-5, 1.0e-1]{"}"}
          model.dropout: {"{"}uniform: [0.1, 0.5], q: 0.05{"}"}
          training.l2: {"{"}uniform: [0.0, 0.01]{"}"}
          training.batch_size: {"{"}int_uniform: [16, 128], q: 16{"}"}
          training.epochs: {"{"}value: 5{"}"}
          training.momentum:
            uniform: [0.5, 0.99]
            when: {"{"}training.optimizer: [sgd, rmsprop]{"}"}
        """);
}
