using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage.Tests;

public sealed class LeaderboardTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Trials 0..count-1 with learning rate (i % 7) / 100; every third left running; objective = (i * 37 % 101) / 100;
    /// validation loss = (i * 53 % 97) / 10, an order unrelated to the objective's.
    /// </summary>
    private static async Task<Sweep> SeedAsync(TestDatabase db, int count)
    {
        var sweep = await db.AddSweepAsync();
        var trials = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            db.Writer.AddTrialAsync(sweep.Id, i, StoredJson.WriteParameters(new Dictionary<string, object?> { ["training.learning_rate"] = i % 7 / 100.0 }), i)));
        await Task.WhenAll(trials.Select(t => db.Writer.StartAttemptAsync(t.Id, "w", Lease)));
        await Task.WhenAll(trials.Where(t => t.Index % 3 != 0).Select(t =>
            db.Writer.CommitResultAsync(WithLoss(TestDatabase.Result(t.Id, 1, Objective(t.Index)), t.Index), Objective(t.Index), null, null)));
        return sweep;
    }

    private static double Objective(int index) => index * 37 % 101 / 100.0;

    private static double Loss(int index) => index * 53 % 97 / 10.0;

    private static TrialResult WithLoss(TrialResult result, int index)
    {
        result.ValLoss = Loss(index);
        return result;
    }

    [Fact]
    public async Task Pages_are_sorted_best_first_with_unfinished_trials_last_and_counted()
    {
        await using var db = new TestDatabase();
        var sweep = await SeedAsync(db, 300);
        var expected = Enumerable.Range(0, 300).Where(i => i % 3 != 0).OrderByDescending(Objective).ThenBy(i => i).ToList();

        var first = await db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery { PageSize = 40 });
        var third = await db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery { PageSize = 40, Page = 2 });
        var last = await db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery { PageSize = 40, Page = 7 });

        Assert.Equal(300, first.Total);
        Assert.Equal(expected.Take(40), first.Items.Select(r => r.Index));
        Assert.Equal(expected.Skip(80).Take(40), third.Items.Select(r => r.Index));
        Assert.All(last.Items, r => Assert.Equal(TrialState.Running, r.Status));
    }

    [Fact]
    public async Task Sorting_by_a_loss_metric_or_a_parameter_and_filtering_by_status_and_range()
    {
        await using var db = new TestDatabase();
        var sweep = await SeedAsync(db, 60);

        // A loss sorts ascending by default (lower is better), finished trials first, running ones (no loss) last.
        var byLoss = await db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery { SortBy = Metrics.ValLoss, PageSize = 60 });
        var expectedByLoss = Enumerable.Range(0, 60).Where(i => i % 3 != 0).OrderBy(Loss).ThenBy(i => i)
            .Concat(Enumerable.Range(0, 60).Where(i => i % 3 == 0)).ToList();
        Assert.Equal(expectedByLoss, byLoss.Items.Select(r => r.Index));
        var worstLossFirst = await db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery { SortBy = Metrics.ValLoss, Descending = true, PageSize = 5 });
        Assert.Equal(Enumerable.Range(0, 60).Where(i => i % 3 != 0).OrderByDescending(Loss).ThenBy(i => i).Take(5), worstLossFirst.Items.Select(r => r.Index));

        var byRate = await db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery
        {
            SortBy = "param:training.learning_rate", Descending = true,
            Statuses = [TrialState.Completed],
            ParameterRanges = new Dictionary<string, (double?, double?)> { ["training.learning_rate"] = (0.02, 0.05) },
            PageSize = 100,
        });
        var expected = Enumerable.Range(0, 60).Where(i => i % 3 != 0 && i % 7 is >= 2 and <= 5)
            .OrderByDescending(i => i % 7).ThenBy(i => i).ToList();
        Assert.Equal(expected, byRate.Items.Select(r => r.Index));
        Assert.Equal(expected.Count, byRate.Total);
    }

    [Fact]
    public async Task Unknown_sorts_and_unsafe_parameter_names_are_rejected_with_their_name()
    {
        await using var db = new TestDatabase();
        var sweep = await db.AddSweepAsync();
        var sort = await Assert.ThrowsAsync<ArgumentException>(() => db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery { SortBy = "speed" }));
        Assert.Contains("'speed'", sort.Message);
        var param = await Assert.ThrowsAsync<ArgumentException>(() => db.Queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery { SortBy = "param:x\") --" }));
        Assert.Contains("Invalid parameter name", param.Message);
    }

    [Fact]
    public async Task The_summary_counts_trials_by_status_and_names_the_best()
    {
        await using var db = new TestDatabase();
        var sweep = await SeedAsync(db, 30);
        var summary = (await db.Queries.GetSweepSummaryAsync(sweep.Id))!;
        Assert.Equal((30, 10, 20), (summary.Total, summary.Running, summary.Completed));
        var bestIndex = Enumerable.Range(0, 30).Where(i => i % 3 != 0).MaxBy(Objective);
        var best = (await db.Queries.BestTrialAsync(sweep.Id))!.Value;
        Assert.Equal(bestIndex, best.Trial.Index);
        Assert.Equal(best.Trial.Id, summary.BestTrialId);
        Assert.Equal(Objective(bestIndex), summary.BestObjective);
    }
}
