using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SerSweep.Cluster;
using SerSweep.Cluster.Contracts;
using SerSweep.Host;
using SerSweep.Storage;
using SerSweep.Testing;

namespace SerSweep.Bench.Scale;

/// <summary>What one run measured (see Program.cs for what each figure is).</summary>
internal sealed record ScaleResult(
    ScaleOptions Options, double StartupSeconds, double WallSeconds, int TrialsStored, int EpochsStored, int Lost, int Duplicated,
    int EpochsExpected, IReadOnlyList<string> Violations, double CoordinatorCpuSeconds, double CoordinatorRssMaxMb, double CoordinatorRssPeakMb,
    double CoordinatorGcHeapMb, double WorkersCpuSeconds, double WorkersRssMb, double RedisCpuSeconds,
    (int Commits, double P50Ms, double P99Ms, double MaxMs, double MeanWrites, double BusySeconds) Writer,
    IReadOnlyList<(string Name, double Seconds)> CoordinatorThreads, double SearchRecordKb,
    IReadOnlyList<(string Grain, string Method, long Calls, double Seconds)> Turns, IReadOnlyDictionary<string, double> BusySeconds,
    IReadOnlyList<(double Seconds, int Finished)> Timeline, (long Sent, long Received) CoordinatorMessages,
    (double Coordinator, double Workers) IdleCores)
{
    public double CompletionsPerSecond => TrialsStored / WallSeconds;
    public double EpochReportsPerSecond => EpochsStored / WallSeconds;
    /// <summary>CPU milliseconds per stored trial result: what a rate costs (it too grows when other processes share the cores).</summary>
    public double CoordinatorCpuMsPerTrial => 1000 * CoordinatorCpuSeconds / Math.Max(1, TrialsStored);
    public double WorkersCpuMsPerTrial => 1000 * WorkersCpuSeconds / Math.Max(1, TrialsStored);
    public bool Ok => Lost == 0 && Duplicated == 0 && Violations.Count == 0 && EpochsStored == EpochsExpected;

    /// <summary>Seconds with a call in progress of one grain class over the run, per activation, as a share of the wall time.</summary>
    public double Busy(string grain, int activations) => BusySeconds.GetValueOrDefault(grain) / activations / WallSeconds;
}

