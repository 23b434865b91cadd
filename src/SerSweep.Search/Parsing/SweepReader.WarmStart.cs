using SerSweep.Search.WarmStarting;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary><c>search.warm_start: {from: SWEEP}</c>: which sweep is checked when the sweep starts (it is in the database, not the file).</summary>
internal sealed partial class SweepReader
{
    private YamlNode? warmStartNode;

    private void ReadWarmStart(YamlNode node)
    {
        warmStartNode = node;
        string? from = null;
        reader.ReadMapping(node, "search.warm_start", new Dictionary<string, Action<YamlScalar, YamlNode>>
        {
            ["from"] = (_, v) => from = reader.Read<string?>(v, "search.warm_start.from", null),
        });
        if (node is YamlMapping && string.IsNullOrWhiteSpace(from))
            reader.Error(node, "search.warm_start.from is missing", "name the earlier sweep by its id or name, e.g. warm_start: {from: ravdess-cnn}");
        else if (from is not null) search = search with { WarmStart = new WarmStartSettings(from.Trim(), node.Position) };
    }

    private void CheckWarmStart()
    {
        if (warmStartNode is null) return;
        if (search.Method == SearchMethod.Grid)
            reader.Error(warmStartNode, "search.warm_start needs method random, tpe, nsga2 or motpe", "a grid tries every combination whatever came before: use method: tpe");
    }
}
