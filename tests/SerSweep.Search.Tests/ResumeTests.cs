using SerSweep.Core;
using SerSweep.Search.Strategies;

namespace SerSweep.Search.Tests;

/// <summary>A sweep restored from a saved state continues exactly as if it had never stopped.</summary>
public class ResumeTests
{
    // A deterministic outcome per trial: some completed, some pruned, some failed, so every path is in the state.
    private static FinishedTrial Outcome(TrialSuggestion t)
    {
        var lr = t.Parameters.TryGetValue("training.learning_rate", out var v) ? (double)v! : 1e-3;
        var loss = Math.Pow(Math.Log10(lr) + 3, 2) + (t.Parameters.GetValueOrDefault("training.optimizer") is OptimizerKind.Sgd ? 0.5 : 0);
        return (t.Index % 7) switch
        {
            3 => new FinishedTrial(t.Index, TrialState.Failed, null),
            5 => new FinishedTrial(t.Index, TrialState.Pruned, loss + 1, Epochs: 2),
            _ => new FinishedTrial(t.Index, TrialState.Completed, loss, Epochs: 5),
        };
    }

    private static List<string> Drive(ISearchStrategy strategy, int asks, List<string> log)
    {
        for (var i = 0; i < asks && strategy.Ask() is { } trial; i++)
        {
            log.Add(Line(trial));
            strategy.Tell(Outcome(trial));
        }
        return log;
    }

    private static string Line(TrialSuggestion trial) => $"{trial.Index}/{trial.Seed}/{string.Join(",", trial.ParametersAsText.Select(p => $"{p.Key}={p.Value}"))}";

    private static SweepDefinition SweepOf(string method) => method == "grid" ? Sweeps.Conditional("grid") : Sweeps.Mixed(method, maxTrials: 30);

    [Theory]
    [InlineData("grid")]
    [InlineData("random")]
    [InlineData("tpe")]
    [InlineData("motpe")]
    public void Save_restore_continue_equals_an_uninterrupted_run(string method)
    {
        var sweep = SweepOf(method);
        var uninterrupted = SearchStrategies.Create(sweep);
        var expected = Drive(uninterrupted, 30, []);

        var first = SearchStrategies.Create(sweep);
        var log = Drive(first, method == "grid" ? 4 : 17, []);
        var resumed = SearchStrategies.Restore(sweep, first.SaveState());
        Drive(resumed, 30, log);

        Assert.Equal(expected, log);
        Assert.Equal(uninterrupted.SaveState(), resumed.SaveState());
        Assert.Null(resumed.Ask());
    }

    [Theory]
    [InlineData("nsga2")]
    [InlineData("motpe")]
    public void A_multi_objective_sweep_saved_restored_and_continued_equals_an_uninterrupted_run(string method)
    {
        var uninterrupted = SearchStrategies.Create(TwoObjectiveRuns.Sweep(method));
        var expected = TwoObjectiveRuns.Drive(uninterrupted, 40, []);

        var first = SearchStrategies.Create(TwoObjectiveRuns.Sweep(method));
        var log = TwoObjectiveRuns.Drive(first, 17, []);
        var resumed = SearchStrategies.Restore(TwoObjectiveRuns.Sweep(method), first.SaveState());
        TwoObjectiveRuns.Drive(resumed, 40, log);

        Assert.Equal(expected, log);
        Assert.Equal(uninterrupted.SaveState(), resumed.SaveState());
        Assert.NotEqual(TwoObjectiveRuns.Drive(SearchStrategies.Create(TwoObjectiveRuns.Sweep(method, seed: 8)), 40, []).Skip(6), expected.Skip(6));
    }

    [Theory]
    [InlineData("grid")]
    [InlineData("tpe")]
    public void Restoring_from_the_launch_state_and_each_trials_latest_record_continues_as_an_uninterrupted_run(string method)
    {
        var sweep = SweepOf(method);
        var expected = Drive(SearchStrategies.Create(sweep), 30, []);

        // As a coordinator stores them: the record of each trial when asked, then again when told (the later one wins).
        var first = SearchStrategies.Create(sweep);
        var launched = first.SaveState();
        var records = new List<string>();
        var log = new List<string>();
        for (var i = 0; i < (method == "grid" ? 4 : 17) && first.Ask() is { } trial; i++)
        {
            records.Add(first.SaveTrial(trial.Index));
            log.Add(Line(trial));
            first.Tell(Outcome(trial));
            records.Add(first.SaveTrial(trial.Index));
        }
        var resumed = SearchStrategies.Restore(sweep, launched, records);
        Assert.Equal(first.SaveState(), resumed.SaveState());
        Drive(resumed, 30, log);

        Assert.Equal(expected, log);
        Assert.Null(resumed.Ask());
    }

