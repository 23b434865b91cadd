using System.Text.Json;
using SerSweep.Search.Parsing;
using SerSweep.Search.Resuming;

namespace SerSweep.Dashboard.Api;

/// <summary>
/// The body of <c>POST /api/sweeps/{id}/resume</c>: <c>{"max_trials": 24, "time_limit": "2h"}</c>, either key optional, the
/// duration written as in sweep.yaml. No body at all un-pauses a paused sweep, as before limits could be raised.
/// </summary>
internal static class ResumeRequest
{
    /// <summary>The limits the body asks for, or why it is not a valid body.</summary>
    public static (RaisedLimits? Limits, string? Error) Parse(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, $"the body is not JSON: {e.Message}");
        }
        using var owned = document;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return (null, "the body must be a JSON object such as {\"max_trials\": 24, \"time_limit\": \"2h\"}");
        var limits = RaisedLimits.None;
        foreach (var field in root.EnumerateObject())
        {
            switch (field.Name)
            {
                case "max_trials" when field.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "max_trials" when field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var trials):
                    limits = limits with { MaxTrials = trials };
                    break;
                case "max_trials":
                    return (null, $"max_trials: expected a whole number, got {field.Value.GetRawText()}");
                case "time_limit" when field.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "time_limit" when field.Value.ValueKind == JsonValueKind.String && Durations.TryParse(field.Value.GetString()!, out var time):
                    limits = limits with { TimeLimit = time };
                    break;
                case "time_limit":
                    return (null, $"time_limit: expected {Durations.Expected} as a string, got {field.Value.GetRawText()}");
                default:
                    return (null, $"unknown field '{field.Name}': a resume takes max_trials and time_limit");
            }
        }
        return (limits, null);
    }
}
