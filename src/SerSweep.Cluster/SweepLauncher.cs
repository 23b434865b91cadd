using SerSweep.Cluster.Contracts;
using SerSweep.Search;
using SerSweep.Search.Parsing;
using SerSweep.Search.Resuming;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster;

/// <summary>Starts sweeps on the coordinator (CLI, dashboard, file watcher all come through here) and controls them.</summary>
public sealed class SweepLauncher(StoreWriter writer, SweepQueries queries, IGrainFactory grains, SerSweepClusterOptions options)
{
    /// <summary>Validates the YAML; when valid, stores it as a new sweep (next version of its name) and starts it.</summary>
    public async Task<(Sweep? Sweep, IReadOnlyList<SweepError> Errors)> LaunchAsync(string yamlText, string? sourcePath)
    {
        var parsed = SweepFile.Parse(yamlText, sourcePath ?? "sweep.yaml");
        if (!parsed.IsValid) return (null, parsed.Errors);
        var definition = SweepDefinitions.ResolveDataPath(parsed.Definition!, sourcePath);
        var sweep = await writer.CreateSweepAsync(SweepDefinitions.NewSweep(definition, yamlText, sourcePath, options.MaxAttempts));
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
}
