using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace SerSweep.Storage.Tests;

public sealed class WriterTests
{
    [Fact]
    public async Task Concurrent_epoch_reports_are_batched_into_few_commits_while_a_reader_polls()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var lease = TimeSpan.FromMinutes(1);
        var trials = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => db.Writer.AddTrialAsync(sweep.Id, i, "{}", i)));
        await Task.WhenAll(trials.Select(t => db.Writer.StartAttemptAsync(t.Id, "w", lease)));
        var commitsBefore = db.Writer.Commits;

        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery());
                reads++;
            }
        });
        var reports = trials.SelectMany(t => Enumerable.Range(1, 25).Select(e =>
            db.Writer.RecordEpochAsync(TestDatabase.Epoch(t.Id, 1, e), null, null, lease)));
        var stored = await Task.WhenAll(reports);
        stop.Cancel();
        await reader;

        Assert.All(stored, Assert.True);
        Assert.InRange(db.Writer.Commits - commitsBefore, 1, 500); // 1000 reports, far fewer transactions
        Assert.True(reads > 0);
        await using var context = await db.Contexts.CreateDbContextAsync();
        Assert.Equal(1000, await context.EpochMetrics.CountAsync());
    }

    [Fact]
    public async Task A_failing_write_fails_alone_and_the_rest_of_its_batch_commits()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var good = Enumerable.Range(0, 20).Select(i => db.Writer.AddTrialAsync(sweep.Id, i, "{}", i)).ToList();
        var bad = db.Writer.SetSweepStatusAsync(sweepId: 999, Entities.SweepStatus.Running);
        await Task.WhenAll(good);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal(20, (await db.Queries.TrialsAsync(sweep.Id)).Count);
    }

    [Fact]
    public async Task The_writer_waits_for_another_process_holding_the_write_lock_instead_of_failing()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        await using var other = new SqliteConnection($"Data Source={db.Path}");
        await other.OpenAsync();
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE; UPDATE Sweeps SET Seed = 8;";
            await begin.ExecuteNonQueryAsync();
        }
        var write = db.Writer.AddTrialAsync(sweep.Id, 0, "{}", 0);
        await Task.Delay(300);
        Assert.False(write.IsCompleted);
        await using (var commit = other.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        }
        Assert.Equal(0, (await write).Index);
    }
}
