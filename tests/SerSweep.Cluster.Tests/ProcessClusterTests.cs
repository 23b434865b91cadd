using Microsoft.EntityFrameworkCore;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Tests;

/// <summary>Real processes on loopback with real Redis membership: kill -9 a worker, then the coordinator, mid-sweep.</summary>
public sealed class ProcessClusterTests
{
    [Fact]
    public async Task A_sweep_survives_kill_9_of_a_worker_and_of_the_coordinator_with_exactly_one_result_per_trial()
    {
        await using var cluster = await ProcessCluster.StartAsync(TestCluster.SweepYaml(trials: 5, concurrent: 2, epochs: 8), workers: 2, syntheticEpochMs: 400);
        var timeout = TimeSpan.FromSeconds(120);

        // A worker dies with a trial that has checkpointed at least two epochs.
        var victim = await cluster.WaitForAsync(db => db.Trials.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Status == TrialStatus.Running && t.CheckpointEpoch >= 2), timeout, "a trial with 2 checkpointed epochs");
        cluster.Kill(cluster.WorkerOf(victim.Silo!));

        // Mid-sweep (the victim resumed elsewhere, another trial running) the coordinator dies too, and comes back.
        await cluster.WaitForAsync(db => db.TrialAttempts.AsNoTracking()
            .FirstOrDefaultAsync(a => a.TrialId == victim.Id && a.Number == 2), timeout, "the victim's second attempt");
        await cluster.WaitForAsync(db => db.Trials.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Status == TrialStatus.Running && t.LastEpoch >= 1), timeout, "a running trial before the coordinator is killed");
        cluster.Kill("coordinator");
        await cluster.StartSiloAsync("coordinator");

        await cluster.WaitForAsync(db => db.Sweeps.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Status == SweepStatus.Completed), TimeSpan.FromSeconds(180), "the sweep to complete");

        var trials = await cluster.ReadAsync(db => db.Trials.AsNoTracking().OrderBy(t => t.Index).ToListAsync());
        Assert.Equal([0, 1, 2, 3, 4], trials.Select(t => t.Index));
        Assert.All(trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        var resultsPerTrial = await cluster.ReadAsync(db => db.TrialResults.GroupBy(r => r.TrialId).Select(g => g.Count()).ToListAsync());
        Assert.Equal([1, 1, 1, 1, 1], resultsPerTrial);

        var attempts = await cluster.ReadAsync(db => db.TrialAttempts.AsNoTracking().Where(a => a.TrialId == victim.Id).OrderBy(a => a.Number).ToListAsync());
        Assert.Equal(FailureClass.Preempted, attempts[0].FailureClass);
        Assert.NotEqual(victim.Silo, attempts[1].Silo);
        Assert.True(attempts[1].ResumedFromEpoch >= 2, $"resumed from epoch {attempts[1].ResumedFromEpoch}");
        var epochs = await cluster.ReadAsync(db => db.EpochMetrics.AsNoTracking().Where(e => e.TrialId == victim.Id).OrderBy(e => e.Epoch).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 8), epochs.Select(e => e.Epoch));
        Assert.All(epochs.Where(e => e.Epoch <= attempts[1].ResumedFromEpoch), e => Assert.Equal(1, e.Attempt));
    }
}
