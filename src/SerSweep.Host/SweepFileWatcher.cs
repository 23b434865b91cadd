using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SerSweep.Cluster;
using SerSweep.Search;
using SerSweep.Search.Yaml;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Host;

/// <summary>
/// Watches a sweep.yaml: every saved version that validates (and differs from the last one launched) starts a new
/// sweep; one that does not is logged with every error and changes nothing. The file as it is at start is launched
/// too unless a sweep with exactly this text already exists. Every judgement is recorded in the database, where the
/// dashboard shows it.
/// </summary>
public sealed partial class SweepFileWatcher(string path, SweepLauncher launcher, StoreWriter writer, IHostApplicationLifetime lifetime, ILogger<SweepFileWatcher> logger)
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
        await writer.RecordSweepFileEventAsync(Judgement(full, text, sweep, errors));
        if (sweep is null)
        {
            LogInvalid(full, string.Join(Environment.NewLine, errors));
            return last;
        }
        LogLaunched(full, sweep.Id, sweep.Name, sweep.Version);
        return text;
    }

    private static SweepFileEvent Judgement(string full, string text, Sweep? sweep, IReadOnlyList<SweepError> errors) => new()
    {
        Path = full,
        At = DateTime.UtcNow,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
        Accepted = sweep is not null,
        SweepId = sweep?.Id,
        SweepName = sweep?.Name,
        SweepVersion = sweep?.Version,
        ErrorsJson = sweep is not null ? null : StoredJson.Write(errors.Select(e =>
            new SweepFileError(e.Line, e.Column, YamlKeyPath.Of(e, text), e.Message, e.Hint)).ToList()),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} changed: started sweep {SweepId} ({Name} v{Version})")]
    private partial void LogLaunched(string path, long sweepId, string name, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} changed but does not validate; running sweeps go on untouched:\n{Errors}")]
    private partial void LogInvalid(string path, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read {Path}: {Reason}")]
    private partial void LogUnreadable(string path, string reason);
}
