using Microsoft.Extensions.DependencyInjection;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Trainers;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Tests;

public sealed class PlacementAndSlotsTests
{
    [Fact]
    public async Task Trials_run_only_on_workers_never_more_than_their_slots_and_each_has_one_result()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 2, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(150) });
        var sweep = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 10, concurrent: 10, epochs: 3));
        var reminders = cluster.Coordinator.ServiceProvider.GetRequiredService<IReminderTable>();
        var coordinatorGrain = cluster.Grains.GetGrain<ISweepCoordinatorGrain>(sweep.Id).GetGrainId();
        Assert.Single((await reminders.ReadRows(coordinatorGrain)).Reminders); // the watchdog of an unfinished sweep

        var progress = await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60));
        Assert.Empty((await reminders.ReadRows(coordinatorGrain)).Reminders);

        Assert.Equal("Completed", progress.Status);
        var trials = await cluster.Queries.TrialsAsync(sweep.Id);
        Assert.Equal(10, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Completed, t.Status));
        var results = await cluster.ReadAsync(db => Task.FromResult(db.TrialResults.Select(r => r.TrialId).ToList()));
        Assert.Equal(trials.Select(t => t.Id).Order(), results.Order());

        var coordinator = cluster.Coordinator.SiloAddress.ToParsableString();
        var workers = cluster.Workers.Select(w => w.SiloAddress.ToParsableString()).ToHashSet();
        var attempts = await cluster.AttemptsAsync();
        Assert.All(attempts, a => Assert.Contains(a.Silo, workers));
        Assert.DoesNotContain(attempts, a => a.Silo == coordinator);
        var peaks = cluster.Workers.Select(w => w.ServiceProvider.GetRequiredService<WorkerSlots>().Peak).ToList();
        Assert.All(peaks, peak => Assert.InRange(peak, 1, 2));
        Assert.Equal(4, peaks.Sum()); // both workers were filled: 10 trials wanting to run at once, 4 slots
        Assert.Equal(0, cluster.Coordinator.ServiceProvider.GetRequiredService<WorkerSlots>().Peak);
    }

    [Fact]
    public async Task The_trials_for_free_slots_are_added_in_one_write_and_no_more_are_asked_for_than_find_a_slot_but_one()
    {
        // 10 trials may run at once, the cluster has 4 slots: the first pump stores 4 new trials together (one write, so one
        // CreatedAt) and reserves them; then, every slot taken, it asks for one more, which waits for a freed slot.
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 2, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(200) });
        var sweep = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 10, concurrent: 10, epochs: 3));
        Assert.Equal("Completed", (await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60))).Status);

        var trials = (await cluster.Queries.TrialsAsync(sweep.Id)).OrderBy(t => t.Index).ToList();
        Assert.Equal(Enumerable.Range(0, 10), trials.Select(t => t.Index));
        Assert.All(trials, t => Assert.Equal(TrialState.Completed, t.Status));
        var firstWave = trials.Take(4).ToList();
        Assert.Single(firstWave.Select(t => t.CreatedAt).Distinct());
        Assert.True(trials[4].CreatedAt > firstWave[0].CreatedAt, "the fifth trial was stored with the first four");
        var attempts = await cluster.AttemptsAsync();
        var firstEnded = attempts.Where(a => firstWave.Any(t => t.Id == a.TrialId)).Min(a => a.FinishedAt!.Value);
        Assert.True(trials[4].CreatedAt < firstEnded, "the fifth trial was not asked for while every slot was taken");
        Assert.True(attempts.Single(a => a.TrialId == trials[4].Id).StartedAt > firstEnded, "the fifth trial started before a slot freed");
        Assert.True(trials[5].CreatedAt > firstEnded, "the sixth trial was asked for while every slot was taken");
    }

    [Fact]
    public async Task A_sweep_refused_a_slot_gets_one_as_soon_as_it_frees_not_at_its_next_heartbeat()
    {
        // Heartbeats (and with them the coordinators' own looks for free slots) only every 60 s: the second sweep,
        // refused while the first holds both slots, can finish in time only if a freed slot is offered to it.
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 2,
            new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(50) }, heartbeat: TimeSpan.FromSeconds(60));
        var first = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 6, concurrent: 2, epochs: 1));
        var second = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 6, concurrent: 2, epochs: 1));

        Assert.Equal("Completed", (await cluster.WaitForEndAsync(first.Id, TimeSpan.FromSeconds(30))).Status);
        Assert.Equal("Completed", (await cluster.WaitForEndAsync(second.Id, TimeSpan.FromSeconds(30))).Status);
        Assert.Equal(6, (await cluster.Queries.TrialsAsync(second.Id)).Count(t => t.Status == TrialState.Completed));
    }
}
