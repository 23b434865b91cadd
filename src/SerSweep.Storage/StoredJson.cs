using System.Text.Json;
using SerSweep.Core;

namespace SerSweep.Storage;

/// <summary>Precision, recall and F1 of one class on the test split.</summary>
public sealed record ClassMetrics(string Emotion, double Precision, double Recall, double F1, int Support);

/// <summary>A confusion matrix: <c>Counts[true][predicted]</c>, rows and columns in <see cref="Labels"/> order.</summary>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<int>> Counts);

/// <summary>The one JSON format of the database's JSON columns (snake_case, compact).</summary>
public static class StoredJson
{
    public static JsonSerializerOptions Options => SnakeCaseJson.Options;

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Read<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, Options);

    /// <summary>
    /// A trial's parameters, the one writer of <c>Trials.ParametersJson</c>: dotted keys verbatim ("training.learning_rate"),
    /// so no naming policy applies; values as given, numbers as JSON numbers and anything else already as its sweep.yaml text
    /// (the search's <c>TrialSuggestion.ParametersToStore</c>).
    /// </summary>
    public static string WriteParameters(IReadOnlyDictionary<string, object?> parameters) => JsonSerializer.Serialize(parameters);

    public static Dictionary<string, JsonElement> ReadParameters(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? [];

    /// <summary>The stored parameters back as values: numbers as doubles, the rest as their text (which the search's config paths parse).</summary>
    public static IReadOnlyDictionary<string, object?> ReadParameterValues(string json) =>
        ReadParameters(json).ToDictionary(
            p => p.Key,
            p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : (object?)p.Value.GetString());
}
