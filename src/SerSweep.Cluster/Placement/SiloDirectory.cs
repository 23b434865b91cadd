using Orleans.Runtime.MembershipService.SiloMetadata;
using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Placement;

/// <summary>A silo's advertised role and capacity, and whether it has the audio (--data).</summary>
public sealed record SiloInfo(SiloAddress Address, string Name, string Role, int Slots, int ThreadsPerTrial, SiloStatus Status, bool HasData = false);

/// <summary>The active members of the cluster with the role and slots they advertise in their silo metadata.</summary>
public sealed class SiloDirectory(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    public IReadOnlyList<SiloInfo> Members() =>
        [.. membership.CurrentSnapshot.Members.Values.Select(m => Describe(m.SiloAddress, m.Name, m.Status))];

    public IReadOnlyList<SiloInfo> ActiveWithRole(Func<string, bool> role) =>
        [.. Members().Where(s => s.Status == SiloStatus.Active && role(s.Role))];

    public SiloInfo Describe(SiloAddress address, string name, SiloStatus status)
    {
        var values = metadata.GetSiloMetadata(address).Metadata;
        var role = values.GetValueOrDefault(SiloRoles.RoleKey) ?? "";
        var slots = int.TryParse(values.GetValueOrDefault(SiloRoles.SlotsKey), out var s) ? s : 0;
        var threads = int.TryParse(values.GetValueOrDefault(SiloRoles.ThreadsKey), out var t) ? t : 1;
        return new SiloInfo(address, name, role, slots, threads, status, values.GetValueOrDefault(SiloRoles.DataKey) == "true");
    }
}
