using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SerSweep.Storage;
using SerSweep.Storage.Entities;
using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

/// <summary>
/// `sersweep silo --role all --watch sweep.yaml --log-format json --metrics-urls ...` as a child process with the
/// synthetic trainer: scrapes /metrics every 200 ms while its sweep runs, then stops it with SIGTERM and keeps its
/// stderr (the JSON logs). Shared by the tests of one class: one sweep, several claims.
/// </summary>
public sealed class ObservedSilo : IAsyncLifetime
{
    public const int Trials = 4;
    public const int Epochs = 4;
    private readonly StringBuilder _stderr = new();
    private readonly string _dir = TestPaths.NewTempDir("sersweep-observed");

    public Uri Metrics { get; private set; } = null!;
    public Uri Dashboard { get; private set; } = null!;
    public string DatabasePath => Path.Combine(_dir, "sersweep.db");
    /// <summary>Every /metrics page read while the sweep ran, in order.</summary>
    public List<string> Scrapes { get; } = [];
    /// <summary>The scrape after the database said the sweep completed.</summary>
    public string Final { get; private set; } = "";
    public string[] LogLines { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var sweep = Path.Combine(_dir, "sweep.yaml");
        await File.WriteAllTextAsync(sweep, $"""
            name: observed
            seed: 11
            training:
              epochs: {Epochs}
            search:
              method: random
              max_trials: {Trials}
              max_concurrent: 2
              objective:
                metric: val_accuracy
                direction: maximize
            parameters:
              training.learning_rate:
                loguniform: [1.0e-4, 1.0e-2]
            """);
        Metrics = new Uri($"http://127.0.0.1:{Ports.Free()}/metrics");
        Dashboard = new Uri($"http://127.0.0.1:{Ports.Free()}/");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])[CliProcess.CliDll, "silo", "--role", "all", "--watch", sweep, "--trainer", "synthetic", "--synthetic-epoch-ms", "300",
                     "--slots", "2", "--log-format", "json", "--metrics-urls", $"http://127.0.0.1:{Metrics.Port}", "--urls", Dashboard.ToString().TrimEnd('/'),
                     "--silo-port", Ports.Free().ToString(CultureInfo.InvariantCulture), "--gateway-port", Ports.Free().ToString(CultureInfo.InvariantCulture),
                     "--cluster-id", $"observed-{Guid.NewGuid():N}", "--db", DatabasePath, "--artifacts", Path.Combine(_dir, "artifacts"), "--cache", Path.Combine(_dir, "cache")])
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_stderr) _stderr.AppendLine(line); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            await Wait.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"the silo exited with {process.ExitCode}: {Stderr()}");
                if (await TryGetAsync(http, Metrics) is { } page) Scrapes.Add(page);
                return await SweepStatusAsync() == SweepStatus.Completed;
            }, TimeSpan.FromMinutes(3), "the watched sweep to complete while /metrics is scraped", TimeSpan.FromMilliseconds(200));
            Final = await http.GetStringAsync(Metrics);
            DashboardOnMetricsPort = (int)(await http.GetAsync(new Uri(Metrics, "/"))).StatusCode;
        }
        finally
        {
            // SIGTERM: a graceful stop flushes the console logger's queue.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("the silo did not stop within a minute of SIGTERM");
            }
            LogLines = Stderr().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
    }

    /// <summary>The HTTP status of the metrics port's "/" (the dashboard must not answer there).</summary>
    public int DashboardOnMetricsPort { get; private set; }

    public async Task<T> ReadAsync<T>(Func<SerSweepDbContext, Task<T>> query)
    {
        await using var db = new SerSweepDbContext(SqliteDatabase.Options(DatabasePath));
        return await query(db);
    }

    private async Task<SweepStatus?> SweepStatusAsync()
    {
        try
        {
            return File.Exists(DatabasePath) ? await ReadAsync(db => db.Sweeps.Select(s => (SweepStatus?)s.Status).SingleOrDefaultAsync()) : null;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return null; // the coordinator is still creating the schema
        }
    }

    private static async Task<string?> TryGetAsync(HttpClient http, Uri uri)
    {
        try
        {
            return await http.GetStringAsync(uri);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private string Stderr()
    {
        lock (_stderr) return _stderr.ToString();
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
