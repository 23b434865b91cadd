using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Dashboard.Views;
using SerSweep.Search.Parsing;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Dashboard.Data;

/// <summary>
/// Reads a sweep's trials into leaderboard rows: one query over trials and their results, parameters parsed
/// from their JSON. The whole sweep is read so the leaderboard can sort by any metric or hyperparameter and
/// the charts see every trial; 10 000 trials read in well under a second (see docs/benchmarks.md).
/// </summary>
public sealed class TrialRows(IDbContextFactory<SerSweepDbContext> contexts)
{
    /// <summary>The metrics a leaderboard shows, when any trial has them.</summary>
    public static readonly IReadOnlyList<string> MetricColumns =
        [Metrics.ValAccuracy, Metrics.ValMacroF1, Metrics.ValUar, Metrics.ValLoss, Metrics.TestAccuracy, Metrics.TestMacroF1, Metrics.TestUar];

    public async Task<IReadOnlyList<TrialRow>> LoadAsync(Sweep sweep, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        // Scalars only: the result's JSON columns (confusion, per class) would be most of the bytes read.
        var trials = await db.Trials.AsNoTracking().Where(t => t.SweepId == sweep.Id).OrderBy(t => t.Index)
            .Select(t => new
            {
                t.Id, t.Index, t.Status, t.ParametersJson, t.ObjectiveValue, t.LastEpoch, t.StopReason, t.FailureClass, t.FinishedAt,
                HasResult = t.Result != null,
                ValLoss = t.Result!.ValLoss, ValAccuracy = t.Result.ValAccuracy, ValMacroF1 = t.Result.ValMacroF1, ValUar = t.Result.ValUar,
                TestLoss = t.Result.TestLoss, TestAccuracy = t.Result.TestAccuracy, TestMacroF1 = t.Result.TestMacroF1, TestUar = t.Result.TestUar,
            })
            .ToListAsync(cancel);
        return trials.Select(t => new TrialRow
        {
            TrialId = t.Id,
            Index = t.Index,
            Status = StatusName(t.Status),
            Parameters = Parameters(t.ParametersJson),
            Metrics = MetricsOf(
                t.HasResult
                    ? new TrialResult
                    {
                        ValLoss = t.ValLoss, ValAccuracy = t.ValAccuracy, ValMacroF1 = t.ValMacroF1, ValUar = t.ValUar,
                        TestLoss = t.TestLoss, TestAccuracy = t.TestAccuracy, TestMacroF1 = t.TestMacroF1, TestUar = t.TestUar,
                    }
                    : null,
                sweep.ObjectiveMetric, t.ObjectiveValue),
            EpochsDone = t.LastEpoch,
            StopReason = t.StopReason ?? (t.FailureClass is { } failure ? $"failed: {StatusName(failure)}" : null),
            FinishedAt = t.FinishedAt is { } finished ? new DateTimeOffset(finished, TimeSpan.Zero) : null,
        }).ToList();
    }

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

    private static Dictionary<string, double> MetricsOf(TrialResult? result, string objective, double? objectiveSoFar)
    {
        var metrics = new Dictionary<string, double>(TrialViews.FinalMetrics(result));
        // A running trial has no result yet: its best objective so far still ranks it.
        if (!metrics.ContainsKey(objective) && objectiveSoFar is { } soFar)
            metrics[objective] = soFar;
        return metrics;
    }
}
