using System.Text.RegularExpressions;

namespace SerSweep.Search.Yaml;

/// <summary>
/// Which field (dotted key path, <c>training.learning_rate</c>) an error of a sweep file is about: the path the
/// message starts with when it names one, else the nearest mapping key at or before the error's position (an
/// error on a key or on its value names that key).
/// </summary>
public static partial class YamlKeyPath
{
    public static string Of(SweepError error, string text) =>
        LeadingPath().Match(error.Message) is { Success: true } named ? named.Value : At(text, error.Position);

    /// <summary>The key path at <paramref name="position"/>; "" when no key precedes it or the text does not load.</summary>
    public static string At(string text, SourcePosition position)
    {
        var root = YamlLoader.Load(text, "sweep.yaml", SweepLimits.Default, []);
        var (found, foundAt) = ("", new SourcePosition(0, 0));
        // Iterative, so no file can overflow the stack; an alias is its anchor's node, read once.
        var pending = new Stack<(YamlNode Node, string Path)>();
        var visited = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        if (root is not null) pending.Push((root, ""));
        while (pending.Count > 0)
        {
            var (node, path) = pending.Pop();
            if (!visited.Add(node)) continue;
            if (node is YamlSequence sequence)
                foreach (var item in sequence.Items) pending.Push((item, path));
            if (node is not YamlMapping mapping) continue;
            foreach (var (key, value) in mapping.Entries)
            {
                var keyPath = path.Length == 0 ? key.Value : $"{path}.{key.Value}";
                if (Compare(key.Position, position) <= 0 && Compare(key.Position, foundAt) > 0) (found, foundAt) = (keyPath, key.Position);
                pending.Push((value, keyPath));
            }
        }
        return found;
    }

    private static int Compare(SourcePosition a, SourcePosition b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column);

    /// <summary>"search.max_trials is required ...", "training.epochs: expected ...": the parser's messages about a field start with its path.</summary>
    [GeneratedRegex(@"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+(?=[: ])")]
    private static partial Regex LeadingPath();
}
