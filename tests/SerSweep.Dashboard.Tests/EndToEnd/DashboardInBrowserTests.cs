using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SerSweep.Core;
using SerSweep.Dashboard.Tests.Support;
using SerSweep.Storage;

namespace SerSweep.Dashboard.Tests.EndToEnd;

/// <summary>
/// The dashboard in a real headless chromium, served by `sersweep dashboard --db` (the built CLI, read-only) over the
/// SQLite database a real short sweep (`sersweep sweep`, real training on RAVDESS) left behind: open the sweep, sort
/// the leaderboard, read the parallel-coordinates axis names, open the best trial, read its confusion heatmap (which
/// fits its card at 1400 px), download the best model and check its SHA-256, predict a real WAV, draw the emotion
/// timeline of a real recording.
/// Expected orders are worked out from the stored trials; numbers come from Storage. Screenshots of every page land in
/// .cache/test-artifacts/dashboard-*.png.
/// </summary>
public sealed class DashboardInBrowserTests : BrowserOverDatabase
{
    private RealSweep sweep = default!;

    protected override async Task<string> PrepareDatabaseAsync()
    {
        sweep = await RealSweep.RunAsync();
        return sweep.DatabasePath;
    }

    private static async Task<int[]> LeaderboardIndicesAsync(IPage page) =>
        (await page.Locator(".leaderboard tbody td.index a").AllInnerTextsAsync()).Select(int.Parse).ToArray();

    /// <summary>Waits until the grid shows exactly this order (the page it reads after a header click arrives asynchronously).</summary>
    private static Task ExpectOrderAsync(IPage page, int[] indices) =>
        Assertions.Expect(page.Locator(".leaderboard tbody td.index a")).ToHaveTextAsync(indices.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());

    /// <summary>Plotly draws only once the page is interactive: a drawn chart means the circuit is up.</summary>
    private static Task WaitInteractiveAsync(IPage page) =>
        page.Locator(".figure .js-plotly-plot .main-svg").First.WaitForAsync(new() { Timeout = 90_000 });

