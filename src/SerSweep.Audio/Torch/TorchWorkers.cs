using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TorchSharp;

namespace SerSweep.Audio.Torch;

/// <summary>
/// Independent pieces of tensor work on one dedicated thread per core, each with libtorch's intra-op threads at 1:
/// on 2 cores two independent batches beat one batch split by OpenMP (tensors are small), and OpenMP threads that
/// spin-wait lose most of their time on a shared, loaded machine. Dedicated threads: their libtorch thread setting
/// does not stick to .NET's pool threads. They live as long as the process: a thread per call would leave each
/// call's per-thread native caches (allocator arenas, MKL buffers) and a finalizable <see cref="Thread"/> behind,
/// which a service computing timelines all day would feel.
/// </summary>
public static class TorchWorkers
{
    /// <summary>Runs <paramref name="body"/>(i) for every i in [0, <paramref name="count"/>); see the overload with state.</summary>
    public static void For(int count, Action<int> body) => For(count, () => NoState.Instance, (_, i) => body(i));

    private sealed class NoState : IDisposable
    {
        public static readonly NoState Instance = new();
        public void Dispose() { }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(state, i) for every i in [0, <paramref name="count"/>), each worker with its own
    /// state from <paramref name="init"/> (disposed when it is done). The first exception stops the workers taking more
    /// and is rethrown here.
    /// </summary>
    public static void For<TState>(int count, Func<TState> init, Action<TState, int> body) where TState : IDisposable
    {
        var next = -1;
        Exception? failure = null;

        void Work()
        {
            try
            {
                torch.set_num_threads(1);
                using var state = init();
                int i;
                while (Volatile.Read(ref failure) is null && (i = Interlocked.Increment(ref next)) < count)
                    body(state, i);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }

        var workers = Math.Clamp(count, 1, Environment.ProcessorCount);
        if (_isWorker)
        {
            // Called from inside another For's body: the other workers may be busy with it, so work here alone.
            Work();
        }
        else
        {
            var callerThreads = torch.get_num_threads();
            try
            {
                using var done = new CountdownEvent(workers);
                for (var w = 0; w < workers; w++)
                    Queue.Add(() => { try { Work(); } finally { done.Signal(); } });
                done.Wait();
            }
            finally
            {
                torch.set_num_threads(callerThreads);
            }
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    private static readonly BlockingCollection<Action> Queue = StartWorkers();
    [ThreadStatic] private static bool _isWorker;

    private static BlockingCollection<Action> StartWorkers()
    {
        var queue = new BlockingCollection<Action>();
        for (var i = 0; i < Environment.ProcessorCount; i++)
            new Thread(() =>
            {
                _isWorker = true;
                foreach (var work in queue.GetConsumingEnumerable()) work();
            }) { Name = $"sersweep-torch-{i}", IsBackground = true }.Start();
        return queue;
    }
}
