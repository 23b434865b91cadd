using System.Diagnostics;
using System.Text.Json;
using SerSweep.Testing;

namespace SerSweep.Dashboard.Tests.Support;

/// <summary>
/// A SQLite database produced by a real short sweep: the built `sersweep sweep` (embedded coordinator + worker,
/// real TorchSharp training on the shared RAVDESS Actor_01..04) runs EndToEnd/e2e-sweep.yaml as a child process.
/// </summary>
public sealed record RealSweep(string DatabasePath, long SweepId, long BestTrialId, string BestBundleSha256)
{
    public static async Task<RealSweep> RunAsync()
    {
        var folder = TestPaths.NewTempDir("sersweep-dashboard-sweep");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "sersweep.dll"), "sweep", Path.Combine(AppContext.BaseDirectory, "EndToEnd", "e2e-sweep.yaml"),
            "--data", TestPaths.Ravdess, "--db", Path.Combine(folder, "sersweep.db"), "--artifacts", Path.Combine(folder, "artifacts"),
            // The training tests' feature cache: same features, so a machine that ran them computes nothing again.
            "--cache", Path.Combine(Path.GetTempPath(), "sersweep-training-tests-features"),
            "--urls", "http://127.0.0.1:0", "--silo-port", $"{Ports.Free()}", "--gateway-port", $"{Ports.Free()}", "--json",
        })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"sersweep sweep exited with {process.ExitCode}: {await stderr}");
        var report = JsonDocument.Parse(await stdout).RootElement;
        var best = report.GetProperty("best");
        return new RealSweep(report.GetProperty("database").GetString()!, report.GetProperty("sweep_id").GetInt64(),
            best.GetProperty("trial_id").GetInt64(), best.GetProperty("sha256").GetString()!);
    }
}
