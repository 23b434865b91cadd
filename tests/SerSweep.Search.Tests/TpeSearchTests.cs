using SerSweep.Core;
using SerSweep.Search.Strategies;
using Xunit.Abstractions;

namespace SerSweep.Search.Tests;

public class TpeSearchTests(ITestOutputHelper output)
{
    private const double Optimum = -3.5;

    private static SweepDefinition Quadratic(string method, int seed) => Sweeps.Parse($$"""
        seed: {{seed}}
        search:
          method: {{method}}
          max_trials: 40
          objective: {metric: val_loss}
        parameters:
          training.learning_rate: {loguniform: [1.0e-6, 1.0]}
          model.dropout: {uniform: [0.0, 0.9]}
        """);

    // The noiseless objective: a quadratic in log10(lr) with its minimum 0 at lr = 10^-3.5; dropout is a nuisance axis.
    private static double Loss(TrialSuggestion t) => Math.Pow(Math.Log10((double)t.Parameters["training.learning_rate"]!) - Optimum, 2);

    /// <summary>Best noiseless loss found over the sweep (the optimum is 0): the simple regret.</summary>
    private static double Regret(string method, int seed)
    {
        var strategy = SearchStrategies.Create(Quadratic(method, seed));
        var noise = new SeededRandom(seed, 99);
        var best = double.PositiveInfinity;
        while (strategy.Ask() is { } trial)
        {
            var loss = Loss(trial);
            best = Math.Min(best, loss);
            strategy.Tell(new FinishedTrial(trial.Index, TrialState.Completed, loss + 0.1 * noise.NextGaussian()));
        }
        return best;
    }

    [Fact]
    public void Tpe_beats_random_search_on_a_noisy_quadratic_in_log_learning_rate_over_many_seeds()
    {
        const int seeds = 40;
        var tpe = Enumerable.Range(1, seeds).Select(s => Regret("tpe", s)).ToArray();
        var random = Enumerable.Range(1, seeds).Select(s => Regret("random", s)).ToArray();

        var (tpeMean, randomMean) = (tpe.Average(), random.Average());
        var wins = tpe.Zip(random).Count(p => p.First < p.Second);
        output.WriteLine($"mean regret over {seeds} seeds, 40 trials each: tpe {tpeMean:0.0000}, random {randomMean:0.0000}; tpe better on {wins}/{seeds} seeds");

        Assert.True(tpeMean < randomMean / 3, $"tpe {tpeMean} vs random {randomMean}");
        Assert.True(wins >= seeds * 2 / 3, $"tpe better on only {wins}/{seeds} seeds");
    }

    [Fact]
    public void After_the_startup_trials_tpe_concentrates_on_the_good_region()
    {
        var strategy = SearchStrategies.Create(Quadratic("tpe", 5));
        var late = new List<double>();
        while (strategy.Ask() is { } trial)
        {
            if (trial.Index >= 20) late.Add(Math.Log10((double)trial.Parameters["training.learning_rate"]!));
            strategy.Tell(new FinishedTrial(trial.Index, TrialState.Completed, Loss(trial)));
        }

        // Random search puts 1/3 of its log-uniform draws within one decade of the optimum.
        Assert.True(late.Count(x => Math.Abs(x - Optimum) < 1) >= late.Count * 0.6, string.Join(", ", late));
    }

    [Fact]
    public void Tpe_handles_categorical_stepped_integer_and_conditional_parameters()
    {
        var strategy = SearchStrategies.Create(Sweeps.Mixed("tpe", maxTrials: 60));
        var optimizers = new List<OptimizerKind>();
        while (strategy.Ask() is { } t)
        {
            var p = t.Parameters;
            var optimizer = (OptimizerKind)p["training.optimizer"]!;
            var dropout = (double)p["model.dropout"]!;
            var batch = (int)p["training.batch_size"]!;
            Assert.Equal(Math.Round(dropout / 0.05) * 0.05, dropout, 12);
            Assert.InRange(dropout, 0.1, 0.5);
            Assert.True(batch % 16 == 0 && batch is >= 16 and <= 128, $"batch {batch}");
            Assert.Equal(optimizer != OptimizerKind.Adam, p.ContainsKey("training.momentum"));
            if (t.Index >= 40) optimizers.Add(optimizer);
            // Loss: Adam is the best optimizer here, and batch 64 the best size.
            var loss = (optimizer == OptimizerKind.Adam ? 0 : 1) + Math.Abs(batch - 64) / 64.0;
            strategy.Tell(new FinishedTrial(t.Index, TrialState.Completed, loss));
        }

        Assert.True(optimizers.Count(o => o == OptimizerKind.Adam) >= 14, string.Join(", ", optimizers));
    }

    [Theory]
    [InlineData("grid")]
    [InlineData("random")]
    [InlineData("tpe")]
    [InlineData("motpe")]
    public void A_step_that_does_not_divide_the_range_yields_only_its_steps(string method)
    {
        var sweep = Sweeps.Parse($$"""
            search:
              method: {{method}}
              max_trials: 60
              objective: {metric: val_loss}
            parameters:
              model.dropout: {uniform: [0.1, 0.5], q: 0.15}
              training.batch_size: {int_uniform: [16, 100], q: 16}
            """);
        var strategy = SearchStrategies.Create(sweep);
        var seen = new HashSet<string>();
        while (strategy.Ask() is { } t)
        {
            seen.Add($"{t.Parameters["model.dropout"]}/{t.Parameters["training.batch_size"]}");
            // Lower is better at the top of both ranges, pulling TPE towards the upper ends.
            strategy.Tell(new FinishedTrial(t.Index, TrialState.Completed, -(double)t.Parameters["model.dropout"]! - (int)t.Parameters["training.batch_size"]! / 100.0));
        }

        var allowed = from d in new[] { 0.1, 0.25, 0.4 } from b in new[] { 16, 32, 48, 64, 80, 96 } select $"{d}/{b}";
        Assert.Subset(allowed.ToHashSet(), seen);
        Assert.Contains("0.4/96", seen);
    }
}
