using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Infrastructure;
using SerSweep.Storage;

namespace SerSweep.Dashboard.Tests.Support;

/// <summary>
/// `sersweep dashboard --db FILE --urls http://127.0.0.1:0` as a child process, the way a user reopens the dashboard
/// of a finished sweep: the built CLI on a free port, whose address is read from the line it prints when it is up.
/// </summary>
public sealed partial class DashboardProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task<string> stderrRest;

    private DashboardProcess(Process process, Uri address, Task<string> stderrRest, SweepQueries queries) =>
        (this.process, Address, this.stderrRest, Queries) = (process, address, stderrRest, queries);

    public Uri Address { get; }

    /// <summary>The test's own reader of the same database, to work out what the pages must show.</summary>
    public SweepQueries Queries { get; }

    public static async Task<DashboardProcess> StartAsync(string databasePath)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sersweep.dll"), "dashboard", "--db", databasePath, "--urls", "http://127.0.0.1:0" })
            psi.ArgumentList.Add(arg);
        var process = Process.Start(psi)!;
        var seen = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardError.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"sersweep dashboard did not say where it listens within 2 minutes; it printed:\n{string.Join('\n', seen)}");
            }
            if (line is null)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"sersweep dashboard exited with {process.ExitCode} before listening:\n{string.Join('\n', seen)}");
            }
            seen.Add(line);
            if (Listening().Match(line) is { Success: true } match)
            {
                var queries = new SweepQueries(new PooledDbContextFactory<SerSweepDbContext>(SqliteDatabase.Options(databasePath)));
                return new DashboardProcess(process, new Uri(match.Groups[1].Value), process.StandardError.ReadToEndAsync(), queries);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        await stderrRest;
        process.Dispose();
    }

    [GeneratedRegex(@"^dashboard \(read-only\) over .*: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
