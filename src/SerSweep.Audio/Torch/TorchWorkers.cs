using System.Runtime.ExceptionServices;
using TorchSharp;

namespace SerSweep.Audio.Torch;

/// <summary>
/// Independent pieces of tensor work on one dedicated thread per core, each with libtorch's intra-op threads at 1:
/// on 2 cores two independent batches beat one batch split by OpenMP (tensors are small), and OpenMP threads that
/// spin-wait lose most of their time on a shared, loaded machine. Dedicated threads: their libtorch thread setting
/// dies with them instead of sticking to pool threads.
/// </summary>
public static class TorchWorkers
{
    /// <summary>Runs <paramref name="body"/>(i) for every i in [0, <paramref name="count"/>); see the overload with state.</summary>
    public static void For(int count, string name, Action<int> body) => For(count, name, () => NoState.Instance, (_, i) => body(i));

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
    public static void For<TState>(int count, string name, Func<TState> init, Action<TState, int> body) where TState : IDisposable
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

        var callerThreads = torch.get_num_threads();
        try
        {
            var workers = Enumerable.Range(0, Math.Clamp(count, 1, Environment.ProcessorCount))
                .Select(i => new Thread(Work) { Name = $"{name}-{i}", IsBackground = true }).ToList();
            workers.ForEach(t => t.Start());
            workers.ForEach(t => t.Join());
        }
        finally
        {
            torch.set_num_threads(callerThreads);
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }
}
