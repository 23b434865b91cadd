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

        // Another connection holds the write lock while the 1000 reports are queued: whatever batch the writer took
        // first waits on the lock, so the rest is queued when it gets on. A writer that batches up to 512 writes needs
        // at most 1 + ceil(999 / 512) = 3 transactions; one that commits each report needs 1000.
        await using var other = new SqliteConnection($"Data Source={db.Path}");
        await other.OpenAsync();
        await Execute(other, "BEGIN IMMEDIATE;");
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery());
                Interlocked.Increment(ref reads);
            }
        });
        var reports = trials.SelectMany(t => Enumerable.Range(1, 25).Select(e =>
            db.Writer.RecordEpochAsync(TestDatabase.Epoch(t.Id, 1, e), null, null, lease))).ToList();
        await Execute(other, "COMMIT;");
        var stored = await Task.WhenAll(reports).WaitAsync(TimeSpan.FromSeconds(60));
        stop.Cancel();
        await reader.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(stored, Assert.True);
        Assert.InRange(db.Writer.Commits - commitsBefore, 1, 3);
        Assert.True(reads > 0, "the reader never completed a leaderboard query while the reports were written");
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
        await Execute(other, "BEGIN IMMEDIATE; UPDATE Sweeps SET Seed = 8;");
        var write = db.Writer.AddTrialAsync(sweep.Id, 0, "{}", 0);
        var written = write.ContinueWith(_ => DateTime.UtcNow, TaskScheduler.Default);
        // The lock is held long enough that a writer without a busy wait would have failed with SQLITE_BUSY by now.
        await Task.Delay(500);
        var releasing = DateTime.UtcNow;
        await Execute(other, "COMMIT;");
        Assert.Equal(0, (await write.WaitAsync(TimeSpan.FromSeconds(60))).Index);
        Assert.True(await written >= releasing, "the write completed while the other process still held its lock");
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
