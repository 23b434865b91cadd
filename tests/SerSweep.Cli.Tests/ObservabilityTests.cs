using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SerSweep.Storage.Entities;

namespace SerSweep.Cli.Tests;

/// <summary>What an operator sees of a sweep: /metrics while it runs and the JSON logs, checked against the database.</summary>
public sealed class ObservabilityTests(ObservedSilo silo) : IClassFixture<ObservedSilo>
{
    [Fact]
    public async Task Metrics_endpoint_counts_move_during_the_sweep_and_end_equal_to_the_database()
    {
        var epochsSeen = silo.Scrapes.Select(p => Sum(p, "sersweep_epochs_reported_total")).ToList();
        Assert.True(epochsSeen.Zip(epochsSeen.Skip(1)).All(p => p.First <= p.Second), $"a counter went down: {string.Join(", ", epochsSeen)}");
        Assert.True(epochsSeen.Distinct().Count() >= 3, $"the epoch counter was seen at only {string.Join(", ", epochsSeen.Distinct())} while the sweep ran");
        Assert.Contains(silo.Scrapes, p => Sum(p, "sersweep_trials_finished_total") is > 0 and < ObservedSilo.Trials);

        var (trials, attempts, epochs) = await silo.ReadAsync(async db => (
            await db.Trials.AsNoTracking().ToListAsync(), await db.TrialAttempts.CountAsync(), await db.EpochMetrics.CountAsync()));
        Assert.Equal(ObservedSilo.Trials, trials.Count);
        Assert.Equal(trials.Count(t => t.Attempts > 0), Sum(silo.Final, "sersweep_trials_started_total"));
        Assert.Equal(attempts, Sum(silo.Final, "sersweep_attempts_started_total"));
        Assert.Equal(epochs, Sum(silo.Final, "sersweep_epochs_reported_total"));
        Assert.Equal(ObservedSilo.Trials * ObservedSilo.Epochs, epochs);
        foreach (var status in trials.GroupBy(t => t.Status))
            Assert.Equal(status.Count(), Sum(silo.Final, "sersweep_trials_finished_total", $"status=\"{status.Key.ToString().ToLowerInvariant()}\""));
        Assert.Equal(trials.Count, Sum(silo.Final, "sersweep_trials_finished_total"));
        Assert.Equal(epochs, Sum(silo.Final, "sersweep_epoch_duration_seconds_count"));
        // Orleans' and the runtime's meters are served beside SerSweep's.
        Assert.Contains("\norleans_", silo.Final);
        Assert.Contains("\ndotnet_gc_", silo.Final);
        Assert.Equal(404, silo.DashboardOnMetricsPort);
    }

    [Fact]
    public async Task Json_logs_have_every_attempts_start_and_end_with_its_ids()
    {
        var attempts = await silo.ReadAsync(db => db.TrialAttempts.AsNoTracking()
            .Join(db.Trials, a => a.TrialId, t => t.Id, (a, t) => new { t.SweepId, a.TrialId, a.Number, a.Silo, a.Outcome }).ToListAsync());
        Assert.NotEmpty(attempts);
        var records = silo.LogLines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(records.Count > 0 && records.Count == silo.LogLines.Count(l => l.Contains("\"LogLevel\"", StringComparison.Ordinal)),
            "every log line must be one JSON object");
        foreach (var attempt in attempts)
        {
            foreach (var (verb, end) in new[] { ("started", (string?)null), ("ended", attempt.Outcome.ToString()) })
            {
                var found = records.Where(r => Template(r).Contains($"{{Attempt}} of sweep {{SweepId}} {verb}", StringComparison.Ordinal)
                    && Field(r, "TrialId") == attempt.TrialId.ToString(CultureInfo.InvariantCulture)
                    && Field(r, "Attempt") == attempt.Number.ToString(CultureInfo.InvariantCulture)).ToList();
                var record = Assert.Single(found);
                Assert.Equal(attempt.SweepId.ToString(CultureInfo.InvariantCulture), Field(record, "SweepId"));
                Assert.Equal(attempt.Silo, Field(record, "Silo"));
                if (end is not null) Assert.Equal(end, Field(record, "End"));
                // The attempt's scope carries the same ids for every message logged while it runs.
                var scope = record.GetProperty("Scopes").EnumerateArray().Single(s => s.TryGetProperty("TrialId", out _));
                Assert.Equal(attempt.TrialId, scope.GetProperty("TrialId").GetInt64());
            }
        }
    }

    private static string Template(JsonElement record) =>
        record.TryGetProperty("State", out var state) && state.TryGetProperty("{OriginalFormat}", out var format) ? format.GetString() ?? "" : "";

    private static string? Field(JsonElement record, string name) =>
        record.GetProperty("State").TryGetProperty(name, out var value) ? value.ToString() : null;

    /// <summary>The sum of a Prometheus text-format metric's samples, over those whose labels contain <paramref name="label"/>.</summary>
    private static long Sum(string page, string metric, string label = "") =>
        (long)page.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(l => l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
