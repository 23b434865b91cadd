using Bunit;
using SerSweep.Dashboard.Components.Charts;
using SerSweep.Dashboard.Data;
using SerSweep.Search;

namespace SerSweep.Dashboard.Tests.Components;

public sealed class ParetoChartTests : IDisposable
{
    private readonly BunitContext context = new();

    public ParetoChartTests() => context.JSInterop.Mode = JSRuntimeMode.Loose;

    public void Dispose() => context.Dispose();

    [Fact]
    public void The_front_table_lists_each_member_with_its_objectives_a_link_and_a_download()
    {
        var front = new SweepFront(
            [new Objective("val_uar", Direction.Maximize), new Objective("latency_ms", Direction.Minimize)],
            [
                new SweepFront.Point(10, 0, new Dictionary<string, double> { ["val_uar"] = 0.5, ["latency_ms"] = 2 }, true, HasModel: true),
                new SweepFront.Point(11, 1, new Dictionary<string, double> { ["val_uar"] = 0.4, ["latency_ms"] = 3 }, false),
                new SweepFront.Point(12, 2, new Dictionary<string, double> { ["val_uar"] = 0.75, ["latency_ms"] = 5.5 }, true, HasModel: true),
            ]);

        var chart = context.Render<ParetoChart>(p => p.Add(c => c.Front, front));

        Assert.Equal(["trial", "val_uar", "latency_ms", ""], chart.FindAll("table.front thead th").Select(th => th.TextContent));
        Assert.Equal([["#0", "0.5", "2", "Download"], ["#2", "0.75", "5.5", "Download"]],
            chart.FindAll("table.front tbody tr").Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()));
        Assert.Equal(["trials/10", "api/trials/10/model", "trials/12", "api/trials/12/model"],
            chart.FindAll("table.front tbody a").Select(a => a.GetAttribute("href")));
        Assert.NotNull(chart.Find("[data-figure='pareto']"));
    }
}
