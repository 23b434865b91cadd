using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Playwright;
using SerSweep.Dashboard.Tests.Support;
using SerSweep.Search;
using SerSweep.Search.Parsing;

namespace SerSweep.Dashboard.Tests.EndToEnd;

/// <summary>
/// A multi-objective sweep's page in a real headless chromium, served by `sersweep dashboard --db` over the database the sweep
/// left (<see cref="ParetoSweep"/>): no one "best" card but the front's size linking to it; the scatter highlights exactly
/// the non-dominated trials, worked out here from the stored objective values by comparing every pair; the table lists
/// them, each with its own download when it has a model (its bytes hash to the bundle stored for that trial). The front is saved as
/// .cache/test-artifacts/dashboard-pareto-front.png (docs/images/pareto-front.png with SERSWEEP_DOC_SCREENSHOTS=1).
/// </summary>
public sealed class ParetoFrontInBrowserTests : BrowserOverDatabase
{
    private ParetoSweep sweep = default!;

    protected override async Task<string> PrepareDatabaseAsync()
    {
        sweep = await ParetoSweep.RunOrOpenAsync();
        return sweep.DatabasePath;
    }

    /// <summary>A trial on the front as this test finds it: no other finished trial is as good in both objectives and better in one.</summary>
    private sealed record Member(long TrialId, int Index, double X, double Y);

    /// <summary>A trace of the scatter as Plotly holds it; settable, for Playwright's deserialiser.</summary>
    private sealed class Trace
    {
        public string Name { get; set; } = "";
        public double[] X { get; set; } = [];
        public double[] Y { get; set; } = [];
    }

    private async Task<(long SweepId, Objective[] Objectives, List<Member> All, List<Member> Front)> ExpectedAsync()
    {
        var sweepId = sweep.SweepId ?? (await Server.Queries.ListSweepsAsync()).Max(s => s.Id);
        var stored = (await Server.Queries.GetSweepAsync(sweepId))!;
        var definition = SweepFile.Parse(stored.YamlText, "sweep.yaml").GetDefinitionOrThrow();
        var objectives = definition.Search.Objectives.ToArray();
        Assert.Equal(2, objectives.Length);
        var metrics = objectives.Select(o => definition.CrossValidation is null ? o.Metric : CrossValidationSettings.HeldOut(o.Metric)).ToArray();
        var all = (await Server.Queries.ObjectivePointsAsync(sweepId, metrics)).Select(p => new Member(p.TrialId, p.Index, p.Values[0], p.Values[1])).ToList();
        // Better-or-equal in an objective, by its direction.
        bool NoWorse(double a, double b, Objective o) => o.Direction == Direction.Maximize ? a >= b : a <= b;
        bool Dominates(Member a, Member b) =>
            NoWorse(a.X, b.X, objectives[0]) && NoWorse(a.Y, b.Y, objectives[1]) && (a.X != b.X || a.Y != b.Y);
        var front = all.Where(m => !all.Any(other => Dominates(other, m))).OrderBy(m => m.Index).ToList();
        Assert.NotEmpty(front);
        Assert.True(front.Count < all.Count, "every trial is on the front: the test would not tell the highlight from the rest");
        return (sweepId, objectives, all, front);
    }

    private static string Rounded(double x, double y) => $"{x.ToString("G9", CultureInfo.InvariantCulture)},{y.ToString("G9", CultureInfo.InvariantCulture)}";

    [Fact]
    public async Task The_front_is_highlighted_listed_with_downloads_and_the_best_card_is_the_fronts_size()
    {
        var (sweepId, objectives, all, front) = await ExpectedAsync();
        var (context, page, errors) = await OpenPageAsync();
        await using var closing = context;

        await page.GotoAsync($"/sweeps/{sweepId}");
        var figure = page.Locator(".figure[data-figure='pareto']");
        await figure.Locator(".js-plotly-plot .main-svg").First.WaitForAsync();

        // No card claims one best: the front's size, linking to it, and no single best model to download.
        await Assertions.Expect(page.Locator("[data-front-size]")).ToHaveTextAsync($"{front.Count} {(front.Count == 1 ? "trial" : "trials")}");
        Assert.EndsWith($"sweeps/{sweepId}#front", await page.Locator("[data-front-size]").GetAttributeAsync("href"));
        await Assertions.Expect(page.Locator("[data-best], [data-best-model], [data-best-trial]")).ToHaveCountAsync(0);
        Assert.Equal(1, await page.Locator("section#front").CountAsync());

        // The scatter: every finished trial, and the highlighted front exactly the non-dominated ones (both painted).
        var traces = await figure.Locator(".js-plotly-plot").EvaluateAsync<Trace[]>("plot => plot.data.map(t => ({ Name: t.name, X: t.x, Y: t.y }))");
        Assert.Equal(["trial", "Pareto front"], traces.Select(t => t.Name));
        Assert.Equal(all.Select(m => Rounded(m.X, m.Y)).Order(), traces[0].X.Zip(traces[0].Y, Rounded).Order());
        Assert.Equal(front.Select(m => Rounded(m.X, m.Y)).Order(), traces[1].X.Zip(traces[1].Y, Rounded).Order());
        Assert.Equal(front.Count, await figure.Locator(".scatterlayer .trace").Nth(1).Locator(".point").CountAsync());
        Assert.Equal(all.Count, await figure.Locator(".scatterlayer .trace").Nth(0).Locator(".point").CountAsync());

        // The table: the front's trials by index, each linking to its page and, when it has a model, to that model (a
        // cross-validated trial has one only when refit). The synthetic sweep's trials each have their own.
        var bundles = new Dictionary<long, string>();
        foreach (var m in front)
            if ((await Server.Queries.TrialWithBundleAsync(sweepId, m.TrialId))?.Bundle is { } b) bundles[m.TrialId] = b.Sha256;
        if (sweep.SweepId is not null) Assert.Equal(front.Count, bundles.Count);
        var rows = page.Locator("table.front tbody tr");
        await Assertions.Expect(rows.Locator("td:first-child")).ToHaveTextAsync(front.Select(m => $"#{m.Index}").ToArray());
        Assert.Equal(front.SelectMany(m => bundles.ContainsKey(m.TrialId) ? new[] { $"trials/{m.TrialId}", $"api/trials/{m.TrialId}/model" } : [$"trials/{m.TrialId}"]),
            await page.Locator("table.front tbody a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
        Assert.Equal(front.Count - bundles.Count, await page.Locator("table.front [data-no-model]").CountAsync());
        Assert.Equal(objectives.Select(o => o.Metric).Prepend("trial").Append(""), await page.Locator("table.front thead th").AllInnerTextsAsync());

        // The last member's download with a model: the bundle stored for that trial, byte for byte.
        if (front.FindLastIndex(m => bundles.ContainsKey(m.TrialId)) is var last and >= 0)
        {
            var download = await page.RunAndWaitForDownloadAsync(() => rows.Nth(last).Locator("a.button").ClickAsync());
            var saved = Path.Combine(Chromium.ArtifactsDir, "dashboard-front-member.zip");
            await download.SaveAsAsync(saved);
            Assert.Equal(bundles[front[last].TrialId], Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(saved))));
        }

        await Chromium.ScreenshotAsync(page.Locator("section#front"), "pareto-front", docs: true);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }
}
