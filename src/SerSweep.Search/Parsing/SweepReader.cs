using System.Globalization;
using SerSweep.Core;
using SerSweep.Search.Config;
using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary>Reads the top level of a sweep file and its search and early_stopping sections, then checks them against each other.</summary>
internal sealed partial class SweepReader(YamlReader reader, SweepLimits limits)
{
    private string name = "sweep";
    private int seed;
    private ExperimentConfig config = new();
    private SearchSettings search = new();
    private YamlNode? searchNode, objectiveNode, maxTrialsNode, methodNode;
    private IReadOnlyList<ParameterSpec> parameters = [];
    private YamlNode? parametersNode, enqueueNode;
    private IReadOnlyList<IReadOnlyDictionary<string, object?>> enqueued = [];
    private AshaSettings? asha;
    private YamlNode? ashaNode, ashaMetricNode, ashaMaxEpochsNode;
    private readonly CrossValidationReader crossValidation = new(reader);

    public SweepDefinition? Read(YamlNode? root, string path)
    {
        if (root is null || root is YamlScalar { IsNull: true })
        {
            reader.Error(root ?? new YamlScalar(new(1, 1), "", true), "the file is empty", "start from the complete example in docs/sweep-yaml.md");
            return null;
        }
        YamlNode? nameNode = null;
        reader.ReadMapping(root, "the top level", new Dictionary<string, Action<YamlScalar, YamlNode>>
        {
            ["name"] = (_, v) => { nameNode = v; name = reader.Read(v, "name", name); },
            ["seed"] = (_, v) => seed = reader.Read<int>(v, "seed", seed),
            ["data"] = (_, v) => config = config with { Data = (DataConfig)Section(v, "data", config.Data) },
            ["features"] = (_, v) => config = config with { Features = (FeatureConfig)Section(v, "features", config.Features) },
            ["model"] = (_, v) => config = config with { Model = (ModelConfig)Section(v, "model", config.Model) },
            ["training"] = (_, v) => config = config with { Training = (TrainingConfig)Section(v, "training", config.Training) },
            ["search"] = (_, v) => ReadSearch(v),
            ["parameters"] = (_, v) => { parametersNode = v; parameters = new ParameterReader(reader).Read(v); },
            ["early_stopping"] = (_, v) => ReadEarlyStopping(v),
            ["cross_validation"] = (_, v) => crossValidation.Read(v),
            ["enqueue"] = (_, v) => enqueueNode = v,
        });
        if (nameNode is not null && string.IsNullOrWhiteSpace(name))
            reader.Error(nameNode, "name must not be empty", "give the sweep a short name, e.g. name: ravdess-cnn");
        if (searchNode is null && root is YamlMapping)
            reader.Error(root, "the search section is missing", "add 'search:' with at least 'method: random' and 'max_trials: 20'");
        CheckAcrossSections();
        return new SweepDefinition
        {
            Name = name, Seed = seed, Base = config, Search = search, Parameters = parameters,
            Asha = asha, SourcePath = path, CrossValidation = crossValidation.Resolve(config, parameters), Enqueued = enqueued,
            Hyperband = hyperband,
        };
    }

    private object Section(YamlNode node, string key, object current) =>
        ConfigSectionReader.Read(reader, node, ConfigSchema.Find(key)!, current);

    private void ReadSearch(YamlNode node)
    {
        searchNode = node;
        reader.ReadMapping(node, "search", new Dictionary<string, Action<YamlScalar, YamlNode>>
        {
            ["method"] = (_, v) => { methodNode = v; search = search with { Method = reader.Read(v, "search.method", search.Method) }; },
            ["max_trials"] = (_, v) => { maxTrialsNode = v; search = search with { MaxTrials = reader.ReadInt(v, "search.max_trials", 1) }; },
            ["max_concurrent"] = (_, v) => search = search with { MaxConcurrent = reader.ReadInt(v, "search.max_concurrent", 1) ?? search.MaxConcurrent },
            ["time_limit"] = (_, v) => search = search with { TimeLimit = ReadDuration(v) },
            ["checkpoint_every"] = (_, v) => search = search with { Checkpoints = ReadCheckpointCadence(v) ?? search.Checkpoints },
            ["objective"] = (_, v) => ReadObjective(v),
            ["warm_start"] = (_, v) => ReadWarmStart(v),
            ["objectives"] = (_, v) => ReadObjectives(v),
            ["nsga2"] = (_, v) => ReadNsga2(v),
            ["tpe"] = (_, v) => reader.ReadMapping(v, "search.tpe", new Dictionary<string, Action<YamlScalar, YamlNode>>
            {
                ["n_startup_trials"] = (_, n) => search = search with { Tpe = search.Tpe with { NStartupTrials = reader.ReadInt(n, "search.tpe.n_startup_trials", 1) ?? search.Tpe.NStartupTrials } },
                ["n_ei_candidates"] = (_, n) => search = search with { Tpe = search.Tpe with { NEiCandidates = reader.ReadInt(n, "search.tpe.n_ei_candidates", 1) ?? search.Tpe.NEiCandidates } },
            }),
        });
    }

