using Microsoft.EntityFrameworkCore;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage.Tests;

public sealed class SweepFileEventTests
{
    [Fact]
    public async Task Watched_saves_are_recorded_with_their_sweep_or_their_errors_and_read_newest_first()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var at = new DateTime(2026, 11, 24, 14, 2, 11, DateTimeKind.Utc);
        await db.Writer.RecordSweepFileEventAsync(new SweepFileEvent
        {
            Path = "/data/sweep.yaml", At = at, Sha256 = "aa", Accepted = true, SweepId = sweep.Id, SweepName = sweep.Name, SweepVersion = sweep.Version,
        });
        await db.Writer.RecordSweepFileEventAsync(new SweepFileEvent
        {
            Path = "/data/sweep.yaml", At = at.AddMinutes(1), Sha256 = "bb", Accepted = false,
            ErrorsJson = StoredJson.Write(new[]
            {
                new SweepFileError(12, 18, "training.learning_rate", "training.learning_rate: expected a number, got 'fast'", "write a number, e.g. 0.001 or 1e-3"),
                new SweepFileError(20, 3, "search.max_trails", "unknown key 'max_trails' in search", "did you mean 'max_trials'?"),
            }),
        });

        var events = await db.Queries.SweepFileEventsAsync();

        Assert.Equal(["bb", "aa"], events.Select(e => e.Sha256));
        var (rejected, accepted) = (events[0], events[1]);
        Assert.False(rejected.Accepted);
        Assert.Null(rejected.SweepId);
        Assert.Equal(at.AddMinutes(1), rejected.At);
        Assert.Equal([(12, 18, "training.learning_rate"), (20, 3, "search.max_trails")], rejected.Errors.Select(e => (e.Line, e.Column, e.Field)));
        Assert.Equal("did you mean 'max_trials'?", rejected.Errors[1].Hint);
        Assert.True(accepted.Accepted);
        Assert.Equal((sweep.Id, "demo", 1), (accepted.SweepId!.Value, accepted.SweepName, accepted.SweepVersion!.Value));
        Assert.Empty(accepted.Errors);
        Assert.Single(await db.Queries.SweepFileEventsAsync(count: 1));
    }

    [Fact]
    public async Task Deleting_a_sweep_keeps_the_history_of_the_save_that_started_it()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        await db.Writer.RecordSweepFileEventAsync(new SweepFileEvent
        {
            Path = "/data/sweep.yaml", At = DateTime.UtcNow, Sha256 = "aa", Accepted = true, SweepId = sweep.Id, SweepName = sweep.Name, SweepVersion = 1,
        });
        await using (var context = await db.Contexts.CreateDbContextAsync())
            await context.Sweeps.Where(s => s.Id == sweep.Id).ExecuteDeleteAsync();

        var kept = Assert.Single(await db.Queries.SweepFileEventsAsync());
        Assert.Null(kept.SweepId);
        Assert.Equal(("demo", 1), (kept.SweepName, kept.SweepVersion!.Value));
    }
}
