using System.Text.Json;
using System.Text.Json.Serialization;
using SerSweep.Core;

namespace SerSweep.Training;

/// <summary>JSON settings of everything training writes to disk (bundle entries, checkpoints): snake_case, enums as names.</summary>
public static class BundleJson
{
    public static JsonSerializerOptions Options { get; } = new(SnakeCaseJson.Options)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