    private void ReadObjective(YamlNode node)
    {
        objectiveNode = node;
        if (ReadOneObjective(node, "search.objective") is { } objective) search = search with { Objective = objective };
    }

    /// <summary>A <c>{metric, direction}</c> mapping at <paramref name="path"/>; null (after recording the errors) when it is not a valid objective.</summary>
    private Objective? ReadOneObjective(YamlNode node, string path)
    {
        string? metric = null;
        Direction? direction = null;
        YamlNode? metricNode = null, directionNode = null;
        reader.ReadMapping(node, path, new Dictionary<string, Action<YamlScalar, YamlNode>>
        {
            ["metric"] = (_, v) => { metricNode = v; metric = reader.Read<string?>(v, $"{path}.metric", null); },
            ["direction"] = (_, v) =>
            {
                directionNode = v;
                if (reader.TryRead(v, $"{path}.direction", typeof(Direction), out var given)) direction = (Direction)given!;
            },
        });
        if (metric is null || metricNode is null) return null;
        if (!CheckMetric(metricNode, metric, $"{path}.metric", allowTrain: false)) return null;
        var natural = Metrics.LowerIsBetter(metric) ? Direction.Minimize : Direction.Maximize;
        if (direction is { } given && given != natural)
            reader.Error(directionNode!, $"{path}: {metric} is better when {(natural == Direction.Minimize ? "lower" : "higher")}, but direction is {ConfigSchema.KeyOf(given.ToString())}",
                $"write direction: {ConfigSchema.KeyOf(natural.ToString())}, or leave direction out");
        return new Objective(metric, natural);
    }

    private bool CheckMetric(YamlNode node, string metric, string path, bool allowTrain)
    {
        if (!Metrics.All.Contains(metric))
        {
            var closest = DidYouMean.Closest(metric, Metrics.All);
            reader.Error(node, $"{path}: unknown metric '{metric}'",
                closest is not null ? $"did you mean '{closest}'?" : $"known metrics: {string.Join(", ", Metrics.All)}");
            return false;
        }
        if (metric.StartsWith("test_", StringComparison.Ordinal) || (!allowTrain && metric.StartsWith("train_", StringComparison.Ordinal)))
        {
            reader.Error(node, $"{path}: {metric} cannot guide the search",
                metric.StartsWith("test_", StringComparison.Ordinal)
                    ? "choosing hyperparameters on the test split leaks it: use the validation metric, e.g. val_accuracy"
                    : "use a validation metric (val_accuracy, val_macro_f1, val_uar, val_loss)");
            return false;
        }
        return true;
    }

    private TimeSpan? ReadDuration(YamlNode node)
    {
        if (node is YamlScalar { IsNull: true }) return null;
        if (node is YamlScalar scalar && Durations.TryParse(scalar.Value, out var duration)) return duration;
        reader.Error(node, $"search.time_limit: expected {Durations.Expected}, got {node.Describe()}",
            "write hours, minutes and seconds with units h, m, s (e.g. 45m), or null for no limit");
        return null;
    }

