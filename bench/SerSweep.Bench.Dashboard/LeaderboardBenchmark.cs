using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SerSweep.Dashboard;
using SerSweep.Dashboard.Data;
using SerSweep.Storage;

namespace SerSweep.Bench.Dashboard;

/// <summary>
/// The sweep page of a 10 000-trial sweep served by a real Kestrel host over a real SQLite file: the whole
/// server render (read every trial, the leaderboard's first page, the charts' inputs and importance) as the
/// browser receives it; and its parts: reading the rows, and the SQL-paged JSON page for scripts.
/// </summary>
public sealed class LeaderboardBenchmark : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient client;
    private readonly long sweepId;
    private readonly string folder;

    private LeaderboardBenchmark(WebApplication app, HttpClient client, long sweepId, string folder) =>
        (this.app, this.client, this.sweepId, this.folder) = (app, client, sweepId, folder);

    public static async Task<LeaderboardBenchmark> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("sersweep-bench").FullName;
        var (path, sweepId) = await TenThousandTrials.CreateAsync(folder);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSerSweepStorage(path, writer: false);
        builder.Services.AddSerSweepDashboard();
        var app = builder.Build();
        app.MapSerSweepDashboard();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bench = new LeaderboardBenchmark(app, new HttpClient { BaseAddress = new Uri(address) }, sweepId, folder);
        await bench.CheckFirstPageAsync();
        return bench;
    }

    /// <summary>(what, one run, goal in ms for its p95 or null).</summary>
    public IEnumerable<(string Name, Func<Task> Run, double? GoalMs)> Measurements()
    {
        yield return ("GET /sweeps/{id}: server render incl. leaderboard first page", () => client.GetStringAsync($"/sweeps/{sweepId}"), 1000);
        yield return ("TrialRows.LoadAsync: all 10 000 rows from SQLite", LoadRowsAsync, null);
        yield return ("GET /api/sweeps/{id}/trials (sorted by a parameter, SQL-paged)",
            () => client.GetStringAsync($"/api/sweeps/{sweepId}/trials?sort=param:training.learning_rate&page_size=25"), null);
    }

    private async Task LoadRowsAsync()
    {
        var sweep = await app.Services.GetRequiredService<SweepQueries>().GetSweepAsync(sweepId);
        await app.Services.GetRequiredService<TrialRows>().LoadAsync(sweep!);
    }

    private async Task CheckFirstPageAsync()
    {
        var page = await client.GetStringAsync($"/sweeps/{sweepId}");
        var rows = page.Split("<a href=\"trials/").Length - 1;
        if (rows < 25)
            throw new InvalidOperationException($"expected the first leaderboard page of 25 trials, the page links {rows} trials");
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }
}
