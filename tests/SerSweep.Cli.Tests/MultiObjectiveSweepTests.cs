using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SerSweep.Storage;
using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

/// <summary>A sweep with several objectives end to end on the synthetic trainer: its front in --json, no "best" model exported for it, and export asking which member.</summary>
public class MultiObjectiveSweepTests
{
    [Fact]
    public async Task The_leaderboard_carries_the_front_no_best_is_exported_and_export_names_its_trials_until_one_is_chosen()
    {
        var dir = TestPaths.NewTempDir();
        var db = Path.Combine(dir, "s.db");
        var sweep = Path.Combine(dir, "sweep.yaml");
        await File.WriteAllTextAsync(sweep, """
            name: two-objectives
            training: {epochs: 3}
            search:
              method: nsga2
              max_trials: 6
              objectives: [{metric: val_uar}, {metric: latency_ms}]
              nsga2: {population_size: 3}
            parameters:
              training.learning_rate: {loguniform: [1.0e-4, 1.0e-2]}
              model.channels: {values: [[4, 8], [16, 32], [32, 64]]}
            """);

        var run = await CliProcess.RunAsync("sweep", sweep, "--db", db, "--artifacts", Path.Combine(dir, "artifacts"), "--json", "--top", "10",
            "--trainer", "synthetic", "--synthetic-epoch-ms", "5", "--urls", "http://127.0.0.1:0", "--silo-port", SweepCommandTests.FreePort(), "--gateway-port", SweepCommandTests.FreePort());

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        using var report = JsonDocument.Parse(run.Stdout);
        var rows = report.RootElement.GetProperty("leaderboard").EnumerateArray().ToList();
        var front = report.RootElement.GetProperty("pareto_front").EnumerateArray().ToList();
        Assert.Equal(6, rows.Count);
        Assert.NotEmpty(front);
        // Its best is the front: the sweep exports no model of its own choosing (the user picks one below).
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("best").ValueKind);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "artifacts"), "best-*.zip"));
        var onFront = front.Select(f => f.GetProperty("trial_id").GetInt64()).ToHashSet();
        Assert.All(rows, r => Assert.Equal(onFront.Contains(r.GetProperty("trial_id").GetInt64()), r.GetProperty("on_front").GetBoolean()));
        Assert.All(front, f => Assert.Equal(["val_uar", "latency_ms"], f.GetProperty("values").EnumerateObject().Select(v => v.Name)));
        // No member of the front is as good as another in both objectives and better in one (val_uar up, latency_ms down).
        var values = front.Select(f => (Uar: f.GetProperty("values").GetProperty("val_uar").GetDouble(), Ms: f.GetProperty("values").GetProperty("latency_ms").GetDouble())).ToList();
        Assert.DoesNotContain(values, a => values.Any(b => b.Uar >= a.Uar && b.Ms <= a.Ms && (b.Uar > a.Uar || b.Ms < a.Ms)));
        var sweepId = report.RootElement.GetProperty("sweep_id").GetInt64().ToString();
        // The coordinator told the strategy both objectives of every completed trial (the trials' saved records hold them).
        await using (var context = new SerSweepDbContext(SqliteDatabase.Options(db)))
        {
            var records = await context.Trials.Where(t => t.SearchJson != null).Select(t => t.SearchJson!).ToListAsync();
            var completed = records.Select(r => JsonDocument.Parse(r).RootElement).Where(t => t.GetProperty("status").GetString() == "completed").ToList();
            Assert.NotEmpty(completed);
            Assert.All(completed, t => Assert.Equal(2, t.GetProperty("values").GetArrayLength()));
        }

        var unchosen = await CliProcess.RunAsync("export", "--db", db, "--sweep", sweepId, "--out", Path.Combine(dir, "x.zip"));
        var chosenId = front[0].GetProperty("trial_id").GetInt64().ToString();
        var chosen = await CliProcess.RunAsync("export", "--db", db, "--sweep", sweepId, "--trial", chosenId, "--out", Path.Combine(dir, "chosen.zip"), "--json");

        Assert.Equal(ExitCodes.BadInput, unchosen.ExitCode);
        Assert.Contains("has several objectives: its best is a Pareto front of trial ids " + chosenId, unchosen.Stderr);
        Assert.Contains("--trial ID", unchosen.Stderr);
        Assert.True(chosen.ExitCode == ExitCodes.Ok, chosen.Stderr);
        using var exported = JsonDocument.Parse(chosen.Stdout);
        Assert.Equal(chosenId, exported.RootElement.GetProperty("trial_id").GetInt64().ToString());
        Assert.True(File.Exists(Path.Combine(dir, "chosen.zip")));
    }
}
