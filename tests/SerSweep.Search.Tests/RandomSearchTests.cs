using SerSweep.Core;
using SerSweep.Search.Config;
using SerSweep.Search.Strategies;

namespace SerSweep.Search.Tests;

public class RandomSearchTests
{
    private static string Key(TrialSuggestion t) => $"{t.Index}/{t.Seed}/" + string.Join(",", t.ParametersAsText.Select(p => $"{p.Key}={p.Value}"));

    [Fact]
    public void The_same_seed_gives_the_same_trials_and_another_seed_other_ones()
    {
        var first = Sweeps.AskAll(Sweeps.Mixed("random", seed: 3)).Select(Key).ToList();
        var again = Sweeps.AskAll(Sweeps.Mixed("random", seed: 3)).Select(Key).ToList();
        var other = Sweeps.AskAll(Sweeps.Mixed("random", seed: 4)).Select(Key).ToList();

        Assert.Equal(40, first.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.All(first.Zip(other), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public void Every_value_lies_in_its_range_on_its_step_and_conditionals_appear_exactly_when_they_hold()
    {
        var trials = Sweeps.AskAll(Sweeps.Mixed("random", maxTrials: 300));

        foreach (var t in trials)
        {
            var p = t.Parameters;
            Assert.InRange((double)p["training.learning_rate"]!, 1e-5, 1e-1);
            var dropout = (double)p["model.dropout"]!;
            Assert.InRange(dropout, 0.1, 0.5);
            Assert.Equal(Math.Round(dropout / 0.05) * 0.05, dropout, 12);
            Assert.Contains((int)p["training.batch_size"]!, new[] { 16, 32, 48, 64, 80, 96, 112, 128 });
            Assert.Equal(5, p["training.epochs"]);
            var optimizer = (OptimizerKind)p["training.optimizer"]!;
            Assert.Equal(optimizer is OptimizerKind.Sgd or OptimizerKind.RmsProp, p.ContainsKey("training.momentum"));
        }
        // Log-uniform: about half of the draws below the geometric middle 1e-3.
        Assert.InRange(trials.Count(t => (double)t.Parameters["training.learning_rate"]! < 1e-3), 120, 180);
        Assert.Equal(3, trials.Select(t => t.Parameters["training.optimizer"]).Distinct().Count());
        Assert.Equal(8, trials.Select(t => t.Parameters["training.batch_size"]).Distinct().Count());
    }

    [Fact]
    public void A_trial_seed_depends_only_on_the_sweep_seed_and_the_trial_index()
    {
        var random = Sweeps.AskAll(Sweeps.Mixed("random", seed: 11));
        var tpe = Sweeps.AskAll(Sweeps.Mixed("tpe", seed: 11));
        var grid = Sweeps.AskAll(Sweeps.Conditional("grid", seed: 11));

        Assert.Equal(random.Select(t => t.Seed), tpe.Select(t => t.Seed));
        Assert.Equal(random.Take(grid.Count).Select(t => t.Seed), grid.Select(t => t.Seed));
        Assert.Equal(random.Select((_, i) => TrialSeeds.ForTrial(11, i)), random.Select(t => t.Seed));
        Assert.Equal(random.Count, random.Select(t => t.Seed).Distinct().Count());
        Assert.All(random, t => Assert.True(t.Seed >= 0));
    }

    [Fact]
    public void Parameters_stored_as_text_apply_to_the_same_config_as_the_typed_ones()
    {
        var sweep = Sweeps.Mixed("random", maxTrials: 50);

        foreach (var trial in Sweeps.AskAll(sweep))
        {
            var fromText = sweep.Base.ApplyParameters(trial.ParametersAsText.ToDictionary(p => p.Key, p => (object?)p.Value));
            var typed = sweep.ConfigFor(trial);
            Assert.Equal(typed.Training with { Seed = 0 }, fromText.Training with { Seed = 0 });
            Assert.Equal(typed.Model.Dropout, fromText.Model.Dropout);
        }
    }
}
