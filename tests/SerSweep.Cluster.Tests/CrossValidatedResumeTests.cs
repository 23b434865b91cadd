using SerSweep.Cluster.Trainers;
using SerSweep.Core;
using SerSweep.Search.Resuming;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Tests;

/// <summary>A cross-validated sweep goes on after a stop or its end as a sweep of single trials does: folds included.</summary>
public sealed class CrossValidatedResumeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>TPE after 2 random trials and ASHA on the folds' mean, leave-one-actor-out over 3 actors: every suggestion depends on the folds' results.</summary>
    private static string Yaml(int trials, int concurrent) => $"""
        name: cv-resume-test
        seed: 5
        data:
          actors: "1-3"
        cross_validation:
          by: actor
          folds: leave_one_out
          refit: none
        training:
          epochs: 4
        search:
          method: tpe
          max_trials: {trials}
          max_concurrent: {concurrent}
          checkpoint_every: 1
          objective: {"{"}metric: val_accuracy, direction: maximize{"}"}
          tpe: {"{"}n_startup_trials: 2{"}"}
        parameters:
          training.learning_rate:
            loguniform: [1.0e-4, 1.0e-2]
        early_stopping:
          asha: {"{"}metric: val_accuracy, grace_period: 1, reduction_factor: 2, max_epochs: 4{"}"}
        """;

    private static async Task<List<Trial>> RowsAsync(TestCluster cluster, long sweepId) => [.. await cluster.Queries.TrialsAsync(sweepId)];

    private static List<(int Index, string Parameters, int Seed, TrialState Status, double? Objective)> Ranked(IEnumerable<Trial> rows) =>
        [.. rows.Where(t => t.Role == TrialRole.Trial).OrderBy(t => t.Index).Select(t => (t.Index, t.ParametersJson, t.Seed, t.Status, t.ObjectiveValue))];

    /// <summary>Every ranked trial that ended with a result has its three folds finished, and the database's invariants hold.</summary>
    private static async Task AssertFoldsAndInvariantsAsync(TestCluster cluster, long sweepId, int trials)
    {
        var rows = await RowsAsync(cluster, sweepId);
        var ranked = rows.Where(t => t.Role == TrialRole.Trial).ToList();
        Assert.Equal(Enumerable.Range(0, trials), ranked.Select(t => t.Index).Order());
        foreach (var trial in ranked.Where(t => t.Status == TrialState.Completed))
        {
            var folds = rows.Where(f => f.Role == TrialRole.Fold && f.ParentTrialId == trial.Id).OrderBy(f => f.Fold).ToList();
            Assert.Equal([0, 1, 2], folds.Select(f => f.Fold!.Value));
            Assert.All(folds, f => Assert.Equal(TrialState.Completed, f.Status));
            Assert.Equal(folds.Average(f => f.ObjectiveValue!.Value), trial.ObjectiveValue!.Value, 12);
        }
        var report = await cluster.ReadAsync(db => SweepInvariants.CheckAsync(db));
        Assert.True(report.Ok, string.Join("\n", report.Violations));
    }

    [Fact]
    public async Task A_completed_cross_validated_sweep_resumed_to_more_trials_gives_the_trials_and_folds_of_an_uninterrupted_one()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(10) });
        var uninterrupted = await cluster.LaunchAsync(Yaml(trials: 6, concurrent: 1));
        Assert.Equal("Completed", (await cluster.WaitForEndAsync(uninterrupted.Id, Deadline)).Status);

        var resumed = await cluster.LaunchAsync(Yaml(trials: 3, concurrent: 1));
        Assert.Equal("Completed", (await cluster.WaitForEndAsync(resumed.Id, Deadline)).Status);
        Assert.Null(await cluster.Launcher.ResumeAsync(resumed.Id, new RaisedLimits(MaxTrials: 6)));
        var end = await cluster.WaitForEndAsync(resumed.Id, Deadline);

        Assert.Equal(("Completed", 6), (end.Status, end.Budget));
        var expected = await RowsAsync(cluster, uninterrupted.Id);
        var actual = await RowsAsync(cluster, resumed.Id);
        Assert.Equal(Ranked(expected), Ranked(actual));
        // The folds too: the same fold rows (index, fold, status, objective) for every trial.
        static List<(int, int?, TrialState, double?)> Folds(IEnumerable<Trial> rows) =>
            [.. rows.Where(t => t.Role == TrialRole.Fold).OrderBy(t => t.Index).ThenBy(t => t.Fold).Select(t => (t.Index, t.Fold, t.Status, t.ObjectiveValue))];
        Assert.Equal(Folds(expected), Folds(actual));
        Assert.Contains(Ranked(actual), t => t.Status == TrialState.Pruned);
        await AssertFoldsAndInvariantsAsync(cluster, resumed.Id, 6);
    }

    [Fact]
    public async Task A_stopped_cross_validated_sweep_resumed_finishes_every_trial_with_all_its_folds_and_trains_no_finished_fold_again()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(150) });
        var sweep = await cluster.LaunchAsync(Yaml(trials: 4, concurrent: 2));
        // Stop while a trial's folds are part done: at least one fold finished, its trial not.
        await cluster.WaitForAsync(async () => (await RowsAsync(cluster, sweep.Id)).Any(f => f.Role == TrialRole.Fold && f.Status.HasResult()) ? "" : null,
            Deadline, "a finished fold");
        await cluster.Launcher.Coordinator(sweep.Id).Stop();
        var stopped = await cluster.WaitForAsync(async () =>
        {
            var rows = await RowsAsync(cluster, sweep.Id);
            return rows.Any(t => t.Status is TrialState.Running or TrialState.Pending) ? null : rows;
        }, Deadline, "the stop to end every trial and fold");
        Assert.Contains(stopped, t => t.Role == TrialRole.Trial && t.Status == TrialState.Cancelled);
        var foldsDone = stopped.Where(f => f.Role == TrialRole.Fold && f.Status.HasResult()).Select(f => (f.Id, f.Status, f.ObjectiveValue, f.Attempts)).ToList();

        Assert.Null(await cluster.Launcher.ResumeAsync(sweep.Id, RaisedLimits.None));
        var end = await cluster.WaitForEndAsync(sweep.Id, Deadline);

        Assert.Equal("Completed", end.Status);
        var ranked = Ranked(await RowsAsync(cluster, sweep.Id));
        Assert.All(ranked, t => Assert.True(t.Status.HasResult(), $"trial {t.Index} ended {t.Status}"));
        await AssertFoldsAndInvariantsAsync(cluster, sweep.Id, 4);
        // Nothing finished before the stop was trained again: the folds that had their result keep it, attempts unchanged.
        var after = (await RowsAsync(cluster, sweep.Id)).ToDictionary(f => f.Id);
        Assert.All(foldsDone, f => Assert.Equal(f, (f.Id, after[f.Id].Status, after[f.Id].ObjectiveValue, after[f.Id].Attempts)));
    }
}
