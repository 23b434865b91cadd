using System.Diagnostics;
using System.Text.Json;
using SerSweep.Testing;

namespace SerSweep.Dashboard.Tests.Support;

/// <summary>
/// The database of a multi-objective sweep: by default the built `sersweep sweep` runs EndToEnd/e2e-pareto-sweep.yaml on the
/// synthetic trainer (seconds); with SERSWEEP_PARETO_DB=FILE, the newest sweep of that database instead (a real one, e.g.
/// val_uar against latency_ms on RAVDESS, for the docs' picture of the front).
/// </summary>
public sealed record ParetoSweep(string DatabasePath, long? SweepId)
{
    public static async Task<ParetoSweep> RunOrOpenAsync()
    {
        if (Environment.GetEnvironmentVariable("SERSWEEP_PARETO_DB") is { Length: > 0 } existing)
            return File.Exists(existing) ? new ParetoSweep(existing, null) : throw new FileNotFoundException("SERSWEEP_PARETO_DB names no file", existing);
        var folder = TestPaths.NewTempDir("sersweep-dashboard-pareto");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "sersweep.dll"), "sweep", Path.Combine(AppContext.BaseDirectory, "EndToEnd", "e2e-pareto-sweep.yaml"),
            "--db", Path.Combine(folder, "sersweep.db"), "--artifacts", Path.Combine(folder, "artifacts"), "--trainer", "synthetic", "--synthetic-epoch-ms", "5",
            "--slots", "2", "--urls", "http://127.0.0.1:0", "--silo-port", $"{Ports.Free()}", "--gateway-port", $"{Ports.Free()}", "--json",
        })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"sersweep sweep exited with {process.ExitCode}: {await stderr}");
        var report = JsonDocument.Parse(await stdout).RootElement;
        return new ParetoSweep(report.GetProperty("database").GetString()!, report.GetProperty("sweep_id").GetInt64());
    }
}
