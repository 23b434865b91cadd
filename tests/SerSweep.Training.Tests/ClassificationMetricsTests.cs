using SerSweep.Core;
using SerSweep.Training.Evaluation;

namespace SerSweep.Training.Tests;

public class ClassificationMetricsTests
{
    private static readonly Emotion[] ThreeClasses = [Emotion.Neutral, Emotion.Happy, Emotion.Sad];

    [Fact]
    public void Hand_computed_three_class_case()
    {
        // truth:     0 0 0 1 1 2 2 2 2 2
        // predicted: 0 0 1 1 2 2 2 2 0 1
        int[] truth = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2];
        int[] predicted = [0, 0, 1, 1, 2, 2, 2, 2, 0, 1];
        int[] actors = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2];

        var r = ClassificationMetrics.Compute(ThreeClasses, truth, predicted, actors, loss: 0.5);

        Assert.Equal([[2, 1, 0], [0, 1, 1], [1, 1, 3]], r.ConfusionMatrix);
        Assert.Equal(0.6, r.Accuracy, 12);
        // class 0: P 2/3, R 2/3, F1 2/3; class 1: P 1/3, R 1/2, F1 0.4; class 2: P 3/4, R 3/5, F1 2/3
        Assert.Equal(2.0 / 3, r.PerClass[0].Precision, 12);
        Assert.Equal(1.0 / 3, r.PerClass[1].Precision, 12);
        Assert.Equal(0.5, r.PerClass[1].Recall, 12);
        Assert.Equal(0.4, r.PerClass[1].F1, 12);
        Assert.Equal(0.75, r.PerClass[2].Precision, 12);
        Assert.Equal(0.6, r.PerClass[2].Recall, 12);
        Assert.Equal([3, 2, 5], r.PerClass.Select(c => c.Support));
        Assert.Equal((2.0 / 3 + 1.0 / 3 + 0.75) / 3, r.MacroPrecision, 12);
        Assert.Equal((2.0 / 3 + 0.5 + 0.6) / 3, r.MacroRecall, 12);
        Assert.Equal(r.MacroRecall, r.Uar, 12);
        Assert.Equal((2.0 / 3 + 0.4 + 2.0 / 3) / 3, r.MacroF1, 12);
        Assert.Equal((3 * 2.0 / 3 + 2 * 0.4 + 5 * 2.0 / 3) / 10, r.WeightedF1, 12);
        Assert.Equal(r.Accuracy, r.WeightedRecall, 12);
        Assert.Equal(0.6, r.PerActorAccuracy[1], 12);
        Assert.Equal(0.6, r.PerActorAccuracy[2], 12);
        Assert.Equal(0.5, r.Loss);
    }

    [Fact]
    public void Classes_absent_from_truth_and_predictions_do_not_dilute_macro_averages()
    {
        var r = ClassificationMetrics.Compute(ThreeClasses, [0, 1, 1], [0, 1, 0], [7, 7, 8]);

        // class 2 never occurs: macro over classes 0 and 1 only. class 0: P 1/2 R 1 F1 2/3; class 1: P 1 R 1/2 F1 2/3.
        Assert.Equal(2.0 / 3, r.MacroF1, 12);
        Assert.Equal(0.75, r.Uar, 12);
        Assert.Equal(0, r.PerClass[2].Support);
        Assert.Equal(1.0, r.PerActorAccuracy[7], 12);
        Assert.Equal(0.0, r.PerActorAccuracy[8], 12);
    }

    [Fact]
    public void Perfect_predictions_score_one_everywhere()
    {
        int[] truth = [0, 1, 2, 2];
        var r = ClassificationMetrics.Compute(ThreeClasses, truth, truth, [1, 2, 3, 4]);

        Assert.Equal(1, r.Accuracy);
        Assert.Equal(1, r.MacroF1);
        Assert.Equal(1, r.WeightedPrecision);
        Assert.All(r.PerActorAccuracy.Values, a => Assert.Equal(1, a));
    }

    [Fact]
    public void Out_of_range_class_index_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.Compute(ThreeClasses, [0, 3], [0, 0], [1, 1]));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(ThreeClasses, [0], [0, 0], [1, 1]));
    }
}
