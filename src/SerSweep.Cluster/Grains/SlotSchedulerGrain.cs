using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Placement;

namespace SerSweep.Cluster.Grains;

/// <summary>
/// The one place that knows which worker runs which trial attempt. Every sweep coordinator reserves here, so
/// concurrent sweeps share the workers' slots without ever exceeding them. Kept in memory: after a coordinator
/// restart the sweeps re-adopt the attempts that are still running.
/// </summary>
[CoordinatorPlacement]
public sealed class SlotSchedulerGrain(SiloDirectory silos) : Grain, ISlotSchedulerGrain
{
    /// <summary>Trial id -> its current attempt and silo.</summary>
    private readonly Dictionary<long, (TrialAttemptRef Attempt, string Silo)> _reservations = [];
    /// <summary>
    /// Sweeps refused a slot, oldest first. A freed slot is offered to them at once: otherwise it idles until the
    /// refused sweep's next heartbeat tick (2 s), which made concurrent sweeps run in waves.
    /// </summary>
    private readonly List<long> _refused = [];

    public Task<string?> TryReserve(TrialAttemptRef attempt)
    {
        var best = FreeSlots().OrderByDescending(w => w.Free).ThenBy(w => w.Silo, StringComparer.Ordinal).FirstOrDefault();
        if (best.Silo is null)
        {
            if (!_refused.Contains(attempt.SweepId)) _refused.Add(attempt.SweepId);
            return Task.FromResult<string?>(null);
        }
        _refused.Remove(attempt.SweepId);
        _reservations[attempt.TrialId] = (attempt, best.Silo);
        return Task.FromResult<string?>(best.Silo);
    }

    public Task Adopt(TrialAttemptRef attempt, string silo)
    {
        // Membership may have declared the silo dead between the reservation and now, when SiloDied only saw the
        // reservation (attempt 0): the attempt is lost at once rather than when its lease expires.
        if (silos.Members().Any(m => m.Status == SiloStatus.Dead && m.Address.ToParsableString() == silo))
        {
            _reservations.Remove(attempt.TrialId);
            GrainFactory.GetGrain<ISweepCoordinatorGrain>(attempt.SweepId).AttemptsLost([attempt], $"silo {silo} died");
            return Task.CompletedTask;
        }
        _reservations[attempt.TrialId] = (attempt, silo);
        return Task.CompletedTask;
    }

    public Task Release(TrialAttemptRef attempt)
    {
        if (_reservations.TryGetValue(attempt.TrialId, out var held) && held.Attempt.Attempt == attempt.Attempt)
        {
            _reservations.Remove(attempt.TrialId);
            if (_refused.Count > 0) this.AsReference<ISlotSchedulerGrain>().OfferFreeSlots();
        }
        return Task.CompletedTask;
    }

    public Task OfferFreeSlots()
    {
        var free = FreeSlots().Sum(w => w.Free);
        var offered = _refused.Take(free).ToList();
        _refused.RemoveRange(0, offered.Count);
        foreach (var sweep in offered) GrainFactory.GetGrain<ISweepCoordinatorGrain>(sweep).SlotFreed();
        return Task.CompletedTask;
    }

    public Task SiloDied(string silo)
    {
        var lost = _reservations.Values.Where(r => r.Silo == silo).Select(r => r.Attempt).ToList();
        foreach (var attempt in lost) _reservations.Remove(attempt.TrialId);
        foreach (var sweep in lost.GroupBy(a => a.SweepId))
            GrainFactory.GetGrain<ISweepCoordinatorGrain>(sweep.Key).AttemptsLost([.. sweep], $"silo {silo} died");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SiloSlots>> GetSilos()
    {
        var running = RunningPerSilo();
        IReadOnlyList<SiloSlots> result = [.. silos.Members().Select(s => new SiloSlots(
            s.Address.ToParsableString(), s.Name, s.Role, s.Slots, s.ThreadsPerTrial,
            running.GetValueOrDefault(s.Address.ToParsableString()), s.Status.ToString()))];
        return Task.FromResult(result);
    }

    private IEnumerable<(string Silo, int Free)> FreeSlots()
    {
        var running = RunningPerSilo();
        return silos.ActiveWithRole(SiloRoles.RunsTrials)
            .Select(w => (Silo: w.Address.ToParsableString(), Free: w.Slots - running.GetValueOrDefault(w.Address.ToParsableString())))
            .Where(w => w.Free > 0);
    }

    private Dictionary<string, int> RunningPerSilo() =>
        _reservations.Values.GroupBy(r => r.Silo).ToDictionary(g => g.Key, g => g.Count());
}
