using SerSweep.Cluster;
using SerSweep.Dashboard.Control;
using SerSweep.Search;
using SerSweep.Search.Resuming;
using SerSweep.Storage.Entities;

namespace SerSweep.Host;

/// <summary>The dashboard's <see cref="ISweepControl"/> on a coordinator host: the sweep launcher and the coordinator grains, whose failures are turned into <see cref="SweepControlException"/> here, once.</summary>
public sealed class ClusterSweepControl(SweepLauncher launcher) : ISweepControl
{
    public Task<(Sweep? Sweep, IReadOnlyList<SweepError> Errors)> LaunchAsync(string yamlText) => Guard(() => launcher.LaunchAsync(yamlText, sourcePath: null));

    public Task PauseAsync(long sweepId) => Guard(() => launcher.Coordinator(sweepId).Pause());

    public Task ResumeAsync(long sweepId) => Guard(() => launcher.Coordinator(sweepId).Resume());

    public Task<string?> ResumeAsync(long sweepId, RaisedLimits limits) => Guard(() => launcher.ResumeAsync(sweepId, limits));

    public Task StopAsync(long sweepId) => Guard(() => launcher.Coordinator(sweepId).Stop());

    private static Task Guard(Func<Task> call) => Guard(async () => { await call(); return true; });

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is OrleansException or InvalidOperationException or ArgumentException)
        {
            throw new SweepControlException(e.Message, e);
        }
    }
}
