using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage.Tests;

public sealed class AttemptTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_result_is_committed_once_per_trial_and_late_reports_of_a_superseded_attempt_are_ignored()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var trial = await db.Writer.AddTrialAsync(sweep.Id, 0, """{"training.learning_rate":0.01}""", 11);
        var first = await db.Writer.StartAttemptAsync(trial.Id, "silo-a", Lease);
        Assert.True(await db.Writer.RecordEpochAsync(TestDatabase.Epoch(trial.Id, 1, 1), 0.4, "/ckpt/e1", Lease));

        var second = await db.Writer.StartAttemptAsync(trial.Id, "silo-b", Lease);
        Assert.Equal((1, 2), (first!.Attempt, second!.Attempt));
        Assert.Equal((1, "/ckpt/e1"), (second.ResumeFromEpoch, second.CheckpointPath));

        Assert.False(await db.Writer.RecordEpochAsync(TestDatabase.Epoch(trial.Id, 1, 2), 0.9, "/ckpt/old", Lease));
        Assert.Equal(CommitOutcome.Superseded, await db.Writer.CommitResultAsync(TestDatabase.Result(trial.Id, 1, 0.9), 0.9, null, null));
        Assert.Equal(CommitOutcome.Committed, await db.Writer.CommitResultAsync(TestDatabase.Result(trial.Id, 2, 0.6), 0.6, null,
            new Artifact { Kind = Artifact.BundleKind, Path = "/a/b.zip", Sha256 = "ab", SizeBytes = 2 }));
        Assert.Equal(CommitOutcome.AlreadyCommitted, await db.Writer.CommitResultAsync(TestDatabase.Result(trial.Id, 2, 0.6), 0.6, null, null));

        var details = (await db.Queries.GetTrialAsync(trial.Id))!;
        Assert.Equal(2, details.Result!.Attempt);
        Assert.Equal(TrialState.Completed, details.Trial.Status);
        Assert.Equal(0.6, details.Trial.ObjectiveValue);
        Assert.Equal("/a/b.zip", details.Bundle!.Path);
        Assert.Equal([TrialState.Failed, TrialState.Completed], details.Attempts.Select(a => a.Outcome!.Value));
        Assert.Equal(FailureClass.Preempted, details.Attempts[0].FailureClass);
        Assert.Equal(1, details.Attempts[1].ResumedFromEpoch);
        Assert.Equal("/ckpt/e1", details.Trial.CheckpointPath);
        Assert.Equal(new ConfusionMatrix(["happy", "sad"], [[3, 1], [0, 4]]).Counts[1], details.Confusion!.Counts[1]);
        Assert.Equal(0.75, details.PerActor[1]);
        Assert.Equal("happy", details.PerClass.Single().Emotion);
        await using var context = await db.Contexts.CreateDbContextAsync();
        Assert.Equal(1, await context.TrialResults.CountAsync());
    }

    [Fact]
    public async Task A_resumed_attempt_overwrites_the_epochs_it_repeats()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var trial = await db.Writer.AddTrialAsync(sweep.Id, 0, "{}", 1);
        await db.Writer.StartAttemptAsync(trial.Id, "a", Lease);
        await db.Writer.RecordEpochAsync(TestDatabase.Epoch(trial.Id, 1, 1, 0.1), null, "/c1", Lease);
        await db.Writer.RecordEpochAsync(TestDatabase.Epoch(trial.Id, 1, 2, 0.2), null, null, Lease);
        await db.Writer.FailAttemptAsync(trial.Id, 1, FailureClass.Preempted, "silo a died", retry: true);
        var resumed = await db.Writer.StartAttemptAsync(trial.Id, "b", Lease);
        await db.Writer.RecordEpochAsync(TestDatabase.Epoch(trial.Id, 2, 2, 0.25), null, "/c2", Lease);

        var epochs = await db.Queries.EpochsAsync(trial.Id);
        Assert.Equal([(1, 1, 0.1), (2, 2, 0.25)], epochs.Select(e => (e.Epoch, e.Attempt, e.ValAccuracy)));
        Assert.Equal((1, "/c1"), (resumed!.ResumeFromEpoch, resumed.CheckpointPath)); // epoch 2 had no checkpoint
    }

    [Fact]
    public async Task Epochs_recorded_together_are_stored_in_order_the_trial_keeps_the_newest_objective_and_checkpoint_and_a_stale_attempt_stores_none()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var trial = await db.Writer.AddTrialAsync(sweep.Id, 0, "{}", 1);
        await db.Writer.StartAttemptAsync(trial.Id, "a", Lease);

        Assert.True(await db.Writer.RecordEpochsAsync([
            new EpochRecord(TestDatabase.Epoch(trial.Id, 1, 1, 0.1), 0.1, null),
            new EpochRecord(TestDatabase.Epoch(trial.Id, 1, 2, 0.2), 0.2, "/c2"),
            new EpochRecord(TestDatabase.Epoch(trial.Id, 1, 3, 0.3), 0.3, null),
        ], Lease, prunerState: "{\"rung\":3}"));
        Assert.False(await db.Writer.RecordEpochsAsync([new EpochRecord(TestDatabase.Epoch(trial.Id, 2, 4, 0.9), 0.9, "/c4")], Lease));

        var epochs = await db.Queries.EpochsAsync(trial.Id);
        Assert.Equal([(1, 0.1), (2, 0.2), (3, 0.3)], epochs.Select(e => (e.Epoch, e.ValAccuracy)));
        var stored = (await db.Queries.GetTrialAsync(trial.Id))!.Trial;
        Assert.Equal((3, 0.3, 2, "/c2"), (stored.LastEpoch, stored.ObjectiveValue, stored.CheckpointEpoch, stored.CheckpointPath));
        Assert.Equal("{\"rung\":3}", (await db.Queries.GetSweepAsync(sweep.Id))!.PrunerState);
    }

    [Fact]
    public async Task Failures_retry_until_the_coordinator_says_final_and_a_final_trial_gets_no_new_attempt()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var trial = await db.Writer.AddTrialAsync(sweep.Id, 0, "{}", 1);
        await db.Writer.StartAttemptAsync(trial.Id, "a", Lease);
        Assert.True(await db.Writer.FailAttemptAsync(trial.Id, 1, FailureClass.Diverged, "loss is NaN", retry: true));
        Assert.False(await db.Writer.FailAttemptAsync(trial.Id, 1, FailureClass.Diverged, "repeated report", retry: true));
        await db.Writer.StartAttemptAsync(trial.Id, "a", Lease);
        Assert.True(await db.Writer.FailAttemptAsync(trial.Id, 2, FailureClass.OutOfMemory, "oom", retry: false));

        Assert.Null(await db.Writer.StartAttemptAsync(trial.Id, "a", Lease));
        var details = (await db.Queries.GetTrialAsync(trial.Id))!;
        Assert.Equal((TrialState.Failed, FailureClass.OutOfMemory, 2), (details.Trial.Status, details.Trial.FailureClass!.Value, details.Trial.Attempts));
        Assert.Equal([FailureClass.Diverged, FailureClass.OutOfMemory], details.Attempts.Select(a => a.FailureClass!.Value));
    }

    [Fact]
    public async Task Adding_the_same_suggestion_twice_keeps_one_trial()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var first = await db.Writer.AddTrialAsync(sweep.Id, 3, """{"x":1}""", 5);
        var again = await db.Writer.AddTrialAsync(sweep.Id, 3, """{"x":1}""", 5);
        Assert.Equal(first.Id, again.Id);
        Assert.Single(await db.Queries.TrialsAsync(sweep.Id));
    }

    [Fact]
    public async Task Suggestions_added_together_are_stored_in_one_transaction_in_order_and_a_stored_one_is_kept()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var stored = await db.Writer.AddTrialAsync(sweep.Id, 1, """{"x":1}""", 5);
        var commitsBefore = db.Writer.Commits;

        var added = await db.Writer.AddTrialsAsync(sweep.Id,
            [new NewTrial(0, """{"x":0}""", 4, "r0"), new NewTrial(1, """{"x":9}""", 9, "r9"), new NewTrial(2, """{"x":2}""", 6, "r2")]);

        Assert.Equal(1, db.Writer.Commits - commitsBefore);
        Assert.Equal([0, 1, 2], added.Select(t => t.Index));
        Assert.Equal(stored.Id, added[1].Id);
        Assert.Equal(("""{"x":1}""", 5), (added[1].ParametersJson, added[1].Seed)); // the stored suggestion, not the repeated one
        var trials = (await db.Queries.TrialsAsync(sweep.Id)).OrderBy(t => t.Index).ToList();
        Assert.Equal(added.Select(t => t.Id), trials.Select(t => t.Id));
        Assert.Equal(["r0", null, "r2"], trials.Select(t => t.SearchJson));
        Assert.Equal([4, 5, 6], trials.Select(t => t.Seed));
        Assert.Equal(trials[0].CreatedAt, trials[2].CreatedAt);
    }
}
