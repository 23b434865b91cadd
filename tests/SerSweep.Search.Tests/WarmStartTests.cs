using SerSweep.Core;
using SerSweep.Search.Strategies;
using SerSweep.Search.WarmStarting;

namespace SerSweep.Search.Tests;

/// <summary>search.warm_start: which earlier sweeps are compatible (the rest refused naming the field), and what seeding does to TPE, NSGA-II and MOTPE.</summary>
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
    /// <summary>A sweep of two objectives (by default both minimised) over two numbers in [0, 0.9], warm-started.</summary>
    private static SweepDefinition TwoObjectives(string method = "motpe", string objectives = "[{metric: val_loss}, {metric: latency_ms}]") => Sweeps.Parse($$"""
        seed: 5
        search:
          method: {{method}}
          max_trials: 6
          objectives: {{objectives}}
          warm_start: {from: earlier}
          tpe: {n_startup_trials: 4}
          nsga2: {population_size: 3, mutation_prob: 0}
        parameters:
          model.dropout: {uniform: [0.0, 0.9]}
          training.l2: {uniform: [0.0, 0.9]}
        """);

    private static PriorTrial Measured(double dropout, double l2, double loss, double latency, TrialState state = TrialState.Completed) =>
        new(new Dictionary<string, object?> { ["model.dropout"] = dropout, ["training.l2"] = l2 }, state, loss, 5, state == TrialState.Pruned ? null : [loss, latency]);

    /// <summary>
    /// Both minimised: (0.1, 0.9), (0.5, 0.5) and (0.8, 0.3) dominate one another not, and each of the other three is dominated
    /// ((0.6, 0.95) and (0.3, 0.95) by (0.5, 0.5) and (0.1, 0.9), (0.9, 0.9) by (0.8, 0.3)); the front's trials lie at
    /// dropout 0.1, 0.5, 0.8 and l2 0.0, 0.0, 0.1.
    /// </summary>
    private static readonly List<PriorTrial> EarlierFront =
    [
        Measured(0.1, 0.0, 0.1, 0.9), Measured(0.3, 0.7, 0.6, 0.95), Measured(0.5, 0.0, 0.5, 0.5),
        Measured(0.6, 0.8, 0.9, 0.9), Measured(0.8, 0.1, 0.8, 0.3), Measured(0.2, 0.5, 0.3, 0.95),
    ];

    [Fact]
    public void A_sweep_of_several_objectives_may_be_warm_started_by_one_with_the_same_objectives_in_the_same_order()
    {
        var sweep = TwoObjectives();

        Assert.Equal("earlier", sweep.Search.WarmStart!.From);
        Assert.Empty(WarmStart.Incompatibilities(TwoObjectives("nsga2"), sweep));
    }

    [Fact]
    public void Another_objective_list_is_refused_naming_the_field()
    {
        var sweep = TwoObjectives();

        Assert.Equal(["search.objectives[1].metric: the earlier sweep's is model_bytes, this one's latency_ms"],
            WarmStart.Incompatibilities(TwoObjectives(objectives: "[{metric: val_loss}, {metric: model_bytes}]"), sweep));
        Assert.Equal(["search.objectives[0].metric: the earlier sweep's is latency_ms, this one's val_loss", "search.objectives[1].metric: the earlier sweep's is val_loss, this one's latency_ms"],
            WarmStart.Incompatibilities(TwoObjectives(objectives: "[{metric: latency_ms}, {metric: val_loss}]"), sweep));
        Assert.Contains("search.objectives: the earlier sweep optimised [val_loss (minimize)], this one [val_loss (minimize), latency_ms (minimize)]",
            WarmStart.Incompatibilities(Sweep(Space), sweep));
    }

    [Fact]
    public void Of_several_objectives_a_trial_that_ran_to_its_end_without_every_value_is_dropped_and_a_pruned_one_kept()
    {
        var lacking = Measured(0.4, 0.4, 0.7, 0) with { Values = null };
        var pruned = Measured(0.4, 0.4, 0.7, 0, TrialState.Pruned);

        var history = WarmStart.Select(TwoObjectives(), [.. EarlierFront, lacking, pruned]);

        Assert.Equal([.. EarlierFront, pruned], history.Kept);
        Assert.Equal(1, history.Dropped);
    }

    [Fact]
    public void A_warm_started_nsga2_breeds_its_first_generation_from_the_earlier_front()
    {
        // Population 3, the front's size: the parents are exactly its trials; without mutation a child's every value is a parent's.
        var strategy = SearchStrategies.WarmStarted(TwoObjectives("nsga2"), EarlierFront);
        var cold = SearchStrategies.Create(TwoObjectives("nsga2"));

        for (var i = 0; i < 3; i++)
        {
            var trial = strategy.Ask()!;
            Assert.Contains((double)trial.Parameters["model.dropout"]!, new[] { 0.1, 0.5, 0.8 });
            Assert.Contains((double)trial.Parameters["training.l2"]!, new[] { 0.0, 0.1 });
            Assert.DoesNotContain((double)cold.Ask()!.Parameters["model.dropout"]!, new[] { 0.1, 0.5, 0.8 });
        }
    }

    [Fact]
    public void A_warm_started_motpe_proposes_near_the_earlier_front_from_its_first_trial()
    {
        // Six earlier trials fill MOTPE's four start-up trials: trial 0 is proposed by the model, whose good trials lie at l2 <= 0.1.
        var sweep = TwoObjectives();
        var warm = SearchStrategies.WarmStarted(sweep, EarlierFront);
        var cold = SearchStrategies.Create(sweep);

        var (warmL2, coldL2) = (new List<double>(), new List<double>());
        for (var i = 0; i < 4; i++)
        {
            warmL2.Add((double)warm.Ask()!.Parameters["training.l2"]!);
            coldL2.Add((double)cold.Ask()!.Parameters["training.l2"]!);
        }

        Assert.True(warmL2.Average() < 0.25, $"warm-started l2: {string.Join(", ", warmL2)}");
        Assert.Equal(SearchStrategies.Restore(sweep, SearchStrategies.WarmStarted(sweep, EarlierFront).SaveState()).Ask()!.ParametersAsText,
            SearchStrategies.WarmStarted(sweep, EarlierFront).Ask()!.ParametersAsText);
        Assert.NotEqual(coldL2, warmL2);
    }
}
