using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Trainers;
using SerSweep.Storage;
using SerSweep.Storage.Entities;
using SerSweep.Testing;

namespace SerSweep.Cluster.Tests;

/// <summary>
/// A real Orleans cluster in this process: silo 0 is the coordinator (with a real SQLite file), the others are
/// workers with the given slots, all running the synthetic trainer. Every silo has folders of its own (artifacts,
/// feature cache) that no other silo is told about, as silos on separate hosts; <see cref="Paths"/> records every
/// grain call that hands one silo a path inside another silo's folders. With <c>dataOnCoordinator</c> only the
/// coordinator is started with <c>--data</c> (the RAVDESS root).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(InProcessTestCluster cluster, string root, PathCrossings paths)
    {
        Cluster = cluster;
        Root = root;
        Paths = paths;
    }

    public InProcessTestCluster Cluster { get; }
    public string Root { get; }
    public PathCrossings Paths { get; }
    public string DatabasePath => Path.Combine(Root, "sersweep.db");
    public InProcessSiloHandle Coordinator => Cluster.Silos[0];
    public IEnumerable<InProcessSiloHandle> Workers => Cluster.Silos.Skip(1);
    public SweepQueries Queries => Coordinator.ServiceProvider.GetRequiredService<SweepQueries>();
    public SweepLauncher Launcher => Coordinator.ServiceProvider.GetRequiredService<SweepLauncher>();

    /// <summary>
    /// Grains as the coordinator silo calls them, as the CLI does: not through the test cluster's external client, whose
    /// call can go out through the gateway of a worker a test has just killed and then waits out the 30 s response timeout
    /// (seen in CI on a progress read right after the kill).
    /// </summary>
    public IGrainFactory Grains => Coordinator.ServiceProvider.GetRequiredService<IGrainFactory>();

    public static async Task<TestCluster> StartAsync(
        int workers, int slots, SyntheticTrainerOptions trainer, Action<IServiceCollection>? configureServices = null,
        TimeSpan? heartbeat = null, bool dataOnCoordinator = false, TimeSpan? epochReportInterval = null)
    {
        var root = TestPaths.NewTempDir("sersweep-cluster");
        var paths = new PathCrossings(Path.Combine(root, "silos"));
        var builder = new InProcessTestClusterBuilder((short)(workers + 1));
        builder.ConfigureSiloHost((silo, host) =>
        {
            if (RoleOf(silo.SiloName) == SiloRoles.Coordinator) host.Services.AddSerSweepStorage(Path.Combine(root, "sersweep.db"));
            host.Services.AddSingleton<ITrialTrainer>(new SyntheticTrainer(trainer));
            paths.Watch(host.Services, silo.SiloName);
            configureServices?.Invoke(host.Services);
        });
        builder.ConfigureSilo((silo, siloBuilder) =>
        {
            var own = paths.RootOf(silo.SiloName);
            var coordinator = RoleOf(silo.SiloName) == SiloRoles.Coordinator;
            siloBuilder.UseInMemoryReminderService().AddSerSweep(new SerSweepClusterOptions
            {
                Role = RoleOf(silo.SiloName),
                Slots = slots,
                CheckpointDir = Path.Combine(own, "artifacts", "checkpoints"),
                BundleDir = Path.Combine(own, "artifacts", "bundles"),
                WorkDir = Path.Combine(own, "artifacts", "work"),
                CacheDir = Path.Combine(own, "cache"),
                DataRoot = coordinator && dataOnCoordinator ? TestPaths.Ravdess : null,
                Heartbeat = heartbeat ?? TimeSpan.FromMilliseconds(250),
                Lease = TimeSpan.FromSeconds(30),
                EpochReportInterval = epochReportInterval ?? new SerSweepClusterOptions().EpochReportInterval,
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new TestCluster(cluster, root, paths);
    }

    /// <summary>The private folder of one silo (its artifacts and cache).</summary>
    public string RootOf(InProcessSiloHandle silo) => Paths.RootOf(silo.Name);

    /// <summary>The first silo (and only it) is the coordinator; silos started later in a test are workers.</summary>
    private static string RoleOf(string siloName) =>
        siloName is "Primary" or "Silo_0" ? SiloRoles.Coordinator : SiloRoles.Worker;

    /// <summary>The search of the test sweeps: random learning rates, by default a checkpoint replica every epoch (so that any epoch is resumable).</summary>
    private static string RandomSearch(int trials, int concurrent, string checkpointEvery = "1") => $"""
        search:
          method: random
          max_trials: {trials}
          max_concurrent: {concurrent}
          checkpoint_every: {checkpointEvery}
          objective:
            metric: val_accuracy
            direction: maximize
        parameters:
          training.learning_rate:
            loguniform: [1.0e-4, 1.0e-2]
        """;

    /// <summary><paramref name="checkpointEvery"/>: <c>search.checkpoint_every</c>, epochs or a duration.</summary>
    public static string SweepYaml(int trials, int concurrent, int epochs, string checkpointEvery = "1") => $"""
        name: cluster-test
        seed: 3
        training:
          epochs: {epochs}
        {RandomSearch(trials, concurrent, checkpointEvery)}
        """;

    /// <summary>A real sweep small enough for a test: a tiny CNN on 2-second clips of 32 mels of <paramref name="actors"/>.</summary>
    public static string RealSweepYaml(string name, int seed, int trials, int concurrent, int epochs, string dataPath, string actors = "1-2") => $"""
        name: {name}
        seed: {seed}
        data:
          path: {dataPath}
          actors: "{actors}"
        features:
          n_mels: 32
          clip_seconds: 2.0
        model:
          channels: [8, 16]
        training:
          epochs: {epochs}
          batch_size: 16
        {RandomSearch(trials, concurrent)}
        """;

    public async Task<Sweep> LaunchAsync(string yaml)
    {
        var (sweep, errors) = await Launcher.LaunchAsync(yaml, null);
        Assert.Empty(errors);
        return sweep!;
    }

    public async Task<SweepProgress> WaitForEndAsync(long sweepId, TimeSpan timeout)
    {
        var coordinator = Grains.GetGrain<ISweepCoordinatorGrain>(sweepId);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var progress = await coordinator.GetProgress();
            if (progress.IsOver) return progress;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"sweep {sweepId} still {progress.Status} after {timeout}: {progress}");
            await Task.Delay(100);
        }
    }

    public async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {timeout}");
            await Task.Delay(50);
        }
    }

    /// <summary>Deletes a silo's folder; its grains may still be writing or deleting in it for a moment.</summary>
    public async Task DeleteFolderAsync(string folder)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Directory.Exists(folder))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task<T> ReadAsync<T>(Func<SerSweepDbContext, Task<T>> query)
    {
        await using var db = new SerSweepDbContext(SqliteDatabase.Options(DatabasePath));
        return await query(db);
    }

    public async Task<List<TrialAttempt>> AttemptsAsync() => await ReadAsync(db => db.TrialAttempts.AsNoTracking().ToListAsync());

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
