using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary>Typed reads of YAML nodes that record an error (with position and hint) instead of throwing.</summary>
internal sealed class YamlReader(string file, List<SweepError> errors)
{
    public List<SweepError> Errors { get; } = errors;

    public void Error(YamlNode node, string message, string hint) => Error(node.Position, message, hint);

    public void Error(SourcePosition position, string message, string hint) => Errors.Add(new SweepError(file, position, message, hint));

    /// <summary>
    /// Calls the handler of each key of a mapping; unknown keys are errors with a "did you mean".
    /// <paramref name="where"/> names the mapping in messages ("search", "the top level").
    /// </summary>
    public void ReadMapping(YamlNode node, string where, IReadOnlyDictionary<string, Action<YamlScalar, YamlNode>> handlers)
    {
        if (!ExpectMapping(node, where, out var mapping)) return;
        foreach (var (key, value) in mapping.Entries)
        {
            if (handlers.TryGetValue(key.Value, out var handle)) handle(key, value);
            else UnknownKey(key, where, handlers.Keys);
        }
    }

    public bool ExpectMapping(YamlNode node, string where, out YamlMapping mapping)
    {
        mapping = node as YamlMapping ?? new YamlMapping(node.Position);
        if (node is YamlMapping) return true;
        Error(node, $"{where} must be a mapping, got {node.Describe()}", $"write '{where}:' followed by indented 'key: value' lines");
        return false;
    }

    public void UnknownKey(YamlScalar key, string where, IEnumerable<string> known)
    {
        var names = known.ToArray();
        var place = where == "the top level" ? "at the top level" : $"in {where}";
        var closest = DidYouMean.Closest(key.Value, names);
        Error(key, $"unknown key '{key.Value}' {place}",
            closest is not null ? $"did you mean '{closest}'?" : $"known keys: {string.Join(", ", names)}");
    }

    /// <summary>Converts a node to a field type; on failure records "expected X, got Y" and returns false.</summary>
    public bool TryRead(YamlNode node, string path, Type type, out object? value)
    {
        if (ValueTypes.TryConvert(node, type, out value)) return true;
        Error(node, $"{path}: expected {ValueTypes.Describe(type)}, got {node.Describe()}", HintFor(node, type));
        return false;
    }

    /// <summary>The node as a <typeparamref name="T"/>, or <paramref name="fallback"/> after recording the error.</summary>
    public T Read<T>(YamlNode node, string path, T fallback) => TryRead(node, path, typeof(T), out var value) ? (T)value! : fallback;

    /// <summary>An integer at least <paramref name="min"/>, or null after recording the error.</summary>
    public int? ReadInt(YamlNode node, string path, int min)
    {
        if (!TryRead(node, path, typeof(int), out var value)) return null;
        if ((int)value! >= min) return (int)value;
        Error(node, $"{path} must be at least {min}, got {value}", $"write a whole number of {min} or more");
        return null;
    }

    private static string HintFor(YamlNode node, Type type)
    {
        var element = ValueTypes.ElementType(type);
        if (element is not null) return node is YamlSequence ? $"every item must be {ValueTypes.Describe(element)}" : "write a list in brackets, e.g. [32, 64, 128]";
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum && node is YamlScalar scalar)
            return DidYouMean.Closest(scalar.Value, ValueTypes.EnumNames(t)) is { } closest ? $"did you mean '{closest}'?" : $"write one of: {string.Join(", ", ValueTypes.EnumNames(t))}";
        if (t == typeof(int) || t == typeof(long)) return "write a whole number, e.g. 32";
        if (t == typeof(double)) return "write a number, e.g. 0.001 or 1e-3";
        if (t == typeof(bool)) return "write true or false";
        return "write a single value; quote it if it contains ':' or '#'";
    }
}
