using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Placement;

namespace SerSweep.Cluster;

public static class ClusterServices
{
    private static readonly TimeSpan UnusedLoadStatisticsPeriod = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The SerSweep grains in a silo: role, slots and whether it has the audio advertised as silo metadata, role placement, the local slot
    /// limit, and on a coordinator the sweep launcher and the membership watcher (which need the database and
    /// its writer: the host registers storage). The host registers the <see cref="Trainers.ITrialTrainer"/>.
    /// </summary>
    public static ISiloBuilder AddSerSweep(this ISiloBuilder silo, SerSweepClusterOptions options)
    {
        if (!SiloRoles.Names.Contains(options.Role))
            throw new ArgumentException($"unknown role '{options.Role}': use {string.Join(", ", SiloRoles.Names)}", nameof(options));
        var runsTrials = SiloRoles.RunsTrials(options.Role);
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [SiloRoles.RoleKey] = options.Role,
            [SiloRoles.SlotsKey] = (runsTrials ? options.Slots : 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [SiloRoles.ThreadsKey] = options.ThreadsPerTrial.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [SiloRoles.DataKey] = options.DataRoot is null ? "false" : "true",
        });
        // Trial attempts are traced across silos (SerSweep.Cluster.Telemetry.SweepTracing).
        silo.AddActivityPropagation();
        // Every silo sends its load statistics to every other silo, once a second by default: n² messages, read only by
        // Orleans' load-based placement, which no SerSweep grain uses (each has a role placement). docs/cluster.md, "Idle CPU".
        silo.Configure<DeploymentLoadPublisherOptions>(o => o.DeploymentLoadPublisherRefreshTime = UnusedLoadStatisticsPeriod);
        var services = silo.Services;
        services.AddSingleton(options);
        services.AddSingleton(sp => Telemetry.SweepMetrics.Observe(new WorkerSlots(runsTrials ? options.Slots : 0), sp.GetRequiredService<ILocalSiloDetails>().Name));
        services.AddSingleton(_ => new AttemptThreads(runsTrials ? options.Slots : 0));
        services.AddSingleton<SiloDirectory>();
        services.AddSingleton<Trainers.FeatureSetLoader>();
        services.AddSingleton<Artifacts.ArtifactTransfer>();
        services.AddPlacementDirector<WorkerPlacement, RolePlacementDirector>();
        services.AddPlacementDirector<CoordinatorPlacement, RolePlacementDirector>();
        services.AddPlacementDirector<DataPlacement, RolePlacementDirector>();
        if (SiloRoles.Coordinates(options.Role))
        {
            services.AddSingleton<SweepLauncher>();
            services.AddHostedService<CoordinatorService>();
        }
        return silo;
    }
}
