using SerSweep.Core;
using SerSweep.Search.Strategies;
using SerSweep.Search.WarmStarting;

namespace SerSweep.Search.Tests;

/// <summary>search.warm_start: which earlier sweeps are compatible (the rest refused naming the field), and what seeding does to TPE.</summary>
public class WarmStartTests
{
    private static SweepDefinition Sweep(string parameters, string objective = "val_loss", string extra = "") => Sweeps.Parse($"""
        seed: 5
        search:
          method: tpe
          max_trials: 8
          objective: {"{"}metric: {objective}{"}"}
          tpe: {"{"}n_startup_trials: 4{"}"}
          {extra}
        parameters:
        {parameters}
        """);

    private const string Space = """
          training.optimizer: {values: [adam, sgd]}
          training.learning_rate: {loguniform: [1.0e-4, 1.0e-1]}
          training.batch_size: {values: [16, 32]}
        """;

    /// <summary>Earlier trials as the database stores them: numbers as doubles, the rest as YAML text.</summary>
    private static List<PriorTrial> Earlier(params (string Optimizer, double LearningRate, double Loss)[] trials) =>
        [.. trials.Select(t => new PriorTrial(new Dictionary<string, object?>
        {
            ["training.optimizer"] = t.Optimizer, ["training.learning_rate"] = t.LearningRate, ["training.batch_size"] = 32.0,
        }, TrialState.Completed, t.Loss, 5))];

    [Fact]
    public void A_compatible_sweep_may_widen_ranges_and_add_values()
    {
        var wider = Sweep(Space.Replace("[adam, sgd]", "[adam, sgd, rmsprop]").Replace("1.0e-1]", "1.0]"));

        Assert.Empty(WarmStart.Incompatibilities(Sweep(Space), wider));
    }

    [Fact]
    public void An_incompatible_sweep_is_refused_naming_each_field()
    {
        var earlier = Sweep(Space);
        var other = Sweep("""
              training.optimizer: {values: [adam, rmsprop]}
              training.learning_rate: {uniform: [1.0e-4, 1.0e-1]}
              model.dropout: {uniform: [0.1, 0.5]}
            """, objective: "val_uar");

        Assert.Equal(
        [
            "search.objective.metric: the earlier sweep optimised val_loss, this one val_uar",
            "parameters.model.dropout: the earlier sweep did not search it",
            "parameters.training.optimizer: the earlier sweep's value sgd is not among this one's values",
            "parameters.training.learning_rate: loguniform in the earlier sweep, uniform in this one",
            "parameters.training.batch_size: the earlier sweep searched it, this one does not",
        ], WarmStart.Incompatibilities(earlier, other));
    }

    [Fact]
    public void Earlier_trials_outside_the_new_ranges_are_dropped_and_counted()
    {
        var narrower = Sweep(Space.Replace("1.0e-1]", "1.0e-2]"));

        var history = WarmStart.Select(narrower, Earlier(("adam", 1e-3, 0.9), ("sgd", 5e-2, 0.7), ("adam", 2e-3, 0.8)));

        Assert.Equal([1e-3, 2e-3], history.Kept.Select(t => (double)t.Parameters["training.learning_rate"]!));
        Assert.Equal(1, history.Dropped);
    }

    [Fact]
    public void Seeding_changes_tpes_first_suggestion_deterministically()
    {
        var sweep = Sweep(Space);
        // Four earlier trials fill TPE's start-up: trial 0 of the new sweep is already model-based.
        var earlier = Earlier(("adam", 1e-3, 0.6), ("adam", 2e-3, 0.5), ("sgd", 5e-2, 1.4), ("sgd", 1e-4, 1.9));

        var cold = SearchStrategies.Create(sweep).Ask()!;
        var warm = SearchStrategies.WarmStarted(sweep, earlier).Ask()!;
        var again = SearchStrategies.Restore(sweep, SearchStrategies.WarmStarted(sweep, earlier).SaveState()).Ask()!;

        Assert.Equal(0, warm.Index);
        Assert.NotEqual(cold.ParametersAsText, warm.ParametersAsText);
        Assert.Equal(warm.ParametersAsText, again.ParametersAsText);
        // The history is no trial of this sweep: the budget is all 8 new trials.
        var strategy = SearchStrategies.WarmStarted(sweep, earlier);
        var asked = 0;
        while (strategy.Ask() is not null) asked++;
        Assert.Equal(8, asked);
    }
}
