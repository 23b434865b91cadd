using System.Text.Json;
using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

/// <summary><c>sweep --resume ID</c>: a finished sweep goes on with raised limits; what cannot be resumed is exit 2, with the reason.</summary>
public class SweepResumeCommandTests
{
    private const string Sweep = """
        name: resumable
        seed: 4
        training:
          epochs: 3
        early_stopping:
          hyperband: {min_epochs: 1, reduction_factor: 3}
        search:
          method: random
          max_trials: 2
        parameters:
          training.learning_rate:
            loguniform: [1.0e-4, 1.0e-2]
        """;

    private static Task<ChildProcess.Result> SweepAsync(string dir, params string[] args) => CliProcess.RunAsync(
        ["sweep", .. args, "--db", Path.Combine(dir, "s.db"), "--artifacts", Path.Combine(dir, "artifacts"), "--trainer", "synthetic", "--synthetic-epoch-ms", "20",
         "--urls", "http://127.0.0.1:0", "--silo-port", SweepCommandTests.FreePort(), "--gateway-port", SweepCommandTests.FreePort()]);

    [Fact]
    public async Task A_completed_sweep_resumed_with_more_trials_goes_on_and_what_cannot_go_on_is_exit_2_with_the_reason()
    {
        var dir = TestPaths.NewTempDir();
        var file = Path.Combine(dir, "sweep.yaml");
        await File.WriteAllTextAsync(file, Sweep);
        Assert.Equal(ExitCodes.Ok, (await SweepAsync(dir, file)).ExitCode);

        var resumed = await SweepAsync(dir, "--resume", "resumable", "--max-trials", "4", "--json");

        Assert.True(resumed.ExitCode == ExitCodes.Ok, resumed.Stderr);
        var report = JsonDocument.Parse(resumed.Stdout).RootElement;
        Assert.Equal((1L, "Completed", 4), (report.GetProperty("sweep_id").GetInt64(), report.GetProperty("status").GetString(), report.GetProperty("trials").GetInt32()));
        var rows = report.GetProperty("leaderboard").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], rows.Select(r => r.GetProperty("index").GetInt32()).Order());
        // Hyperband with r = 1, R = 3, eta = 3: brackets 0 (rung 1) and 1 (none), round robin.
        Assert.All(rows, r => Assert.Equal(r.GetProperty("index").GetInt32() % 2, r.GetProperty("bracket").GetInt32()));

        var lower = await SweepAsync(dir, "--resume", "1", "--max-trials", "3");
        Assert.Equal(ExitCodes.BadInput, lower.ExitCode);
        Assert.Contains("sweep 1 (resumable v1) cannot go on: max_trials 3 is below the 4 trials this sweep has already started", lower.Stderr);

        // The same file with a raised limit is the same sweep; another search space is not.
        await File.WriteAllTextAsync(file, Sweep.Replace("max_trials: 2", "max_trials: 3").Replace("1.0e-2]", "1.0e-1]"));
        var changed = await SweepAsync(dir, file, "--resume", "1");
        Assert.Equal(ExitCodes.BadInput, changed.ExitCode);
        Assert.Contains("differs from the file of sweep 1 (resumable v1) in parameters.training.learning_rate.loguniform[1]: a resumed sweep may change only search.max_trials and search.time_limit", changed.Stderr);

        var unknown = await SweepAsync(dir, "--resume", "nope");
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Contains("--resume: no sweep 'nope'", unknown.Stderr);
    }

    [Fact]
    public async Task Raising_limits_without_resume_is_exit_2()
    {
        var dir = TestPaths.NewTempDir();
        var file = Path.Combine(dir, "sweep.yaml");
        await File.WriteAllTextAsync(file, Sweep);

        var run = await CliProcess.RunAsync("sweep", file, "--max-trials", "5", "--db", Path.Combine(dir, "s.db"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("--max-trials and --time-limit raise the limits of a resumed sweep", run.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "s.db")));
    }
}
