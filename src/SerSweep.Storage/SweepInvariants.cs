using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>What a sweep holds, counted over its ranked trials (folds and refits aside), for a reader to compare with what it expected.</summary>
public sealed record SweepTally(
    long SweepId, string Name, SweepStatus Status, int Trials, int Completed, int TrialsWithResult, int Results,
    int Attempts, int Preempted, int Epochs);

/// <summary>One broken invariant, naming the trial it is about (null: the sweep as a whole).</summary>
public sealed record InvariantViolation(long SweepId, long? TrialId, int? TrialIndex, string Message)
{
    public override string ToString() => TrialId is { } id ? $"sweep {SweepId}, trial {id} (index {TrialIndex}): {Message}" : $"sweep {SweepId}: {Message}";
}

public sealed record InvariantReport(IReadOnlyList<SweepTally> Sweeps, IReadOnlyList<InvariantViolation> Violations)
{
    public bool Ok => Violations.Count == 0;
}

/// <summary>
/// What must hold of a database however its silos were killed and restarted (what <c>deploy/drill</c> checks after each
/// run), read from the database as it is:
/// a trial that ended with metrics has exactly one result, and a trial with a result is finished;
/// a finished trial that trained recorded epochs 1..<see cref="Trial.LastEpoch"/> once each;
/// a trial's attempt counter matches its recorded attempts, at least one for a trial that trained to a result;
/// a completed cross-validated trial has every fold finished; a completed sweep has every trial finished.
/// </summary>
public static class SweepInvariants
{
    public static async Task<InvariantReport> CheckAsync(SerSweepDbContext db, CancellationToken cancel = default)
    {
        // One read transaction: every query sees the same snapshot (WAL), so a live sweep's commit between two of them is no violation.
        await using var snapshot = await db.Database.BeginTransactionAsync(cancel);
        var sweeps = await db.Sweeps.AsNoTracking().OrderBy(s => s.Id).Select(s => new { s.Id, s.Name, s.Status }).ToListAsync(cancel);
        var trials = await db.Trials.AsNoTracking().OrderBy(t => t.Id).Select(t => new TrialFacts(
            t.Id, t.SweepId, t.Index, t.Role, t.ParentTrialId, t.Status, t.Attempts, t.LastEpoch)).ToListAsync(cancel);
        var attempts = await db.TrialAttempts.GroupBy(a => a.TrialId)
            .Select(g => new { TrialId = g.Key, Count = g.Count(), Preempted = g.Count(a => a.FailureClass == FailureClass.Preempted) })
            .ToDictionaryAsync(a => a.TrialId, cancel);
        var epochs = await db.EpochMetrics.GroupBy(e => e.TrialId)
            .Select(g => new EpochFacts(g.Key, g.Count(), g.Select(e => e.Epoch).Distinct().Count(), g.Min(e => e.Epoch), g.Max(e => e.Epoch)))
            .ToDictionaryAsync(e => e.TrialId, cancel);
        var results = await db.TrialResults.GroupBy(r => r.TrialId).Select(g => new { TrialId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(r => r.TrialId, r => r.Count, cancel);
        var children = trials.Where(t => t.ParentTrialId is not null).ToLookup(t => t.ParentTrialId!.Value);

        var violations = new List<InvariantViolation>();
        foreach (var t in trials)
        {
            void Violation(string message) => violations.Add(new InvariantViolation(t.SweepId, t.Id, t.Index, message));
            var resultCount = results.GetValueOrDefault(t.Id);
            var attempted = attempts.TryGetValue(t.Id, out var a) ? a.Count : 0;
            var trains = !children[t.Id].Any(c => c.Role == TrialRole.Fold); // a cross-validated trial only gathers its folds
            if (t.Status.HasResult() && resultCount == 0) Violation($"{t.Status} without a result");
            if (resultCount > 1) Violation($"{resultCount} results");
            if (resultCount > 0 && !t.Status.IsFinished()) Violation($"{t.Status} with a result");
            if (t.Attempts != attempted) Violation($"counts {t.Attempts} attempts, {attempted} recorded");
            if (trains && resultCount > 0 && attempted < 1) Violation("a result without an attempt");
            if (trains && resultCount > 0 && epochs.GetValueOrDefault(t.Id) is var e && !EpochsOnceEach(e, t.LastEpoch))
                Violation($"epochs recorded {Describe(e)}, not 1..{t.LastEpoch} once each");
            if (t.Status == TrialState.Completed && children[t.Id].FirstOrDefault(c => c.Role == TrialRole.Fold && !c.Status.IsFinished()) is { } fold)
                Violation($"completed while its fold trial {fold.Id} is {fold.Status}");
        }
        foreach (var sweep in sweeps.Where(s => s.Status == SweepStatus.Completed))
            foreach (var t in trials.Where(t => t.SweepId == sweep.Id && !t.Status.IsFinished()))
                violations.Add(new InvariantViolation(sweep.Id, t.Id, t.Index, $"{t.Status} in a completed sweep"));

        var tallies = sweeps.Select(s =>
        {
            var ranked = trials.Where(t => t.SweepId == s.Id && t.Role == TrialRole.Trial).ToList();
            return new SweepTally(s.Id, s.Name, s.Status, ranked.Count, ranked.Count(t => t.Status == TrialState.Completed),
                ranked.Count(t => results.ContainsKey(t.Id)), ranked.Sum(t => results.GetValueOrDefault(t.Id)),
                ranked.Sum(t => attempts.TryGetValue(t.Id, out var a) ? a.Count : 0),
                ranked.Sum(t => attempts.TryGetValue(t.Id, out var a) ? a.Preempted : 0),
                ranked.Sum(t => epochs.GetValueOrDefault(t.Id)?.Rows ?? 0));
        }).ToList();
        return new InvariantReport(tallies, violations);
    }

    private static bool EpochsOnceEach(EpochFacts? e, int lastEpoch) =>
        e is null ? lastEpoch == 0 : e.Rows == lastEpoch && e.Distinct == lastEpoch && e.First == 1 && e.Last == lastEpoch;

    private static string Describe(EpochFacts? e) => e is null ? "none" : $"{e.Rows} rows of epochs {e.First}..{e.Last} ({e.Distinct} distinct)";

    private sealed record TrialFacts(long Id, long SweepId, int Index, TrialRole Role, long? ParentTrialId, TrialState Status, int Attempts, int LastEpoch);

    private sealed record EpochFacts(long TrialId, int Rows, int Distinct, int First, int Last);
}
