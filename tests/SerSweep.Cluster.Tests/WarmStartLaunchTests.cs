using SerSweep.Cluster.Trainers;
using SerSweep.Core;

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
}
