using SerSweep.Core;
using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary>Reads the <c>cross_validation</c> section and checks it against the data and the search space.</summary>
internal sealed class CrossValidationReader(YamlReader reader)
{
    /// <summary>The word for "one fold per actor".</summary>
    public const string LeaveOneOut = "leave_one_out";

    private YamlNode? section, foldsNode, byNode;
    private FoldGrouping by = FoldGrouping.Actor;
    private int? folds;
    private bool leaveOneOut;
    private int? seed;
    private RefitMode refit = RefitMode.Best;
    private bool broken;

    public void Read(YamlNode node)
    {
        section = node;
        reader.ReadMapping(node, "cross_validation", new Dictionary<string, Action<YamlScalar, YamlNode>>
        {
            ["by"] = (_, v) => { byNode = v; by = Read(v, "cross_validation.by", by); },
            ["folds"] = (_, v) => ReadFolds(v),
            ["seed"] = (_, v) => seed = Read<int?>(v, "cross_validation.seed", null),
            ["refit"] = (_, v) => refit = Read(v, "cross_validation.refit", refit),
        });
    }

    private T Read<T>(YamlNode node, string path, T fallback)
    {
        if (reader.TryRead(node, path, typeof(T), out var value)) return (T)value!;
        broken = true;
        return fallback;
    }

    private void ReadFolds(YamlNode node)
    {
        foldsNode = node;
        if (node is YamlScalar { Value: LeaveOneOut })
        {
            leaveOneOut = true;
            return;
        }
        if (node is YamlScalar scalar && !int.TryParse(scalar.Value, out _))
        {
            reader.Error(node, $"cross_validation.folds: expected a number of folds or {LeaveOneOut}, got {node.Describe()}",
                $"write e.g. folds: 4 (groups of actors), or folds: {LeaveOneOut} (one fold per actor)");
            broken = true;
            return;
        }
        folds = reader.ReadInt(node, "cross_validation.folds", 2);
        broken |= folds is null;
    }

    /// <summary>The settings, or null when there is no section (or it has errors, all of them recorded).</summary>
    public CrossValidationSettings? Resolve(ExperimentConfig config, IReadOnlyList<ParameterSpec> parameters)
    {
        if (section is null) return null;
        foreach (var parameter in parameters.Where(p => p.Path == "data.actors" || p.Path.StartsWith("data.split.", StringComparison.Ordinal)))
            reader.Error(parameter.Position, $"{parameter.Path} cannot be searched with cross_validation",
                "the folds are fixed for the whole sweep: set data.actors and data.split in the data section");
        if (broken) return null;
        if (foldsNode is null)
        {
            reader.Error(section, "cross_validation.folds is missing", $"add e.g. 'folds: 4', or 'folds: {LeaveOneOut}' for one fold per actor");
            return null;
        }
        var actors = ValueRules.ActorCount(config.Data.Actors);
        if (actors == 0) return null;   // data.actors itself is reported
        if (leaveOneOut && by != FoldGrouping.Actor)
        {
            reader.Error(foldsNode, $"cross_validation.folds: {LeaveOneOut} needs by: actor", "write a number of folds for stratified folds, e.g. folds: 5");
            return null;
        }
        var count = leaveOneOut ? actors : folds!.Value;
        if (by == FoldGrouping.Actor && count > actors)
        {
            reader.Error(foldsNode, $"cross_validation.folds is {count}, more than the {actors} actors of data.actors ({config.Data.Actors})",
                $"actor folds need at least one actor each: write folds: {actors} at most, or {LeaveOneOut}");
            return null;
        }
        if (count < 2)
        {
            reader.Error(foldsNode, $"cross_validation needs at least 2 folds, data.actors ({config.Data.Actors}) gives {count}",
                "select more actors in data.actors, or use by: stratified");
            return null;
        }
        return new CrossValidationSettings { By = by, Folds = count, Seed = seed ?? config.Data.Split.Seed, Refit = refit };
    }
}
