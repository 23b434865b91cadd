using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using SerSweep.Cluster.Contracts;
using SerSweep.Host;
using SerSweep.Storage;
using SerSweep.Testing;

namespace SerSweep.Dashboard.Tests.Support;

/// <summary>
/// A running SerSweep host composed exactly as `sersweep silo --role all --watch FILE` composes it (SerSweepHost:
/// an Orleans silo that coordinates and trains, SQLite, the dashboard, the sweep.yaml watcher), on free loopback
/// ports, with the synthetic trainer so that sweeps take seconds. The watched file is a temp copy.
/// </summary>
public sealed class LiveCoordinator : IAsyncDisposable
{
    private readonly IHost host;

    private LiveCoordinator(IHost host, string sweepFile, Uri address) => (this.host, SweepFile, Address) = (host, sweepFile, address);

    public string SweepFile { get; }
    public Uri Address { get; }
    public SweepQueries Queries => host.Services.GetRequiredService<SweepQueries>();

    /// <summary>
    /// The coordinator's own view. Its grain handles one call at a time, so the answer also says that every report it
    /// received before (and whatever trials that report made it start) has been handled.
    /// </summary>
    public Task<SweepProgress> ProgressAsync(long sweepId) =>
        host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISweepCoordinatorGrain>(sweepId).GetProgress();

    public static async Task<LiveCoordinator> StartAsync(string sweepYaml, TimeSpan syntheticEpoch, int slots)
    {
        var dir = TestPaths.NewTempDir("sersweep-dashboard-live");
        var sweepFile = Path.Combine(dir, "sweep.yaml");
        await File.WriteAllTextAsync(sweepFile, sweepYaml);
        var host = SerSweepHost.Build(new SiloHostOptions
        {
            Role = SiloRoles.All, Slots = slots, Trainer = TrainerKind.Synthetic, SyntheticEpoch = syntheticEpoch,
            DbPath = Path.Combine(dir, "sersweep.db"), ArtifactsDir = Path.Combine(dir, "artifacts"), CacheDir = Path.Combine(dir, "cache"),
            WatchFile = sweepFile, Urls = "http://127.0.0.1:0", SiloPort = Ports.Free(), GatewayPort = Ports.Free(), ClusterId = $"dashboard-live-{Guid.NewGuid():N}",
        }, services => services.Configure<DashboardOptions>(o => o.RefreshInterval = TimeSpan.FromMilliseconds(500)));
        await host.StartAsync();
        var address = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new LiveCoordinator(host, sweepFile, address);
    }

    /// <summary>Polls the database until <paramref name="probe"/> holds.</summary>
    public Task<T> WaitForAsync<T>(Func<SweepQueries, Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class =>
        Wait.ForAsync(() => probe(Queries), timeout ?? TimeSpan.FromSeconds(60), what, TimeSpan.FromMilliseconds(100));

    public static string SweepYaml(string name, int trials, int epochs, string extraTraining = "") => $"""
        name: {name}
        seed: 5
        training:
          epochs: {epochs}{extraTraining}
        search:
          method: random
          max_trials: {trials}
          max_concurrent: 1
          objective:
            metric: val_accuracy
            direction: maximize
        parameters:
          training.learning_rate:
            loguniform: [1.0e-4, 1.0e-2]
        """;

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
