using System.Collections.Concurrent;

namespace SerSweep.Cluster;

/// <summary>
/// The worker's training threads: one long-lived thread per slot that starts trial attempts. An attempt's first
/// synchronous stretch (up to its first await, e.g. a whole epoch of a trainer that only awaits its epoch report)
/// runs on one of them, never on the Orleans scheduler nor on a thread-pool thread that grains need; what follows
/// its awaits runs under <see cref="TaskScheduler.Default"/> as usual. This replaces a new thread per attempt, which
/// was a measurable part of a short trial's cost. A worker runs at most one attempt per slot, so none waits for a thread.
/// </summary>
public sealed class TrainingThreads : IDisposable
{
    private readonly BlockingCollection<Task<Task>> _queue = [];

    public TrainingThreads(int count)
    {
        for (var i = 0; i < Math.Max(1, count); i++)
            new Thread(Work) { IsBackground = true, Name = $"sersweep-training-{i}" }.Start();
    }

    /// <summary>Starts <paramref name="attempt"/> on a training thread; the returned task ends when the attempt does.</summary>
    public Task Run(Func<Task> attempt)
    {
        var start = new Task<Task>(attempt);
        _queue.Add(start);
        return start.Unwrap();
    }

    private void Work()
    {
        foreach (var start in _queue.GetConsumingEnumerable()) start.RunSynchronously(TaskScheduler.Default);
    }

    public void Dispose() => _queue.CompleteAdding();
}
