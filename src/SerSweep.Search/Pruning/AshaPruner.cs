using System.Text.Json;

namespace SerSweep.Search.Pruning;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020) as a stopping rule, like Optuna's
/// SuccessiveHalvingPruner: when a trial reaches a rung (grace_period · reduction_factor^k epochs) its metric is
/// recorded there and compared with every trial that reached that rung so far; it continues only if it ranks
/// within the best max(1, ⌊n / reduction_factor⌋). Trials never wait for each other, so early arrivals are
/// judged against fewer competitors. A non-finite metric (a diverged trial) always stops.
/// Reporting the same (trial, rung) again, as a resumed trial does, replaces the earlier value.
/// </summary>
public sealed class AshaPruner(AshaSettings settings) : IPruner
{
    // rung epoch -> trial index -> metric at that rung
    private SortedDictionary<int, SortedDictionary<int, double>> recorded = new();
    private readonly HashSet<int> rungs = [.. settings.Rungs];

    public AshaSettings Settings { get; } = settings;

    public string? Metric => Settings.Metric;

    public bool IsRung(int epoch) => rungs.Contains(epoch);

    /// <summary>Call after every epoch of a trial; <paramref name="epoch"/> counts from 1.</summary>
    public AshaDecision Report(int trialIndex, int epoch, double value)
    {
        if (!rungs.Contains(epoch)) return AshaDecision.Continue(Settings.Metric);
        if (!double.IsFinite(value))
            return new AshaDecision(true, epoch, Settings.Metric, value, null, 0, 0);
        if (!recorded.TryGetValue(epoch, out var atRung)) recorded[epoch] = atRung = [];
        atRung[trialIndex] = value;

        var sign = Settings.Direction == Direction.Maximize ? -1 : 1;
        var ranked = atRung.Values.OrderBy(v => sign * v).ToArray();
        var promoted = Math.Max(1, ranked.Length / Settings.ReductionFactor);
        var cutoff = ranked[promoted - 1];
        var rank = 1 + ranked.Count(v => sign * v < sign * value);
        var stop = sign * value > sign * cutoff;
        return new AshaDecision(stop, epoch, Settings.Metric, value, cutoff, rank, ranked.Length);
    }

    /// <summary>The metric of each trial at each rung, as recorded.</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<int, double>> Recorded =>
        recorded.ToDictionary(r => r.Key, r => (IReadOnlyDictionary<int, double>)r.Value);

    public string SaveState() => JsonSerializer.Serialize(recorded);

    public static AshaPruner Restore(AshaSettings settings, string state) => new(settings)
    {
        recorded = JsonSerializer.Deserialize<SortedDictionary<int, SortedDictionary<int, double>>>(state)
                   ?? throw new FormatException("empty ASHA state"),
    };
}
