using SerSweep.Dashboard.Analysis;
using SerSweep.Dashboard.Views;

namespace SerSweep.Dashboard.Tests.Analysis;

public sealed class ConfusionAnalysisTests
{
    private static readonly ConfusionMatrixView Matrix = new(["a", "b", "c"], [[8, 2, 0], [1, 6, 3], [0, 0, 0]]);

    [Fact]
    public void Per_class_scores_follow_from_the_matrix()
    {
        var scores = ConfusionAnalysis.PerClass(Matrix);

        // a: precision 8/9, recall 8/10. b: precision 6/8, recall 6/10. c: never true, never predicted right.
        Assert.Equal(8.0 / 9, scores[0].Precision, 12);
        Assert.Equal(0.8, scores[0].Recall, 12);
        Assert.Equal(2 * (8.0 / 9) * 0.8 / (8.0 / 9 + 0.8), scores[0].F1, 12);
        Assert.Equal(0.75, scores[1].Precision, 12);
        Assert.Equal(0.6, scores[1].Recall, 12);
        Assert.Equal(10, scores[1].Support);
        Assert.Equal((0, 0, 0, 0), (scores[2].Precision, scores[2].Recall, scores[2].F1, scores[2].Support));
    }

    [Fact]
    public void An_empty_row_normalises_to_zeros()
    {
        Assert.Equal([0.0, 0.0, 0.0], ConfusionAnalysis.RowNormalised(Matrix)[2]);
    }

    [Fact]
    public void Rate_difference_is_right_minus_left_per_row()
    {
        var better = new ConfusionMatrixView(["a", "b", "c"], [[10, 0, 0], [0, 9, 1], [0, 0, 0]]);
        var difference = ConfusionAnalysis.RateDifference(Matrix, better);

        Assert.Equal(0.2, difference[0][0], 12);
        Assert.Equal(-0.2, difference[0][1], 12);
        Assert.Equal(0.3, difference[1][1], 12);
        Assert.Equal(-0.2, difference[1][2], 12);
    }

    [Fact]
    public void Matrices_over_different_classes_do_not_compare()
    {
        var other = new ConfusionMatrixView(["a", "b", "d"], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
        var error = Assert.Throws<ArgumentException>(() => ConfusionAnalysis.RateDifference(Matrix, other));
        Assert.Contains("different classes", error.Message);
    }
}
