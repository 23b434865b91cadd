using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SerSweep.Cluster.Trainers;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Tests;

/// <summary>search.warm_start at launch: the earlier sweep's finished trials become the new sweep's history; an incompatible one starts nothing.</summary>
public sealed class WarmStartLaunchTests
{
    [Fact]
    public async Task A_warm_started_sweep_runs_its_own_budget_with_the_earlier_trials_as_history_and_an_incompatible_one_is_refused()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(20) });
        var earlier = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 4, concurrent: 1, epochs: 2));
        await cluster.WaitForEndAsync(earlier.Id, TimeSpan.FromSeconds(60));

        var warm = TestCluster.SweepYaml(trials: 3, concurrent: 1, epochs: 2).Replace("name: cluster-test", "name: warm").Replace("method: random", "method: tpe")
            .Replace("checkpoint_every: 1", $"checkpoint_every: 1\n  warm_start: {{from: {earlier.Id}}}");
        var sweep = await cluster.LaunchAsync(warm);
        var end = await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60));

        Assert.Equal(("Completed", 3), (end.Status, end.Finished + end.Failed));
        Assert.Equal([0, 1, 2], (await cluster.Queries.TrialsAsync(sweep.Id)).Select(t => t.Index));
        var state = (await cluster.Queries.GetSweepAsync(sweep.Id))!.StrategyState!;
        Assert.Contains("\"index\":-4", state);
        Assert.Contains("\"index\":-1", state);

        var (refused, errors) = await cluster.Launcher.LaunchAsync(warm.Replace("val_accuracy", "val_loss").Replace("direction: maximize", "direction: minimize"), null);
        Assert.Null(refused);
        var error = Assert.Single(errors);
        Assert.Equal($"search.warm_start: sweep {earlier.Id} (cluster-test v1) is not compatible: search.objective.metric: the earlier sweep optimised val_accuracy, this one val_loss", error.Message);
        Assert.Equal(2, (await cluster.Queries.ListSweepsAsync()).Count);
    }
    private static string TwoObjectiveYaml(string name, string method, int trials, string second = "latency_ms", string warmStart = "") => $$"""
        name: {{name}}
        seed: 3
        training:
          epochs: 2
        search:
          method: {{method}}
          max_trials: {{trials}}
          max_concurrent: 1
          checkpoint_every: 1
          objectives: [{metric: val_accuracy, direction: maximize}, {metric: {{second}}}]
          tpe: {n_startup_trials: 3}
          {{warmStart}}
        parameters:
          training.learning_rate: {loguniform: [1.0e-4, 1.0e-2]}
        """;

    [Fact]
    public async Task A_sweep_of_two_objectives_is_seeded_with_every_objective_of_the_earlier_trials_and_another_objective_list_is_refused()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(20) });
        var earlier = await cluster.LaunchAsync(TwoObjectiveYaml("front", "nsga2", trials: 4));
        await cluster.WaitForEndAsync(earlier.Id, TimeSpan.FromSeconds(60));
        var measured = await cluster.Queries.ObjectivePointsAsync(earlier.Id, ["val_accuracy", "latency_ms"]);

        var sweep = await cluster.LaunchAsync(TwoObjectiveYaml("warm", "motpe", trials: 2, warmStart: $"warm_start: {{from: {earlier.Id}}}"));
        var end = await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60));

        Assert.Equal(("Completed", 2), (end.Status, end.Finished + end.Failed));
        // The history (indices -4..-1 for the earlier trials 0..3) carries both objectives' values as the earlier sweep stored them.
        using var state = System.Text.Json.JsonDocument.Parse((await cluster.Queries.GetSweepAsync(sweep.Id))!.StrategyState!);
        var history = state.RootElement.GetProperty("trials").EnumerateArray().Where(t => t.GetProperty("index").GetInt32() < 0)
            .ToDictionary(t => t.GetProperty("index").GetInt32() + 4, t => t.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList());
        Assert.Equal(4, measured.Count);
        Assert.All(measured, point => Assert.Equal(point.Values, history[point.Index]));

        var (refused, errors) = await cluster.Launcher.LaunchAsync(TwoObjectiveYaml("other", "motpe", trials: 2, second: "model_bytes", warmStart: $"warm_start: {{from: {earlier.Id}}}"), null);
        Assert.Null(refused);
        Assert.Equal($"search.warm_start: sweep {earlier.Id} (front v1) is not compatible: search.objectives[1].metric: the earlier sweep's is latency_ms, this one's model_bytes",
            Assert.Single(errors).Message);
    }
    [Fact]
    public async Task A_cross_validated_earlier_sweep_seeds_each_trial_with_the_held_out_values_its_own_strategy_was_told()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 2, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(10) });
        const string crossValidated = """

            data:
              actors: "1-4"
            cross_validation: {by: actor, folds: 2, refit: none}
            """;
        var earlier = await cluster.LaunchAsync(TwoObjectiveYaml("front", "nsga2", trials: 3) + crossValidated);
        await cluster.WaitForEndAsync(earlier.Id, TimeSpan.FromSeconds(90));
        // What the earlier sweep's strategy was told of each completed trial (its per-trial search record): the folds'
        // held-out accuracy, which in the synthetic trainer lies 0.02 below the validation accuracy stored beside it.
        var told = await cluster.ReadAsync(db => db.Trials.AsNoTracking()
            .Where(t => t.SweepId == earlier.Id && t.Role == TrialRole.Trial && t.Status == TrialState.Completed).ToListAsync());
        Assert.Equal(3, told.Count);

        var sweep = await cluster.LaunchAsync(TwoObjectiveYaml("warm", "motpe", trials: 1, warmStart: $"warm_start: {{from: {earlier.Id}}}") + crossValidated);
        await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(90));

        using var state = JsonDocument.Parse((await cluster.Queries.GetSweepAsync(sweep.Id))!.StrategyState!);
        var history = state.RootElement.GetProperty("trials").EnumerateArray().Where(t => t.GetProperty("index").GetInt32() < 0)
            .ToDictionary(t => t.GetProperty("index").GetInt32() + 3, t => t.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList());
        Assert.All(told, trial => Assert.Equal(
            JsonDocument.Parse(trial.SearchJson!).RootElement.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()), history[trial.Index]));
    }
}
