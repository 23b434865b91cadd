using System.Collections.Concurrent;
using System.Diagnostics;
using SerSweep.Cluster.Contracts;

namespace SerSweep.Bench.Scale;

/// <summary>
/// Times every grain call the coordinator silo receives, per grain class and method, from the turn's start to its end
/// (awaits included: a non-reentrant grain serves nothing else meanwhile). How busy an activation was is the time it had
/// at least one call in progress (calls that interleave, e.g. the sweep grain's epoch reports, overlap and count once),
/// summed over a grain class and divided by the run's wall time and its number of activations: near 1 = it sets the pace.
/// </summary>
internal sealed class GrainTurns : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(string Grain, string Method), Tally> _tallies = new();
    private readonly ConcurrentDictionary<object, Activation> _activations = new(ReferenceEqualityComparer.Instance);

    private sealed class Tally
    {
        public long Calls;
        public long Ticks;
    }

    /// <summary>One activation's calls in progress, and the ticks it had any.</summary>
    private sealed class Activation(string grain)
    {
        public string Grain { get; } = grain;
        public int InFlight;
        public long Since;
        public long BusyTicks;
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var grain = context.Grain?.GetType().Name ?? "?";
        var activation = context.Grain is { } target && context.MethodName != nameof(ISweepCoordinatorGrain.GetProgress) ? _activations.GetOrAdd(target, _ => new Activation(grain)) : null;
        if (activation is not null)
            lock (activation)
                if (activation.InFlight++ == 0) activation.Since = started;
        try
        {
            await context.Invoke();
        }
        finally
        {
            var ended = Stopwatch.GetTimestamp();
            var tally = _tallies.GetOrAdd((grain, context.MethodName), _ => new Tally());
            Interlocked.Increment(ref tally.Calls);
            Interlocked.Add(ref tally.Ticks, ended - started);
            if (activation is not null)
                lock (activation)
                    if (--activation.InFlight == 0) activation.BusyTicks += ended - activation.Since;
        }
    }

    public void Reset()
    {
        _tallies.Clear();
        foreach (var activation in _activations.Values)
            lock (activation)
                (activation.BusyTicks, activation.Since) = (0, Stopwatch.GetTimestamp());
    }

    /// <summary>Calls and seconds in turns per (grain class, method), busiest first.</summary>
    public IReadOnlyList<(string Grain, string Method, long Calls, double Seconds)> Snapshot() =>
        [.. _tallies.Select(t => (t.Key.Grain, t.Key.Method, t.Value.Calls, (double)t.Value.Ticks / Stopwatch.Frequency)).OrderByDescending(t => t.Item4)];

    /// <summary>Seconds with at least one call in progress (progress reads aside), summed over each grain class's activations.</summary>
    public IReadOnlyDictionary<string, double> BusySeconds() =>
        _activations.Values.GroupBy(a => a.Grain).ToDictionary(g => g.Key, g => g.Sum(a => (double)a.BusyTicks / Stopwatch.Frequency));
}
