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
using SerSweep.Dashboard.Control;
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
            return Web(urls, web => Configure(web, options, configureServices), options.Coordinates ? TokenFileBeside(options.DbPath) : null,
                app => app.MapSerSweepMetrics(options));
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(HostArgs);
        Configure(builder, options, configureServices);
        return builder.Build();
    }

    /// <summary>
    /// The dashboard alone over an existing database (`sersweep dashboard`): no silo and no writer, so it shows
    /// sweeps, trials and models and hands out bundles, but starts and steers nothing (the pages say so).
    /// </summary>
    public static WebApplication BuildDashboard(string dbPath, string urls) =>
        Web([urls], web =>
        {
            web.Logging.AddSerSweepLogging(LogFormat.Text);
            web.Services.AddSerSweepStorage(dbPath, writer: false);
        }, TokenFileBeside(dbPath), _ => { });

    /// <summary>
    /// A web host on <paramref name="urls"/>: the dashboard and /healthz when it has a <paramref name="tokenFile"/> (a
    /// coordinator, or `sersweep dashboard`), and whatever <paramref name="mapFirst"/> maps (a silo's /metrics).
    /// </summary>
    private static WebApplication Web(string[] urls, Action<WebApplicationBuilder> configure, string? tokenFile, Action<WebApplication> mapFirst)
    {
        var web = WebApplication.CreateBuilder(HostArgs);
        web.WebHost.UseUrls(urls);
        configure(web);
        if (tokenFile is not null) web.Services.AddSerSweepDashboard(d => d.TokenFile ??= tokenFile);
        var app = web.Build();
        // Before the dashboard, so that /metrics is answered ahead of its pages and its token gate.
        mapFirst(app);
        if (tokenFile is null) return app;
        app.MapGet("/healthz", () => Microsoft.AspNetCore.Http.Results.Text("ok"));
        app.MapSerSweepDashboard();
        return app;
    }

    /// <summary>A generated dashboard token is kept beside the database, so it lives on the coordinator's volume.</summary>
    private static string TokenFileBeside(string dbPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath))!, "dashboard-token");

    private static void Configure(IHostApplicationBuilder builder, SiloHostOptions options, Action<IServiceCollection>? configureServices)
    {
        builder.Logging.AddSerSweepLogging(options.LogFormat);
        var services = builder.Services;
        services.AddSerSweepTelemetry(options);
        if (options.Coordinates)
        {
            if (options.WatchFile is { } watch) services.AddHostedService(sp => ActivatorUtilities.CreateInstance<SweepFileWatcher>(sp, watch));
            services.AddSingleton<ISweepControl, ClusterSweepControl>();
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
                WorkDir = Path.GetFullPath(Path.Combine(options.ArtifactsDir, "work")),
                CacheDir = Path.GetFullPath(options.CacheDir),
                DataRoot = options.DataRoot is null ? null : Path.GetFullPath(options.DataRoot),
                Lease = options.Lease,
            });
        });
        // After Orleans: storage's hosted service waits for the database's migrations, and registered after the silo's
        // it lets the silo start meanwhile (hosted services start in the order they were registered).
        if (options.Coordinates) services.AddSerSweepStorage(options.DbPath);
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
