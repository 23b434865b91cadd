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
    /// <summary>The model's trainable parameters.</summary>
    public const string ParamCount = "param_count";
    /// <summary>The size of the bundle's weights (<c>weights.pt</c>) in bytes.</summary>
    public const string ModelBytes = "model_bytes";
    /// <summary>Milliseconds of one forward pass of one window on one thread (median after warm-up).</summary>
    public const string LatencyMs = "latency_ms";

    public static IReadOnlyList<string> All { get; } =
    [
        TrainLoss, TrainAccuracy, ValLoss, ValAccuracy, ValMacroF1, ValUar,
        TestLoss, TestAccuracy, TestMacroF1, TestUar,
        ParamCount, ModelBytes, LatencyMs,
    ];

    /// <summary>What a trained model costs, measured once per trial on its kept weights: objectives beside accuracy, never epoch metrics.</summary>
    public static IReadOnlyList<string> Cost { get; } = [ParamCount, ModelBytes, LatencyMs];

    /// <summary>True when a lower value is better (losses and costs).</summary>
    public static bool LowerIsBetter(string metric) => metric.EndsWith("_loss", StringComparison.Ordinal) || Cost.Contains(metric);
}
