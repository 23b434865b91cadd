using SerSweep.Core;

namespace SerSweep.Search;

/// <summary>How the files are dealt into folds: whole actors per fold (speaker independent), or stratified by emotion with actors mixed.</summary>
public enum FoldGrouping { Actor, Stratified }

/// <summary>When the best configuration is retrained on all training actors: after the sweep, after every trial, or never.</summary>
public enum RefitMode { Best, Every, None }

/// <summary>
/// The <c>cross_validation</c> section: every trial trains each of <see cref="Folds"/> folds, a fold being the trial's config
/// with <c>data.split.fold = k</c> of the <c>actor_k_fold</c> (or <c>stratified_k_fold</c>) split policy and this seed, so the
/// folds are the same for every trial of the sweep. A fold's held-out part is its test split; its validation part (a
/// stratified share of the training actors) still picks the epoch whose weights the fold keeps.
/// </summary>
public sealed record CrossValidationSettings
{
    public FoldGrouping By { get; init; } = FoldGrouping.Actor;
    /// <summary>Number of folds (resolved: leave_one_out is the number of actors).</summary>
    public required int Folds { get; init; }
    /// <summary>Seed of the assignment of actors (or files) to folds.</summary>
    public required int Seed { get; init; }
    public RefitMode Refit { get; init; } = RefitMode.Best;

    public SplitPolicy Policy => By == FoldGrouping.Actor ? SplitPolicy.ActorKFold : SplitPolicy.StratifiedKFold;

    /// <summary>Fold <paramref name="fold"/> (0-based) of a trial's config.</summary>
    public ExperimentConfig ForFold(ExperimentConfig trial, int fold)
    {
        if (fold < 0 || fold >= Folds) throw new ArgumentOutOfRangeException(nameof(fold), fold, $"a fold between 0 and {Folds - 1}");
        return trial with { Data = trial.Data with { Split = trial.Data.Split with { Policy = Policy, Folds = Folds, Fold = fold, Seed = Seed } } };
    }

    /// <summary>
    /// The refit of a trial's config: every file of every actor in <c>data.actors</c> trains, except the stratified
    /// validation share (<c>data.split.val_fraction</c>) that picks the epoch; nothing is held out for testing.
    /// </summary>
    public static ExperimentConfig ForRefit(ExperimentConfig trial) =>
        trial with { Data = trial.Data with { Split = trial.Data.Split with { Policy = SplitPolicy.Stratified, TestFraction = 0 } } };

    /// <summary>
    /// The metric of a fold's held-out part that stands for a validation metric: the objective <c>val_uar</c> of a
    /// cross-validated trial is the mean over folds of <c>test_uar</c>, each measured on actors the fold never trained on.
    /// </summary>
    public static string HeldOut(string metric) =>
        metric.StartsWith("val_", StringComparison.Ordinal) ? "test_" + metric["val_".Length..] : metric;
}
