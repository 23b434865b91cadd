using Orleans.Placement;
using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Placement;

/// <summary>Places a grain on a silo whose advertised role includes <see cref="Role"/> ("worker" or "coordinator").</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class WorkerPlacement : PlacementStrategy
{
    public static readonly WorkerPlacement Instance = new();
}

[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class CoordinatorPlacement : PlacementStrategy
{
    public static readonly CoordinatorPlacement Instance = new();
}

/// <summary>Feature sets: on a silo that advertises the RAVDESS audio (<see cref="SiloRoles.DataKey"/>).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class DataPlacement : PlacementStrategy
{
    public static readonly DataPlacement Instance = new();
}

/// <summary>Trial grains: only on worker silos, on the one the slot scheduler chose.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class WorkerPlacementAttribute() : PlacementAttribute(WorkerPlacement.Instance);

/// <summary>Sweep coordinators and the slot scheduler: only where the database is.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CoordinatorPlacementAttribute() : PlacementAttribute(CoordinatorPlacement.Instance);

/// <summary>
/// Feature-set grains: where the audio is (a silo started with --data); with none, on a coordinator, the silo that
/// resolved the sweep's data.path against its own file system (relative to its sweep file).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class DataPlacementAttribute() : PlacementAttribute(DataPlacement.Instance);

/// <summary>The request-context key through which the coordinator names the silo a trial attempt must start on.</summary>
public static class PlacementHint
{
    public const string TargetSiloKey = "sersweep.target-silo";

    /// <summary>Calls <paramref name="call"/> with the target silo in the request context, so that a new activation goes there.</summary>
    public static async Task<T> OnSilo<T>(string siloAddress, Func<Task<T>> call)
    {
        RequestContext.Set(TargetSiloKey, siloAddress);
        try { return await call(); }
        finally { RequestContext.Remove(TargetSiloKey); }
    }
}
