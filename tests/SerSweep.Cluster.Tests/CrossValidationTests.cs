using Microsoft.EntityFrameworkCore;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Trainers;
using SerSweep.Core;
using SerSweep.Search.Pruning;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Tests;

public sealed class CrossValidationTests
{
    private static string Yaml(int trials, int concurrent, int epochs, string actors, string folds, string refit = "none", string extra = "") =>
        TestCluster.SweepYaml(trials, concurrent, epochs).Replace("name: cluster-test", $"""
            name: cluster-test
            data:
              actors: "{actors}"
            cross_validation:
              by: actor
              folds: {folds}
              seed: 11
              refit: {refit}
            """) + extra;

    private static Dictionary<long, List<Trial>> FoldsByParent(IEnumerable<Trial> rows) =>
        rows.Where(t => t.Role == TrialRole.Fold).GroupBy(t => t.ParentTrialId!.Value).ToDictionary(g => g.Key, g => g.OrderBy(f => f.Fold).ToList());

    private static async Task<Dictionary<long, TrialResult>> ResultsAsync(TestCluster cluster) =>
        await cluster.ReadAsync(db => db.TrialResults.AsNoTracking().ToDictionaryAsync(r => r.TrialId));

    [Fact]
    public async Task Folds_are_fixed_and_disjoint_by_actor_across_trials_and_workers_and_the_objective_is_their_mean()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(20) });
        var sweep = await cluster.LaunchAsync(Yaml(trials: 3, concurrent: 2, epochs: 3, actors: "1-8", folds: "4"));

        var progress = await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(90));

        Assert.Equal(("Completed", 3, 3), (progress.Status, progress.Started, progress.Finished));
        var rows = await cluster.Queries.TrialsAsync(sweep.Id);
        var results = await ResultsAsync(cluster);
        var parents = rows.Where(t => t.Role == TrialRole.Trial).ToList();
        var folds = FoldsByParent(rows);
        Assert.Equal(3, parents.Count);
        Assert.Equal(2, rows.Where(t => t.Role == TrialRole.Fold).Select(t => t.Silo).Distinct().Count());
        List<int>[]? first = null;
        foreach (var parent in parents)
        {
            var own = folds[parent.Id];
            Assert.Equal([0, 1, 2, 3], own.Select(f => f.Fold!.Value));
            Assert.All(own, f => Assert.Equal((TrialState.Completed, parent.Index, parent.ParametersJson), (f.Status, f.Index, f.ParametersJson)));
            var heldOut = own.Select(f => StoredJson.Read<Dictionary<int, double>>(results[f.Id].PerActorJson)!.Keys.Order().ToList()).ToArray();
            // Two actors a fold, no actor in two folds, every actor in one: actor-disjoint 4-fold over 1..8.
            Assert.All(heldOut, actors => Assert.Equal(2, actors.Count));
            Assert.Equal(Enumerable.Range(1, 8), heldOut.SelectMany(a => a).Order());
            first ??= heldOut;
            Assert.Equal(first, heldOut);   // the same folds for every trial

            // The objective (val_accuracy) of a fold is its held-out test accuracy; the trial's is their mean, sd beside it.
            var values = own.Select(f => results[f.Id].TestAccuracy!.Value).ToArray();
            Assert.Equal(values, own.Select(f => f.ObjectiveValue!.Value));
            Assert.True(values.Distinct().Count() > 1, "folds must differ for the mean to mean something");
            var mean = values.Sum() / values.Length;
            var sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Sum() / (values.Length - 1));
            Assert.Equal(TrialState.Completed, parent.Status);
            Assert.Equal(mean, parent.ObjectiveValue!.Value, 12);
            Assert.Equal(sd, parent.ObjectiveSd!.Value, 12);
            Assert.Equal(mean, results[parent.Id].TestAccuracy!.Value, 12);
            Assert.Equal(Enumerable.Range(1, 8), StoredJson.Read<Dictionary<int, double>>(results[parent.Id].PerActorJson)!.Keys.Order());
        }
        // Only the ranked trials are on the leaderboard.
        var board = await cluster.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery());
        Assert.Equal(parents.Select(p => p.Id).Order(), board.Items.Select(r => r.TrialId).Order());
        Assert.All(board.Items, r => Assert.NotNull(r.ObjectiveSd));
    }

    [Fact]
    public async Task Asha_decides_at_a_rung_on_the_mean_of_the_folds_that_reached_it_and_stops_the_trials_other_folds()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(10) });
        var sweep = await cluster.LaunchAsync(Yaml(trials: 8, concurrent: 1, epochs: 6, actors: "1-4", folds: "2", extra: """

            early_stopping:
              asha:
                metric: val_accuracy
                grace_period: 1
                reduction_factor: 3
                max_epochs: 6
            """));

        await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(90));

        var rows = await cluster.Queries.TrialsAsync(sweep.Id);
        var folds = FoldsByParent(rows);
        var parents = rows.Where(t => t.Role == TrialRole.Trial).ToList();
        var pruned = parents.Where(p => p.Status == TrialState.Pruned).ToList();
        Assert.NotEmpty(pruned);
        Assert.Contains(parents, p => p.Status == TrialState.Completed);
        var epochs = await cluster.ReadAsync(db => db.EpochMetrics.AsNoTracking().ToListAsync());
        var pruner = AshaPruner.Restore(new Search.AshaSettings { Metric = "val_accuracy", GracePeriod = 1, ReductionFactor = 3, MaxEpochs = 6 },
            (await cluster.Queries.GetSweepAsync(sweep.Id))!.PrunerState!);
        foreach (var parent in parents)
        {
            // The value ASHA kept for the trial at rung 1 is the mean of the epoch-1 val_accuracy of its folds that reached epoch 1.
            var atRung = epochs.Where(e => e.Epoch == 1 && folds[parent.Id].Any(f => f.Id == e.TrialId)).Select(e => e.ValAccuracy).ToList();
            Assert.Equal(atRung.Average(), pruner.Recorded[1][parent.Index], 12);
        }
        foreach (var parent in pruned)
        {
            Assert.Contains("stopped at rung epoch", parent.StopReason);
            Assert.Contains("folds that reached the rung", parent.StopReason);
            // One slot: folds run in order. The fold that was judged stops at a rung; the trial's folds that had not started never run.
            var own = folds[parent.Id];
            var stopped = own.First(f => f.Status == TrialState.Pruned);
            Assert.True(stopped.LastEpoch is 1 or 3, $"fold {stopped.Fold} of trial {parent.Index} stopped after epoch {stopped.LastEpoch}");
            Assert.All(own.Where(f => f.Fold > stopped.Fold), f => Assert.Equal((TrialState.Cancelled, 0), (f.Status, f.Attempts)));
            Assert.All(own.Where(f => f.Fold < stopped.Fold), f => Assert.Equal(TrialState.Completed, f.Status));
        }
    }

    [Fact]
    public async Task A_worker_killed_in_the_middle_of_a_fold_resumes_that_fold_only()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(300) });
        var sweep = await cluster.LaunchAsync(Yaml(trials: 1, concurrent: 2, epochs: 6, actors: "1-4", folds: "2"));

        Trial? victim = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (victim is null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no fold checkpointed two epochs within 60 s");
            victim = (await cluster.Queries.TrialsAsync(sweep.Id)).FirstOrDefault(t => t.Role == TrialRole.Fold && t.Status == TrialState.Running && t.CheckpointEpoch >= 2);
            if (victim is null) await Task.Delay(50);
        }
        await cluster.Cluster.KillSiloAsync(cluster.Workers.Single(w => w.SiloAddress.ToParsableString() == victim.Silo));

        var progress = await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", progress.Status);
        var rows = await cluster.Queries.TrialsAsync(sweep.Id);
        var killed = (await cluster.Queries.GetTrialAsync(victim.Id))!;
        Assert.Equal(2, killed.Attempts.Count);
        Assert.Equal(FailureClass.Preempted, killed.Attempts[0].FailureClass);
        Assert.True(killed.Attempts[1].ResumedFromEpoch >= 2, $"resumed from epoch {killed.Attempts[1].ResumedFromEpoch}");
        Assert.Equal([1, 2, 3, 4, 5, 6], killed.Epochs.Select(e => e.Epoch));
        var sibling = rows.Single(t => t.Role == TrialRole.Fold && t.Id != victim.Id);
        Assert.Equal((TrialState.Completed, 1), (sibling.Status, sibling.Attempts));
        var parent = rows.Single(t => t.Role == TrialRole.Trial);
        Assert.Equal(TrialState.Completed, parent.Status);
        var results = await ResultsAsync(cluster);
        Assert.Equal((results[victim.Id].TestAccuracy!.Value + results[sibling.Id].TestAccuracy!.Value) / 2, parent.ObjectiveValue!.Value, 12);
    }

    [Fact]
    public async Task A_trial_with_a_failed_fold_is_failed_and_never_ranked_and_the_best_trial_is_refit_on_all_actors()
    {
        // Trial 1's folds crash on every attempt.
        var options = new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(10), Failure = (index, _) => index == 1 ? FailureClass.Crashed : null };
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 2, options);
        var sweep = await cluster.LaunchAsync(Yaml(trials: 3, concurrent: 2, epochs: 3, actors: "1-4", folds: "leave_one_out", refit: "best"));

        var progress = await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(90));

        Assert.Equal(("Completed", 2, 1), (progress.Status, progress.Finished, progress.Failed));
        var rows = await cluster.Queries.TrialsAsync(sweep.Id);
        var failed = rows.Single(t => t.Role == TrialRole.Trial && t.Index == 1);
        Assert.Equal(TrialState.Failed, failed.Status);
        Assert.Null(failed.ObjectiveValue);
        Assert.Equal(4, FoldsByParent(rows)[failed.Id].Count);   // leave-one-actor-out over 4 actors
        var (best, bundle) = (await cluster.Queries.BestTrialAsync(sweep.Id))!.Value;
        Assert.NotEqual(failed.Id, best.Id);
        var refit = rows.Single(t => t.Role == TrialRole.Refit);
        Assert.Equal((best.Id, TrialState.Completed), (refit.ParentTrialId, refit.Status));
        Assert.Equal(best.Id, rows.Where(t => t.Role == TrialRole.Trial && t.ObjectiveValue is not null).MaxBy(t => t.ObjectiveValue)!.Id);
        // The sweep's model is the refit's bundle, trained with nothing held out.
        Assert.NotNull(bundle);
        Assert.Equal(refit.Id, bundle!.TrialId);
        Assert.EndsWith($"trial-{best.Index:D4}-{refit.Id}-attempt-{refit.CurrentAttempt}.zip", bundle.Path);
        Assert.Empty(StoredJson.Read<Dictionary<int, double>>((await ResultsAsync(cluster))[refit.Id].PerActorJson)!);
    }
    [Fact]
    public async Task With_several_objectives_refit_best_retrains_every_trial_on_the_front_and_no_other()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 2, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(10) });
        // The synthetic accuracy peaks at a learning rate of 1e-3 and the latency grows with the channels: trial 0 is
        // accurate and slow, trial 1 fast and less accurate, trial 2 slow and inaccurate (dominated by trial 0).
        var yaml = Yaml(trials: 3, concurrent: 2, epochs: 3, actors: "1-4", folds: "2", refit: "best")
            .Replace("""
                  objective:
                    metric: val_accuracy
                    direction: maximize
                """, """
                  objectives: [{metric: val_uar}, {metric: latency_ms}]
                """)
            .Replace("loguniform: [1.0e-4, 1.0e-2]", "loguniform: [1.0e-4, 1.0e-1]") + """

              model.channels:
                values: [[4, 8], [32, 64]]
            enqueue:
              - {training.learning_rate: 1.0e-3, model.channels: [32, 64]}
              - {training.learning_rate: 1.0e-2, model.channels: [4, 8]}
              - {training.learning_rate: 5.0e-2, model.channels: [32, 64]}
            """;
        var sweep = await cluster.LaunchAsync(yaml);

        var progress = await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(90));

        Assert.Equal(("Completed", 3), (progress.Status, progress.Finished));
        var rows = await cluster.Queries.TrialsAsync(sweep.Id);
        var results = await ResultsAsync(cluster);
        var parents = rows.Where(t => t.Role == TrialRole.Trial).ToList();
        // The front by definition: no other parent at least as good on both (held-out UAR up, latency down) and better on one.
        bool Dominates(TrialResult a, TrialResult b) => a.TestUar >= b.TestUar && a.LatencyMs <= b.LatencyMs && (a.TestUar > b.TestUar || a.LatencyMs < b.LatencyMs);
        var front = parents.Where(p => !parents.Any(q => Dominates(results[q.Id], results[p.Id]))).Select(p => p.Id).Order().ToList();
        Assert.InRange(front.Count, 2, parents.Count - 1);   // more than a single best, and someone left off
        var refits = rows.Where(t => t.Role == TrialRole.Refit).ToList();
        Assert.Equal(front, refits.Select(r => r.ParentTrialId!.Value).Order());
        Assert.All(refits, r => Assert.Equal(TrialState.Completed, r.Status));
        // Each member's model is its refit's bundle, trained with nothing held out.
        foreach (var refit in refits)
        {
            var (_, bundle) = (await cluster.Queries.TrialWithBundleAsync(sweep.Id, refit.ParentTrialId!.Value))!.Value;
            Assert.Equal(refit.Id, bundle!.TrialId);
            Assert.Empty(StoredJson.Read<Dictionary<int, double>>(results[refit.Id].PerActorJson)!);
        }
    }
}
