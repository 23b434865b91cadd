using SerSweep.Core;
using SerSweep.Search.Strategies;

namespace SerSweep.Search.Tests;

/// <summary><c>enqueue:</c>: listed configurations are the first trials, in order; the strategy learns from them like from any other.</summary>
public class EnqueueTests
{
    private static SweepDefinition Sweep(string method, string enqueue, int startup = 10) => Sweeps.Parse($"""
        seed: 11
        search:
          method: {method}
          max_trials: 12
          objective: {"{"}metric: val_loss{"}"}
          tpe: {"{"}n_startup_trials: {startup}{"}"}
        parameters:
          training.optimizer: {"{"}values: [adam, sgd]{"}"}
          training.learning_rate: {"{"}loguniform: [1.0e-4, 1.0e-1]{"}"}
          model.dropout: {"{"}uniform: [0.1, 0.5], q: 0.05{"}"}
          training.momentum:
            uniform: [0.5, 0.99]
            when: {"{"}training.optimizer: sgd{"}"}
        {enqueue}
        """);

    private const string TwoTrials = """
        enqueue:
          - {training.optimizer: sgd, training.learning_rate: 0.001, model.dropout: 0.2, training.momentum: 0.9}
          - {training.optimizer: adam, training.learning_rate: 0.05}
        """;

    [Theory]
    [InlineData("random")]
    [InlineData("tpe")]
    [InlineData("motpe")]
    public void Enqueued_trials_come_first_in_order_and_the_rest_of_the_sweep_is_unchanged(string method)
    {
        var plain = Sweeps.AskAll(Sweep(method, ""));
        var trials = Sweeps.AskAll(Sweep(method, TwoTrials));

        Assert.Equal(12, trials.Count);
        Assert.Equal("momentum=0.9 dropout=0.2 learning_rate=0.001 optimizer=sgd", Text(trials[0], "training.momentum", "model.dropout", "training.learning_rate", "training.optimizer"));
        Assert.Equal("learning_rate=0.05 optimizer=adam", Text(trials[1], "training.learning_rate", "training.optimizer"));
        // Left out: drawn from its range; inactive (momentum without sgd): absent.
        Assert.InRange((double)trials[1].Parameters["model.dropout"]!, 0.1, 0.5);
        Assert.False(trials[1].Parameters.ContainsKey("training.momentum"));
        Assert.Equal([0, 1], trials.Take(2).Select(t => t.Index));
        Assert.Equal(TrialSeeds.ForTrial(11, 1), trials[1].Seed);
        // Without any result told, every later trial is what it would have been without enqueue.
        Assert.Equal(plain.Skip(2).Select(t => t.ParametersAsText), trials.Skip(2).Select(t => t.ParametersAsText));
    }

    [Fact]
    public void Tpe_learns_from_the_enqueued_trials_like_from_any_other()
    {
        // Two startup trials, both enqueued: the third trial is TPE's first model-based suggestion, fitted to them.
        static TrialSuggestion ThirdAfterTelling(SweepDefinition sweep)
        {
            var strategy = SearchStrategies.Create(sweep);
            for (var i = 0; i < 2; i++)
            {
                var trial = strategy.Ask()!;
                strategy.Tell(new FinishedTrial(trial.Index, TrialState.Completed, (double)trial.Parameters["training.learning_rate"]!));
            }
            return strategy.Ask()!;
        }

        var afterEnqueued = ThirdAfterTelling(Sweep("tpe", TwoTrials, startup: 2));
        var afterRandom = ThirdAfterTelling(Sweep("tpe", "", startup: 2));

        Assert.NotEqual(afterRandom.ParametersAsText, afterEnqueued.ParametersAsText);
        Assert.Equal(afterEnqueued.ParametersAsText, ThirdAfterTelling(Sweep("tpe", TwoTrials, startup: 2)).ParametersAsText);
    }

    [Fact]
    public void More_enqueued_trials_than_max_trials_are_refused()
    {
        var yaml = """
            search: {method: random, max_trials: 1}
            parameters:
              training.learning_rate: {loguniform: [1.0e-4, 1.0e-2]}
            enqueue:
              - {training.learning_rate: 0.001}
              - {training.learning_rate: 0.002}
            """;

        var error = Assert.Single(Parsing.SweepFile.Parse(yaml, "e.yaml").Errors);

        Assert.Equal((5, 3, "enqueue lists 2 trials, more than search.max_trials (1)"), (error.Line, error.Column, error.Message));
    }

    private static string Text(TrialSuggestion trial, params string[] keys) =>
        string.Join(" ", keys.Select(k => $"{k[(k.LastIndexOf('.') + 1)..]}={trial.ParametersAsText[k]}"));
}
