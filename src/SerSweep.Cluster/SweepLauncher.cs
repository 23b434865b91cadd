using Microsoft.Extensions.Logging;
using SerSweep.Cluster.Contracts;
using SerSweep.Search;
using SerSweep.Search.Parsing;
using SerSweep.Search.Resuming;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster;

/// <summary>Starts sweeps on the coordinator (CLI, dashboard, file watcher all come through here) and controls them.</summary>
public sealed partial class SweepLauncher(StoreWriter writer, SweepQueries queries, IGrainFactory grains, SerSweepClusterOptions options, ILogger<SweepLauncher> logger)
{
    /// <summary>Validates the YAML; when valid, stores it as a new sweep (next version of its name) and starts it.</summary>
    public async Task<(Sweep? Sweep, IReadOnlyList<SweepError> Errors)> LaunchAsync(string yamlText, string? sourcePath)
    {
        var parsed = SweepFile.Parse(yamlText, sourcePath ?? "sweep.yaml");
        if (!parsed.IsValid) return (null, parsed.Errors);
        var definition = SweepDefinitions.ResolveDataPath(parsed.Definition!, sourcePath);
        var row = SweepDefinitions.NewSweep(definition, yamlText, sourcePath, options.MaxAttempts);
        if (definition.Search.WarmStart is not null)
        {
            var seeded = await WarmStarts.SeedAsync(queries, definition, sourcePath ?? "sweep.yaml");
            if (seeded.Error is { } error) return (null, [error]);
            row.StrategyState = seeded.StrategyState;
            LogWarmStart(definition.Name, seeded.FromSweepId, seeded.Kept, seeded.Dropped);
        }
        var sweep = await writer.CreateSweepAsync(row);
        await Coordinator(sweep.Id).Start();
        return (sweep, []);
    }

    /// <summary>
    /// Lets a sweep go on with <paramref name="limits"/> (see <see cref="ISweepCoordinatorGrain.Extend"/>), even a completed or
    /// stopped one; returns why it cannot, or null.
    /// </summary>
    public async Task<string?> ResumeAsync(long sweepId, RaisedLimits limits)
    {
        var coordinator = Coordinator(sweepId);
        if (await coordinator.Extend(limits.MaxTrials, limits.TimeLimit) is { } refusal) return refusal;
        await coordinator.Resume();
        return null;
    }

    /// <summary>The YAML of the newest sweep launched from this file, so that a restarted watcher does not launch it again.</summary>
    public async Task<string?> LastLaunchedTextAsync(string sourcePath) =>
        (await queries.ListSweepsFromAsync(Path.GetFullPath(sourcePath))).FirstOrDefault()?.YamlText;

    public ISweepCoordinatorGrain Coordinator(long sweepId) => grains.GetGrain<ISweepCoordinatorGrain>(sweepId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Name} warm-starts from sweep {From}: {Kept} of its finished trials as history, {Dropped} left out (a value outside this sweep's ranges)")]
    private partial void LogWarmStart(string name, long from, int kept, int dropped);
}
