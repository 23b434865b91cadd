using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
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
        Assert.Equal(3, await cluster.ReadAsync(db => db.Trials.CountAsync(t => t.SweepId == second.Id && t.Status == TrialState.Completed)));

        // An invalid edit (a misspelt key): reported in the coordinator's log with its position, nothing launched.
        var log = Path.Combine(cluster.Dir, "logs", "coordinator.log");
        var invalid = TestCluster.SweepYaml(trials: 4, concurrent: 2, epochs: 2).Replace("max_trials", "max_trails");
        await File.WriteAllTextAsync(cluster.SweepFile, invalid);
        var deadline = DateTime.UtcNow + Timeout;
        while (!File.ReadAllText(log).Contains("does not validate", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the invalid edit was not reported in {log}");
            await Task.Delay(200);
        }
        var report = File.ReadAllText(log);
        Assert.Contains("max_trails", report);
        Assert.Contains("sweep.yaml:", report);

        // Saves are judged in order, so once a later valid save's judgement is recorded (the watcher records it after
        // launching its sweep), the invalid one is settled: nothing may have been launched between the second sweep
        // and this third one.
        await File.WriteAllTextAsync(cluster.SweepFile, TestCluster.SweepYaml(trials: 1, concurrent: 1, epochs: 1));
        var judgement = await cluster.WaitForAsync(db => db.SweepFileEvents.AsNoTracking()
            .FirstOrDefaultAsync(e => e.Accepted && e.SweepId != first.Id && e.SweepId != second.Id),
            Timeout, "the judgement of the valid save after the invalid one");
        var third = await cluster.ReadAsync(db => db.Sweeps.AsNoTracking().SingleAsync(s => s.Id == judgement.SweepId));
        var sweeps = await cluster.ReadAsync(db => db.Sweeps.AsNoTracking().OrderBy(s => s.Id).ToListAsync());
        Assert.Equal([first.Id, second.Id, third.Id], sweeps.Select(s => s.Id));

        // The database (which the dashboard shows) has every judgement: two sweeps started, then the rejection with its line and key.
        var judged = await cluster.ReadAsync(db => db.SweepFileEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([(true, (long?)first.Id), (true, second.Id), (false, null), (true, third.Id)], judged.Select(e => (e.Accepted, e.SweepId)));
        Assert.All(judged, e => Assert.Equal(Path.GetFullPath(cluster.SweepFile), e.Path));
        // The misspelt key, and the budget it no longer sets.
        var line = invalid.Split('\n').ToList().FindIndex(l => l.Contains("max_trails", StringComparison.Ordinal)) + 1;
        var misspelt = Assert.Single(judged[2].Errors, e => e.Field == "search.max_trails");
        Assert.Equal((line, "did you mean 'max_trials'?"), (misspelt.Line, misspelt.Hint));
        Assert.Contains(judged[2].Errors, e => e.Field == "search.max_trials" && e.Message.Contains("is required", StringComparison.Ordinal));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(invalid))), judged[2].Sha256);
    }
}
