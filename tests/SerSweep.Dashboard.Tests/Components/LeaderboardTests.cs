using System.Globalization;
using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SerSweep.Core;
using SerSweep.Dashboard.Components.Grids;
using SerSweep.Dashboard.Data;
using SerSweep.Storage;
using SerSweep.Storage.Entities;
using SerSweep.Testing;

namespace SerSweep.Dashboard.Tests.Components;

/// <summary>The leaderboard grid over a real SQLite file: every page it shows is Storage's SQL leaderboard query.</summary>
public sealed class LeaderboardTests : IAsyncLifetime
{
    private const string LearningRate = "training.learning_rate";
    private const string Optimizer = "training.optimizer";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private readonly BunitContext context = new();
    private StoreWriter writer = default!;
    private SweepQueries queries = default!;
    private Sweep sweep = default!;

    /// <summary>
    /// 30 trials: index i has learning rate 10^(-5 + i/7.5), optimizer adam (even) or sgd (odd), and validation
    /// accuracy that peaks at i = 17. Every 5th was pruned, every other 7th failed (no result).
    /// </summary>
    public async Task InitializeAsync()
    {
        var path = Path.Combine(TestPaths.NewTempDir("sersweep-leaderboard"), "sersweep.db");
        SqliteDatabase.Migrate(path);
        var contexts = new PooledDbContextFactory<SerSweepDbContext>(SqliteDatabase.Options(path));
        writer = new StoreWriter(contexts, NullLogger<StoreWriter>.Instance);
        queries = new SweepQueries(contexts);
        sweep = await writer.CreateSweepAsync(new Sweep
        {
            Name = "grid", YamlText = "name: grid\n", Method = "random", ObjectiveMetric = Core.Metrics.ValAccuracy, Maximize = true,
            MaxTrials = 40, MaxConcurrent = 1, MaxAttempts = 1,
        });
        for (var i = 0; i < 30; i++)
            await AddTrialAsync(i, i % 5 == 0 ? TrialState.Pruned : i % 7 == 0 ? TrialState.Failed : TrialState.Completed, 0.9 - Math.Abs(i - 17) * 0.02);
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddSingleton<IDbContextFactory<SerSweepDbContext>>(contexts);
        context.Services.AddSingleton(queries);
        context.Services.AddSingleton<TrialRows>();
    }

    public async Task DisposeAsync()
    {
        await context.DisposeAsync();
        await writer.DisposeAsync();
    }

    private async Task AddTrialAsync(int i, TrialState outcome, double valAccuracy)
    {
        var parameters = StoredJson.WriteParameters(new Dictionary<string, object?>
        {
            [LearningRate] = Math.Pow(10, -5 + i / 7.5),
            [Optimizer] = i % 2 == 0 ? "adam" : "sgd",
        });
        var trial = await writer.AddTrialAsync(sweep.Id, i, parameters, seed: i);
        var attempt = (await writer.StartAttemptAsync(trial.Id, "silo", Lease))!;
        if (outcome == TrialState.Failed)
        {
            await writer.FailAttemptAsync(trial.Id, attempt.Attempt, FailureClass.Crashed, "boom", retry: false);
            return;
        }
        var result = new TrialResult
        {
            TrialId = trial.Id, Attempt = attempt.Attempt, Outcome = outcome, Epochs = 5, BestEpoch = 5, ValAccuracy = valAccuracy, ValLoss = 0.5 + i * 0.01,
        };
        await writer.CommitResultAsync(result, valAccuracy, outcome == TrialState.Pruned ? "asha rung 1" : null, bundle: null);
    }

    private async Task<IRenderedComponent<Leaderboard>> RenderAsync()
    {
        var rows = await context.Services.GetRequiredService<TrialRows>().LoadAsync(sweep);
        var best = (await queries.GetSweepSummaryAsync(sweep.Id))!.BestTrialId;
        return context.Render<Leaderboard>(p => p
            .Add(c => c.Sweep, sweep)
            .Add(c => c.Rows, rows)
            .Add(c => c.BestTrialId, best)
            .Add(c => c.MetricNames, ["val_accuracy", "val_loss"])
            .Add(c => c.ParameterNames, [LearningRate, Optimizer])
            .Add(c => c.Objective, "val_accuracy"));
    }

    private static int[] ShownIndices(IRenderedComponent<Leaderboard> grid) =>
        grid.FindAll("tbody td.index a").Select(a => int.Parse(a.TextContent, CultureInfo.InvariantCulture)).ToArray();

    private static void ClickHeader(IRenderedComponent<Leaderboard> grid, string title) =>
        grid.FindAll("th").Single(th => th.QuerySelector(".col-title-text")?.TextContent.Trim() == title)
            .QuerySelector("button.col-title")!.Click();

    [Fact]
    public async Task Sorts_by_the_objective_best_first_and_highlights_the_best_trial()
    {
        var grid = await RenderAsync();

        grid.WaitForAssertion(() => Assert.Equal(25, ShownIndices(grid).Length)); // first page
        var shown = ShownIndices(grid);
        Assert.Equal([17, 16, 18], shown[..3]); // ties by index
        Assert.Equal("17", grid.Find("tbody tr.best td.index a").TextContent);
    }

    [Fact]
    public async Task Clicking_a_metric_header_toggles_its_direction_and_trials_without_a_value_stay_last()
    {
        var grid = await RenderAsync();
        ClickHeader(grid, "val_accuracy");
        grid.WaitForAssertion(() => Assert.Equal(0, ShownIndices(grid)[0])); // 0.56: the worst accuracy
        grid.Find("button[title='Go to next page']").Click();
        grid.WaitForAssertion(() => Assert.Equal([7, 14, 21, 28], ShownIndices(grid)[^4..].Order())); // failed: no result
    }

