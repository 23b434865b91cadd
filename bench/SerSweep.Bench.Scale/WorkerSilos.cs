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
        var silos = Enumerable.Range(options.FirstWorker, options.Workers).Select(i => new WorkerSilo(options, i)).ToList();
        // A few at a time: 32 silos joining at once make membership converge slower than in turns.
        foreach (var batch in silos.Chunk(4)) await Task.WhenAll(batch.Select(s => s.StartAsync()));
        Console.WriteLine("ready");
        var stdinClosed = Console.In.ReadToEndAsync();
        // A silo voted dead later (the others' probes starved of CPU) is started again too, and says so: the run's
        // wait for every worker to be active would otherwise time out.
        while (await Task.WhenAny(silos.Select(s => (Task)s.Dead).Append(stdinClosed)) != stdinClosed)
            foreach (var silo in silos.Where(s => s.Dead.IsCompleted)) await silo.StartAsync();
        using var deadline = new CancellationTokenSource(StopDeadline);
        await Task.WhenAll(silos.Select(s => s.StopAsync(deadline.Token)));
    }

    /// <summary>
    /// One worker silo, started again under a new address when membership votes it dead while it joins (32 silos starting
    /// together on 2 cores can miss each other's probes): Orleans would end the whole process, and with it every silo here.
    /// </summary>
    private sealed class WorkerSilo(ScaleOptions options, int index)
    {
        private const int MaxStarts = 5;
        private static readonly TimeSpan DeadStopDeadline = TimeSpan.FromSeconds(10);
        private IHost? _host;
        private DeathWatch _death = new();

        public Task<string> Dead => _death.Voted.Task;

        public async Task StartAsync()
        {
            for (var start = 1; ; start++)
            {
                if (_host is not null) await DiscardAsync();
                _death = new DeathWatch();
                _host = Build(_death);
                var started = _host.StartAsync();
                if (await Task.WhenAny(started, Dead) == started && !Dead.IsCompleted)
                {
                    try
                    {
                        await started;
                        return;
                    }
                    catch (Exception e) when (start < MaxStarts)
                    {
                        Console.Error.WriteLine($"scale: worker silo {index} failed to start ({e.GetBaseException().Message}); starting it again ({start + 1} of {MaxStarts})");
                        continue;
                    }
                }
                if (start >= MaxStarts) throw new InvalidOperationException($"worker silo {index} voted dead {MaxStarts} times in a row: {Dead.Result}");
                Console.Error.WriteLine($"scale: worker silo {index} was voted dead ({Dead.Result}); starting it again under a new address ({start + 1} of {MaxStarts})");
            }
        }

        public async Task StopAsync(CancellationToken cancel)
        {
            if (_host is null) return;
            await _host.StopAsync(cancel);
            _host.Dispose();
        }

        private async Task DiscardAsync()
        {
            using var deadline = new CancellationTokenSource(DeadStopDeadline);
            try
            {
                await _host!.StopAsync(deadline.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or OrleansException or InvalidOperationException)
            {
                // A silo told it is dead may not stop cleanly; it is dropped either way.
            }
            _host!.Dispose();
            _host = null;
        }

        private IHost Build(DeathWatch death)
        {
            var dir = Path.Combine(options.Dir, $"worker-{index}");
            return SerSweepHost.Build(new SiloHostOptions
            {
                Role = SiloRoles.Worker, Slots = options.Slots, Redis = options.Redis, ClusterId = options.ClusterId,
                SiloPort = Ports.Free(), GatewayPort = Ports.Free(), Trainer = TrainerKind.Synthetic, SyntheticEpoch = TimeSpan.Zero,
                ArtifactsDir = Path.Combine(dir, "artifacts"), CacheDir = Path.Combine(dir, "cache"),
            }, services => services
                .AddSingleton<IFatalErrorHandler>(death)
                .AddSingleton<ITrialTrainer>(new SyntheticTrainer(new SyntheticTrainerOptions { WritesFiles = false }))
                // Thousands of attempts a second share this one console; a worker of a real cluster logs on its own host.
                .AddLogging(logging => logging.AddFilter("SerSweep", LogLevel.Warning)));
        }
    }

    /// <summary>Instead of Orleans' default (end the process), a silo's fatal error (chiefly "told I am dead") is recorded for a restart.</summary>
    private sealed class DeathWatch : IFatalErrorHandler
    {
        public TaskCompletionSource<string> Voted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsUnexpected(Exception exception) => true;

        public void OnFatalException(object? sender, string? context, Exception? exception) =>
            Voted.TrySetResult(exception?.GetBaseException().Message ?? context ?? "fatal error");
    }
}
