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
        var trials = await db.Trials.AsNoTracking().Where(t => t.SweepId == sweep.Id).OrderBy(t => t.Index)
            .Select(t => new
            {
                t.Id, t.Index, t.Status, t.ParametersJson, t.ObjectiveValue, t.LastEpoch, t.StopReason,
                t.FailureClass, t.FinishedAt, t.Result,
            })
            .ToListAsync(cancel);
        return trials.Select(t => new TrialRow
        {
            TrialId = t.Id,
            Index = t.Index,
            Status = StatusName(t.Status),
            Parameters = Parameters(t.ParametersJson),
            Metrics = MetricsOf(t.Result, sweep.ObjectiveMetric, t.ObjectiveValue),
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

    public static IReadOnlyDictionary<string, HyperparameterValue> Parameters(string json) =>
        StoredJson.ReadParameters(json).ToDictionary(p => p.Key, p => p.Value.ValueKind switch
        {
            JsonValueKind.Number => HyperparameterValue.Of(p.Value.GetDouble()),
            JsonValueKind.String => HyperparameterValue.Of(p.Value.GetString()!),
            _ => new HyperparameterValue(p.Value.GetRawText(), null),
        });

    private static Dictionary<string, double> MetricsOf(TrialResult? result, string objective, double? objectiveSoFar)
    {
        var metrics = new Dictionary<string, double>(TrialViews.FinalMetrics(result));
        // A running trial has no result yet: its best objective so far still ranks it.
        if (!metrics.ContainsKey(objective) && objectiveSoFar is { } soFar)
            metrics[objective] = soFar;
        return metrics;
    }
}
