using SerSweep.Search;
using SerSweep.Search.Parsing;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster;

/// <summary>Turns a stored sweep back into its definition (the YAML is kept verbatim; the database is the record).</summary>
public static class SweepDefinitions
{
    public static SweepDefinition FromStored(Sweep sweep)
    {
        var path = sweep.SourcePath ?? $"sweep {sweep.Id}";
        var definition = SweepFile.Parse(sweep.YamlText, path).GetDefinitionOrThrow();
        return SweepClock.WithResumedLimits(ResolveDataPath(definition, sweep.SourcePath), sweep);
    }

    /// <summary>
    /// A relative data.path is relative to the sweep file's folder, as <see cref="SweepFile.Load"/> does it;
    /// a sweep started from the dashboard's editor has no file, so its path stays as written.
    /// </summary>
    public static SweepDefinition ResolveDataPath(SweepDefinition definition, string? sourcePath) =>
        sourcePath is not null && File.Exists(sourcePath) ? SweepFile.ResolveDataPath(definition, sourcePath) : definition;

    /// <summary>The row a new sweep starts as.</summary>
    public static Sweep NewSweep(SweepDefinition definition, string yamlText, string? sourcePath, int maxAttempts) => new()
    {
        Name = definition.Name,
        YamlText = yamlText,
        SourcePath = sourcePath is null ? null : Path.GetFullPath(sourcePath),
        Seed = definition.Seed,
        Status = SweepStatus.Pending,
        Method = definition.Search.Method.ToString().ToLowerInvariant(),
        ObjectiveMetric = definition.Search.Objective.Metric,
        Maximize = definition.Search.Objective.Direction == Direction.Maximize,
        MaxTrials = Search.Strategies.SearchStrategies.Create(definition).Budget,
        MaxConcurrent = definition.Search.MaxConcurrent,
        MaxAttempts = maxAttempts,
    };
}
