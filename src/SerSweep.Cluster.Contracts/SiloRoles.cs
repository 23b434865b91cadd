namespace SerSweep.Cluster.Contracts;

/// <summary>
/// What a silo does, advertised as silo metadata so that placement can find workers and coordinators.
/// A "coordinator" hosts the sweep coordinators, the database and the dashboard; a "worker" runs trials;
/// "all" is both (the embedded single process).
/// </summary>
public static class SiloRoles
{
    public const string Coordinator = "coordinator";
    public const string Worker = "worker";
    public const string All = "all";

    public const string RoleKey = "sersweep.role";
    public const string SlotsKey = "sersweep.slots";
    public const string ThreadsKey = "sersweep.threads-per-trial";
    /// <summary>"true" on a silo started with --data: it has the RAVDESS audio and computes feature sets.</summary>
    public const string DataKey = "sersweep.data";

    public static IReadOnlyList<string> Names { get; } = [Coordinator, Worker, All];

    public static bool RunsTrials(string? role) => role is Worker or All;

    public static bool Coordinates(string? role) => role is Coordinator or All;
}