    /// <summary>A whole number of epochs (5), or a duration of training (30s, 2m).</summary>
    private CheckpointCadence? ReadCheckpointCadence(YamlNode node)
    {
        if (node is YamlScalar scalar && Durations.TryParse(scalar.Value, out var interval)) return CheckpointCadence.Every(interval);
        if (node is YamlScalar number && int.TryParse(number.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            return reader.ReadInt(node, "search.checkpoint_every", 1) is { } epochs ? CheckpointCadence.EveryEpochs(epochs) : null;
        reader.Error(node, $"search.checkpoint_every: expected a number of epochs (at least 1) or a duration of training such as 30s or 5m, got {node.Describe()}",
            "write e.g. 5 (every 5th epoch) or 30s (the first epoch ending 30 s of training after the last checkpoint)");
        return null;
    }

    private void ReadEarlyStopping(YamlNode node)
    {
        reader.ReadMapping(node, "early_stopping", new Dictionary<string, Action<YamlScalar, YamlNode>>
        {
            ["asha"] = (_, v) => ReadAsha(v),
            ["hyperband"] = (_, v) => ReadHyperband(v),
        });
    }

    private void ReadAsha(YamlNode node)
    {
        ashaNode = node;
        string? metric = null;
        int? grace = 1, factor = 3, maxEpochs = null;
        reader.ReadMapping(node, "early_stopping.asha", new Dictionary<string, Action<YamlScalar, YamlNode>>
        {
            ["metric"] = (_, v) => { ashaMetricNode = v; metric = reader.Read<string?>(v, "early_stopping.asha.metric", null); },
            ["grace_period"] = (_, v) => grace = reader.ReadInt(v, "early_stopping.asha.grace_period", 1),
            ["reduction_factor"] = (_, v) => factor = reader.ReadInt(v, "early_stopping.asha.reduction_factor", 2),
            ["max_epochs"] = (_, v) => { ashaMaxEpochsNode = v; maxEpochs = reader.ReadInt(v, "early_stopping.asha.max_epochs", 1); },
        });
        if (grace is null || factor is null || (ashaMaxEpochsNode is not null && maxEpochs is null)) return;
        if (metric is not null && !(CheckMetric(ashaMetricNode!, metric, "early_stopping.asha.metric", allowTrain: true) && CheckEpochMetric(ashaMetricNode!, metric, "early_stopping.asha.metric"))) return;
        asha = new AshaSettings { Metric = metric ?? "", GracePeriod = grace.Value, ReductionFactor = factor.Value, MaxEpochs = maxEpochs ?? 0 };
    }

    private void CheckAcrossSections()
    {
        if (objectiveNode is null && objectivesNode is null)
            search = search with { Objective = new Objective(config.Training.Metric, Metrics.LowerIsBetter(config.Training.Metric) ? Direction.Minimize : Direction.Maximize) };
        if (asha is not null) CheckAsha();
        CheckHyperband();
        if (searchNode is null) return;
        CheckObjectives();
        if (search.Method != SearchMethod.Grid && search.MaxTrials is null && maxTrialsNode is null)
            reader.Error(searchNode, $"search.max_trials is required for {ConfigSchema.KeyOf(search.Method.ToString())} search",
                "add e.g. 'max_trials: 20' under search (only grid search can run without a budget)");
        if (search.Method == SearchMethod.Grid && parametersNode is not null) CheckGrid();
        CheckWarmStart();
        if (enqueueNode is not null) enqueued = new EnqueueReader(reader).Read(enqueueNode, parameters, search);
    }

    private void CheckAsha()
    {
        var metric = asha!.Metric == "" ? search.Objective.Metric : asha.Metric;
        var maxEpochs = asha.MaxEpochs == 0 ? config.Training.Epochs : asha.MaxEpochs;
        asha = asha with { Metric = metric, MaxEpochs = maxEpochs, Direction = Metrics.LowerIsBetter(metric) ? Direction.Minimize : Direction.Maximize };
        if (maxEpochs > config.Training.Epochs)
            reader.Error(ashaMaxEpochsNode ?? ashaNode!, $"early_stopping.asha.max_epochs is {maxEpochs}, more than training.epochs ({config.Training.Epochs})",
                "trials never run past training.epochs: lower max_epochs or raise training.epochs");
        else if (asha.GracePeriod >= maxEpochs)
            reader.Error(ashaNode!, $"early_stopping.asha.grace_period ({asha.GracePeriod}) must be less than max_epochs ({maxEpochs})",
                "with no rung before the last epoch ASHA never stops a trial: lower grace_period");
    }

    private void CheckGrid()
    {
        double size = 1;
        foreach (var parameter in parameters)
        {
            if (parameter.GridCount is not { } count)
            {
                reader.Error(parameter.Position, $"grid search cannot enumerate {parameter.Path}: {parameter.Keyword}{(parameter.Kind == ParameterKind.Uniform ? " without q" : "")} is continuous",
                    "give it 'values: [...]', a 'q' step, or use method: random or tpe");
                return;
            }
            size *= count;
        }
        if (size > limits.MaxGridTrials)
            reader.Error(methodNode ?? searchNode!, $"the grid has {size.ToString("0", CultureInfo.InvariantCulture)} combinations, more than the limit of {limits.MaxGridTrials}",
                "use fewer values per parameter, or method: random / tpe with max_trials");
    }
}