    /// <summary>The predict page renders its file input only once its circuit is connected.</summary>
    private static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("input[type=file]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    /// <summary>
    /// The order a leaderboard sort must show, worked out here from the stored trials (not by the leaderboard query
    /// the grid pages through): by the key, trials without it last, ties by index.
    /// </summary>
    private async Task<int[]> ExpectedOrderAsync(Func<Storage.Entities.Trial, double?> key, bool descending)
    {
        var trials = await Server.Queries.TrialsAsync(sweep.SweepId);
        var withKey = trials.Where(t => key(t) is not null);
        var sorted = descending ? withKey.OrderByDescending(key).ThenBy(t => t.Index) : withKey.OrderBy(key).ThenBy(t => t.Index);
        return [.. sorted.Concat(trials.Where(t => key(t) is null).OrderBy(t => t.Index)).Select(t => t.Index)];
    }

    /// <summary>A band of the timeline figure as Plotly holds it (a layout shape); settable, for Playwright's deserialiser.</summary>
    private sealed class Band
    {
        public string Label { get; set; } = "";
        public double Start { get; set; }
        public double End { get; set; }
    }

    private static double? Objective(Storage.Entities.Trial trial) => trial.ObjectiveValue;

    private static double? LearningRate(Storage.Entities.Trial trial) =>
        StoredJson.ReadParameters(trial.ParametersJson).TryGetValue("training.learning_rate", out var value) ? value.GetDouble() : null;

    [Fact]
    public async Task Open_sweep_sort_open_best_trial_see_heatmap_download_best_model()
    {
        var (context, page, consoleErrors) = await OpenPageAsync();
        await using var closing = context;

        // The sweeps list.
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("table.sweeps tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table.sweeps tbody tr .badge")).ToHaveTextAsync("Completed");
        // No coordinator behind `sersweep dashboard`: the page says so, and offers no sweep actions.
        await Assertions.Expect(page.Locator("[data-readonly]")).ToContainTextAsync("Read-only.");
        await Assertions.Expect(page.Locator("button[data-action]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("button[data-action='start']")).ToBeDisabledAsync();
        await Chromium.ScreenshotAsync(page, "1-sweeps");

        // Open the sweep: the leaderboard is sorted by the objective, best first.
        await page.Locator("table.sweeps a", new() { HasText = "dashboard-e2e" }).ClickAsync();
        await page.WaitForURLAsync($"**/sweeps/{sweep.SweepId}");
        await WaitInteractiveAsync(page);
        Assert.Equal(await ExpectedOrderAsync(Objective, descending: true), await LeaderboardIndicesAsync(page));
        // Every parallel-coordinates axis carries its name: each searched parameter and the objective.
        var stored = (await Server.Queries.GetSweepAsync(sweep.SweepId))!;
        var searched = StoredJson.ReadParameters((await Server.Queries.TrialsAsync(sweep.SweepId))[0].ParametersJson).Keys;
        var axisNames = await page.Locator(".figure[data-figure='parallel-coordinates'] svg text.axis-title").AllTextContentsAsync();
        Assert.Equal(searched.Append(stored.ObjectiveMetric).Order(StringComparer.Ordinal), axisNames.Order(StringComparer.Ordinal));
        await Assertions.Expect(page.Locator(".figure[data-figure='parallel-coordinates'] svg text.axis-title").First).ToBeVisibleAsync();
        await Chromium.ScreenshotAsync(page, "leaderboard", docs: true);

        // Sort by the objective the other way, then by a hyperparameter.
        var accuracyHeader = page.Locator(".leaderboard th", new() { Has = page.Locator(".col-title-text", new() { HasTextRegex = new("^val_accuracy$") }) });
        await accuracyHeader.Locator("button.col-title").ClickAsync();
        var ascending = await ExpectedOrderAsync(Objective, descending: false);
        await ExpectOrderAsync(page, ascending);
        var lrHeader = page.Locator(".leaderboard th", new() { Has = page.Locator(".col-title-text", new() { HasTextString = "training.learning_rate" }) });
        await lrHeader.Locator("button.col-title").ClickAsync();
        var byLearningRate = await ExpectedOrderAsync(LearningRate, descending: false);
        await ExpectOrderAsync(page, byLearningRate);
        await Chromium.ScreenshotAsync(page, "2-sweep");

        // Open the best trial and read its confusion heatmap: the numbers the sweep stored.
        await page.Locator("[data-best-trial]").ClickAsync();
        await page.WaitForURLAsync($"**/trials/{sweep.BestTrialId}");
        await WaitInteractiveAsync(page);
        var details = (await Server.Queries.GetTrialAsync(sweep.BestTrialId))!;
        var confusion = details.Confusion!;
        var heatmap = page.Locator("table.heatmap.counts");
        await Assertions.Expect(heatmap.Locator("tbody tr")).ToHaveCountAsync(confusion.Labels.Count);
        Assert.Equal(confusion.Counts.SelectMany(row => row).Select(c => c.ToString(CultureInfo.InvariantCulture)), await heatmap.Locator("td").AllInnerTextsAsync());
        Assert.Equal(confusion.Labels, await heatmap.Locator("tbody th").AllInnerTextsAsync());
        await page.Locator("button[data-mode='normalised']").ClickAsync();
        var firstRow = confusion.Counts[0];
        var firstRate = firstRow.Sum() == 0 ? 0 : (double)firstRow[0] / firstRow.Sum();
        await Assertions.Expect(page.Locator("table.heatmap.normalised td.diagonal").First).ToHaveTextAsync(firstRate.ToString("0.00", CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("table.attempts tbody tr")).ToHaveCountAsync(details.Attempts.Count);
        // The whole matrix (down to the last column, 'surprised') lies inside its card at 1400 px.
        var matrixBox = (await page.Locator("table.heatmap.normalised").BoundingBoxAsync())!;
        var cardBox = (await page.Locator("section.confusion-panel").BoundingBoxAsync())!;
        Assert.True(matrixBox.X + matrixBox.Width <= cardBox.X + cardBox.Width,
            $"the confusion matrix ends at x={matrixBox.X + matrixBox.Width}, beyond its card's right edge at x={cardBox.X + cardBox.Width}");
        await Assertions.Expect(page.Locator("table.heatmap.normalised thead th").Last).ToBeInViewportAsync();
        await Chromium.ScreenshotAsync(page, "3-trial");
        await Chromium.ScreenshotAsync(page, "trial", docs: true);

        // Download the best model with the button: the bytes hash to what the sweep recorded and exported.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-download]").ClickAsync());
        var saved = Path.Combine(Chromium.ArtifactsDir, "dashboard-best-model.zip");
        await download.SaveAsAsync(saved);
        Assert.Equal(sweep.BestBundleSha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(saved))));
        Assert.Equal(details.Bundle!.Sha256, sweep.BestBundleSha256);

        // Compare the best trial with another one, and the cluster page.
        var other = (await ExpectedOrderAsync(Objective, descending: false))[0];
        var otherId = (await Server.Queries.TrialsAsync(sweep.SweepId)).Single(t => t.Index == other).Id;
        await page.GotoAsync($"/compare/{otherId}/{sweep.BestTrialId}");
        await Assertions.Expect(page.Locator("table.heatmap.difference tbody tr")).ToHaveCountAsync(confusion.Labels.Count);
        await Chromium.ScreenshotAsync(page, "4-compare");
        await page.GotoAsync("/cluster");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Cluster");
        await Chromium.ScreenshotAsync(page, "5-cluster");

        // Drop a real RAVDESS WAV on the predict page: the best model's emotion (as the downloaded bundle predicts it in
        // this process) and its probability bars.
        string expected;
        using (var predictor = SerSweep.Training.Predictor.Load(saved))
            expected = predictor.PredictFiles([RealModel.AngryWav])[0].Emotion.Name();
        await page.GotoAsync("/predict");
        await Assertions.Expect(page.Locator("select[data-model] option")).ToHaveCountAsync(1);
        await WaitForCircuitAsync(page);
        await page.Locator("input[type=file]").SetInputFilesAsync(RealModel.AngryWav);
        await Assertions.Expect(page.Locator("[data-emotion]")).ToHaveTextAsync(expected, new() { Timeout = 30_000 });
        await page.Locator(".figure[data-figure='probabilities'] .js-plotly-plot .main-svg").First.WaitForAsync();
        Assert.Equal(confusion.Labels.Count, await page.Locator(".figure[data-figure='probabilities'] .bars .point").CountAsync());
        await Chromium.ScreenshotAsync(page, "6-predict");

        // A timeline of a real recording written here: 2 s of silence, an angry and a sad utterance of Actor_01, each
        // followed by 2 s of silence. The figure draws one band per merged segment, in the order (and at the times)
        // the downloaded bundle's timeline has in this process; the recording starts and ends with silence.
        var recording = Path.Combine(SerSweep.Testing.TestPaths.NewTempDir(), "session.wav");
        var gap = new float[2 * 48_000];
        var sad = Path.Combine(SerSweep.Testing.TestPaths.Ravdess, "Actor_01", "03-01-04-02-01-01-01.wav");
        SerSweep.Testing.TestWav.Write16(recording, [.. gap, .. Audio.Wav.WavReader.Read(RealModel.AngryWav).Samples, .. gap,
            .. Audio.Wav.WavReader.Read(sad).Samples, .. gap], 48_000);
        Training.Timelines.Timeline timeline;
        using (var predictor = SerSweep.Training.Predictor.Load(saved))
            timeline = Training.Timelines.Timeline.FromFile(predictor, recording, new());
        Assert.Equal(Training.Timelines.TimelineSegment.SilenceLabel, timeline.Segments[0].Label);
        Assert.Equal(Training.Timelines.TimelineSegment.SilenceLabel, timeline.Segments[^1].Label);
        Assert.Contains(timeline.Segments, s => s.Emotion is not null);
        await page.Locator("input[data-timeline]").CheckAsync();
        await page.Locator("input[type=file]").SetInputFilesAsync(recording);
        var segments = page.Locator("ol[data-segments] li");
        await Assertions.Expect(segments).ToHaveCountAsync(timeline.Segments.Count, new() { Timeout = 60_000 });
        await page.Locator(".figure[data-figure='timeline'] .js-plotly-plot .main-svg").First.WaitForAsync();
        // What Plotly holds: the bands (layout shapes, named by label) and the traces (waveform, a line per emotion).
        var bands = await page.EvaluateAsync<Band[]>("() => document.querySelector(\".figure[data-figure='timeline'] .js-plotly-plot\").layout.shapes.map(s => ({ Label: s.name, Start: s.x0, End: s.x1 }))");
        Assert.Equal(timeline.Segments.Select(s => s.Label), bands.Select(b => b.Label));
        foreach (var (band, segment) in bands.Zip(timeline.Segments))
        {
            Assert.Equal(segment.Start, band.Start, 6);
            Assert.Equal(segment.End, band.End, 6);
        }
        Assert.Equal(timeline.Segments.Select(s => s.Label), await segments.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.label)"));
        var traces = await page.EvaluateAsync<string[]>("() => document.querySelector(\".figure[data-figure='timeline'] .js-plotly-plot\").data.map(t => t.name)");
        Assert.Equal(["waveform max", "waveform", .. timeline.Classes.Select(c => c.Name())], traces);
        // The painted bands: one rect path per segment in the shape layer under the plot.
        Assert.Equal(timeline.Segments.Count, await page.Locator(".figure[data-figure='timeline'] .layer-below .shapelayer path").CountAsync());
        await Chromium.ScreenshotAsync(page, "7-timeline");

        Assert.True(consoleErrors.Count == 0, string.Join(Environment.NewLine, consoleErrors));
    }
}
