using System.Globalization;
using AngleSharp.Dom;
using Bunit;
using SerSweep.Dashboard.Components.Grids;
using SerSweep.Dashboard.Views;

namespace SerSweep.Dashboard.Tests.Components;

public sealed class LeaderboardTests : IDisposable
{
    private const string LearningRate = "training.learning_rate";
    private const string Optimizer = "training.optimizer";
    private readonly BunitContext context = new();

    public LeaderboardTests() => context.JSInterop.Mode = JSRuntimeMode.Loose;

    public void Dispose() => context.Dispose();

    /// <summary>30 trials: index i has learning rate from a log ladder and accuracy that peaks at i = 17.</summary>
    private static List<TrialRow> Trials() =>
        Enumerable.Range(0, 30).Select(i => new TrialRow
        {
            TrialId = 100 + i,
            Index = i,
            Status = i % 5 == 0 ? "pruned" : i % 7 == 0 ? "failed" : "completed",
            Parameters = new Dictionary<string, HyperparameterValue>
            {
                [LearningRate] = HyperparameterValue.Of(Math.Pow(10, -5 + i / 7.5)),
                [Optimizer] = HyperparameterValue.Of(i % 2 == 0 ? "adam" : "sgd"),
            },
            Metrics = new Dictionary<string, double> { ["val_accuracy"] = 0.9 - Math.Abs(i - 17) * 0.02, ["val_loss"] = 0.5 + i * 0.01 },
            EpochsDone = 5,
        }).ToList();

    private IRenderedComponent<Leaderboard> Render(List<TrialRow> rows) =>
        context.Render<Leaderboard>(p => p
            .Add(c => c.Rows, rows)
            .Add(c => c.MetricNames, ["val_accuracy", "val_loss"])
            .Add(c => c.ParameterNames, [LearningRate, Optimizer])
            .Add(c => c.Objective, "val_accuracy"));

    private static int[] ShownIndices(IRenderedComponent<Leaderboard> grid) =>
        grid.FindAll("tbody td.index a").Select(a => int.Parse(a.TextContent, CultureInfo.InvariantCulture)).ToArray();

    private static void ClickHeader(IRenderedComponent<Leaderboard> grid, string title) =>
        grid.FindAll("th").Single(th => th.QuerySelector(".col-title-text")?.TextContent.Trim() == title)
            .QuerySelector("button.col-title")!.Click();

    [Fact]
    public void Sorts_by_the_objective_best_first_and_highlights_the_best_trial()
    {
        var grid = Render(Trials());

        var shown = ShownIndices(grid);
        Assert.Equal(25, shown.Length); // first page
        Assert.Equal(17, shown[0]);
        Assert.Contains(shown[1], new[] { 16, 18 });
        Assert.Equal("17", grid.Find("tbody tr.best td.index a").TextContent);
    }

    [Fact]
    public void Clicking_a_metric_header_toggles_its_direction()
    {
        var grid = Render(Trials());
        ClickHeader(grid, "val_accuracy");
        grid.WaitForAssertion(() => Assert.Equal(0, ShownIndices(grid)[0])); // 0.56: the worst accuracy
    }

    [Fact]
    public void Sorts_a_numeric_hyperparameter_numerically_not_as_text()
    {
        var grid = Render(Trials());
        ClickHeader(grid, LearningRate);
        // As text "1E-05" < "1.36E-05" would scramble the order; numerically index order is learning-rate order.
        grid.WaitForAssertion(() => Assert.Equal(Enumerable.Range(0, 25), ShownIndices(grid)));
        ClickHeader(grid, LearningRate);
        grid.WaitForAssertion(() => Assert.Equal(Enumerable.Range(5, 25).Reverse(), ShownIndices(grid)));
    }

    [Fact]
    public void Sorts_a_categorical_hyperparameter_by_its_text()
    {
        var grid = Render(Trials());
        ClickHeader(grid, Optimizer);
        grid.WaitForAssertion(() =>
            Assert.Equal(Enumerable.Repeat("adam", 15).Concat(Enumerable.Repeat("sgd", 10)), grid.FindAll("tbody tr").Select(OptimizerCell)));
    }

    private static string OptimizerCell(IElement row) => row.QuerySelectorAll("td.parameter")[1].TextContent.Trim();

    [Fact]
    public void Filters_by_status()
    {
        var grid = Render(Trials());
        grid.Find("input[data-status='pruned']").Change(true);

        grid.WaitForAssertion(() => Assert.Equal([0, 5, 10, 15, 20, 25], ShownIndices(grid).Order()));
        var shownStatuses = grid.FindAll("tbody tr").Where(tr => tr.QuerySelector("td.index a") is not null)
            .Select(tr => tr.QuerySelector("td.status")!.TextContent.Trim());
        Assert.All(shownStatuses, status => Assert.Equal("pruned", status));
        Assert.Contains("6 of 30 trials", grid.Find("summary").TextContent);
    }

    [Fact]
    public void Filters_by_a_parameter_range_and_goes_back_to_the_first_page()
    {
        var grid = Render(Trials());
        grid.Find($"input[data-min='{LearningRate}']").Change("0.001");
        grid.Find($"input[data-max='{LearningRate}']").Change("0.01");

        // 10^(-5 + i/7.5) in [1e-3, 1e-2] <=> i in [15, 22.5]
        grid.WaitForAssertion(() => Assert.Equal(Enumerable.Range(15, 8), ShownIndices(grid).Order()));
        Assert.Contains("8 of 30 trials", grid.Find("summary").TextContent);
    }

    [Fact]
    public void Pages_through_the_rows()
    {
        var grid = Render(Trials());
        grid.Find("button[title='Go to next page']").Click();
        grid.WaitForAssertion(() => Assert.Equal(5, ShownIndices(grid).Length));
    }

    [Fact]
    public void Offers_a_comparison_when_two_trials_are_selected()
    {
        var grid = Render(Trials());
        var boxes = grid.FindAll("tbody td.select input");
        boxes[0].Change(true);
        grid.FindAll("tbody td.select input")[1].Change(true);

        var link = grid.Find("a.compare-link");
        Assert.Matches(@"^compare/\d+/\d+$", link.GetAttribute("href"));
    }
}
