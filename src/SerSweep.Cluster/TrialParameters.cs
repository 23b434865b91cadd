using System.Text.Json;
using SerSweep.Search.Config;

namespace SerSweep.Cluster;

/// <summary>
/// A trial's parameters as stored: numbers stay JSON numbers (so the leaderboard can sort and filter them in SQL),
/// everything else is its sweep.yaml text ("rmsprop", "[32, 64]"), which <see cref="ConfigPaths.ApplyParameters"/> reads back.
/// </summary>
public static class TrialParameters
{
    public static string ToJson(IReadOnlyDictionary<string, object?> parameters) =>
        JsonSerializer.Serialize(parameters.ToDictionary(
            p => p.Key,
            p => p.Value is int or long or double ? p.Value : (object)ValueTypes.Format(p.Value)));

    public static IReadOnlyDictionary<string, object?> FromJson(string json) =>
        (JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? []).ToDictionary(
            p => p.Key,
            p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : (object?)p.Value.GetString());
}
