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

    public Task<IReadOnlyList<string?>> TryReserve(IReadOnlyList<TrialAttemptRef> attempts)
    {
        var free = FreeSlotsPerWorker().ToDictionary(w => w.Silo, w => w.Free);
        var silos = new string?[attempts.Count];
        for (var i = 0; i < attempts.Count; i++)
        {
            // The worker with the most free slots (ties by address): a sweep's trials spread over the workers.
            var best = free.Where(w => w.Value > 0).OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).FirstOrDefault();
            if (best.Key is null) break;
            free[best.Key]--;
            _reservations[attempts[i].TrialId] = (attempts[i], best.Key);
            silos[i] = best.Key;
        }
        foreach (var sweep in attempts.Select((a, i) => (a.SweepId, Refused: silos[i] is null)).GroupBy(x => x.SweepId))
        {
            if (!sweep.Any(x => x.Refused)) _refused.Remove(sweep.Key);
            else if (!_refused.Contains(sweep.Key)) _refused.Add(sweep.Key);
        }
        return Task.FromResult<IReadOnlyList<string?>>(silos);
    }

    public Task<int> CountFreeSlots() => Task.FromResult(FreeSlotCount());

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
        var free = FreeSlotCount();
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

    private int FreeSlotCount() => FreeSlotsPerWorker().Sum(w => w.Free);

    private IEnumerable<(string Silo, int Free)> FreeSlotsPerWorker()
    {
        var running = RunningPerSilo();
        return silos.ActiveWithRole(SiloRoles.RunsTrials)
            .Select(w => (Silo: w.Address.ToParsableString(), Free: w.Slots - running.GetValueOrDefault(w.Address.ToParsableString())))
            .Where(w => w.Free > 0);
    }

    private Dictionary<string, int> RunningPerSilo() =>
        _reservations.Values.GroupBy(r => r.Silo).ToDictionary(g => g.Key, g => g.Count());
}
