using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Trainers;
using SerSweep.Host;
using SerSweep.Testing;

namespace SerSweep.Bench.Scale;

/// <summary>
/// A process hosting some of the cluster's worker silos (<c>--worker-host</c>): each one a whole `sersweep silo --role
/// worker` host (SerSweepHost, Redis membership, its own ports and folders) with the no-op synthetic trainer. It says
/// "ready" on stdout once every silo has joined, and stops them when its stdin closes (the run ends, or dies).
/// </summary>
internal static class WorkerSilos
{
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(ScaleOptions options)
    {
        var hosts = Enumerable.Range(options.FirstWorker, options.Workers).Select(i => Build(options, i)).ToList();
        // A few at a time: 32 silos joining at once make membership converge slower than in turns.
        foreach (var batch in hosts.Chunk(4)) await Task.WhenAll(batch.Select(h => h.StartAsync()));
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(StopDeadline);
        await Task.WhenAll(hosts.Select(h => h.StopAsync(deadline.Token)));
        foreach (var host in hosts) host.Dispose();
    }

    private static IHost Build(ScaleOptions options, int index)
    {
        var dir = Path.Combine(options.Dir, $"worker-{index}");
        return SerSweepHost.Build(new SiloHostOptions
        {
            Role = SiloRoles.Worker, Slots = options.Slots, Redis = options.Redis, ClusterId = options.ClusterId,
            SiloPort = Ports.Free(), GatewayPort = Ports.Free(), Trainer = TrainerKind.Synthetic, SyntheticEpoch = TimeSpan.Zero,
            ArtifactsDir = Path.Combine(dir, "artifacts"), CacheDir = Path.Combine(dir, "cache"),
        }, services => services
            .AddSingleton<ITrialTrainer>(new SyntheticTrainer(new SyntheticTrainerOptions { WritesFiles = false }))
            // Thousands of attempts a second share this one console; a worker of a real cluster logs on its own host.
            .AddLogging(logging => logging.AddFilter("SerSweep", LogLevel.Warning)));
    }
}
