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

    /// <summary>A free loopback port (<see cref="Ports.Free"/>) as a command-line argument.</summary>
    internal static string FreePort() => Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> SyntheticSweepAsync(string dir)
    {
        var sweep = Path.Combine(dir, "sweep.yaml");
        await File.WriteAllTextAsync(sweep, """
            name: keep-open
            search:
              method: random
              max_trials: 2
            parameters:
              training.learning_rate:
                loguniform: [1.0e-4, 1.0e-2]
            """);
        return sweep;
    }

    [Fact]
    public async Task After_a_sweep_it_prints_the_command_that_reopens_the_dashboard_over_its_database()
    {
        var dir = TestPaths.NewTempDir();
        var db = Path.Combine(dir, "s.db");

        var run = await CliProcess.RunAsync("sweep", await SyntheticSweepAsync(dir), "--db", db, "--artifacts", Path.Combine(dir, "artifacts"),
            "--trainer", "synthetic", "--synthetic-epoch-ms", "20", "--urls", "http://127.0.0.1:0", "--silo-port", FreePort(), "--gateway-port", FreePort());

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains($"the dashboard closed with the sweep; reopen it with: sersweep dashboard --db {db}", run.Stderr);
    }

    [Fact]
    public async Task With_keep_open_the_dashboard_serves_the_finished_sweep_until_ctrl_c()
    {
        var dir = TestPaths.NewTempDir();
        // Started as a terminal starts it, with SIGINT at its default: a test runner launched in the background by a
        // script (`deploy/test &`) ignores SIGINT, a child inherits that across exec, and .NET then leaves it ignored.
        var psi = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
                     "dotnet", CliProcess.CliDll, "sweep", await SyntheticSweepAsync(dir), "--db", Path.Combine(dir, "s.db"), "--artifacts", Path.Combine(dir, "artifacts"),
                     "--trainer", "synthetic", "--synthetic-epoch-ms", "20", "--urls", "http://127.0.0.1:0", "--silo-port", FreePort(), "--gateway-port", FreePort(), "--keep-open" })
            psi.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        string? address = null;
        while (address is null)
        {
            var line = await process.StandardError.ReadLineAsync(deadline.Token)
                ?? throw new InvalidOperationException($"sweep --keep-open exited ({process.ExitCode}) without saying the dashboard stays open");
            if (System.Text.RegularExpressions.Regex.Match(line, @"^dashboard still open on (http://127\.0\.0\.1:\d+) \(--keep-open\)") is { Success: true } m) address = m.Groups[1].Value;
        }
        var rest = process.StandardError.ReadToEndAsync();

        // The sweep is over, the process still serves its dashboard and API.
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var sweeps = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/sweeps", deadline.Token)).RootElement;
        Assert.Equal("completed", sweeps[0].GetProperty("status").GetString());
        Assert.False(process.HasExited);

        // Ctrl+C: it stops cleanly with the sweep's own exit code.
        System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        using var stopping = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"sweep --keep-open did not stop within a minute of Ctrl+C; its stderr:\n{await rest}");
        }
        Assert.True(process.ExitCode == ExitCodes.Ok, $"exit {process.ExitCode}: {await rest}");
        await stdout;
    }
}
