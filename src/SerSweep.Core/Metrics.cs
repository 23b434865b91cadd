namespace SerSweep.Core;

/// <summary>The metric names used in sweep.yaml objectives, epoch reports, storage and the dashboard.</summary>
public static class Metrics
{
    public const string TrainLoss = "train_loss";
    public const string TrainAccuracy = "train_accuracy";
    public const string ValLoss = "val_loss";
    public const string ValAccuracy = "val_accuracy";
    public const string ValMacroF1 = "val_macro_f1";
    public const string ValUar = "val_uar";
    public const string TestLoss = "test_loss";
    public const string TestAccuracy = "test_accuracy";
    public const string TestMacroF1 = "test_macro_f1";
    public const string TestUar = "test_uar";

    public static IReadOnlyList<string> All { get; } =
    [
        TrainLoss, TrainAccuracy, ValLoss, ValAccuracy, ValMacroF1, ValUar,
        TestLoss, TestAccuracy, TestMacroF1, TestUar,
    ];

    /// <summary>True when a lower value is better (losses).</summary>
    public static bool LowerIsBetter(string metric) => metric.EndsWith("_loss", StringComparison.Ordinal);
}
