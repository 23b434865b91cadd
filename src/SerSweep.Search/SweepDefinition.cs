using SerSweep.Core;
using SerSweep.Search.Config;
using SerSweep.Search.Strategies;

namespace SerSweep.Search;

/// <summary>A validated sweep.yaml: the base experiment, how to search, what to search over, and when to stop trials early.</summary>
public sealed record SweepDefinition
{
    public required string Name { get; init; }
    /// <summary>Seed of the whole sweep; each trial's seed derives from it and the trial index.</summary>
    public int Seed { get; init; }
    /// <summary>The data, features, model and training sections: every trial starts from this.</summary>
    public required ExperimentConfig Base { get; init; }
    public required SearchSettings Search { get; init; }
    /// <summary>The search space, in file order.</summary>
    public IReadOnlyList<ParameterSpec> Parameters { get; init; } = [];
    /// <summary>ASHA early stopping; null = every trial runs all its epochs.</summary>
    public AshaSettings? Asha { get; init; }
    /// <summary>Hyperband early stopping (several ASHA brackets); never together with <see cref="Asha"/>.</summary>
    public Pruning.HyperbandSettings? Hyperband { get; init; }
    /// <summary>Cross-validated trials (every trial trains each fold); null = a trial is one run on <c>data.split</c>.</summary>
    public CrossValidationSettings? CrossValidation { get; init; }
    /// <summary><c>enqueue:</c>: the parameters of trials 0, 1, ... in order, typed like the fields; a parameter left out is drawn as usual.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Enqueued { get; init; } = [];
    /// <summary>The file it was read from, as given to the parser.</summary>
    public string SourcePath { get; init; } = "";

    /// <summary>
    /// The config of one trial: the base with the suggested parameters applied and the trial's own seed
    /// (unless <c>training.seed</c> is itself a searched parameter).
    /// </summary>
    public ExperimentConfig ConfigFor(TrialSuggestion trial)
    {
        var config = Base with { Training = Base.Training with { Seed = trial.Seed } };
        return config.ApplyParameters(trial.Parameters);
    }

    /// <summary>
    /// The stored result metric of a finished trial that holds each of <c>search.objectives</c>, in order: what its strategy
    /// was told, so for a cross-validated sweep the folds' held-out metric (<see cref="CrossValidationSettings.HeldOut"/>).
    /// </summary>
    public IReadOnlyList<string> StoredObjectiveMetrics =>
        [.. Search.Objectives.Select(o => CrossValidation is null ? o.Metric : CrossValidationSettings.HeldOut(o.Metric))];
}

public enum SearchMethod { Grid, Random, Tpe, Nsga2, Motpe }

public enum Direction { Maximize, Minimize }

/// <summary>The metric a sweep optimises (one of <see cref="Metrics"/>) and which way is better.</summary>
public sealed record Objective(string Metric, Direction Direction);

public sealed record SearchSettings
{
    public SearchMethod Method { get; init; } = SearchMethod.Random;
    /// <summary>Trial budget; for grid search null means the whole grid.</summary>
    public int? MaxTrials { get; init; }
    public int MaxConcurrent { get; init; } = 1;
    /// <summary>Wall-clock budget of the sweep; null = none.</summary>
    public TimeSpan? TimeLimit { get; init; }
    /// <summary>The objective; of a multi-objective sweep the first of <see cref="Objectives"/> (what ASHA judges).</summary>
    public Objective Objective { get; init; } = new(Metrics.ValAccuracy, Direction.Maximize);
    /// <summary><c>search.objectives</c>, in file order: two or more for a multi-objective sweep, else empty.</summary>
    public IReadOnlyList<Objective> Objectives { get; init; } = [];
    public TpeSettings Tpe { get; init; } = new();
    /// <summary>The earlier sweep whose finished trials seed the strategy; null = none.</summary>
    public WarmStarting.WarmStartSettings? WarmStart { get; init; }
    public Nsga2Settings Nsga2 { get; init; } = new();

    /// <summary>Every objective the sweep optimises: <see cref="Objectives"/>, or the one <see cref="Objective"/>.</summary>
    public IReadOnlyList<Objective> AllObjectives => Objectives.Count > 0 ? Objectives : [Objective];
    /// <summary>When a running trial's checkpoint is written and replicated to the coordinator (what a resumed attempt restarts from).</summary>
    public CheckpointCadence Checkpoints { get; init; } = CheckpointCadence.Default;
}

/// <summary>TPE settings, with Optuna's defaults; MOTPE reads them too.</summary>
public sealed record TpeSettings
{
    /// <summary>Trials sampled at random before the model is used.</summary>
    public int NStartupTrials { get; init; } = 10;
    /// <summary>Candidates drawn from the good-trials density per parameter; the one with the best l(x)/g(x) wins.</summary>
    public int NEiCandidates { get; init; } = 24;
    /// <summary>
    /// MOTPE only: one joint density over the unconditional numeric parameters (Optuna's <c>multivariate=True</c>) rather
    /// than one per parameter. Not a sweep-file setting: chosen on ZDT1's tuning seeds (bench/report/notes/pareto.md).
    /// </summary>
    public bool MotpeMultivariate { get; init; } = true;
    /// <summary>MOTPE only: the good set is ⌊γ·n⌋ of the n completed trials (Optuna 3.1: 0.1). Not a sweep-file setting, as above.</summary>
    public double MotpeGamma { get; init; } = 0.3;
}

/// <summary>NSGA-II settings, with Optuna's defaults (<c>NSGAIISampler</c>).</summary>
public sealed record Nsga2Settings
{
    /// <summary>Trials per generation; the first generation is drawn at random.</summary>
    public int PopulationSize { get; init; } = 50;
    /// <summary>Probability that a child's parameter mutates; null = 1 / number of parameters.</summary>
    public double? MutationProb { get; init; }
    /// <summary>
    /// How a numeric parameter mutates: a normal step of this standard deviation as a fraction of its range (of its logarithm's
    /// for loguniform); 0 = drawn afresh from its prior, as Optuna does. Choices are always drawn afresh.
    /// </summary>
    public double MutationScale { get; init; } = 0.1;
    /// <summary>Probability that a child mixes two parents (else it copies one).</summary>
    public double CrossoverProb { get; init; } = 0.9;
    /// <summary>Probability that a parameter comes from the second parent in a crossover.</summary>
    public double SwappingProb { get; init; } = 0.5;
}

/// <summary>
/// Asynchronous successive halving: at each rung (grace_period · reduction_factor^k epochs, below max_epochs)
/// a trial continues only if its metric is within the best 1/reduction_factor of all trials that reached that rung.
/// </summary>
public sealed record AshaSettings
{
    public required string Metric { get; init; }
    public Direction Direction { get; init; } = Direction.Maximize;
    public int GracePeriod { get; init; } = 1;
    public int ReductionFactor { get; init; } = 3;
    public int MaxEpochs { get; init; } = 30;

    /// <summary>The epochs at which trials are compared, ascending.</summary>
    public IReadOnlyList<int> Rungs
    {
        get
        {
            var rungs = new List<int>();
            for (long epoch = GracePeriod; epoch < MaxEpochs; epoch *= ReductionFactor) rungs.Add((int)epoch);
            return rungs;
        }
    }
}
