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

    public Task<string?> TryReserve(TrialAttemptRef attempt)
    {
        var workers = silos.ActiveWithRole(SiloRoles.RunsTrials);
        var running = RunningPerSilo();
        var best = workers
            .Select(w => (Silo: w.Address.ToParsableString(), Free: w.Slots - running.GetValueOrDefault(w.Address.ToParsableString())))
            .Where(w => w.Free > 0)
            .OrderByDescending(w => w.Free).ThenBy(w => w.Silo, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.Silo is null) return Task.FromResult<string?>(null);
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
            _reservations.Remove(attempt.TrialId);
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

    private Dictionary<string, int> RunningPerSilo() =>
        _reservations.Values.GroupBy(r => r.Silo).ToDictionary(g => g.Key, g => g.Count());
}
