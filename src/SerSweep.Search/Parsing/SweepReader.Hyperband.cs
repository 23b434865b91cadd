using SerSweep.Core;
using SerSweep.Search.Pruning;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary><c>early_stopping.hyperband</c>: read with the other keys, checked against training.epochs, the objective and asha afterwards.</summary>
internal sealed partial class SweepReader
{
    private HyperbandSettings? hyperband;
    private YamlNode? hyperbandNode, hyperbandMetricNode;

    private void ReadHyperband(YamlNode node)
    {
        hyperbandNode = node;
        string? metric = null;
        int? minEpochs = 1, factor = 3, maxEpochs = 0;
        reader.ReadMapping(node, "early_stopping.hyperband", new Dictionary<string, Action<YamlScalar, YamlNode>>
        {
            ["metric"] = (_, v) => { hyperbandMetricNode = v; metric = reader.Read<string?>(v, "early_stopping.hyperband.metric", null); },
            ["min_epochs"] = (_, v) => minEpochs = reader.ReadInt(v, "early_stopping.hyperband.min_epochs", 1),
            ["max_epochs"] = (_, v) => maxEpochs = reader.ReadInt(v, "early_stopping.hyperband.max_epochs", 1),
            ["reduction_factor"] = (_, v) => factor = reader.ReadInt(v, "early_stopping.hyperband.reduction_factor", 2),
        });
        if (minEpochs is null || factor is null || maxEpochs is null) return;
        if (metric is not null && !CheckMetric(hyperbandMetricNode!, metric, "early_stopping.hyperband.metric", allowTrain: true)) return;
        hyperband = new HyperbandSettings { Metric = metric ?? "", MinEpochs = minEpochs.Value, ReductionFactor = factor.Value, MaxEpochs = maxEpochs.Value };
    }

    /// <summary>The metric defaults to the objective, max_epochs to training.epochs; r &lt; R &lt;= training.epochs; not with asha.</summary>
    private void CheckHyperband()
    {
        if (hyperbandNode is null) return;
        if (ashaNode is not null)
            reader.Error(hyperbandNode, "early_stopping: give asha or hyperband, not both", "hyperband already runs several ASHA brackets: keep one of the two");
        if (hyperband is null) return;
        var metric = hyperband.Metric == "" ? search.Objective.Metric : hyperband.Metric;
        var maxEpochs = hyperband.MaxEpochs == 0 ? config.Training.Epochs : hyperband.MaxEpochs;
        hyperband = hyperband with { Metric = metric, MaxEpochs = maxEpochs, Direction = Metrics.LowerIsBetter(metric) ? Direction.Minimize : Direction.Maximize };
        if (maxEpochs > config.Training.Epochs)
            reader.Error(hyperbandNode, $"early_stopping.hyperband.max_epochs is {maxEpochs}, more than training.epochs ({config.Training.Epochs})",
                "trials never run past training.epochs: lower max_epochs or raise training.epochs");
        else if (hyperband.MinEpochs >= maxEpochs)
            reader.Error(hyperbandNode, $"early_stopping.hyperband.min_epochs ({hyperband.MinEpochs}) must be less than max_epochs ({maxEpochs})",
                "bracket 0 first compares trials at min_epochs: lower it");
    }
}
