using Microsoft.EntityFrameworkCore;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Tests;

/// <summary>
/// The compose promise, on the loopback process topology (redis + coordinator + 2 workers): saving sweep.yaml
/// launches a sweep; an edit that does not validate is reported and changes nothing.
/// </summary>
public sealed class SweepFileWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_saved_edit_starts_a_new_sweep_and_an_invalid_edit_changes_nothing()
    {
        await using var cluster = await ProcessCluster.StartAsync(TestCluster.SweepYaml(trials: 2, concurrent: 2, epochs: 2), workers: 2, "--trainer", "synthetic", "--synthetic-epoch-ms", "100");
        var first = await cluster.WaitForAsync(db => db.Sweeps.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Status == SweepStatus.Completed), Timeout, "the sweep of the file as it was at start");

        // A valid edit: a bigger budget. The coordinator starts it as the next version of the same sweep name.
        await File.WriteAllTextAsync(cluster.SweepFile, TestCluster.SweepYaml(trials: 3, concurrent: 2, epochs: 2));
        var second = await cluster.WaitForAsync(db => db.Sweeps.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id != first.Id && s.Status == SweepStatus.Completed), Timeout, "the edited sweep to complete");
        Assert.Equal(first.Name, second.Name);
        Assert.True(second.Version > first.Version, $"version {second.Version} after {first.Version}");
        Assert.Equal(3, await cluster.ReadAsync(db => db.Trials.CountAsync(t => t.SweepId == second.Id && t.Status == TrialStatus.Completed)));

        // An invalid edit (a misspelt key): reported in the coordinator's log with its position, nothing launched.
        var log = Path.Combine(cluster.Dir, "logs", "coordinator.log");
        await File.WriteAllTextAsync(cluster.SweepFile, TestCluster.SweepYaml(trials: 4, concurrent: 2, epochs: 2).Replace("max_trials", "max_trails"));
        var deadline = DateTime.UtcNow + Timeout;
        while (!File.ReadAllText(log).Contains("does not validate", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the invalid edit was not reported in {log}");
            await Task.Delay(200);
        }
        var report = File.ReadAllText(log);
        Assert.Contains("max_trails", report);
        Assert.Contains("sweep.yaml:", report);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var sweeps = await cluster.ReadAsync(db => db.Sweeps.AsNoTracking().OrderBy(s => s.Id).ToListAsync());
        Assert.Equal([first.Id, second.Id], sweeps.Select(s => s.Id));
    }
}