    [Fact]
    public async Task Sorts_a_numeric_hyperparameter_numerically_not_as_text()
    {
        var grid = await RenderAsync();
        ClickHeader(grid, LearningRate);
        // As text "1E-05" < "1.36E-05" would scramble the order; numerically index order is learning-rate order.
        grid.WaitForAssertion(() => Assert.Equal(Enumerable.Range(0, 25), ShownIndices(grid)));
        ClickHeader(grid, LearningRate);
        grid.WaitForAssertion(() => Assert.Equal(Enumerable.Range(5, 25).Reverse(), ShownIndices(grid)));
    }

    [Fact]
    public async Task Sorts_a_categorical_hyperparameter_by_its_text()
    {
        var grid = await RenderAsync();
        ClickHeader(grid, Optimizer);
        grid.WaitForAssertion(() =>
            Assert.Equal(Enumerable.Repeat("adam", 15).Concat(Enumerable.Repeat("sgd", 10)), grid.FindAll("tbody tr").Where(HasTrial).Select(OptimizerCell)));
    }

    private static bool HasTrial(IElement row) => row.QuerySelector("td.index a") is not null;

    private static string OptimizerCell(IElement row) => row.QuerySelectorAll("td.parameter")[1].TextContent.Trim();

    [Fact]
    public async Task Filters_by_status()
    {
        var grid = await RenderAsync();
        grid.Find("input[data-status='pruned']").Change(true);

        grid.WaitForAssertion(() => Assert.Equal([0, 5, 10, 15, 20, 25], ShownIndices(grid).Order()));
        var shownStatuses = grid.FindAll("tbody tr").Where(HasTrial).Select(tr => tr.QuerySelector("td.status")!.TextContent.Trim());
        Assert.All(shownStatuses, status => Assert.Equal("pruned", status));
        grid.WaitForAssertion(() => Assert.Contains("6 of 30 trials", grid.Find("summary").TextContent));
    }

    [Fact]
    public async Task Filters_by_a_parameter_range_and_goes_back_to_the_first_page()
    {
        var grid = await RenderAsync();
        grid.Find("button[title='Go to next page']").Click();
        grid.WaitForAssertion(() => Assert.Equal(5, ShownIndices(grid).Length));
        grid.Find($"input[data-min='{LearningRate}']").Change("0.0009");
        grid.Find($"input[data-max='{LearningRate}']").Change("0.0099");

        // 10^(-5 + i/7.5) in [9e-4, 9.9e-3] <=> i in [14.7, 22.5]
        grid.WaitForAssertion(() => Assert.Equal(Enumerable.Range(15, 8), ShownIndices(grid).Order()));
        grid.WaitForAssertion(() => Assert.Contains("8 of 30 trials", grid.Find("summary").TextContent));
    }

    [Fact]
    public async Task A_new_list_of_trials_reads_the_page_again()
    {
        var grid = await RenderAsync();
        grid.WaitForAssertion(() => Assert.Equal(17, ShownIndices(grid)[0]));

        await AddTrialAsync(30, TrialState.Completed, 0.95);
        var rows = await context.Services.GetRequiredService<TrialRows>().LoadAsync(sweep);
        grid.Render(p => p.Add(c => c.Rows, rows));

        grid.WaitForAssertion(() => Assert.Equal(30, ShownIndices(grid)[0]));
        grid.WaitForAssertion(() => Assert.Contains("31 of 31 trials", grid.Find("summary").TextContent));
    }

    [Fact]
    public async Task A_cross_validated_trial_shows_and_ranks_by_its_objective_over_the_folds_not_its_validation_metric()
    {
        // Its folds' validation parts (training speakers) scored 0.50; its held-out actors 0.97 +- 0.02 on average.
        var trial = await writer.AddTrialAsync(sweep.Id, 30, StoredJson.WriteParameters(new Dictionary<string, object?> { [LearningRate] = 0.001, [Optimizer] = "adam" }), seed: 30);
        var result = new TrialResult { Outcome = TrialState.Completed, Epochs = 5, BestEpoch = 5, ValAccuracy = 0.50, ValLoss = 0.4 };
        Assert.True(await writer.FinishCrossValidatedTrialAsync(result, trial.Id, TrialState.Completed, 0.97, 0.02, null, null));

        var grid = await RenderAsync();

        grid.WaitForAssertion(() => Assert.Equal(30, ShownIndices(grid)[0]));
        var row = grid.FindAll("tbody tr").First(HasTrial);
        Assert.Equal("0.9700 ± 0.0200", row.QuerySelector("td.objective")!.TextContent.Trim());
        var rows = await context.Services.GetRequiredService<TrialRows>().LoadAsync(sweep);
        Assert.Equal(0.97, rows.Single(r => r.Index == 30).Metric(Core.Metrics.ValAccuracy)); // what the charts plot
    }

    [Fact]
    public async Task Offers_a_comparison_when_two_trials_are_selected()
    {
        var grid = await RenderAsync();
        grid.WaitForAssertion(() => Assert.NotEmpty(grid.FindAll("tbody td.select input")));
        grid.FindAll("tbody td.select input")[0].Change(true);
        grid.FindAll("tbody td.select input")[1].Change(true);

        var link = grid.Find("a.compare-link");
        Assert.Matches(@"^compare/\d+/\d+$", link.GetAttribute("href"));
    }
}
