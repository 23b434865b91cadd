using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SerSweep.Cluster;
using SerSweep.Cluster.Trainers;
using SerSweep.Dashboard;
using SerSweep.Storage;
using StackExchange.Redis;

namespace SerSweep.Host;

/// <summary>
/// Composes one SerSweep process: an Orleans silo of the given role, and on a coordinator the database, the sweep
/// launcher, the sweep.yaml watcher and the web host (dashboard, /healthz, /metrics) bound to 127.0.0.1 unless told
/// otherwise. Workers never open the database and run a web server only to serve /metrics at --metrics-urls.
/// </summary>
public static class SerSweepHost
{
    // Settings come from the command line, not appsettings.json: reloading it on change would put a recursive file
    // watcher on the working directory, which wakes on every checkpoint, log line and database write below it.
    private static readonly string[] HostArgs = ["--hostBuilder:reloadConfigOnChange=false"];

    public static IHost Build(SiloHostOptions options, Action<IServiceCollection>? configureServices = null)
    {
        if (Observability.WebUrls(options) is { Length: > 0 } urls)
        {
            var web = WebApplication.CreateBuilder(HostArgs);
            web.WebHost.UseUrls(urls);
            Configure(web, options, configureServices);
            if (options.Coordinates) web.Services.AddSerSweepDashboard();
            var app = web.Build();
            app.MapSerSweepMetrics(options);
            if (!options.Coordinates) return app;
            app.MapGet("/healthz", () => Microsoft.AspNetCore.Http.Results.Text("ok"));
            app.MapSerSweepDashboard();
            return app;
        }
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(HostArgs);
        Configure(builder, options, configureServices);
        return builder.Build();
    }

    private static void Configure(IHostApplicationBuilder builder, SiloHostOptions options, Action<IServiceCollection>? configureServices)
    {
        builder.Logging.AddSerSweepLogging(options.LogFormat);
        var services = builder.Services;
        services.AddSerSweepTelemetry(options);
        if (options.Coordinates)
        {
            services.AddSerSweepStorage(options.DbPath);
            if (options.WatchFile is { } watch) services.AddHostedService(sp => ActivatorUtilities.CreateInstance<SweepFileWatcher>(sp, watch));
        }
        services.AddSingleton<ITrialTrainer>(sp => options.Trainer == TrainerKind.Synthetic
            ? new SyntheticTrainer(new SyntheticTrainerOptions { EpochDuration = options.SyntheticEpoch })
            : ActivatorUtilities.CreateInstance<TorchTrialTrainer>(sp));
        configureServices?.Invoke(services);

        builder.UseOrleans(silo =>
        {
            if (options.Redis is { } redis)
            {
                silo.UseRedisClustering(redis);
                silo.UseRedisReminderService(r => r.ConfigurationOptions = ConfigurationOptions.Parse(redis));
                silo.ConfigureEndpoints(AdvertisedAddress(options.AdvertiseIp), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: options.AdvertiseIp is not null);
                silo.Configure<ClusterOptions>(c => (c.ClusterId, c.ServiceId) = (options.ClusterId, options.ClusterId));
                // A killed worker is declared dead within seconds, so its trials move on quickly.
                silo.Configure<ClusterMembershipOptions>(m =>
                {
                    m.ProbeTimeout = TimeSpan.FromSeconds(2);
                    m.NumMissedProbesLimit = 2;
                    m.NumVotesForDeathDeclaration = 1;
                });
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ClusterId, clusterId: options.ClusterId);
                silo.UseInMemoryReminderService();
            }
            silo.AddSerSweep(new SerSweepClusterOptions
            {
                Role = options.Role,
                Slots = options.Slots,
                ThreadsPerTrial = options.ThreadsPerTrial,
                CheckpointDir = Path.GetFullPath(Path.Combine(options.ArtifactsDir, "checkpoints")),
                BundleDir = Path.GetFullPath(Path.Combine(options.ArtifactsDir, "bundles")),
                CacheDir = Path.GetFullPath(options.CacheDir),
                DataRoot = options.DataRoot is null ? null : Path.GetFullPath(options.DataRoot),
                Lease = options.Lease,
            });
        });
    }

    private static IPAddress AdvertisedAddress(string? advertise) => advertise switch
    {
        null or "" => IPAddress.Loopback,
        "auto" => NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback,
        _ => IPAddress.Parse(advertise),
    };
}
