namespace SerSweep.Search.Yaml;

/// <summary>Reads a short value written in YAML (<c>rmsprop</c>, <c>1e-3</c>, <c>[32, 64]</c>) as a node.</summary>
public static class YamlText
{
    private static readonly SweepLimits ValueLimits = new() { MaxYamlNodes = 1_000, MaxDepth = 4 };

    public static bool TryParse(string text, out YamlNode node)
    {
        var errors = new List<SweepError>();
        node = YamlLoader.Load(text, "value", ValueLimits, errors) ?? new YamlScalar(new(1, 1), "", isPlain: true);
        return errors.Count == 0 && node is not YamlMapping;
    }
}
