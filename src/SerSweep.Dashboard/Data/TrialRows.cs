using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Dashboard.Views;
using SerSweep.Search.Parsing;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Data;

/// <summary>
/// A sweep's trials as leaderboard rows (parameters parsed from their JSON): every trial for the charts, or one
/// ranked page for the grid, both from Storage's leaderboard query, so there is one way trials are sorted and
/// filtered: in SQL.
/// </summary>
public sealed class TrialRows(IDbContextFactory<SerSweepDbContext> contexts, SweepQueries queries)
{
    /// <summary>The metrics a leaderboard shows, when any trial has them.</summary>
    public static readonly IReadOnlyList<string> MetricColumns =
        [Metrics.ValAccuracy, Metrics.ValMacroF1, Metrics.ValUar, Metrics.ValLoss, Metrics.TestAccuracy, Metrics.TestMacroF1, Metrics.TestUar];

    /// <summary>Every trial, by index.</summary>
    public async Task<IReadOnlyList<TrialRow>> LoadAsync(Sweep sweep, CancellationToken cancel = default) =>
        (await queries.AllLeaderboardRowsAsync(sweep.Id, cancel)).Select(row => ToRow(row, sweep.ObjectiveMetric)).ToList();

    /// <summary>One page of the leaderboard, sorted and filtered in SQL, with the number of trials the filter lets through.</summary>
    public async Task<(IReadOnlyList<TrialRow> Rows, int Total)> PageAsync(Sweep sweep, LeaderboardQuery query, CancellationToken cancel = default)
    {
        var page = await queries.LeaderboardAsync(sweep.Id, query, cancel);
        return (page.Items.Select(row => ToRow(row, sweep.ObjectiveMetric)).ToList(), page.Total);
    }

    private static TrialRow ToRow(LeaderboardRow t, string objective) => new()
    {
        TrialId = t.TrialId,
        Index = t.Index,
        Status = StatusName(t.Status),
        Parameters = Parameters(t.ParametersJson),
        Metrics = MetricsOf(t, objective),
        EpochsDone = t.LastEpoch,
        ObjectiveSd = t.ObjectiveSd,
        StopReason = t.StopReason ?? (t.FailureClass is { } failure ? $"failed: {StatusName(failure)}" : null),
        FinishedAt = t.FinishedAt is { } finished ? new DateTimeOffset(finished, TimeSpan.Zero) : null,
    };

    /// <summary>Trials with a failed attempt (also those whose retry then succeeded), by index.</summary>
    public async Task<IReadOnlyList<Trial>> FailuresAsync(long sweepId, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.Trials.AsNoTracking().Where(t => t.SweepId == sweepId && t.FailureClass != null)
            .OrderBy(t => t.Index).ToListAsync(cancel);
    }

    /// <summary>The parameters the trials sampled, in the order the sweep file lists them.</summary>
    public static IReadOnlyList<string> ParameterNames(Sweep sweep, IReadOnlyList<TrialRow> rows)
    {
        var sampled = rows.SelectMany(r => r.Parameters.Keys).Distinct(StringComparer.Ordinal).ToList();
        var definition = SweepFile.Parse(sweep.YamlText, sweep.SourcePath ?? "sweep.yaml").Definition;
        if (definition is null)
            return sampled;
        // File order first; conditional parameters no trial sampled yet have nothing to show.
        var inFileOrder = definition.Parameters.Select(p => p.Path).Where(sampled.Contains).ToList();
        return [.. inFileOrder, .. sampled.Except(inFileOrder)];
    }

    public static IReadOnlyList<string> MetricNames(IReadOnlyList<TrialRow> rows, string objective) =>
        MetricColumns.Where(m => m == objective || rows.Any(r => r.Metrics.ContainsKey(m))).ToList();

    /// <summary>snake_case of an enum value: <c>EarlyStopped</c> is "early_stopped".</summary>
    public static string StatusName<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The parameters JSON object (flat: dotted key to number, string or bool), read without a DOM.</summary>
    public static IReadOnlyDictionary<string, HyperparameterValue> Parameters(string json)
    {
        var values = new Dictionary<string, HyperparameterValue>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                continue;
            var key = reader.GetString()!;
            reader.Read();
            values[key] = reader.TokenType switch
            {
                JsonTokenType.Number => HyperparameterValue.Of(reader.GetDouble()),
                JsonTokenType.String => HyperparameterValue.Of(reader.GetString()!),
                JsonTokenType.True or JsonTokenType.False => new HyperparameterValue(reader.GetBoolean() ? "true" : "false", null),
                _ => new HyperparameterValue(SkipRaw(ref reader, json), null),
            };
        }
        return values;
    }

    private static string SkipRaw(ref Utf8JsonReader reader, string json)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(json), start, (int)(reader.BytesConsumed - start));
    }

    private static Dictionary<string, double> MetricsOf(LeaderboardRow t, string objective)
    {
        var metrics = new Dictionary<string, double>(new MetricValues
        {
            ValLoss = t.ValLoss, ValAccuracy = t.ValAccuracy, ValMacroF1 = t.ValMacroF1, ValUar = t.ValUar,
            TestLoss = t.TestLoss, TestAccuracy = t.TestAccuracy, TestMacroF1 = t.TestMacroF1, TestUar = t.TestUar,
        }.Measured);
        // The objective's column, charts and importance show what ranks the trial: its objective value. For a
        // cross-validated trial that is the mean over its folds' held-out actors, not its stored metric of the same name
        // (the folds' validation parts, of the training speakers); a running trial has only its objective so far.
        if (t.ObjectiveValue is { } value)
            metrics[objective] = value;
        return metrics;
    }
}
