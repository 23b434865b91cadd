using SerSweep.Training.Evaluation;

namespace SerSweep.Training;

/// <summary>
/// The result of a run. <see cref="Val"/> and <see cref="Test"/> are measured with the weights of the
/// best epoch (by <c>training.metric</c>); both are null when the run diverged or was cancelled before an epoch.
/// </summary>
public sealed record TrainingOutcome
{
    public required TrainingStatus Status { get; init; }
    public string? Reason { get; init; }
    public required IReadOnlyList<EpochReport> Epochs { get; init; }
    /// <summary>1-based epoch whose weights were kept; 0 when none finished.</summary>
    public int BestEpoch { get; init; }
    public ClassificationReport? Val { get; init; }
    public ClassificationReport? Test { get; init; }
    public required string Split { get; init; }
    /// <summary>The actors whose files trained the model (its training part; the validation part only chose the epoch).</summary>
    public IReadOnlyList<int> TrainedActors { get; init; } = [];
    public required long ParameterCount { get; init; }
    public string? BundlePath { get; init; }
    public required TimeSpan Elapsed { get; init; }
}
