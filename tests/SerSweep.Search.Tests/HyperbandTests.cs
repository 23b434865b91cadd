using SerSweep.Core;
using SerSweep.Search.Pruning;

namespace SerSweep.Search.Tests;

/// <summary>Hyperband's brackets and rungs against the formula, each bracket judging its own trials, its state restored.</summary>
public class HyperbandTests
{
    private static HyperbandSettings Settings(int r, int big, int eta) =>
        new() { Metric = Metrics.ValAccuracy, MinEpochs = r, MaxEpochs = big, ReductionFactor = eta };

    [Theory]
    [InlineData(1, 27, 3)]
    [InlineData(1, 81, 3)]
    [InlineData(1, 40, 2)]
    [InlineData(2, 40, 3)]
    [InlineData(3, 10, 2)]
    [InlineData(1, 100, 4)]
    [InlineData(5, 9, 3)]
    public void Brackets_and_rungs_follow_the_formula(int r, int big, int eta)
    {
        // s_max = floor(log_eta(R / r)); bracket s: rungs r·eta^(s+k) below R.
        var sMax = (int)Math.Floor(Math.Log((double)big / r) / Math.Log(eta) + 1e-9);
        var settings = Settings(r, big, eta);

        Assert.Equal(sMax + 1, settings.BracketCount);
        for (var s = 0; s <= sMax; s++)
        {
            var expected = new List<int>();
            for (var k = 0; r * Math.Pow(eta, s + k) < big; k++) expected.Add((int)(r * Math.Pow(eta, s + k)));
            Assert.Equal(expected, settings.Bracket(s).Rungs);
            Assert.Equal((r * Math.Pow(eta, s), eta, big), ((double)settings.Bracket(s).GracePeriod, settings.Bracket(s).ReductionFactor, settings.Bracket(s).MaxEpochs));
        }
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i % (sMax + 1)), Enumerable.Range(0, 12).Select(settings.BracketOf));
    }

    [Fact]
    public void Each_bracket_judges_only_its_own_trials_and_its_state_is_restored()
    {
        // R = 9, r = 1, eta = 3: brackets 0 (rungs 1, 3), 1 (rung 3), 2 (no rung). Trials 0, 3 in bracket 0; 1, 4 in 1; 2, 5 in 2.
        var pruner = new HyperbandPruner(Settings(1, 9, 3));
        Assert.Equal(3, pruner.Brackets.Count);

        Assert.False(pruner.Report(0, 1, 0.9).Stop);
        Assert.False(pruner.Report(1, 1, 0.1).Stop);  // epoch 1 is no rung of bracket 1
        var restored = HyperbandPruner.Restore(pruner.Settings, pruner.SaveState());
        var stopped = restored.Report(3, 1, 0.5);     // bracket 0 at its rung 1: 0.5 against trial 0's 0.9
        Assert.True(stopped.Stop);
        Assert.Equal(((int?)1, 2), (stopped.Rung, stopped.Competitors));
        Assert.False(restored.Report(2, 3, 0.0).Stop);  // bracket 2 never stops a trial
        Assert.True(restored.IsRung(1) && restored.IsRung(3) && !restored.IsRung(2));
        Assert.Equal([3], restored.Brackets[1].Settings.Rungs);
        Assert.Empty(restored.Brackets[2].Settings.Rungs);
    }

    [Fact]
    public void A_sweep_file_gives_hyperband_the_objective_and_training_epochs_when_left_out()
    {
        var sweep = Sweeps.Parse("""
            training: {epochs: 27}
            search: {method: random, max_trials: 8, objective: {metric: val_loss}}
            parameters:
              training.learning_rate: {loguniform: [1.0e-4, 1.0e-2]}
            early_stopping:
              hyperband: {min_epochs: 1, reduction_factor: 3}
            """);

        Assert.Equal((Metrics.ValLoss, Direction.Minimize, 27, 4), (sweep.Hyperband!.Metric, sweep.Hyperband.Direction, sweep.Hyperband.MaxEpochs, sweep.Hyperband.BracketCount));
        Assert.IsType<HyperbandPruner>(Pruners.For(sweep, null));
    }
}
