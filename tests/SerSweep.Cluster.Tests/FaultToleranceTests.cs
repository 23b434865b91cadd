using Microsoft.EntityFrameworkCore;
using Orleans.Runtime;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Trainers;
using SerSweep.Core;
using SerSweep.Storage.Entities;
using SerSweep.Testing;

namespace SerSweep.Cluster.Tests;

public sealed class FaultToleranceTests
{
    [Fact]
    public async Task A_killed_workers_trial_resumes_on_another_worker_from_its_last_checkpoint()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(300) });
        var sweep = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 3, concurrent: 2, epochs: 6));

        // Wait until some trial has checkpointed at least two epochs, then kill the worker running it.
        var victim = await Wait.ForAsync(async () => (await cluster.Queries.TrialsAsync(sweep.Id)).FirstOrDefault(t => t.Status == TrialState.Running && t.CheckpointEpoch >= 2),
            TimeSpan.FromSeconds(60), "a running trial with two checkpointed epochs");
        var doomed = cluster.Workers.Single(w => w.SiloAddress.ToParsableString() == victim.Silo);
        await cluster.Cluster.KillSiloAsync(doomed);

        var progress = await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(90));

        Assert.Equal("Completed", progress.Status);
        var details = (await cluster.Queries.GetTrialAsync(victim.Id))!;
        Assert.Equal(TrialState.Completed, details.Trial.Status);
        Assert.Equal(2, details.Attempts.Count);
        Assert.Equal(FailureClass.Preempted, details.Attempts[0].FailureClass);
        Assert.Equal(victim.Silo, details.Attempts[0].Silo);
        Assert.NotEqual(victim.Silo, details.Attempts[1].Silo);
        Assert.True(details.Attempts[1].ResumedFromEpoch >= 2, $"resumed from epoch {details.Attempts[1].ResumedFromEpoch}");
        // Epochs 1..6 exist once each; the ones up to the checkpoint come from the first attempt, the rest from the second.
        Assert.Equal([1, 2, 3, 4, 5, 6], details.Epochs.Select(e => e.Epoch));
        Assert.All(details.Epochs.Where(e => e.Epoch <= details.Attempts[1].ResumedFromEpoch), e => Assert.Equal(1, e.Attempt));
        Assert.All(details.Epochs.Where(e => e.Epoch > details.Attempts[1].ResumedFromEpoch), e => Assert.Equal(2, e.Attempt));
        Assert.Equal(2, details.Result!.Attempt);

        var results = await cluster.ReadAsync(db => db.TrialResults.GroupBy(r => r.TrialId).Select(g => g.Count()).ToListAsync());
        Assert.Equal([1, 1, 1], results);
    }

    [Fact]
    public async Task Failed_attempts_are_retried_with_their_failure_class_until_the_attempt_limit()
    {
        // Trial 0 diverges on its first attempt only; trial 1 crashes every time; trial 2 runs out of memory once.
        var options = new SyntheticTrainerOptions
        {
            EpochDuration = TimeSpan.FromMilliseconds(20),
            Failure = (index, attempt) => (index, attempt) switch
            {
                (0, 1) => FailureClass.Diverged,
                (1, _) => FailureClass.Crashed,
                (2, 1) => FailureClass.OutOfMemory,
                _ => null,
            },
        };
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 2, options);
        var sweep = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 3, concurrent: 2, epochs: 3));

        await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60));

        var trials = (await cluster.Queries.TrialsAsync(sweep.Id)).ToDictionary(t => t.Index);
        Assert.Equal((TrialState.Completed, 2, FailureClass.Diverged), (trials[0].Status, trials[0].Attempts, trials[0].FailureClass));
        Assert.Equal((TrialState.Failed, 3, FailureClass.Crashed), (trials[1].Status, trials[1].Attempts, trials[1].FailureClass));
        Assert.Equal((TrialState.Completed, 2, FailureClass.OutOfMemory), (trials[2].Status, trials[2].Attempts, trials[2].FailureClass));
        Assert.Contains("synthetic crash", trials[1].FailureMessage);
        var summary = (await cluster.Queries.GetSweepSummaryAsync(sweep.Id))!;
        Assert.Equal((2, 1), (summary.Completed, summary.Failed));
    }

    [Fact]
    public async Task A_coordinator_reactivated_mid_sweep_rebuilds_from_sqlite_and_loses_or_repeats_nothing()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 2, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(200) });
        var sweep = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 6, concurrent: 2, epochs: 4));
        await Wait.UntilAsync(async () => (await cluster.Queries.TrialsAsync(sweep.Id)).Count(t => t.Status == TrialState.Completed) >= 2,
            TimeSpan.FromSeconds(60), "two completed trials");

        // Throw the coordinator's memory away while two trials train: it must come back from the database
        // (strategy state, trials) and adopt the attempts that still run.
        var coordinator = cluster.Grains.GetGrain<ISweepCoordinatorGrain>(sweep.Id);
        await cluster.Cluster.DeactivateAsync(coordinator.GetGrainId());
        await coordinator.Start();

        var progress = await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60));

        Assert.Equal("Completed", progress.Status);
        var trials = await cluster.Queries.TrialsAsync(sweep.Id);
        Assert.Equal([0, 1, 2, 3, 4, 5], trials.Select(t => t.Index));
        Assert.All(trials, t => Assert.Equal((TrialState.Completed, 1), (t.Status, t.Attempts)));
        var results = await cluster.ReadAsync(db => db.TrialResults.CountAsync());
        Assert.Equal(6, results);
    }
}
