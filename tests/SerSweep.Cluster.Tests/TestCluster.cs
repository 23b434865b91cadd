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
/// workers with the given slots, all running the synthetic trainer. The silos share one feature cache folder unless
/// <c>separateCaches</c> gives each its own (as workers that share no file system).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(InProcessTestCluster cluster, string root)
    {
        Cluster = cluster;
        Root = root;
    }

    public InProcessTestCluster Cluster { get; }
    public string Root { get; }
    public string DatabasePath => Path.Combine(Root, "sersweep.db");
    public InProcessSiloHandle Coordinator => Cluster.Silos[0];
    public IEnumerable<InProcessSiloHandle> Workers => Cluster.Silos.Skip(1);
    public SweepQueries Queries => Coordinator.ServiceProvider.GetRequiredService<SweepQueries>();
    public SweepLauncher Launcher => Coordinator.ServiceProvider.GetRequiredService<SweepLauncher>();

    public static async Task<TestCluster> StartAsync(
        int workers, int slots, SyntheticTrainerOptions trainer, bool separateCaches = false, Action<IServiceCollection>? configureServices = null,
        TimeSpan? heartbeat = null)
    {
        var root = TestPaths.NewTempDir("sersweep-cluster");
        var builder = new InProcessTestClusterBuilder((short)(workers + 1));
        builder.ConfigureSiloHost((silo, host) =>
        {
            if (RoleOf(silo.SiloName) == SiloRoles.Coordinator) host.Services.AddSerSweepStorage(Path.Combine(root, "sersweep.db"));
            host.Services.AddSingleton<ITrialTrainer>(new SyntheticTrainer(trainer));
            configureServices?.Invoke(host.Services);
        });
        builder.ConfigureSilo((silo, siloBuilder) => siloBuilder.UseInMemoryReminderService().AddSerSweep(new SerSweepClusterOptions
        {
            Role = RoleOf(silo.SiloName),
            Slots = slots,
            CheckpointDir = Path.Combine(root, "checkpoints"),
            CacheDir = Path.Combine(root, separateCaches ? $"cache-{silo.SiloName}" : "cache"),
            BundleDir = Path.Combine(root, "bundles"),
            Heartbeat = heartbeat ?? TimeSpan.FromMilliseconds(250),
            Lease = TimeSpan.FromSeconds(30),
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new TestCluster(cluster, root);
    }

    /// <summary>The first silo (and only it) is the coordinator; silos started later in a test are workers.</summary>
    private static string RoleOf(string siloName) =>
        siloName is "Primary" or "Silo_0" ? SiloRoles.Coordinator : SiloRoles.Worker;

    public static string SweepYaml(int trials, int concurrent, int epochs) => $"""
        name: cluster-test
        seed: 3
        training:
          epochs: {epochs}
        search:
          method: random
          max_trials: {trials}
          max_concurrent: {concurrent}
          objective:
            metric: val_accuracy
            direction: maximize
        parameters:
          training.learning_rate:
            loguniform: [1.0e-4, 1.0e-2]
        """;

    public async Task<Sweep> LaunchAsync(string yaml)
    {
        var (sweep, errors) = await Launcher.LaunchAsync(yaml, null);
        Assert.Empty(errors);
        return sweep!;
    }

    public async Task<SweepProgress> WaitForEndAsync(long sweepId, TimeSpan timeout)
    {
        var coordinator = Cluster.Client.GetGrain<ISweepCoordinatorGrain>(sweepId);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var progress = await coordinator.GetProgress();
            if (progress.IsOver) return progress;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"sweep {sweepId} still {progress.Status} after {timeout}: {progress}");
            await Task.Delay(100);
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
