using SerSweep.Cluster.Trainers;
using SerSweep.Core;
using SerSweep.Search.Resuming;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Tests;

/// <summary>A finished or stopped sweep goes on with raised limits exactly as if it had been given them from the start.</summary>
public sealed class SweepResumeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>TPE after 3 random trials and ASHA, one trial at a time: every suggestion depends on the strategy's and the pruner's history.</summary>
    private static string Yaml(int trials) => $"""
        name: resume-test
        seed: 3
        training:
          epochs: 4
        search:
          method: tpe
          max_trials: {trials}
          max_concurrent: 1
          checkpoint_every: 1
          objective: {"{"}metric: val_accuracy, direction: maximize{"}"}
          tpe: {"{"}n_startup_trials: 3{"}"}
        parameters:
          training.learning_rate:
            loguniform: [1.0e-4, 1.0e-2]
        early_stopping:
          asha: {"{"}metric: val_accuracy, grace_period: 1, reduction_factor: 2, max_epochs: 4{"}"}
        """;

    private static async Task<List<(int Index, string Parameters, int Seed, TrialState Status, double? Objective)>> TrialsAsync(TestCluster cluster, long sweepId) =>
        [.. (await cluster.Queries.TrialsAsync(sweepId)).OrderBy(t => t.Index).Select(t => (t.Index, t.ParametersJson, t.Seed, t.Status, t.ObjectiveValue))];

    [Fact]
    public async Task A_completed_sweep_resumed_to_more_trials_gives_the_trials_of_an_uninterrupted_sweep_once_each()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(20) });
        var uninterrupted = await cluster.LaunchAsync(Yaml(10));
        await cluster.WaitForEndAsync(uninterrupted.Id, Deadline);

        var resumed = await cluster.LaunchAsync(Yaml(6));
        Assert.Equal("Completed", (await cluster.WaitForEndAsync(resumed.Id, Deadline)).Status);
        Assert.Equal("max_trials 5 is below the 6 trials this sweep has already started",
            await cluster.Launcher.ResumeAsync(resumed.Id, new RaisedLimits(MaxTrials: 5)));
        Assert.Equal("the sweep has started all its 6 trials: give a higher max_trials to resume it",
            await cluster.Launcher.ResumeAsync(resumed.Id, RaisedLimits.None));
        Assert.Null(await cluster.Launcher.ResumeAsync(resumed.Id, new RaisedLimits(MaxTrials: 10)));
        var end = await cluster.WaitForEndAsync(resumed.Id, Deadline);

        Assert.Equal(("Completed", 10, 10), (end.Status, end.Budget, end.Finished + end.Failed));
        var expected = await TrialsAsync(cluster, uninterrupted.Id);
        var actual = await TrialsAsync(cluster, resumed.Id);
        Assert.Equal(Enumerable.Range(0, 10), actual.Select(t => t.Index));
        Assert.Equal(expected, actual);
        Assert.Contains(actual, t => t.Status == TrialState.Pruned);
        var stored = (await cluster.Queries.GetSweepAsync(resumed.Id))!;
        Assert.Equal((SweepStatus.Completed, 10), (stored.Status, stored.MaxTrials));
    }

    [Fact]
    public async Task A_stopped_sweep_resumed_runs_the_trials_the_stop_cancelled_and_then_the_rest()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(200) });
        var sweep = await cluster.LaunchAsync(Yaml(5));
        await cluster.WaitForAsync(async () => (await cluster.Queries.TrialsAsync(sweep.Id)).Any(t => t.Status.HasResult()) ? "" : null, Deadline, "a finished trial");
        await cluster.Launcher.Coordinator(sweep.Id).Stop();
        var stopped = await cluster.WaitForAsync(async () =>
        {
            var trials = await cluster.Queries.TrialsAsync(sweep.Id);
            return trials.Any(t => t.Status is TrialState.Running or TrialState.Pending) ? null : trials;
        }, Deadline, "the stop to end every trial");
        Assert.Contains(stopped, t => t.Status == TrialState.Cancelled);

        Assert.Null(await cluster.Launcher.ResumeAsync(sweep.Id, RaisedLimits.None));
        var end = await cluster.WaitForEndAsync(sweep.Id, Deadline);

        Assert.Equal("Completed", end.Status);
        var trials = await TrialsAsync(cluster, sweep.Id);
        Assert.Equal(Enumerable.Range(0, 5), trials.Select(t => t.Index));
        Assert.All(trials, t => Assert.True(t.Status.HasResult(), $"trial {t.Index} ended {t.Status}"));
    }
}
