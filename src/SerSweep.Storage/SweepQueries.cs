using System.Linq.Expressions;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>Read-side queries for the dashboard, the CLI and the coordinator's recovery. No tracking, one context per call.</summary>
public sealed partial class SweepQueries(IDbContextFactory<SerSweepDbContext> contexts)
{
    private static readonly TrialState[] WithResult = [TrialState.Completed, TrialState.EarlyStopped, TrialState.Pruned];

    public async Task<IReadOnlyList<SweepSummary>> ListSweepsAsync(CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        var sweeps = await db.Sweeps.AsNoTracking().OrderByDescending(s => s.Id).ToListAsync(cancel);
        var counts = await db.Trials.Where(t => t.Role == TrialRole.Trial).GroupBy(t => new { t.SweepId, t.Status })
            .Select(g => new { g.Key.SweepId, g.Key.Status, Count = g.Count() }).ToListAsync(cancel);
        var summaries = new List<SweepSummary>(sweeps.Count);
        foreach (var sweep in sweeps)
        {
            int Count(params TrialState[] statuses) => counts.Where(c => c.SweepId == sweep.Id && statuses.Contains(c.Status)).Sum(c => c.Count);
            var best = await BestTrialQuery(db, sweep).Select(t => new { t.Id, t.ObjectiveValue }).FirstOrDefaultAsync(cancel);
            summaries.Add(new SweepSummary(
                sweep.Id, sweep.Name, sweep.Version, sweep.Status, sweep.Method, sweep.ObjectiveMetric, sweep.Maximize, sweep.MaxTrials,
                Count(Enum.GetValues<TrialState>()), Count(TrialState.Pending), Count(TrialState.Running),
                Count(TrialState.Completed, TrialState.EarlyStopped), Count(TrialState.Pruned), Count(TrialState.Failed),
                Count(TrialState.Cancelled), best?.ObjectiveValue, best?.Id, sweep.CreatedAt, sweep.StartedAt, sweep.FinishedAt));
        }
        return summaries;
    }

    public async Task<SweepSummary?> GetSweepSummaryAsync(long sweepId, CancellationToken cancel = default) =>
        (await ListSweepsAsync(cancel)).SingleOrDefault(s => s.Id == sweepId);

