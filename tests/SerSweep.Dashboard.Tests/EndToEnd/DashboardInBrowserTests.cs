using System.Security.Cryptography;
using Microsoft.Playwright;
using SerSweep.Dashboard.Tests.Support;

namespace SerSweep.Dashboard.Tests.EndToEnd;

/// <summary>
/// The dashboard in a real headless chromium against a real host and SQLite file: open the sweep, sort the
/// leaderboard, open the best trial, see its confusion heatmap, download the best model and check its SHA-256.
/// Screenshots of every page land in .cache/test-artifacts/dashboard-*.png.
/// </summary>
public sealed class DashboardInBrowserTests : IAsyncLifetime
{
    private SeededSweep seeded = default!;
    private DashboardServer server = default!;
    private IPlaywright playwright = default!;
    private IBrowser browser = default!;

    public async Task InitializeAsync()
    {
        seeded = await SeededSweep.CreateAsync(await RealModel.BundlePathAsync());
        server = await DashboardServer.StartAsync(seeded.DatabasePath);
        (playwright, browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        await server.DisposeAsync();
    }

    private static async Task<int[]> LeaderboardIndicesAsync(IPage page) =>
        (await page.Locator(".leaderboard tbody td.index a").AllInnerTextsAsync()).Select(int.Parse).ToArray();

    /// <summary>Plotly draws only once the page is interactive: a drawn chart means the circuit is up.</summary>
    private static Task WaitInteractiveAsync(IPage page) =>
        page.Locator(".figure .js-plotly-plot .main-svg").First.WaitForAsync(new() { Timeout = 30_000 });

    /// <summary>Blazor's circuit is connected (the page's handlers are live) once blazor.web.js reports it.</summary>
    private static Task WaitForCircuitAsync(IPage page) =>
        page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('input[type=file]') !== null && window.Blazor._internal !== undefined",
            null, new() { Timeout = 30_000 });

    [Fact]
    public async Task Open_sweep_sort_open_best_trial_see_heatmap_download_best_model()
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.Address.ToString(), AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        page.Response += (_, response) => { if (response.Status >= 400) consoleErrors.Add($"{response.Status} {response.Url}"); };

        // The sweeps list.
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("table.sweeps tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".yaml-editor textarea")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("name: ravdess-cnn"));
        await Chromium.ScreenshotAsync(page, "1-sweeps");

        // Open the sweep: the leaderboard is sorted by the objective, best first.
        await page.Locator("table.sweeps a", new() { HasText = "ravdess-cnn" }).ClickAsync();
        await page.WaitForURLAsync($"**/sweeps/{seeded.SweepId}");
        await WaitInteractiveAsync(page);
        Assert.Equal(new[] { 6, 4, 3, 2, 5, 1, 0, 7 }, await LeaderboardIndicesAsync(page));

        // Sort by the objective the other way, then by a hyperparameter.
        var accuracyHeader = page.Locator(".leaderboard th", new() { Has = page.Locator(".col-title-text", new() { HasTextRegex = new("^val_accuracy$") }) });
        await accuracyHeader.Locator("button.col-title").ClickAsync();
        await Assertions.Expect(page.Locator(".leaderboard tbody tr").First.Locator("td.index a")).ToHaveTextAsync("7");
        var lrHeader = page.Locator(".leaderboard th", new() { Has = page.Locator(".col-title-text", new() { HasTextString = "training.learning_rate" }) });
        await lrHeader.Locator("button.col-title").ClickAsync();
        await Assertions.Expect(page.Locator(".leaderboard tbody tr").First.Locator("td.index a")).ToHaveTextAsync("0");
        Assert.Equal(Enumerable.Range(0, 8), await LeaderboardIndicesAsync(page));
        await Assertions.Expect(page.Locator("table.failures tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("table.stopped tbody tr")).ToHaveCountAsync(1);
        await Chromium.ScreenshotAsync(page, "2-sweep");

        // Open the best trial and read its confusion heatmap.
        await page.Locator("[data-best-trial]").ClickAsync();
        await page.WaitForURLAsync($"**/trials/{seeded.BestTrialId}");
        await WaitInteractiveAsync(page);
        var heatmap = page.Locator("table.heatmap.counts");
        await Assertions.Expect(heatmap.Locator("tbody tr")).ToHaveCountAsync(8);
        // Trial 6 peaks at 0.71 val accuracy: round(5 * 0.71) = 4 of 5 per class on the diagonal.
        Assert.All(await heatmap.Locator("td.diagonal").AllInnerTextsAsync(), text => Assert.Equal("4", text));
        await page.Locator("button[data-mode='normalised']").ClickAsync();
        await Assertions.Expect(page.Locator("table.heatmap.normalised td.diagonal").First).ToHaveTextAsync("0.80");
        await Assertions.Expect(page.Locator("ol.confused-pairs li")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("table.attempts tbody tr")).ToHaveCountAsync(2);
        await Chromium.ScreenshotAsync(page, "3-trial");

        // Download the best model through the button and check the bytes against the stored SHA-256.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-download]").ClickAsync());
        var saved = Path.Combine(Chromium.ArtifactsDir, "dashboard-best-model.zip");
        await download.SaveAsAsync(saved);
        Assert.Equal(seeded.BestBundleSha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(saved))));
        Assert.Equal(seeded.BestBundleSha256, (await page.Locator(".bundle .sha").InnerTextAsync()).Replace("sha256 ", ""));

        // Compare the best trial with the runner-up, and the cluster page.
        await page.GotoAsync($"/compare/{seeded.TrialIds[4]}/{seeded.BestTrialId}");
        await Assertions.Expect(page.Locator("table.heatmap.difference tbody tr")).ToHaveCountAsync(8);
        await Chromium.ScreenshotAsync(page, "4-compare");
        await page.GotoAsync("/cluster");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Cluster");
        await Chromium.ScreenshotAsync(page, "5-cluster");

        // Drop a real RAVDESS WAV on the predict page: the best model's emotion and its probability bars.
        await page.GotoAsync("/predict");
        await Assertions.Expect(page.Locator("select[data-model] option")).ToHaveCountAsync(1);
        await WaitForCircuitAsync(page);
        await page.Locator("input[type=file]").SetInputFilesAsync(RealModel.AngryWav);
        await Assertions.Expect(page.Locator("[data-emotion]")).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex("^(neutral|calm|happy|sad|angry|fearful|disgust|surprised)$"), new() { Timeout = 30_000 });
        await page.Locator(".figure[data-figure='probabilities'] .js-plotly-plot .main-svg").First.WaitForAsync();
        Assert.Equal(8, await page.Locator(".figure[data-figure='probabilities'] .bars .point").CountAsync());
        await Chromium.ScreenshotAsync(page, "6-predict");

        Assert.True(consoleErrors.Count == 0, string.Join(Environment.NewLine, consoleErrors));
    }
}
