using SerSweep.Core;
using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary>Several objectives (<c>search.objectives</c>) and the NSGA-II settings that search them.</summary>
internal sealed partial class SweepReader
{
    private YamlNode? objectivesNode;

    private void ReadObjectives(YamlNode node)
    {
        objectivesNode = node;
        if (node is not YamlSequence { Items.Count: >= 2 } list)
        {
            reader.Error(node, $"search.objectives: expected a list of two or more objectives, got {(node is YamlSequence one ? $"a list of {one.Items.Count}" : node.Describe())}",
                "write e.g. objectives: [{metric: val_uar}, {metric: latency_ms}]; for one objective use objective: {metric: ...}");
            return;
        }
        var objectives = new List<Objective>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (ReadOneObjective(list.Items[i], $"search.objectives[{i}]") is not { } objective) continue;
            if (objectives.Any(o => o.Metric == objective.Metric))
                reader.Error(list.Items[i], $"search.objectives[{i}]: {objective.Metric} is listed twice", "list each metric once");
            else objectives.Add(objective);
        }
        if (objectives.Count == list.Items.Count) search = search with { Objectives = objectives, Objective = objectives[0] };
    }

    private void ReadNsga2(YamlNode node)
    {
        double? Probability(YamlNode value, string path)
        {
            if (!reader.TryRead(value, path, typeof(double), out var read)) return null;
            if ((double)read! is >= 0 and <= 1) return (double)read;
            reader.Error(value, $"{path} must be in [0, 1], got {read}", "write a probability from 0 to 1");
            return null;
        }
        reader.ReadMapping(node, "search.nsga2", new Dictionary<string, Action<YamlScalar, YamlNode>>
        {
            ["population_size"] = (_, v) => search = search with { Nsga2 = search.Nsga2 with { PopulationSize = reader.ReadInt(v, "search.nsga2.population_size", 2) ?? search.Nsga2.PopulationSize } },
            ["mutation_prob"] = (_, v) => search = search with { Nsga2 = search.Nsga2 with { MutationProb = v is YamlScalar { IsNull: true } ? null : Probability(v, "search.nsga2.mutation_prob") } },
            ["mutation_scale"] = (_, v) => search = search with { Nsga2 = search.Nsga2 with { MutationScale = Probability(v, "search.nsga2.mutation_scale") ?? search.Nsga2.MutationScale } },
            ["crossover_prob"] = (_, v) => search = search with { Nsga2 = search.Nsga2 with { CrossoverProb = Probability(v, "search.nsga2.crossover_prob") ?? search.Nsga2.CrossoverProb } },
            ["swapping_prob"] = (_, v) => search = search with { Nsga2 = search.Nsga2 with { SwappingProb = Probability(v, "search.nsga2.swapping_prob") ?? search.Nsga2.SwappingProb } },
        });
    }

    /// <summary>False (after recording the error) for a cost metric, which is measured once per trial and so cannot judge epochs.</summary>
    private bool CheckEpochMetric(YamlNode node, string metric, string path)
    {
        if (!Metrics.Cost.Contains(metric)) return true;
        reader.Error(node, $"{path}: {metric} is measured once, on the trained model, not after every epoch",
            "use an epoch metric (val_loss, val_accuracy, val_macro_f1, val_uar)");
        return false;
    }

    private void CheckObjectives()
    {
        if (objectiveNode is not null && objectivesNode is not null)
            reader.Error(objectivesNode, $"search has both objective (line {objectiveNode.Position.Line}) and objectives",
                "keep objective: for one metric, or objectives: [...] for several");
        if (search.Objectives.Count > 1 && search.Method == SearchMethod.Tpe)
            reader.Error(methodNode ?? objectivesNode!, "search.method: tpe optimises one objective, this sweep has several",
                "use method: motpe or nsga2 (or random, or grid), or keep one objective");
        // ASHA judges the first objective unless told otherwise; a cost has no value until training ends.
        if (asha is not null && ashaMetricNode is null && Metrics.Cost.Contains(asha.Metric))
            reader.Error(ashaNode!, $"early_stopping.asha judges the first objective, {asha.Metric}, which is measured once on the trained model",
                "put an accuracy or loss objective first, or set early_stopping.asha.metric: val_loss");
    }
}