    public async Task<Sweep?> GetSweepAsync(long sweepId, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.Sweeps.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sweepId, cancel);
    }

    /// <summary>Sweeps launched from one sweep file, newest first.</summary>
    public async Task<IReadOnlyList<Sweep>> ListSweepsFromAsync(string sourcePath, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.Sweeps.AsNoTracking().Where(s => s.SourcePath == sourcePath).OrderByDescending(s => s.Id).ToListAsync(cancel);
    }

    /// <summary>Sweeps a restarted coordinator must pick up again.</summary>
    public async Task<IReadOnlyList<Sweep>> UnfinishedSweepsAsync(CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.Sweeps.AsNoTracking()
            .Where(s => s.Status == SweepStatus.Pending || s.Status == SweepStatus.Running || s.Status == SweepStatus.Paused)
            .OrderBy(s => s.Id).ToListAsync(cancel);
    }

    public async Task<IReadOnlyList<Trial>> TrialsAsync(long sweepId, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.Trials.AsNoTracking().Where(t => t.SweepId == sweepId).OrderBy(t => t.Index).ToListAsync(cancel);
    }

    /// <summary>The best trial with a result (by the sweep's objective and direction), with its bundle if it has one.</summary>
    public async Task<(Trial Trial, Artifact? Bundle)?> BestTrialAsync(long sweepId, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        var sweep = await db.Sweeps.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sweepId, cancel);
        if (sweep is null) return null;
        var best = await BestTrialQuery(db, sweep).Include(t => t.Artifacts).FirstOrDefaultAsync(cancel);
        return best is null ? null : (best, await BundleOfAsync(db, best, cancel));
    }

    /// <summary>A trial of the sweep (not a fold) with its bundle if it has one; null when the sweep has no such trial.</summary>
    public async Task<(Trial Trial, Artifact? Bundle)?> TrialWithBundleAsync(long sweepId, long trialId, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        var trial = await db.Trials.AsNoTracking().Include(t => t.Artifacts)
            .SingleOrDefaultAsync(t => t.Id == trialId && t.SweepId == sweepId && t.Role == TrialRole.Trial, cancel);
        return trial is null ? null : (trial, await BundleOfAsync(db, trial, cancel));
    }

    /// <summary>A trial's model: its own bundle, or for a cross-validated trial its refit's (its folds' bundles are never the sweep's).</summary>
    private static async Task<Artifact?> BundleOfAsync(SerSweepDbContext db, Trial trial, CancellationToken cancel) =>
        trial.Artifacts.SingleOrDefault(a => a.Kind == Artifact.BundleKind)
        ?? await db.Artifacts.AsNoTracking().Where(a => a.Kind == Artifact.BundleKind
            && db.Trials.Any(t => t.Id == a.TrialId && t.ParentTrialId == trial.Id && t.Role == TrialRole.Refit)).SingleOrDefaultAsync(cancel);

    /// <summary>The folds and refit of a cross-validated trial with their results, folds first by number.</summary>
    public async Task<IReadOnlyList<Trial>> ChildrenAsync(long parentId, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.Trials.AsNoTracking().Include(t => t.Result)
            .Where(t => t.ParentTrialId == parentId).OrderBy(t => t.Role).ThenBy(t => t.Fold).ToListAsync(cancel);
    }

    public async Task<TrialDetails?> GetTrialAsync(long trialId, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        var trial = await db.Trials.AsNoTracking()
            .Include(t => t.AttemptHistory).Include(t => t.Epochs).Include(t => t.Result).Include(t => t.Artifacts)
            .AsSplitQuery().SingleOrDefaultAsync(t => t.Id == trialId, cancel);
        if (trial is null) return null;
        return new TrialDetails(
            trial,
            [.. trial.AttemptHistory.OrderBy(a => a.Number)],
            [.. trial.Epochs.OrderBy(e => e.Epoch)],
            trial.Result,
            trial.Artifacts.SingleOrDefault(a => a.Kind == Artifact.BundleKind));
    }

    public async Task<IReadOnlyList<EpochMetric>> EpochsAsync(long trialId, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.EpochMetrics.AsNoTracking().Where(e => e.TrialId == trialId).OrderBy(e => e.Epoch).ToListAsync(cancel);
    }

    /// <summary>The epoch <paramref name="epoch"/> of each of these trials that has reached it.</summary>
    public async Task<IReadOnlyList<EpochMetric>> EpochMetricsAtAsync(IReadOnlyList<long> trialIds, int epoch, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.EpochMetrics.AsNoTracking().Where(e => trialIds.Contains(e.TrialId) && e.Epoch == epoch).ToListAsync(cancel);
    }

    public async Task<IReadOnlyList<SiloSnapshot>> SilosAsync(CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.SiloSnapshots.AsNoTracking().OrderBy(s => s.Role).ThenBy(s => s.Address).ToListAsync(cancel);
    }

    /// <summary>The newest <paramref name="count"/> judgements of watched sweep files, newest first.</summary>
    public async Task<IReadOnlyList<SweepFileEvent>> SweepFileEventsAsync(int count = 50, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.SweepFileEvents.AsNoTracking().OrderByDescending(e => e.Id).Take(count).ToListAsync(cancel);
    }

    public async Task<Page<LeaderboardRow>> LeaderboardAsync(long sweepId, LeaderboardQuery query, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        var sweep = await db.Sweeps.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sweepId, cancel)
            ?? throw new ArgumentException($"No sweep with id {sweepId}.", nameof(sweepId));
        var trials = db.Trials.AsNoTracking().Where(t => t.SweepId == sweepId && t.Role == TrialRole.Trial);
        if (query.Statuses.Count > 0)
        {
            var statuses = query.Statuses.ToList();
            trials = trials.Where(t => statuses.Contains(t.Status));
        }
        foreach (var (path, (min, max)) in query.ParameterRanges)
        {
            var jsonPath = JsonPath(path);
            if (min is { } low) trials = trials.Where(t => SerSweepDbContext.JsonNumber(t.ParametersJson, jsonPath) >= low);
            if (max is { } high) trials = trials.Where(t => SerSweepDbContext.JsonNumber(t.ParametersJson, jsonPath) <= high);
        }
        var total = await trials.CountAsync(cancel);
        var ordered = Sort(trials, query, sweep);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        var rows = await ordered.Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize).Select(AsLeaderboardRow).ToListAsync(cancel);
        return new Page<LeaderboardRow>(rows, total, Math.Max(0, query.Page), pageSize);
    }

    /// <summary>Every trial of a sweep as leaderboard rows, by index: what the dashboard's charts plot.</summary>
    public async Task<IReadOnlyList<LeaderboardRow>> AllLeaderboardRowsAsync(long sweepId, CancellationToken cancel = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancel);
        return await db.Trials.AsNoTracking().Where(t => t.SweepId == sweepId && t.Role == TrialRole.Trial).OrderBy(t => t.Index).Select(AsLeaderboardRow).ToListAsync(cancel);
    }

    // Scalars only: the result's JSON columns (confusion, per class) would be most of the bytes read.
    private static readonly Expression<Func<Trial, LeaderboardRow>> AsLeaderboardRow = t => new LeaderboardRow(
        t.Id, t.Index, t.Status, t.ParametersJson, t.ObjectiveValue,
        t.Result == null ? null : t.Result.ValAccuracy, t.Result == null ? null : t.Result.ValMacroF1,
        t.Result == null ? null : t.Result.TestAccuracy, t.Result == null ? null : t.Result.TestMacroF1,
        t.Result == null ? null : t.Result.TestUar,
        t.Result == null ? null : t.Result.ValLoss, t.Result == null ? null : t.Result.ValUar, t.Result == null ? null : t.Result.TestLoss,
        t.LastEpoch, t.Attempts, t.Silo, t.FailureClass, t.StopReason, t.StartedAt, t.FinishedAt, t.ObjectiveSd);

    private static IQueryable<Trial> BestTrialQuery(SerSweepDbContext db, Sweep sweep)
    {
        var withResult = db.Trials.AsNoTracking()
            .Where(t => t.SweepId == sweep.Id && t.Role == TrialRole.Trial && t.ObjectiveValue != null && WithResult.Contains(t.Status));
        return sweep.Maximize
            ? withResult.OrderByDescending(t => t.ObjectiveValue).ThenBy(t => t.Index)
            : withResult.OrderBy(t => t.ObjectiveValue).ThenBy(t => t.Index);
    }

    private static IOrderedQueryable<Trial> Sort(IQueryable<Trial> trials, LeaderboardQuery query, Sweep sweep)
    {
        var sortBy = query.SortBy;
        if (sortBy == "index") return OrderBy(trials, t => t.Index, query.Descending ?? false);
        if (sortBy == "status") return OrderBy(trials, t => t.Status, query.Descending ?? false);
        if (sortBy == "epochs") return OrderBy(trials, t => t.LastEpoch, query.Descending ?? true);
        if (sortBy == "finished_at") return NullsLast(trials, t => t.FinishedAt, query.Descending ?? true);
        if (sortBy == LeaderboardQuery.Objective) return NullsLast(trials, t => t.ObjectiveValue, query.Descending ?? sweep.Maximize);
        if (sortBy.StartsWith(LeaderboardQuery.ParameterPrefix, StringComparison.Ordinal))
        {
            var jsonPath = JsonPath(sortBy[LeaderboardQuery.ParameterPrefix.Length..]);
            return NullsLast(trials, t => SerSweepDbContext.JsonNumber(t.ParametersJson, jsonPath), query.Descending ?? false);
        }
        var descending = query.Descending ?? !Metrics.LowerIsBetter(sortBy);
        var column = TrialResult.ColumnOf(sortBy)
            ?? throw new ArgumentException($"Unknown leaderboard sort '{sortBy}': use objective, index, status, epochs, finished_at, a final metric or param:PATH.", nameof(query));
        return NullsLast(trials, t => EF.Property<double?>(t.Result!, column), descending);
    }

    private static IOrderedQueryable<Trial> OrderBy<TKey>(IQueryable<Trial> trials, Expression<Func<Trial, TKey>> key, bool descending) =>
        descending ? trials.OrderByDescending(key).ThenBy(t => t.Index) : trials.OrderBy(key).ThenBy(t => t.Index);

    /// <summary>Trials without the value (not finished yet) go last in either direction.</summary>
    private static IOrderedQueryable<Trial> NullsLast<TKey>(IQueryable<Trial> trials, Expression<Func<Trial, TKey?>> key, bool descending)
    {
        var isNull = Expression.Lambda<Func<Trial, bool>>(Expression.Equal(key.Body, Expression.Constant(null, key.Body.Type)), key.Parameters);
        var ordered = trials.OrderBy(isNull);
        ordered = descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
        return ordered.ThenBy(t => t.Index);
    }

    /// <summary>SQLite JSON path of a dotted parameter key; the key is checked so that it cannot break out of the path.</summary>
    private static string JsonPath(string dottedKey) =>
        ParameterKey().IsMatch(dottedKey)
            ? $"$.\"{dottedKey}\""
            : throw new ArgumentException($"Invalid parameter name '{dottedKey}': letters, digits, '_' and '.' only.", nameof(dottedKey));

    [GeneratedRegex(@"^[A-Za-z0-9_.]{1,100}$")]
    private static partial Regex ParameterKey();
}
