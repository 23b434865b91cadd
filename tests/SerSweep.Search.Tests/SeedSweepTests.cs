using SerSweep.Core;
using SerSweep.Search.Parsing;
using SerSweep.Search.Strategies;
using SerSweep.Testing;

namespace SerSweep.Search.Tests;

/// <summary>The repository's sweep.yaml: the seed experiment must be valid and small enough for 2 cores.</summary>
public class SeedSweepTests
{
    private static SweepDefinition Seed => SweepFile.Load(Path.Combine(TestPaths.RepoRoot, "sweep.yaml")).GetDefinitionOrThrow();

    [Fact]
    public void The_seed_sweep_is_valid_and_searches_the_six_axes_of_the_issue()
    {
        var sweep = Seed;

        Assert.Equal("ravdess-cnn", sweep.Name);
        Assert.Equal(SearchMethod.Tpe, sweep.Search.Method);
        Assert.Equal(new Objective(Metrics.ValUar, Direction.Maximize), sweep.Search.Objective);
        Assert.Equal(["training.optimizer", "training.learning_rate", "training.l1", "training.l2", "model.dropout", "training.batch_size"],
            sweep.Parameters.Select(p => p.Path));
        Assert.Equal([OptimizerKind.Adam, OptimizerKind.RmsProp, OptimizerKind.AdamW], sweep.Parameters[0].Choices.Cast<OptimizerKind>());
        Assert.Equal("1-4", sweep.Base.Data.Actors);
        // Selected on voices it never heard: leave-one-actor-out over the 4 actors, the best refit on all of them.
        Assert.Equal((FoldGrouping.Actor, 4, RefitMode.Best), (sweep.CrossValidation!.By, sweep.CrossValidation.Folds, sweep.CrossValidation.Refit));
        Assert.Equal(FeatureKind.LogMel, sweep.Base.Features.Kind);
        Assert.Equal(Architecture.Cnn1d, sweep.Base.Model.Architecture);
        Assert.Equal(Path.Combine(TestPaths.RepoRoot, "data", "ravdess"), sweep.Base.Data.Path); // relative to the file's folder
    }

    [Fact]
    public void The_seed_sweep_runs_two_one_thread_trials_at_a_time_with_asha_at_epochs_10_and_20()
    {
        // Sized for 2 cores: its wall time is measured by deploy/bench (the end-to-end sweep), not timed here.
        var sweep = Seed;

        Assert.InRange(sweep.Search.MaxTrials!.Value, 12, 16);
        // About 0.1 s per epoch on one core (1D convolutions over 150 frames of 64 mels): 16 trials of at most 40
        // epochs, most stopped by ASHA at 10 or 20, take about a minute 2 at a time.
        Assert.InRange(sweep.Base.Training.Epochs, 10, 40);
        Assert.Equal(320, sweep.Base.Features.HopLength);
        Assert.Equal(2, sweep.Search.MaxConcurrent);
        // Not written in the file: the default, a duration of training, so that replicas cost a bounded share whatever an epoch takes (docs/cluster.md).
        Assert.Equal(CheckpointCadence.Every(TimeSpan.FromSeconds(30)), sweep.Search.Checkpoints);
        Assert.Equal(1, sweep.Base.Training.Threads);
        Assert.NotNull(sweep.Asha);
        Assert.Equal([10, 20], sweep.Asha!.Rungs);
    }

    [Fact]
    public void A_trial_config_applies_the_suggestion_and_the_trial_seed()
    {
        var sweep = Seed;
        var trial = SearchStrategies.Create(sweep).Ask()!;

        var config = sweep.ConfigFor(trial);

        Assert.Equal(TrialSeeds.ForTrial(sweep.Seed, 0), config.Training.Seed);
        Assert.Equal(trial.Parameters["training.learning_rate"], config.Training.LearningRate);
        Assert.Equal(trial.Parameters["training.optimizer"], config.Training.Optimizer);
        Assert.Equal(sweep.Base.Data.Split.Seed, config.Data.Split.Seed);
    }

    [Fact]
    public void The_shipped_eight_and_twenty_four_actor_sweeps_are_valid_cross_validate_by_disjoint_actor_folds_and_carry_the_best_measured_setup()
    {
        static SweepDefinition Load(string name) => SweepFile.Load(Path.Combine(TestPaths.RepoRoot, "sweeps", name)).GetDefinitionOrThrow();
        var eight = Load("ravdess-8-actors.yaml");
        var all = Load("ravdess-24-actors.yaml");

        Assert.Equal(("1-8", FoldGrouping.Actor, 4, RefitMode.Best), (eight.Base.Data.Actors, eight.CrossValidation!.By, eight.CrossValidation.Folds, eight.CrossValidation.Refit));
        Assert.Equal(("1-24", FoldGrouping.Actor, 6), (all.Base.Data.Actors, all.CrossValidation!.By, all.CrossValidation.Folds));
        Assert.All([eight, all], s => Assert.Equal(new Objective(Metrics.ValUar, Direction.Maximize), s.Search.Objective));
        // Both carry what measured best on the 8-actor folds (docs/quality-experiments.md, sessions 11 and 18):
        // per-speaker normalisation, speed and VTLP augmentation, a 2D CNN, 60 epochs.
        Assert.All([eight, all], s =>
        {
            Assert.Equal(Normalization.Speaker, s.Base.Features.Normalize);
            Assert.Equal([0.9, 1.0, 1.1], s.Base.Features.Augment.SpeedFactors);
            Assert.Equal([0.9, 0.95, 1.0, 1.05, 1.1], s.Base.Features.Augment.VtlpFactors);
            Assert.Equal(Architecture.Cnn2d, s.Base.Model.Architecture);
            Assert.Equal(60, s.Base.Training.Epochs);
        });
    }
}
