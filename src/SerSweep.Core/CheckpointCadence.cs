namespace SerSweep.Core;

/// <summary>
/// When a run writes its checkpoint (<c>search.checkpoint_every</c>): after every <see cref="Epochs"/>-th epoch, or,
/// with <see cref="Epochs"/> 0, after the first epoch that ends at least <see cref="Interval"/> of training after the
/// last checkpoint (or the run's start), as Lightning's <c>train_time_interval</c>. Time bounds what a checkpoint costs
/// whatever an epoch takes: a 0.1 s epoch checkpointed every 5 epochs spends a tenth of its time on it, a 10-minute
/// epoch loses up to 50 minutes to a dead worker.
/// </summary>
public sealed record CheckpointCadence(int Epochs, TimeSpan Interval)
{
    /// <summary>A sweep's default: a dead worker's trial loses at most about this much training.</summary>
    public static CheckpointCadence Default { get; } = new(0, TimeSpan.FromSeconds(30));
    public static CheckpointCadence EveryEpoch { get; } = new(1, TimeSpan.Zero);

    public static CheckpointCadence EveryEpochs(int epochs) => new(Math.Max(1, epochs), TimeSpan.Zero);
    public static CheckpointCadence Every(TimeSpan interval) => new(0, interval);

    /// <summary>Whether (1-based) <paramref name="epoch"/>'s checkpoint is written, <paramref name="sinceLast"/> after the last one.</summary>
    public bool IsDue(int epoch, TimeSpan sinceLast) => Epochs > 0 ? epoch % Epochs == 0 : sinceLast >= Interval;
}