    [Theory]
    [InlineData("nsga2")]
    [InlineData("motpe")]
    public void A_multi_objective_run_restored_from_its_launch_state_and_trial_records_continues_as_an_uninterrupted_run(string method)
    {
        var expected = TwoObjectiveRuns.Drive(SearchStrategies.Create(TwoObjectiveRuns.Sweep(method)), 40, []);

        // 17 trials: past NSGA-II's second generation (population 6) and MOTPE's start-up trials.
        var first = SearchStrategies.Create(TwoObjectiveRuns.Sweep(method));
        var launched = first.SaveState();
        var records = new List<string>();
        var log = new List<string>();
        for (var i = 0; i < 17 && first.Ask() is { } trial; i++)
        {
            records.Add(first.SaveTrial(trial.Index));
            log.Add(TwoObjectiveRuns.Key(trial));
            first.Tell(TwoObjectiveRuns.Outcome(trial));
            records.Add(first.SaveTrial(trial.Index));
        }
        var resumed = SearchStrategies.Restore(TwoObjectiveRuns.Sweep(method), launched, records);
        Assert.Equal(first.SaveState(), resumed.SaveState());
        TwoObjectiveRuns.Drive(resumed, 40, log);

        Assert.Equal(expected, log);
    }

    [Fact]
    public void Taking_back_a_record_from_before_a_tell_forgets_the_tell()
    {
        var strategy = SearchStrategies.Create(Sweeps.Mixed("tpe"));
        var trial = strategy.Ask()!;
        var asked = strategy.SaveState();
        var before = strategy.SaveTrial(trial.Index);

        strategy.Tell(Outcome(trial));
        strategy.RestoreTrial(before);

        Assert.Equal(asked, strategy.SaveState());
    }

    [Theory]
    [InlineData("random")]
    [InlineData("tpe")]
    [InlineData("motpe")]
    public void A_finished_run_restored_with_a_raised_budget_continues_as_an_uninterrupted_longer_run(string method)
    {
        var expected = Drive(SearchStrategies.Create(Sweeps.Mixed(method, maxTrials: 16)), 16, []);

        var first = SearchStrategies.Create(Sweeps.Mixed(method, maxTrials: 8));
        var log = Drive(first, 16, []);
        Assert.Equal(8, log.Count);
        Assert.Null(first.Ask());
        var resumed = SearchStrategies.Restore(Sweeps.Mixed(method, maxTrials: 16), first.SaveState());
        Drive(resumed, 16, log);

        Assert.Equal(expected, log);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"{i}/{TrialSeeds.ForTrial(7, i)}/"), log.Select(l => l[..(l.IndexOf('/', l.IndexOf('/') + 1) + 1)]));
        Assert.Null(resumed.Ask());
    }

    [Fact]
    public void A_state_of_another_method_is_refused()
    {
        var state = SearchStrategies.Create(Sweeps.Mixed("random")).SaveState();

        var error = Assert.Throws<FormatException>(() => SearchStrategies.Restore(Sweeps.Mixed("tpe"), state));

        Assert.Equal("the saved search state is of a random search, this sweep uses tpe", error.Message);
    }

    [Fact]
    public void Telling_a_trial_that_was_never_asked_or_a_completed_trial_without_value_is_refused()
    {
        var strategy = SearchStrategies.Create(Sweeps.Mixed("tpe"));
        strategy.Ask();

        Assert.Throws<ArgumentException>(() => strategy.Tell(new FinishedTrial(5, TrialState.Completed, 1.0)));
        Assert.Throws<ArgumentException>(() => strategy.Tell(new FinishedTrial(0, TrialState.Completed, null)));
        Assert.Throws<ArgumentException>(() => strategy.Tell(new FinishedTrial(0, TrialState.Completed, double.NaN)));
        strategy.Tell(new FinishedTrial(0, TrialState.Failed, null));
    }
}
