using System.Text.Json;
using SerSweep.Core;

namespace SerSweep.Cluster;

/// <summary>How an <see cref="Core.ExperimentConfig"/> travels to a trial grain (snake_case like sweep.yaml, enums as names).</summary>
public static class ConfigJson
{
    public static JsonSerializerOptions Options => SnakeCaseJson.Options;

    public static string Write(Core.ExperimentConfig config) => JsonSerializer.Serialize(config, Options);
}
