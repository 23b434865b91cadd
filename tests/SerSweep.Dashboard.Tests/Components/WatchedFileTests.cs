using Bunit;
using SerSweep.Dashboard.Components.Sweeps;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Tests.Components;

public sealed class WatchedFileTests : IDisposable
{
    private const string File = "/data/sweep.yaml";
    private static readonly DateTime Saved = new(2026, 11, 24, 14, 2, 11, DateTimeKind.Utc);
    private readonly BunitContext context = new();

    public void Dispose() => context.Dispose();

    private static SweepFileEvent Accepted(long id, DateTime at, int version, string path = File) => new()
    {
        Id = id, Path = path, At = at, Sha256 = $"{id:x2}" + new string('a', 62), Accepted = true, SweepId = 10 + version, SweepName = "ravdess-cnn", SweepVersion = version,
    };

    private static SweepFileEvent Rejected(long id, DateTime at, string path = File) => new()
    {
        Id = id, Path = path, At = at, Sha256 = $"{id:x2}" + new string('b', 62), Accepted = false,
        ErrorsJson = StoredJson.Write(new[]
        {
            new SweepFileError(12, 18, "training.learning_rate", "training.learning_rate: expected a number, got 'fast'", "write a number, e.g. 0.001 or 1e-3"),
            new SweepFileError(20, 3, "search.max_trails", "unknown key 'max_trails' in search", "did you mean 'max_trials'?"),
        }),
    };

    [Fact]
    public void A_rejected_save_shows_a_banner_with_its_time_lines_and_fields()
    {
        var banner = context.Render<WatchedFileBanner>(p => p.Add(c => c.Events, [Rejected(2, Saved), Accepted(1, Saved.AddMinutes(-5), 1)]));

        var alert = banner.Find("[data-watch-rejected]");
        Assert.Contains("sweep.yaml rejected at 14:02:11 UTC", alert.TextContent);
        Assert.Contains("sha256 02bbbbbbbbbb", alert.TextContent);
        var errors = banner.FindAll("[data-watch-rejected] li");
        Assert.Equal(["12", "20"], errors.Select(e => e.GetAttribute("data-line")));
        Assert.StartsWith("line 12, column 18, training.learning_rate: expected a number, got 'fast'", errors[0].TextContent);
        Assert.StartsWith("line 20, column 3, search.max_trails: unknown key 'max_trails' in search", errors[1].TextContent);
        Assert.Contains("did you mean 'max_trials'?", errors[1].TextContent);
    }

    [Fact]
    public void A_later_valid_save_supersedes_the_rejection()
    {
        var banner = context.Render<WatchedFileBanner>(p => p.Add(c => c.Events, [Accepted(3, Saved.AddMinutes(1), 2), Rejected(2, Saved)]));
        Assert.Empty(banner.FindAll("[data-watch-rejected]"));
    }

    [Fact]
    public void Each_watched_file_is_judged_by_its_own_newest_save()
    {
        var banner = context.Render<WatchedFileBanner>(p => p.Add(c => c.Events,
            [Accepted(4, Saved.AddMinutes(2), 3), Rejected(3, Saved.AddMinutes(1), "/other/sweep.yaml"), Rejected(2, Saved)]));
        Assert.Equal(["/other/sweep.yaml"], banner.FindAll("[data-watch-rejected]").Select(b => b.GetAttribute("data-watch-rejected")));
    }

    [Fact]
    public void The_history_lists_every_save_with_the_sweep_it_started_or_its_first_error()
    {
        var history = context.Render<WatchedFileHistory>(p => p.Add(c => c.Events, [Accepted(3, Saved.AddMinutes(1), 2), Rejected(2, Saved), Accepted(1, Saved.AddMinutes(-5), 1)]));

        var rows = history.FindAll("table.watch-history tbody tr");
        Assert.Equal(["true", "false", "true"], rows.Select(r => r.GetAttribute("data-accepted")));
        Assert.Equal("sweeps/12", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("started ravdess-cnn v2", rows[0].TextContent);
        Assert.Contains("2026-11-24 14:02:11", rows[1].TextContent);
        Assert.Contains("rejected: 2 error(s)", rows[1].TextContent);
        Assert.Contains("first at line 12, column 18, training.learning_rate: expected a number", rows[1].TextContent);
        Assert.Equal("02bbbbbbbbbb", rows[1].QuerySelector("code")!.TextContent);
    }
}