/// <summary>
/// One run: a private Redis, the coordinator silo in this process (so that this process's CPU and memory are the
/// coordinator's), the worker silos in child processes, a warm-up sweep, then the measured sweeps, and the
/// database's invariants at the end.
/// </summary>
internal static class ScaleRun
{
    private static readonly TimeSpan JoinDeadline = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task<ScaleResult> RunAsync(ScaleOptions o)
    {
        var dir = TestPaths.NewTempDir("sersweep-scale");
        var clusterId = $"scale-{Guid.NewGuid():N}"[..16];
        using var redis = await RedisServer.StartAsync(dir);
        var turns = new GrainTurns();
        using var commits = new CommitLatency();
        using var messages = new SiloMessages();
        var dbPath = Path.Combine(dir, "sersweep.db");
        using var host = SerSweepHost.Build(new SiloHostOptions
        {
            Role = SiloRoles.Coordinator, Redis = redis.Endpoint, ClusterId = clusterId, SiloPort = Ports.Free(), GatewayPort = Ports.Free(),
            DbPath = dbPath, ArtifactsDir = Path.Combine(dir, "coordinator", "artifacts"), CacheDir = Path.Combine(dir, "coordinator", "cache"),
            Urls = "http://127.0.0.1:0",
        }, services => services.AddSingleton<IIncomingGrainCallFilter>(turns));
        await host.StartAsync();
        var clock = Stopwatch.StartNew();
        var workers = await WorkerProcesses.StartAsync(o, redis.Endpoint, clusterId, dir);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var launcher = host.Services.GetRequiredService<SweepLauncher>();
            await WaitForWorkersAsync(grains, o.Workers);
            var startup = clock.Elapsed.TotalSeconds;
            await RunSweepsAsync(launcher, "warm-up", 1, o.WarmupTrials, o, _ => { });
            var idle = await IdleCoresAsync(workers, o.IdleSeconds);

            turns.Reset();
            commits.Reset();
            messages.Reset();
            var self = Environment.ProcessId;
            var (cpu, workersCpu, redisCpu) = (ProcFs.CpuSeconds(self), workers.CpuSeconds(), ProcFs.CpuSeconds(redis.Pid));
            var threads = ProcFs.ThreadCpu(self);
            var (rssMax, heapMax) = (0.0, 0.0);
            var (wall, timeline) = await RunSweepsAsync(launcher, "scale", o.Sweeps, o.Trials, o, _ =>
            {
                rssMax = Math.Max(rssMax, ProcFs.MemoryMb(self, "VmRSS"));
                heapMax = Math.Max(heapMax, GC.GetTotalMemory(false) / 1048576.0);
            });
            (cpu, workersCpu, redisCpu) = (ProcFs.CpuSeconds(self) - cpu, workers.CpuSeconds() - workersCpu, ProcFs.CpuSeconds(redis.Pid) - redisCpu);
            var workersRss = workers.RssMb();
            var threadCpu = ProcFs.ThreadCpuSince(threads, self);
            var messageCounts = messages.Counts;

            await using var db = new SerSweepDbContext(SqliteDatabase.Options(dbPath));
            var report = await SweepInvariants.CheckAsync(db);
            var measured = report.Sweeps.Where(s => s.Name.StartsWith("scale-", StringComparison.Ordinal)).ToList();
            var withResult = measured.Sum(s => s.TrialsWithResult);
            // What the search strategy saves with a new trial and with its result: that trial's record (it was the whole state).
            var recordKb = (await db.Trials.Where(t => t.Sweep!.Name.StartsWith("scale-")).MaxAsync(t => (int?)t.SearchJson!.Length) ?? 0) / 1024.0;
            // Each trial's epochs up to the one it ended at: all of them, or its last rung when ASHA stopped it.
            var epochsExpected = await db.Trials.Where(t => t.Sweep!.Name.StartsWith("scale-")).SumAsync(t => t.LastEpoch);
            return new ScaleResult(o, startup, wall, withResult, measured.Sum(s => s.Epochs), o.Trials - withResult,
                measured.Sum(s => s.Results) - withResult, o.Asha ? epochsExpected : o.Trials * o.Epochs, [.. report.Violations.Select(v => v.ToString())],
                cpu, rssMax, ProcFs.MemoryMb(self, "VmHWM"), heapMax, workersCpu, workersRss, redisCpu, commits.Summary(), threadCpu, recordKb, turns.Snapshot(), turns.BusySeconds(), timeline, messageCounts, idle);
        }
        finally
        {
            await workers.DisposeAsync();
            await host.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The cores the coordinator and worker processes use while no sweep runs (membership, timers, statistics).</summary>
    private static async Task<(double Coordinator, double Workers)> IdleCoresAsync(WorkerProcesses workers, int seconds)
    {
        if (seconds == 0) return (0, 0);
        var self = Environment.ProcessId;
        var (coordinator, workersCpu) = (ProcFs.CpuSeconds(self), workers.CpuSeconds());
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var wall = clock.Elapsed.TotalSeconds;
        return ((ProcFs.CpuSeconds(self) - coordinator) / wall, (workers.CpuSeconds() - workersCpu) / wall);
    }

    private static async Task WaitForWorkersAsync(IGrainFactory grains, int workers)
    {
        var deadline = DateTime.UtcNow + JoinDeadline;
        while (true)
        {
            var silos = await grains.GetGrain<ISlotSchedulerGrain>(0).GetSilos();
            var active = silos.Count(s => s.Role == SiloRoles.Worker && s.Status == nameof(SiloStatus.Active));
            if (active == workers) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{active} of {workers} worker silos active after {JoinDeadline}");
            await Task.Delay(Poll);
        }
    }

    /// <summary>
    /// Launches <paramref name="sweeps"/> sweeps sharing <paramref name="trials"/> trials, each allowed every slot of the
    /// cluster (the slot scheduler shares them), and waits for all to end; the wall time from the first launch to the
    /// end of the last, and the finished trials once a second. <paramref name="sample"/> runs at every poll.
    /// </summary>
    private static async Task<(double Wall, List<(double Seconds, int Finished)> Timeline)> RunSweepsAsync(
        SweepLauncher launcher, string name, int sweeps, int trials, ScaleOptions o, Action<TimeSpan> sample)
    {
        // A deadline no sane run reaches: 20 trials a second.
        var deadline = TimeSpan.FromSeconds(60 + trials / 20.0);
        var clock = Stopwatch.StartNew();
        var launched = await Task.WhenAll(Enumerable.Range(0, sweeps).Select(i =>
            launcher.LaunchAsync(Yaml($"{name}-{i}", trials / sweeps + (i < trials % sweeps ? 1 : 0), o.SlotsTotal, o.Epochs, o.Asha), null)));
        var coordinators = launched.Select(l => l.Sweep is { } s ? launcher.Coordinator(s.Id) : throw new InvalidOperationException(string.Join("\n", l.Errors))).ToList();
        var timeline = new List<(double, int)>();
        var nextSample = TimeSpan.Zero;
        while (true)
        {
            var progress = await Task.WhenAll(coordinators.Select(c => c.GetProgress()));
            sample(clock.Elapsed);
            if (progress.All(p => p.IsOver)) return (clock.Elapsed.TotalSeconds, timeline);
            if (clock.Elapsed >= nextSample)
            {
                timeline.Add((Math.Round(clock.Elapsed.TotalSeconds, 1), progress.Sum(p => p.Finished + p.Failed)));
                nextSample += TimeSpan.FromSeconds(1);
            }
            if (clock.Elapsed > deadline) throw new TimeoutException($"{name}: sweeps not over after {deadline}: {string.Join("; ", progress)}");
            await Task.Delay(Poll);
        }
    }

    private static string Yaml(string name, int trials, int concurrent, int epochs, bool asha) => $"""
        name: {name}
        seed: 1
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
            loguniform: [1.0e-5, 1.0e-1]
          model.dropout:
            uniform: [0.0, 0.5]
        """ + (asha ? $"""

        early_stopping:
          asha:
            metric: val_accuracy
            grace_period: 1
            reduction_factor: 3
            max_epochs: {epochs}
        """ : "");
}
