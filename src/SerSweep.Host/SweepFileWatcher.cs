using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SerSweep.Cluster;

namespace SerSweep.Host;

/// <summary>
/// Watches a sweep.yaml: every saved version that validates (and differs from the last one launched) starts a new
/// sweep; one that does not is logged with every error and changes nothing. The file as it is at start is launched
/// too unless a sweep with exactly this text already exists.
/// </summary>
public sealed partial class SweepFileWatcher(string path, SweepLauncher launcher, IHostApplicationLifetime lifetime, ILogger<SweepFileWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var full = Path.GetFullPath(path);
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult)) await started.Task.WaitAsync(stopping);

        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        var changed = new SemaphoreSlim(0);
        watcher.Changed += (_, _) => changed.Release();
        watcher.Created += (_, _) => changed.Release();
        watcher.Renamed += (_, _) => changed.Release();
        watcher.EnableRaisingEvents = true;

        string? last = await launcher.LastLaunchedTextAsync(full);
        while (!stopping.IsCancellationRequested)
        {
            last = await LaunchIfChangedAsync(full, last);
            try
            {
                await changed.WaitAsync(stopping);
                // Editors write in several steps: wait until the file settles, then read it once.
                await Task.Delay(Settle, stopping);
                while (changed.CurrentCount > 0) await changed.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<string?> LaunchIfChangedAsync(string full, string? last)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(full);
        }
        catch (IOException e)
        {
            LogUnreadable(full, e.Message);
            return last;
        }
        if (text == last) return last;
        var (sweep, errors) = await launcher.LaunchAsync(text, full);
        if (sweep is null)
        {
            LogInvalid(full, string.Join(Environment.NewLine, errors));
            return last;
        }
        LogLaunched(full, sweep.Id, sweep.Name, sweep.Version);
        return text;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} changed: started sweep {SweepId} ({Name} v{Version})")]
    private partial void LogLaunched(string path, long sweepId, string name, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} changed but does not validate; running sweeps go on untouched:\n{Errors}")]
    private partial void LogInvalid(string path, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read {Path}: {Reason}")]
    private partial void LogUnreadable(string path, string reason);
}
