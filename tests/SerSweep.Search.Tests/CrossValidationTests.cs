using SerSweep.Core;
using SerSweep.Search.Parsing;

namespace SerSweep.Search.Tests;

public sealed class CrossValidationTests
{
    private static SweepDefinition Parse(string section, string actors = "1-8") => SweepFile.Parse($"""
        data:
          actors: "{actors}"
          split:
            seed: 99
        {section}
        search:
          method: random
          max_trials: 2
        """, "cv.yaml").GetDefinitionOrThrow();

    [Fact]
    public void Leave_one_out_makes_one_fold_per_actor_with_the_split_seed_and_refits_the_best_by_default()
    {
        var cv = Parse("cross_validation:\n  folds: leave_one_out", actors: "1-3,7").CrossValidation!;

        Assert.Equal((FoldGrouping.Actor, 4, 99, RefitMode.Best), (cv.By, cv.Folds, cv.Seed, cv.Refit));
    }

    [Fact]
    public void A_fold_is_the_trials_config_on_the_actor_k_fold_split_and_the_refit_trains_on_every_actor()
    {
        var sweep = Parse("cross_validation:\n  by: actor\n  folds: 4\n  seed: 5\n  refit: every");
        var trial = sweep.Base with { Training = sweep.Base.Training with { LearningRate = 0.002 } };

        var fold = sweep.CrossValidation!.ForFold(trial, 3);
        var refit = CrossValidationSettings.ForRefit(trial);

        Assert.Equal(new SplitConfig { Policy = SplitPolicy.ActorKFold, Folds = 4, Fold = 3, Seed = 5 }, fold.Data.Split);
        Assert.Equal(trial with { Data = trial.Data with { Split = fold.Data.Split } }, fold);
        Assert.Equal((SplitPolicy.Stratified, 0.0, 99), (refit.Data.Split.Policy, refit.Data.Split.TestFraction, refit.Data.Split.Seed));
        Assert.Equal(RefitMode.Every, sweep.CrossValidation.Refit);
        Assert.Throws<ArgumentOutOfRangeException>(() => sweep.CrossValidation.ForFold(trial, 4));
    }

    [Fact]
    public void Stratified_folds_use_the_stratified_k_fold_policy_and_held_out_metrics_stand_for_validation_ones()
    {
        var cv = Parse("cross_validation:\n  by: stratified\n  folds: 5").CrossValidation!;

        Assert.Equal((SplitPolicy.StratifiedKFold, 5), (cv.Policy, cv.Folds));
        Assert.Equal(Metrics.TestUar, CrossValidationSettings.HeldOut(Metrics.ValUar));
        Assert.Equal(Metrics.TestLoss, CrossValidationSettings.HeldOut(Metrics.ValLoss));
    }

    [Fact]
    public void Without_the_section_a_sweep_has_no_cross_validation() => Assert.Null(Parse("").CrossValidation);
}
