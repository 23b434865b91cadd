using System.Text.Json;
using SerSweep.Core;

namespace SerSweep.Dashboard.Api;

/// <summary>The REST API's JSON: snake_case names, enums as snake_case strings, like the CLI's --json.</summary>
internal static class DashboardJson
{
    public static JsonSerializerOptions Options => SnakeCaseJson.Options;
}
