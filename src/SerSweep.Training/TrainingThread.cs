using System.Collections.Concurrent;

namespace SerSweep.Training;

/// <summary>
/// Runs an async function on a thread of its own: every continuation of its awaits comes back to that thread,
/// whichever thread completed the awaited task (a grain call's reply, a timer). A training run keeps all its
/// libtorch work on one thread so glibc serves it from one malloc arena. Hopping across thread-pool threads
/// after every epoch callback gave each thread its own arena, each grown to the run's working set and never
/// trimmed: a worker's resident set rose by 10-20 MB per epoch with no tensor left alive. When the run ends the
/// thread exits and its arena goes back to glibc's free list for the next run's thread.
/// </summary>
public static class TrainingThread
{
    public static Task<T> Run<T>(string name, Func<Task<T>> function)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var context = new SingleThreadContext();
            SynchronizationContext.SetSynchronizationContext(context);
            Task<T> task;
            try
            {
                task = function();
            }
            catch (Exception e)
            {
                result.SetException(e);
                return;
            }
            task.ContinueWith(_ => context.Complete(), TaskScheduler.Default);
            context.RunUntilComplete();
            if (task.IsCanceled) result.SetCanceled();
            else if (task.Exception is { } failure) result.SetException(failure.InnerExceptions);
            else result.SetResult(task.Result);
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return result.Task;
    }

    /// <summary>Queues posted continuations and runs them, in order, on the thread that calls <see cref="RunUntilComplete"/>.</summary>
    private sealed class SingleThreadContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> queue = new();

        public override void Post(SendOrPostCallback d, object? state) => queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("a training thread takes posted work only");

        public override SynchronizationContext CreateCopy() => this;

        public void Complete() => queue.CompleteAdding();

        public void RunUntilComplete()
        {
            foreach (var (callback, state) in queue.GetConsumingEnumerable()) callback(state);
        }
    }
}
