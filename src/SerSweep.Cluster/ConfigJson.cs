using System.Text.Json;
using System.Text.Json.Serialization;

namespace SerSweep.Cluster;

/// <summary>How an <see cref="Core.ExperimentConfig"/> travels to a trial grain (snake_case like sweep.yaml, enums as names).</summary>
public static class ConfigJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Write(Core.ExperimentConfig config) => JsonSerializer.Serialize(config, Options);
}
