using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

public class SweepCommandTests
{
    [Fact]
    public async Task A_sweep_whose_data_folder_is_missing_is_refused_before_it_starts()
    {
        var dir = TestPaths.NewTempDir();
        var sweep = Path.Combine(dir, "sweep.yaml");
        await File.WriteAllTextAsync(sweep, """
            name: no-data
            data:
              path: data/ravdess
            search:
              method: random
              max_trials: 2
            parameters:
              training.learning_rate:
                loguniform: [1.0e-4, 1.0e-2]
            """);

        var run = await CliProcess.RunAsync("sweep", sweep, "--db", Path.Combine(dir, "s.db"), "--artifacts", Path.Combine(dir, "artifacts"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains($"'{Path.Combine(dir, "data", "ravdess")}' does not exist", run.Stderr);
        Assert.Contains("--data DIR", run.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "s.db")), "nothing may be stored for a sweep that cannot run");
    }
}
