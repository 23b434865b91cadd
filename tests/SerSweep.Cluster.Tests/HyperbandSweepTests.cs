using System.Text.Json;
using SerSweep.Cluster.Trainers;
using SerSweep.Core;

namespace SerSweep.Cluster.Tests;

public sealed class HyperbandSweepTests
{
    [Fact]
    public async Task The_coordinator_stops_each_trial_only_at_the_rungs_of_its_own_bracket_and_stores_every_brackets_state()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(20) });
        // r = 1, R = 9, eta = 3: bracket 0 has rungs 1 and 3, bracket 1 rung 3, bracket 2 none; trial i is in bracket i mod 3.
        var yaml = TestCluster.SweepYaml(trials: 12, concurrent: 1, epochs: 9) + """

            early_stopping:
              hyperband: {min_epochs: 1, max_epochs: 9, reduction_factor: 3}
            """;
        var sweep = await cluster.LaunchAsync(yaml);

        await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(90));

        var trials = await cluster.Queries.TrialsAsync(sweep.Id);
        int[][] rungs = [[1, 3], [3], []];
        var pruned = trials.Where(t => t.Status == TrialState.Pruned).ToList();
        Assert.NotEmpty(pruned);
        Assert.All(pruned, t => Assert.Contains(t.LastEpoch, rungs[t.Index % 3]));
        Assert.All(trials.Where(t => t.Index % 3 == 2), t => Assert.Equal((TrialState.Completed, 9), (t.Status, t.LastEpoch)));
        var state = JsonSerializer.Deserialize<string[]>((await cluster.Queries.GetSweepAsync(sweep.Id))!.PrunerState!)!;
        Assert.Equal(3, state.Length);
        Assert.Contains("\"1\"", state[0]);
    }
}
