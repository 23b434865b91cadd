using SerSweep.Cluster.Trainers;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Tests;

public sealed class AshaTests
{
    [Fact]
    public async Task The_coordinator_applies_asha_and_records_why_each_pruned_trial_stopped()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(20) });
        // One trial at a time: each later trial meets every earlier one at the rungs (epochs 1 and 3).
        var yaml = TestCluster.SweepYaml(trials: 8, concurrent: 1, epochs: 6) + """

            early_stopping:
              asha:
                metric: val_accuracy
                grace_period: 1
                reduction_factor: 3
                max_epochs: 6
            """;
        var sweep = await cluster.LaunchAsync(yaml);

        await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60));

        var trials = await cluster.Queries.TrialsAsync(sweep.Id);
        var pruned = trials.Where(t => t.Status == TrialState.Pruned).ToList();
        Assert.NotEmpty(pruned);
        Assert.Contains(trials, t => t.Status == TrialState.Completed);
        Assert.All(pruned, t =>
        {
            Assert.StartsWith("stopped at rung epoch", t.StopReason);
            Assert.True(t.LastEpoch is 1 or 3, $"trial {t.Index} stopped after epoch {t.LastEpoch}");
        });
        var stored = await cluster.Queries.GetSweepAsync(sweep.Id);
        Assert.Contains("\"1\"", stored!.PrunerState);
    }
}
