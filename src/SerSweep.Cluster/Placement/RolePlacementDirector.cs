using Orleans.Runtime.Placement;
using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Placement;

/// <summary>
/// Places worker grains on the worker silo named in the request context (the slot scheduler's choice) and
/// coordinator grains on a coordinator silo. A grain never lands on a silo of the wrong role: with none
/// available, activation fails and the caller retries later.
/// </summary>
public sealed class RolePlacementDirector(SiloDirectory silos) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        Func<string, bool> role = strategy is WorkerPlacement ? SiloRoles.RunsTrials : SiloRoles.Coordinates;
        var candidates = silos.ActiveWithRole(role).Where(s => compatible.Contains(s.Address)).Select(s => s.Address).ToList();
        if (candidates.Count == 0)
            throw new OrleansException($"No active {(strategy is WorkerPlacement ? "worker" : "coordinator")} silo can host {target.GrainIdentity}.");

        if (target.RequestContextData?.TryGetValue(PlacementHint.TargetSiloKey, out var hint) == true
            && hint is string wanted && candidates.FirstOrDefault(c => c.ToParsableString() == wanted) is { } chosen)
            return Task.FromResult(chosen);
        // Coordinators prefer the local silo (where the caller, usually the host, runs); others any candidate.
        if (candidates.Contains(context.LocalSilo)) return Task.FromResult(context.LocalSilo);
        return Task.FromResult(candidates[Random.Shared.Next(candidates.Count)]);
    }
}
