using SerSweep.Core;
using SerSweep.Search.Parsing;

namespace SerSweep.Search.Tests;

/// <summary>search.objectives: several metrics, costs among them, each minimised or maximised as the metric says.</summary>
public class ObjectivesTests
{
    [Fact]
    public void Objectives_are_read_in_order_with_each_metrics_direction_and_the_first_is_the_objective()
    {
        var sweep = Sweeps.Parse("""
            search:
              method: nsga2
              max_trials: 10
              objectives:
                - {metric: val_uar}
                - {metric: latency_ms, direction: minimize}
                - {metric: param_count}
                - {metric: model_bytes}
            """);

        Assert.Equal(
            [new Objective(Metrics.ValUar, Direction.Maximize), new Objective(Metrics.LatencyMs, Direction.Minimize),
             new Objective(Metrics.ParamCount, Direction.Minimize), new Objective(Metrics.ModelBytes, Direction.Minimize)],
            sweep.Search.Objectives);
        Assert.Equal(sweep.Search.Objectives, sweep.Search.AllObjectives);
        Assert.Equal(new Objective(Metrics.ValUar, Direction.Maximize), sweep.Search.Objective);
    }

    [Fact]
    public void A_single_objective_sweep_has_its_one_objective_and_no_list()
    {
        var sweep = Sweeps.Parse("search: {method: random, max_trials: 3, objective: {metric: latency_ms}}");

        Assert.Empty(sweep.Search.Objectives);
        Assert.Equal([new Objective(Metrics.LatencyMs, Direction.Minimize)], sweep.Search.AllObjectives);
    }

    [Theory]
    [InlineData("objectives: [{metric: val_uar}]", "search.objectives: expected a list of two or more objectives, got a list of 1")]
    [InlineData("objectives: [{metric: val_uar}, {metric: val_uar}]", "search.objectives[1]: val_uar is listed twice")]
    [InlineData("objectives: [{metric: val_uar}, {metric: latency_ms, direction: maximize}]", "search.objectives[1]: latency_ms is better when lower, but direction is maximize")]
    [InlineData("objectives: [{metric: val_uar}, {metric: test_uar}]", "search.objectives[1].metric: test_uar cannot guide the search")]
    public void Invalid_objectives_are_refused(string objectives, string message)
    {
        var result = SweepFile.Parse($"search:\n  method: nsga2\n  max_trials: 5\n  {objectives}\n", "o.yaml");

        Assert.Equal([message], result.Errors.Select(e => e.Message));
    }

    [Theory]
    [InlineData("training: {metric: latency_ms}", "training.metric")]
    [InlineData("early_stopping: {asha: {metric: param_count}}", "early_stopping.asha.metric: param_count is measured once, on the trained model, not after every epoch")]
    public void A_cost_cannot_pick_an_epoch_nor_judge_a_rung(string section, string message)
    {
        var result = SweepFile.Parse($"search: {{method: random, max_trials: 2}}\n{section}\n", "c.yaml");

        Assert.Contains(result.Errors, e => e.Message.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Nsga2_settings_are_read_and_default_to_optunas_but_for_the_mutation_step()
    {
        var defaults = Sweeps.Parse("search: {method: nsga2, max_trials: 4}").Search.Nsga2;
        var given = Sweeps.Parse("search: {method: nsga2, max_trials: 4, nsga2: {population_size: 8, mutation_prob: 0.25, mutation_scale: 0, crossover_prob: 0.5, swapping_prob: 0.3}}").Search.Nsga2;

        Assert.Equal(new Nsga2Settings { PopulationSize = 50, MutationProb = null, MutationScale = 0.1, CrossoverProb = 0.9, SwappingProb = 0.5 }, defaults);
        Assert.Equal(new Nsga2Settings { PopulationSize = 8, MutationProb = 0.25, MutationScale = 0, CrossoverProb = 0.5, SwappingProb = 0.3 }, given);
        Assert.Equal(["search.nsga2.crossover_prob must be in [0, 1], got 1.5"],
            SweepFile.Parse("search: {method: nsga2, max_trials: 4, nsga2: {crossover_prob: 1.5}}", "n.yaml").Errors.Select(e => e.Message));
    }
}
