using Microsoft.EntityFrameworkCore;
using SerSweep.Storage.Entities;
using SerSweep.Testing;

namespace SerSweep.Cluster.Tests;

/// <summary>Real processes on loopback with real Redis membership: kill -9 a worker, then the coordinator, mid-sweep.</summary>
public sealed class ProcessClusterTests
{
    [Fact]
    public async Task A_synthetic_sweep_survives_kill_9_of_a_worker_and_of_the_coordinator_with_exactly_one_result_per_trial()
    {
        await using var cluster = await ProcessCluster.StartAsync(TestCluster.SweepYaml(trials: 5, concurrent: 2, epochs: 8), workers: 2,
            "--trainer", "synthetic", "--synthetic-epoch-ms", "400");
        await KillWorkerThenCoordinatorAsync(cluster, trials: 5, epochs: 8);
    }

    [Fact]
    public async Task A_torchsharp_sweep_on_ravdess_survives_kill_9_of_a_worker_and_of_the_coordinator_resuming_from_checkpoints()
    {
        // 5 trials, not 3: with 3, the other trials of ~4 s could all end while membership declared the killed worker
        // dead, leaving no running trial to kill the coordinator under (CI failed so once, 2026-11-24).
        await using var cluster = await ProcessCluster.StartAsync(RealSweepYaml(trials: 5, epochs: 8), workers: 2, "--trainer", "torch");
        var victim = await KillWorkerThenCoordinatorAsync(cluster, trials: 5, epochs: 8);

        // The resumed trial trained for real: its final result has test metrics and a bundle that exists.
        var result = await cluster.ReadAsync(db => db.TrialResults.AsNoTracking().SingleAsync(r => r.TrialId == victim));
        Assert.Equal(8, result.Epochs);
        Assert.InRange(result.TestAccuracy!.Value, 0, 1);
        var bundle = await cluster.ReadAsync(db => db.Artifacts.AsNoTracking().SingleAsync(a => a.TrialId == victim));
        Assert.True(File.Exists(bundle.Path), bundle.Path);
    }

    /// <summary>
    /// kill -9 the worker of a trial that has checkpointed two epochs, then (once that trial resumed elsewhere) the
    /// coordinator, restart it, and check the sweep in SQLite; returns the interrupted trial's id.
    /// </summary>
    private static async Task<long> KillWorkerThenCoordinatorAsync(ProcessCluster cluster, int trials, int epochs)
    {
        var timeout = TimeSpan.FromSeconds(120);
        var victim = await cluster.WaitForAsync(db => db.Trials.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Status == TrialStatus.Running && t.CheckpointEpoch >= 2 && t.CheckpointEpoch < epochs - 2), timeout,
            "a trial with 2 checkpointed epochs");
        cluster.Kill(cluster.WorkerOf(victim.Silo!));

        await cluster.WaitForAsync(db => db.TrialAttempts.AsNoTracking()
            .FirstOrDefaultAsync(a => a.TrialId == victim.Id && a.Number == 2), timeout, "the victim's second attempt");
        await cluster.WaitForAsync(db => db.Trials.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Status == TrialStatus.Running && t.LastEpoch >= 1), timeout, "a running trial before the coordinator is killed");
        cluster.Kill("coordinator");
        await cluster.StartSiloAsync("coordinator");

        await cluster.WaitForAsync(db => db.Sweeps.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Status == SweepStatus.Completed), TimeSpan.FromSeconds(180), "the sweep to complete");

        // Nothing lost, nothing duplicated.
        var stored = await cluster.ReadAsync(db => db.Trials.AsNoTracking().OrderBy(t => t.Index).ToListAsync());
        Assert.Equal(Enumerable.Range(0, trials), stored.Select(t => t.Index));
        Assert.All(stored, t => Assert.Equal(TrialStatus.Completed, t.Status));
        var resultsPerTrial = await cluster.ReadAsync(db => db.TrialResults.GroupBy(r => r.TrialId).Select(g => g.Count()).ToListAsync());
        Assert.Equal(Enumerable.Repeat(1, trials), resultsPerTrial);

        // The interrupted trial continued from its checkpoint on the other worker: epochs 1..N once each, the
        // checkpointed ones from the first attempt, and no attempt re-ran an epoch its checkpoint already held.
        var attempts = await cluster.ReadAsync(db => db.TrialAttempts.AsNoTracking().Where(a => a.TrialId == victim.Id).OrderBy(a => a.Number).ToListAsync());
        Assert.Equal(FailureClass.Preempted, attempts[0].FailureClass);
        Assert.NotEqual(victim.Silo, attempts[1].Silo);
        Assert.True(attempts[1].ResumedFromEpoch >= 2, $"resumed from epoch {attempts[1].ResumedFromEpoch}");
        var epochRows = await cluster.ReadAsync(db => db.EpochMetrics.AsNoTracking().Where(e => e.TrialId == victim.Id).OrderBy(e => e.Epoch).ToListAsync());
        Assert.Equal(Enumerable.Range(1, epochs), epochRows.Select(e => e.Epoch));
        Assert.All(epochRows.Where(e => e.Epoch <= attempts[1].ResumedFromEpoch), e => Assert.Equal(1, e.Attempt));
        var resumedFrom = attempts.ToDictionary(a => a.Number, a => a.ResumedFromEpoch);
        Assert.All(epochRows, e => Assert.True(e.Epoch > resumedFrom[e.Attempt], $"epoch {e.Epoch} re-run by attempt {e.Attempt} resumed from {resumedFrom[e.Attempt]}"));
        Assert.Contains(epochRows, e => e.Attempt >= 2);
        return victim.Id;
    }

    /// <summary>A real sweep small enough for CI: two actors, a tiny CNN, a few epochs.</summary>
    private static string RealSweepYaml(int trials, int epochs) => $"""
        name: process-kill-real
        seed: 5
        data:
          path: {TestPaths.Ravdess}
          actors: "1-2"
        features:
          n_mels: 32
          clip_seconds: 2.0
        model:
          channels: [8, 16]
        training:
          epochs: {epochs}
          batch_size: 16
        search:
          method: random
          max_trials: {trials}
          max_concurrent: 2
          checkpoint_every: 1
          objective:
            metric: val_accuracy
            direction: maximize
        parameters:
          training.learning_rate:
            loguniform: [1.0e-4, 1.0e-2]
        """;
}
