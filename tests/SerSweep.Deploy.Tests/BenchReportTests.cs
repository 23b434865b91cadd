using System.Diagnostics;
using System.Globalization;
using SerSweep.Testing;

namespace SerSweep.Deploy.Tests;

/// <summary>
/// bench/report/render.py (the one renderer of docs/benchmarks.md) on fixed results: every goal row is listed with
/// PASS/MISS computed from the figures, NOT RUN when its measurement is missing, and a missed goal gets its notes.
/// The benchmarks themselves are not run here.
/// </summary>
public class BenchReportTests
{
    private static readonly string Machine = """
        {"cpu": "Test CPU 9000", "cores": 2, "ram_gib": 23.4, "os": "Debian GNU/Linux 12 (bookworm), kernel 6.1", "commit": "abc1234",
         "dotnet": "10.0.100", "glibc_tunables": "glibc.malloc.mmap_max=0", "mode": "full", "started": "2026-11-24T15:00:00+00:00",
         "load_before": [0.1, 0.2, 0.3], "load_after": [1.9, 1.5, 0.9], "seconds": 1200, "only": null}
        """;

    private static readonly Dictionary<string, string[]> Results = new()
    {
        ["features"] =
        [
            Run("features"),
            Row("features-240", "features", "higher", "files/s", 900, 800, 950, peer: 250),  // 3.6x
            Row("features-1440", "features", "higher", "files/s", 400, 390, 410, peer: 250), // 1.6x < 2x
        ],
        ["training"] =
        [
            Run("training"),
            Row("train-1t", "training", "higher", "samples/s", 35.6, 35, 36, peer: 38.2),   // 0.93x
            Row("train-2t", "training", "higher", "samples/s", 72, 71, 73, peer: 71),       // 1.01x
            Row("infer-1t", "training", "higher", "samples/s", 100, 99, 101, peer: 97.6),
            Row("infer-2t", "training", "higher", "samples/s", 170.7, 170, 171, peer: 186.7),
            Row("latency-b1-1t", "training", "lower", "ms", 10, 9, 11, peer: 12.5),         // 1.25x, no goal
            Row("predict-1t", "training", "lower", "ms", 13.3, 13, 14),
            Row("predict-2t", "training", "lower", "ms", 9.7, 9.5, 9.9),
        ],
        ["overhead"] = [Run("overhead"), Row("overhead", "overhead", "lower", "ms", 2.5, 2.4, 2.7, peer: 10.4)],
        ["sweep"] = [Run("sweep"), Row("sweep-scaling", "sweep", "higher", "x", 1.75, null, null)],
        ["cache"] = [Run("cache"), Row("cache-reload", "cache", "lower", "s", 0.2, 0.19, 0.21)],               // on the limit: met
        ["rss"] = [Run("rss"), Row("rss-slope", "rss", "lower", "MB/epoch", 0.3, null, null)],
        ["dashboard"] = [Run("dashboard"), Row("dashboard-first-page", "dashboard", "lower", "ms", 500, 400, 1200, goalValue: 1000)], // p95 not < 1 s
        ["search"] = [Run("search", error: true)],
    };

    [Fact]
    public void Every_goal_row_is_listed_with_pass_or_miss_computed_from_the_results()
    {
        var report = Render(out _);

        Assert.Equal("PASS", Verdict(report, "feature extraction >= 2x torchaudio, 240 files"));
        Assert.Equal("MISS", Verdict(report, "feature extraction >= 2x torchaudio, 1440 files"));
        Assert.Equal("MISS", Verdict(report, "training >= 1.0x PyTorch samples/s, 1 thread"));
        Assert.Equal("PASS", Verdict(report, "training >= 1.0x PyTorch samples/s, 2 threads"));
        Assert.Equal("PASS", Verdict(report, "inference >= 1.0x PyTorch samples/s, 1 thread"));
        Assert.Equal("MISS", Verdict(report, "inference >= 1.0x PyTorch samples/s, 2 threads"));
        Assert.Equal("MISS", Verdict(report, "warm predict <= 10 ms, 1 thread"));
        Assert.Equal("PASS", Verdict(report, "warm predict <= 10 ms, 2 threads"));
        Assert.Equal("PASS", Verdict(report, "orchestration overhead <= 5 ms per trial"));
        Assert.Equal("MISS", Verdict(report, "sweep throughput: 2 workers >= 1.8x one worker"));
        Assert.Equal("PASS", Verdict(report, "feature-cache reload <= 0.2 s"));
        Assert.Equal("PASS", Verdict(report, "flat worker memory: RSS slope <= 1 MB per epoch over a 50-epoch trial"));
        Assert.Equal("MISS", Verdict(report, "leaderboard first page, 10 000 trials: p95 < 1 s (dashboard issue)"));
        Assert.Equal("FAILED", Verdict(report, "TPE suggestion <= 1 ms at 300 trials of history (search issue)"));
    }

    [Fact]
    public void Rows_show_median_spread_peer_and_ratio_both_ways_round()
    {
        var report = Render(out _);

        var features = Line(report, "| 1440 files |");
        Assert.Contains("| 400 files/s | 390 - 410 | 250 (peer) | 1.60x | >= 2x peer | **MISS** |", features);
        // Lower is better: the ratio is peer / SerSweep, so > 1 still means SerSweep is ahead.
        Assert.Contains("| 10 ms | 9 - 11 | 12.5 (peer) | 1.25x |  |  |", Line(report, "| latency-b1-1t label |"));
        Assert.Contains("Test CPU 9000, 2 cores, 23.4 GiB RAM", report);
        Assert.Contains("commit abc1234", report);
        Assert.Contains("`GLIBC_TUNABLES=glibc.malloc.mmap_max=0`", report);
        Assert.Contains("load average 0.1 / 0.2 / 0.3 before, 1.9 / 1.5 / 0.9 after", report);
        Assert.Contains("cmd features-240", report);
    }

