namespace SerSweep.Cluster;

/// <summary>
/// The worker's attempt threads: one long-lived thread per slot that starts trial attempts. An attempt's first
/// synchronous stretch (up to its first await) runs on one of them, never on the Orleans scheduler nor on a
/// thread-pool thread that grains need; what follows its awaits runs under <see cref="TaskScheduler.Default"/> as
/// usual (the real trainer moves its run to a thread of its own, see SerSweep.Training's TrainingThread). This
/// replaces a new thread per attempt, which was a measurable part of a short trial's cost. A worker runs at most one attempt per slot, so none waits for a thread.
/// Idle threads block in <see cref="Monitor.Wait(object)"/>, which does not spin (a BlockingCollection's semaphore
/// spun every idle thread on each hand-over, about a third of the process's CPU in the overhead benchmark).
/// </summary>
public sealed class AttemptThreads : IDisposable
{
    private readonly Queue<Task<Task>> _queue = [];
    private bool _disposed;

    public AttemptThreads(int count)
    {
        for (var i = 0; i < Math.Max(1, count); i++)
            new Thread(Work) { IsBackground = true, Name = $"sersweep-attempt-{i}" }.Start();
    }

    /// <summary>Starts <paramref name="attempt"/> on a training thread; the returned task ends when the attempt does.</summary>
    public Task Run(Func<Task> attempt)
    {
        var start = new Task<Task>(attempt);
        lock (_queue)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _queue.Enqueue(start);
            Monitor.Pulse(_queue);
        }
        return start.Unwrap();
    }

    private void Work()
    {
        while (true)
        {
            Task<Task> start;
            lock (_queue)
            {
                while (_queue.Count == 0)
                {
                    if (_disposed) return;
                    Monitor.Wait(_queue);
                }
                start = _queue.Dequeue();
            }
            start.RunSynchronously(TaskScheduler.Default);
        }
    }

    public void Dispose()
    {
        lock (_queue)
        {
            _disposed = true;
            Monitor.PulseAll(_queue);
        }
    }
}
