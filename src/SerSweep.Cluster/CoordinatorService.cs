using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SerSweep.Cluster.Contracts;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster;

/// <summary>
/// Runs on the coordinator silo once it is up: resumes every unfinished sweep from the database, then watches
/// cluster membership: a silo declared dead has its trial attempts re-issued, and the silo table the dashboard
/// shows is refreshed.
/// </summary>
public sealed partial class CoordinatorService(
    IGrainFactory grains, SweepQueries queries, StoreWriter writer, IClusterMembershipService membership,
    IHostApplicationLifetime lifetime, ILogger<CoordinatorService> logger) : BackgroundService
{
    private static readonly TimeSpan SnapshotPeriod = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await WhenStartedAsync(stopping);
        foreach (var sweep in await queries.UnfinishedSweepsAsync(stopping))
        {
            LogResuming(sweep.Id, sweep.Name, sweep.Version);
            await grains.GetGrain<ISweepCoordinatorGrain>(sweep.Id).Start();
        }
        await Task.WhenAll(WatchMembershipAsync(stopping), RefreshSnapshotsAsync(stopping));
    }

    private async Task WatchMembershipAsync(CancellationToken stopping)
    {
        var dead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping))
            {
                foreach (var member in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress)))
                {
                    LogSiloDied(member.SiloAddress.ToParsableString(), member.Name);
                    await grains.GetGrain<ISlotSchedulerGrain>(0).SiloDied(member.SiloAddress.ToParsableString());
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshSnapshotsAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(SnapshotPeriod);
        do
        {
            var silos = await grains.GetGrain<ISlotSchedulerGrain>(0).GetSilos();
            await writer.UpsertSilosAsync([.. silos.Select(s => new SiloSnapshot
            {
                Address = s.Address, Name = s.Name, Role = s.Role, Slots = s.Slots, ThreadsPerTrial = s.ThreadsPerTrial,
                RunningTrials = s.Running, Status = s.Status, UpdatedAt = DateTime.UtcNow,
            })]);
        }
        while (await WaitAsync(timer, stopping));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try { return await timer.WaitForNextTickAsync(stopping); }
        catch (OperationCanceledException) { return false; }
    }

    private async Task WhenStartedAsync(CancellationToken stopping)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(stopping);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming sweep {SweepId} ({Name} v{Version}) from the database")]
    private partial void LogResuming(long sweepId, string name, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} ({Name}) died: its trials are re-issued")]
    private partial void LogSiloDied(string silo, string name);
}
