using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SerSweep.Core;

namespace SerSweep.Cli;

/// <summary>How every verb writes its <c>--json</c> result: one snake_case JSON document on stdout.</summary>
public static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new(SnakeCaseJson.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));
}
