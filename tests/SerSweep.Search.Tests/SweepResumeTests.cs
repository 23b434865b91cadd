using SerSweep.Search.Resuming;

namespace SerSweep.Search.Tests;

/// <summary>Which limits a resumed sweep may take, and which edits of its file make it another sweep.</summary>
public class SweepResumeTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static SweepStanding Finished(int started, TimeSpan used) => new(Over: true, started, used);

    [Fact]
    public void A_finished_sweep_goes_on_with_more_trials_or_more_time_than_it_used()
    {
        var sweep = Sweeps.Mixed("tpe", maxTrials: 6);

        Assert.Null(SweepResume.Refusal(sweep, Finished(6, Hour), new RaisedLimits(MaxTrials: 10)));
        Assert.Null(SweepResume.Refusal(sweep, new SweepStanding(false, 3, Hour), RaisedLimits.None));
        Assert.Equal(10, SweepResume.WithLimits(sweep, new RaisedLimits(MaxTrials: 10)).Search.MaxTrials);
        Assert.Equal(2 * Hour, SweepResume.WithLimits(sweep, new RaisedLimits(TimeLimit: 2 * Hour)).Search.TimeLimit);
    }

    [Fact]
    public void Limits_below_what_the_sweep_used_are_refused_with_the_reason()
    {
        var sweep = Sweeps.Mixed("tpe", maxTrials: 6);

        Assert.Equal("max_trials 5 is below the 6 trials this sweep has already started",
            SweepResume.Refusal(sweep, Finished(6, Hour), new RaisedLimits(MaxTrials: 5)));
        Assert.Equal("time_limit 30m is not above the 1h this sweep has already run",
            SweepResume.Refusal(sweep, Finished(6, Hour), new RaisedLimits(MaxTrials: 8, TimeLimit: TimeSpan.FromMinutes(30))));
        Assert.Equal("max_trials must be at least 1, got 0", SweepResume.Refusal(sweep, new SweepStanding(false, 0, TimeSpan.Zero), new RaisedLimits(MaxTrials: 0)));
    }

    [Fact]
    public void A_completed_sweep_given_nothing_more_to_do_is_refused_but_a_stopped_one_goes_on_with_its_cancelled_trials()
    {
        var sweep = Sweeps.Mixed("random", maxTrials: 6);

        Assert.Equal("the sweep has started all its 6 trials: give a higher max_trials to resume it",
            SweepResume.Refusal(sweep, Finished(6, Hour), RaisedLimits.None));
        Assert.Null(SweepResume.Refusal(sweep, new SweepStanding(true, 6, Hour, Stopped: true), RaisedLimits.None));
    }

    [Fact]
    public void A_used_up_time_limit_must_be_raised()
    {
        var sweep = Sweeps.Parse("""
            search: {method: random, max_trials: 6, time_limit: 1h}
            parameters:
              training.learning_rate: {loguniform: [1.0e-4, 1.0e-2]}
            """);

        Assert.Equal("the sweep has used its time_limit of 1h: give a higher time_limit to resume it",
            SweepResume.Refusal(sweep, Finished(3, Hour + TimeSpan.FromSeconds(5)), new RaisedLimits(MaxTrials: 10)));
        Assert.Null(SweepResume.Refusal(sweep, Finished(3, Hour), new RaisedLimits(TimeLimit: 2 * Hour)));
    }

    [Fact]
    public void A_grid_cannot_go_beyond_its_combinations()
    {
        var grid = Sweeps.Conditional("grid", maxTrials: 4);  // 2 optimizers x 2 batch sizes, momentum for sgd only: 6 combinations

        Assert.Equal("max_trials 7 is beyond the grid's 6 combinations", SweepResume.Refusal(grid, Finished(4, Hour), new RaisedLimits(MaxTrials: 7)));
        Assert.Null(SweepResume.Refusal(grid, Finished(4, Hour), new RaisedLimits(MaxTrials: 6)));
    }

    [Fact]
    public void Only_the_limits_of_a_sweep_file_may_change_and_formatting_does_not_count()
    {
        const string stored = """
            name: a   # the first file
            search:
              method: tpe
              max_trials: 6
            parameters:
              training.optimizer: {values: [adam, sgd]}
              model.dropout: {uniform: [0.1, 0.5]}
            """;
        const string sameButLimits = """
            name: "a"
            search: {max_trials: 10, method: tpe, time_limit: 2h}
            parameters:
              training.optimizer:
                values: [adam, sgd]
              model.dropout: {uniform: [0.1, 0.5]}
            """;
        const string changed = """
            name: a
            seed: 4
            search: {method: random, max_trials: 10}
            parameters:
              training.optimizer: {values: [adam, sgd, rmsprop]}
              model.dropout: {uniform: [0.1, 0.6]}
            """;

        Assert.Empty(SweepResume.ChangedFields(stored, sameButLimits));
        Assert.Equal(
            ["parameters.model.dropout.uniform[1]", "parameters.training.optimizer.values", "parameters.training.optimizer.values[2]", "search.method", "seed"],
            SweepResume.ChangedFields(stored, changed));
    }
}
