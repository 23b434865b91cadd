using Bunit;
using SerSweep.Dashboard.Components.Charts;
using SerSweep.Dashboard.Views;

namespace SerSweep.Dashboard.Tests.Components;

public sealed class ConfusionHeatmapTests : IDisposable
{
    private readonly BunitContext context = new();

    public void Dispose() => context.Dispose();

    // Rows: true class; columns: predicted. calm is taken for sad 3 times out of 10.
    private static readonly ConfusionMatrixView Matrix = new(
        ["angry", "calm", "sad"],
        [[8, 0, 0], [1, 6, 3], [0, 2, 2]]);

    private static string[][] Cells(IRenderedComponent<ConfusionHeatmap> heatmap) =>
        heatmap.FindAll("table.heatmap tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray())
            .ToArray();

    [Fact]
    public void Shows_the_counts_with_labels_on_both_axes()
    {
        var heatmap = context.Render<ConfusionHeatmap>(p => p.Add(c => c.Matrix, Matrix));

        Assert.Equal([["8", "0", "0"], ["1", "6", "3"], ["0", "2", "2"]], Cells(heatmap));
        Assert.Equal(["angry", "calm", "sad"], heatmap.FindAll("table.heatmap tbody th").Select(th => th.TextContent));
        Assert.Equal(["true \\ predicted", "angry", "calm", "sad"], heatmap.FindAll("table.heatmap thead th").Select(th => th.TextContent));
    }

    [Fact]
    public void Shows_row_normalised_rates_on_request()
    {
        var heatmap = context.Render<ConfusionHeatmap>(p => p.Add(c => c.Matrix, Matrix));
        heatmap.Find("button[data-mode='normalised']").Click();

        Assert.Equal([["1.00", "0.00", "0.00"], ["0.10", "0.60", "0.30"], ["0.00", "0.50", "0.50"]], Cells(heatmap));
        heatmap.Find("button[data-mode='counts']").Click();
        Assert.Equal("6", Cells(heatmap)[1][1]);
    }

    [Fact]
    public void Lists_the_most_confused_pairs_largest_first()
    {
        var heatmap = context.Render<ConfusionHeatmap>(p => p.Add(c => c.Matrix, Matrix));

        var pairs = heatmap.FindAll("ol.confused-pairs li").Select(li => li.TextContent).ToList();
        Assert.Equal(3, pairs.Count);
        Assert.Equal("calm taken for sad: 3 (30% of calm)", pairs[0]);
        Assert.Equal("sad taken for calm: 2 (50% of sad)", pairs[1]);
        Assert.Equal("calm taken for angry: 1 (10% of calm)", pairs[2]);
    }

    [Fact]
    public void Says_so_when_nothing_is_confused()
    {
        var heatmap = context.Render<ConfusionHeatmap>(p => p.Add(c => c.Matrix, new ConfusionMatrixView(["a", "b"], [[3, 0], [0, 4]])));
        Assert.Empty(heatmap.FindAll("ol.confused-pairs li"));
        Assert.Contains("No confusions", heatmap.Find("p.empty").TextContent);
    }

    [Fact]
    public void Shades_cells_by_value()
    {
        var heatmap = context.Render<ConfusionHeatmap>(p => p.Add(c => c.Matrix, Matrix));
        var style = heatmap.Find("td[data-row='0'][data-col='0']").GetAttribute("style");
        Assert.Contains("rgba(37, 99, 235, 0.85)", style); // the largest count gets the full shade
        Assert.Contains("rgba(37, 99, 235, 0)", heatmap.Find("td[data-row='0'][data-col='1']").GetAttribute("style"));
    }
}