    [Fact]
    public void A_missed_goal_gets_its_written_profile_or_a_place_for_it_and_unrun_sections_say_so()
    {
        var report = Render(out var notes);

        Assert.Contains("Why features miss: the 1440-file profile.", Section(report, "Feature extraction"));
        Assert.Contains("What is timed in training.", Section(report, "Reference CNN"));
        Assert.Contains("No profile written yet: add `bench/report/notes/training-miss.md`", Section(report, "Reference CNN"));
        Assert.DoesNotContain("Goal missed", Section(report, "Feature-cache reload"));
        Assert.Contains("**This measurement failed**", Section(report, "Search"));
        Assert.True(Directory.Exists(notes));
    }

    [Fact]
    public void A_measurement_without_results_keeps_its_goal_rows_and_section_from_the_report_it_replaces()
    {
        var first = Render(out var notes, out var results);
        var cacheSection = Section(first, "Feature-cache reload");
        File.Delete(Path.Combine(results, "cache.jsonl"));
        File.WriteAllLines(Path.Combine(results, "overhead.jsonl"), [Run("overhead"), Row("overhead", "overhead", "lower", "ms", 7.5, 7, 8, peer: 10.4)]);

        var second = RenderInto(results, notes, Path.Combine(results, "benchmarks.md"));

        Assert.Equal("PASS", Verdict(second, "feature-cache reload <= 0.2 s"));
        Assert.Equal(cacheSection, Section(second, "Feature-cache reload"));
        Assert.Equal("MISS", Verdict(second, "orchestration overhead <= 5 ms per trial"));
        Assert.Equal("NOT RUN", Verdict(second, "default sweep end to end: total wall time below Optuna + PyTorch's"));
        // Into a new file (no report to replace) a missing measurement is NOT RUN, as before.
        var fresh = RenderInto(results, notes, Path.Combine(TestPaths.NewTempDir("sersweep-bench-fresh"), "benchmarks.md"));
        Assert.Equal("NOT RUN", Verdict(fresh, "feature-cache reload <= 0.2 s"));
    }

    private static string Render(out string notes) => Render(out notes, out _);

    private static string Render(out string notes, out string resultsDir)
    {
        var results = TestPaths.NewTempDir("sersweep-bench-results");
        notes = TestPaths.NewTempDir("sersweep-bench-notes");
        File.WriteAllText(Path.Combine(results, "machine.json"), Machine);
        foreach (var (name, lines) in Results) File.WriteAllLines(Path.Combine(results, $"{name}.jsonl"), lines);
        File.WriteAllText(Path.Combine(notes, "features-miss.md"), "Why features miss: the 1440-file profile.");
        File.WriteAllText(Path.Combine(notes, "training.md"), "What is timed in training.");
        resultsDir = results;
        return RenderInto(results, notes, Path.Combine(results, "benchmarks.md"));
    }

    private static string RenderInto(string results, string notes, string output)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(TestPaths.RepoRoot, "bench", "report", "render.py"), "--results", results, "--notes", notes, "--out", output })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"render.py failed ({process.ExitCode}): {stderr}");
        return File.ReadAllText(output);
    }

    private static string Verdict(string report, string goal)
    {
        var cells = Line(report, $"| {goal} |").Split('|', StringSplitOptions.TrimEntries);
        return cells[^2].Trim('*');
    }

    private static string Line(string report, string start) =>
        Assert.Single(report.Split('\n'), l => l.StartsWith(start, StringComparison.Ordinal));

    private static string Section(string report, string titleStart)
    {
        var start = report.IndexOf($"\n## {titleStart}", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{titleStart}'");
        var end = report.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? report[start..] : report[start..end];
    }

    private static string Run(string measure, bool error = false) =>
        $$"""{"type": "run", "measure": "{{measure}}", "mode": "full", "date": "2026-11-24T15:01:00+00:00", "seconds": 60.0, "load_before": [0.1, 0.2, 0.3], "load_after": [0.5, 0.3, 0.3], "error": {{(error ? "true" : "false")}}}""";

    private static string Row(string id, string measure, string better, string unit, double median, double? min, double? max,
        double? peer = null, double? goalValue = null)
    {
        var c = CultureInfo.InvariantCulture;
        var stats = min is null ? string.Create(c, $$"""{"median": {{median}}}""") : string.Create(c, $$"""{"median": {{median}}, "min": {{min}}, "max": {{max}}}""");
        var peerJson = peer is null ? "null" : string.Create(c, $$"""{"name": "peer", "median": {{peer}}}""");
        var goal = goalValue is null ? "" : string.Create(c, $", \"goal_value\": {goalValue}");
        var label = id == "features-1440" ? "1440 files" : $"{id} label";
        return $$"""{"id": "{{id}}", "measure": "{{measure}}", "label": "{{label}}", "unit": "{{unit}}", "better": "{{better}}", "sersweep": {{stats}}, "peer": {{peerJson}}, "command": "cmd {{id}}"{{goal}}}""";
    }
}
