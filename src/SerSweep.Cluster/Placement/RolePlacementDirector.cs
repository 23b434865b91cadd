using Orleans.Runtime.Placement;
using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Placement;

/// <summary>
/// Places worker grains on the worker silo named in the request context (the slot scheduler's choice),
/// coordinator grains on a coordinator silo, and data grains on a silo that has the audio (else on a coordinator).
/// A grain never lands on a silo of the wrong role: with none available, activation fails and the caller retries later.
/// </summary>
public sealed class RolePlacementDirector(SiloDirectory silos) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        var active = silos.ActiveWithRole(_ => true).Where(s => compatible.Contains(s.Address)).ToList();
        var withData = strategy is DataPlacement ? active.Where(s => s.HasData).ToList() : [];
        var candidates = (withData.Count > 0 ? withData
                : active.Where(s => strategy is WorkerPlacement ? SiloRoles.RunsTrials(s.Role) : SiloRoles.Coordinates(s.Role)))
            .Select(s => s.Address).ToList();
        if (candidates.Count == 0)
            throw new OrleansException($"No active {(strategy is WorkerPlacement ? "worker" : "coordinator")} silo can host {target.GrainIdentity}.");

        if (target.RequestContextData?.TryGetValue(PlacementHint.TargetSiloKey, out var hint) == true
            && hint is string wanted && candidates.FirstOrDefault(c => c.ToParsableString() == wanted) is { } chosen)
            return Task.FromResult(chosen);
        // The local silo when it qualifies (the host calls coordinators; a worker with the audio computes its own
        // features), else any candidate.
        if (candidates.Contains(context.LocalSilo)) return Task.FromResult(context.LocalSilo);
        return Task.FromResult(candidates[Random.Shared.Next(candidates.Count)]);
    }
}
