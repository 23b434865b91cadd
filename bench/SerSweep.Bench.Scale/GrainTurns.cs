using System.Collections.Concurrent;
using System.Diagnostics;

namespace SerSweep.Bench.Scale;

/// <summary>
/// Times every grain call the coordinator silo receives, per grain class and method, from the turn's start to its end
/// (awaits included: a non-reentrant grain serves nothing else meanwhile). The sum over a grain class, divided by the
/// run's wall time and its number of activations, is how busy each activation was: near 1 = it is what sets the pace.
/// </summary>
internal sealed class GrainTurns : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(string Grain, string Method), Tally> _tallies = new();

    private sealed class Tally
    {
        public long Calls;
        public long Ticks;
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await context.Invoke();
        }
        finally
        {
            var tally = _tallies.GetOrAdd((context.Grain?.GetType().Name ?? "?", context.MethodName), _ => new Tally());
            Interlocked.Increment(ref tally.Calls);
            Interlocked.Add(ref tally.Ticks, Stopwatch.GetTimestamp() - started);
        }
    }

    public void Reset() => _tallies.Clear();

    /// <summary>Calls and seconds in turns per (grain class, method), busiest first.</summary>
    public IReadOnlyList<(string Grain, string Method, long Calls, double Seconds)> Snapshot() =>
        [.. _tallies.Select(t => (t.Key.Grain, t.Key.Method, t.Value.Calls, (double)t.Value.Ticks / Stopwatch.Frequency)).OrderByDescending(t => t.Item4)];
}
