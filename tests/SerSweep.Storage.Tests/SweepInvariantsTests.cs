using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage.Tests;

public sealed class SweepInvariantsTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>A completed sweep: trial 0 trained 3 epochs in one attempt, trial 1 in two (the first preempted after epoch 1), trial 2 cross-validated over 2 folds.</summary>
    private static async Task<(TestDatabase Db, long Plain, long Resumed, long CrossValidated)> HealthyAsync()
    {
        var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        async Task<long> TrainAsync(Trial trial, bool preempted)
        {
            if (preempted)
            {
                await db.Writer.StartAttemptAsync(trial.Id, "silo-a", Lease);
                await db.Writer.RecordEpochAsync(TestDatabase.Epoch(trial.Id, 1, 1), 0.4, "/ckpt/e1", Lease);
            }
            var lease = (await db.Writer.StartAttemptAsync(trial.Id, "silo-b", Lease))!;
            for (var epoch = lease.ResumeFromEpoch + 1; epoch <= 3; epoch++)
                await db.Writer.RecordEpochAsync(TestDatabase.Epoch(trial.Id, lease.Attempt, epoch), 0.5, null, Lease);
            await db.Writer.CommitResultAsync(TestDatabase.Result(trial.Id, lease.Attempt, 0.6), 0.6, null, null);
            return trial.Id;
        }
        var plain = await TrainAsync(await db.Writer.AddTrialAsync(sweep.Id, 0, "{}", 1), preempted: false);
        var resumed = await TrainAsync(await db.Writer.AddTrialAsync(sweep.Id, 1, "{}", 2), preempted: true);
        var (parent, folds) = await db.Writer.AddCrossValidatedTrialAsync(sweep.Id, 2, "{}", 3, folds: 2);
        foreach (var fold in folds) await TrainAsync(fold, preempted: false);
        await db.Writer.FinishCrossValidatedTrialAsync(TestDatabase.Result(parent.Id, 0, 0.6), parent.Id, TrialState.Completed, 0.6, 0.01, null, null);
        await db.Writer.SetSweepStatusAsync(sweep.Id, SweepStatus.Completed);
        return (db, plain, resumed, parent.Id);
    }

    private static async Task<InvariantReport> CheckAsync(TestDatabase db)
    {
        await using var context = await db.Contexts.CreateDbContextAsync();
        return await SweepInvariants.CheckAsync(context);
    }

    [Fact]
    public async Task A_healthy_database_passes_and_is_counted()
    {
        var (db, _, _, _) = await HealthyAsync();
        await using var _db = db;

        var report = await CheckAsync(db);

        Assert.True(report.Ok, string.Join("; ", report.Violations));
        var tally = Assert.Single(report.Sweeps);
        // Ranked trials only: 3 trials, all completed with one result; attempts 1 + 2 (1 preempted), epochs 3 + 3 (folds aside).
        Assert.Equal((3, 3, 3, 3, 3, 1, 6), (tally.Trials, tally.Completed, tally.TrialsWithResult, tally.Results, tally.Attempts, tally.Preempted, tally.Epochs));
    }

    [Theory]
    [InlineData("plain", "DELETE FROM TrialResults WHERE TrialId = {0}", "Completed without a result")]
    [InlineData("resumed", "DELETE FROM EpochMetrics WHERE TrialId = {0} AND Epoch = 2", "not 1..3 once each")]
    [InlineData("plain", "UPDATE EpochMetrics SET Epoch = 4 WHERE TrialId = {0} AND Epoch = 3", "not 1..3 once each")]
    [InlineData("resumed", "UPDATE Trials SET Attempts = 3 WHERE Id = {0}", "counts 3 attempts, 2 recorded")]
    [InlineData("plain", "DELETE FROM TrialAttempts WHERE TrialId = {0}; UPDATE Trials SET Attempts = 0 WHERE Id = {0}", "a result without an attempt")]
    [InlineData("plain", "UPDATE Trials SET Status = 'Running' WHERE Id = {0}", "Running in a completed sweep")]
    [InlineData("crossValidated", "UPDATE Trials SET Status = 'Running' WHERE ParentTrialId = {0} AND Fold = 1", "while its fold trial")]
    public async Task Each_broken_invariant_fails_the_check_naming_the_trial(string victim, string sql, string message)
    {
        var (db, plain, resumed, crossValidated) = await HealthyAsync();
        await using var _db = db;
        var trialId = victim switch { "plain" => plain, "resumed" => resumed, _ => crossValidated };
        await using (var context = await db.Contexts.CreateDbContextAsync())
            await context.Database.ExecuteSqlRawAsync(string.Format(sql, trialId));

        var report = await CheckAsync(db);

        Assert.False(report.Ok);
        var violation = Assert.Single(report.Violations, v => v.TrialId == trialId && v.Message.Contains(message, StringComparison.Ordinal));
        Assert.StartsWith($"sweep 1, trial {trialId} (index ", violation.ToString());
    }
}
