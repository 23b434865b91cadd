namespace SerSweep.Search.Yaml;

/// <summary>A 1-based line and column in a sweep file.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>
/// A node of a loaded YAML document, with the position where it starts. An alias is the very node
/// its anchor names (shared, never copied), so a document's memory stays linear in its text.
/// </summary>
public abstract class YamlNode(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    /// <summary>What this node is, in words for error messages ("a mapping", "a list", "'3.5'").</summary>
    public abstract string Describe();
}

public sealed class YamlScalar(SourcePosition position, string value, bool isPlain) : YamlNode(position)
{
    public string Value { get; } = value;
    /// <summary>Unquoted: may be a number, a boolean or null. Quoted scalars are always strings.</summary>
    public bool IsPlain { get; } = isPlain;
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe() => IsNull ? "null" : $"'{Value}'";
}

public sealed class YamlSequence(SourcePosition position) : YamlNode(position)
{
    public List<YamlNode> Items { get; } = [];

    public override string Describe() => "a list";
}

public sealed class YamlMapping(SourcePosition position) : YamlNode(position)
{
    public List<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = [];

    public override string Describe() => "a mapping";
}
