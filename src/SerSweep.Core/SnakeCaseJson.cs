using System.Text.Json;
using System.Text.Json.Serialization;

namespace SerSweep.Core;

/// <summary>
/// SerSweep's one JSON convention, sweep.yaml's spelling: snake_case names, enums as snake_case names, compact. The
/// database's JSON columns, the config sent to a trial, the search state, the feature cache headers and the REST API
/// use it as it is; the bundle files and the CLI's --json are the same, indented. Reading is lenient as the web
/// defaults are (names in any case, numbers also as strings).
/// </summary>
public static class SnakeCaseJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
