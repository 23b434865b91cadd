using SerSweep.Core;
using SerSweep.Search.Pruning;

namespace SerSweep.Search.Tests;

public class AshaPrunerTests
{
    private static readonly AshaSettings Settings = new()
    {
        Metric = Metrics.ValAccuracy, Direction = Direction.Maximize, GracePeriod = 1, ReductionFactor = 3, MaxEpochs = 9,
    };

    // Synthetic learning curves: trial i approaches its quality q[i]; curves never cross, so rank at any epoch = rank of q.
    private static readonly double[] Quality = [0.5, 0.9, 0.3, 0.7, 0.2, 0.8, 0.1, 0.6, 0.4];

    private static double Curve(int trial, int epoch) => Quality[trial] * (1 - Math.Pow(0.5, epoch));

    /// <summary>Trials start in index order, one epoch per step each, round-robin: the asynchronous arrival order ASHA sees.</summary>
    private static Dictionary<int, (int Epochs, AshaDecision? Stop)> Run(AshaPruner pruner, int trials = 9)
    {
        var state = Enumerable.Range(0, trials).ToDictionary(i => i, _ => (Epochs: 0, Stop: (AshaDecision?)null));
        for (var epoch = 1; epoch <= Settings.MaxEpochs; epoch++)
            foreach (var trial in state.Keys.Where(t => state[t].Stop is null).ToList())
            {
                var decision = pruner.Report(trial, epoch, Curve(trial, epoch));
                state[trial] = (epoch, decision.Stop ? decision : null);
            }
        return state;
    }

    [Fact]
    public void Rungs_are_grace_period_times_powers_of_the_reduction_factor_below_max_epochs()
    {
        Assert.Equal([1, 3], Settings.Rungs);
        Assert.Equal([3, 6], (Settings with { GracePeriod = 3, ReductionFactor = 2, MaxEpochs = 12 }).Rungs);
        Assert.Equal([2, 6, 18], (Settings with { GracePeriod = 2, MaxEpochs = 30 }).Rungs);
    }

    [Fact]
    public void Asha_promotes_the_right_trials_and_stops_the_rest_at_the_right_rungs()
    {
        var result = Run(new AshaPruner(Settings));

        // Rung 1 (n arrivals so far, best max(1, n/3) go on): 0 first (alone), 1 best, 5 second best when 6 have arrived.
        // Rung 3: 0 arrives first and goes on; 1 is best; 5 (0.8) ranks second of 3 with one promotion: stopped.
        Assert.Equal([0, 1], result.Where(r => r.Value.Stop is null).Select(r => r.Key).Order());
        Assert.All(result.Where(r => r.Value.Stop is null), r => Assert.Equal(9, r.Value.Epochs));
        var stoppedAt = result.Where(r => r.Value.Stop is not null).ToDictionary(r => r.Key, r => r.Value.Stop!.Rung);
        Assert.Equal(new Dictionary<int, int?> { [2] = 1, [3] = 1, [4] = 1, [6] = 1, [7] = 1, [8] = 1, [5] = 3 }, stoppedAt);
        Assert.All(result.Values.Where(r => r.Stop is not null), r => Assert.Equal(r.Epochs, r.Stop!.Rung));
    }

    [Fact]
    public void Every_stop_records_its_rung_metric_and_the_cutoff_it_missed()
    {
        var result = Run(new AshaPruner(Settings));

        var stop3 = result[3].Stop!;
        Assert.Equal((1, Metrics.ValAccuracy), (stop3.Rung!.Value, stop3.Metric));
        Assert.Equal(Curve(3, 1), stop3.Value);
        Assert.Equal(Curve(1, 1), stop3.Cutoff); // 4 arrivals, 1 promotion: the best (trial 1) sets the cutoff
        Assert.Equal((2, 4), (stop3.Rank, stop3.Competitors));
        var stop8 = result[8].Stop!;
        Assert.Equal(Curve(3, 1), stop8.Cutoff); // 9 arrivals, 3 promotions: the third best (trial 3, 0.7) sets it
        Assert.Equal("stopped at rung epoch 1: val_accuracy 0.2 is worse than the cutoff 0.35 (rank 6 of 9)", stop8.Reason);
        Assert.All(result.Values.Select(r => r.Stop).OfType<AshaDecision>(), s => Assert.True(s.Value < s.Cutoff));
    }

    [Fact]
    public void For_a_loss_lower_is_better()
    {
        var pruner = new AshaPruner(Settings with { Metric = Metrics.ValLoss, Direction = Direction.Minimize, ReductionFactor = 2 });

        Assert.False(pruner.Report(0, 1, 1.0).Stop);
        Assert.False(pruner.Report(1, 1, 0.5).Stop);
        var worse = pruner.Report(2, 1, 0.8);
        Assert.True(worse.Stop);
        Assert.Equal(0.5, worse.Cutoff);
    }

    [Fact]
    public void Epochs_between_rungs_always_continue_and_a_diverged_trial_stops_at_its_rung()
    {
        var pruner = new AshaPruner(Settings);

        Assert.False(pruner.Report(0, 2, 0.0).Stop);
        Assert.Null(pruner.Report(0, 2, 0.0).Rung);
        Assert.True(pruner.Report(1, 1, double.NaN).Stop);
        Assert.Empty(pruner.Recorded);
    }

    [Fact]
    public void A_restored_pruner_decides_exactly_as_the_original_and_a_repeated_report_replaces_the_value()
    {
        var original = new AshaPruner(Settings);
        for (var t = 0; t < 5; t++) original.Report(t, 1, Curve(t, 1));

        var restored = AshaPruner.Restore(Settings, original.SaveState());
        restored.Report(4, 1, Curve(4, 1)); // trial 4 resumed from its checkpoint reports rung 1 again

        Assert.Equal(5, restored.Recorded[1].Count);
        for (var t = 5; t < 9; t++)
            Assert.Equal(original.Report(t, 1, Curve(t, 1)), restored.Report(t, 1, Curve(t, 1)));
    }
}
