using System.Text.Json;
using System.Text.Json.Serialization;

namespace SerSweep.Dashboard.Api;

/// <summary>The REST API's JSON: snake_case names, enums as snake_case strings, like the CLI's --json.</summary>
internal static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
