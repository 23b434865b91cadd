using SerSweep.Core;
using SerSweep.Training.Evaluation;

namespace SerSweep.Training;

/// <summary>
/// The result of a run. <see cref="Val"/> and <see cref="Test"/> are measured with the weights of the
/// best epoch (by <c>training.metric</c>); both are null when the run diverged or was cancelled before an epoch.
/// </summary>
public sealed record TrainingOutcome
{
    /// <summary>Completed, EarlyStopped, Pruned (the epoch callback said stop), Cancelled, or Failed: the loss became NaN or infinite.</summary>
    public required TrialState Status { get; init; }
    /// <summary>Why a failed run failed: a run fails only by diverging (any other error throws).</summary>
    public FailureClass? Failure => Status == TrialState.Failed ? FailureClass.Diverged : null;
    public string? Reason { get; init; }
    public required IReadOnlyList<EpochReport> Epochs { get; init; }
    /// <summary>1-based epoch whose weights were kept; 0 when none finished.</summary>
    public int BestEpoch { get; init; }
    public ClassificationReport? Val { get; init; }
    public ClassificationReport? Test { get; init; }
    /// <summary>Bytes of the kept weights (<c>weights.pt</c> of the bundle); null without a kept epoch.</summary>
    public long? ModelBytes { get; init; }
    /// <summary>One window's forward pass on one thread, median ms (<see cref="InferenceLatency"/>); null without a kept epoch.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>The final metrics: <see cref="Val"/>, <see cref="Test"/> and the costs under their names; none without a kept epoch.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public MetricValues FinalMetrics => new()
    {
        ValLoss = Val?.Loss, ValAccuracy = Val?.Accuracy, ValMacroF1 = Val?.MacroF1, ValUar = Val?.Uar,
        TestLoss = Test?.Loss, TestAccuracy = Test?.Accuracy, TestMacroF1 = Test?.MacroF1, TestUar = Test?.Uar,
        ParamCount = Val is null ? null : ParameterCount, ModelBytes = ModelBytes, LatencyMs = LatencyMs,
    };
    public required string Split { get; init; }
    /// <summary>The actors whose files trained the model (its training part; the validation part only chose the epoch).</summary>
    public IReadOnlyList<int> TrainedActors { get; init; } = [];
    public required long ParameterCount { get; init; }
    public string? BundlePath { get; init; }
    public required TimeSpan Elapsed { get; init; }
}
