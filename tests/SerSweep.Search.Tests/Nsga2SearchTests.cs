using SerSweep.Core;
using SerSweep.Search.MultiObjective;
using SerSweep.Search.Strategies;
using static SerSweep.Search.Tests.TwoObjectiveRuns;

namespace SerSweep.Search.Tests;

public class Nsga2SearchTests
{
    private static SweepDefinition Sweep(string nsga2 = "{population_size: 6}", int maxTrials = 40, int seed = 7, string method = "nsga2") =>
        TwoObjectiveRuns.Sweep(method, nsga2, maxTrials, seed);

    [Fact]
    public void The_first_generation_is_random_search()
    {
        var nsga2 = Sweeps.AskAll(Sweep()).Take(6).Select(Key);
        var random = Sweeps.AskAll(Sweep(method: "random")).Take(6).Select(Key);

        Assert.Equal(random, nsga2);
    }

    [Fact]
    public void Without_mutation_children_inherit_every_value_from_completed_trials_of_earlier_generations()
    {
        var sweep = Sweep("{population_size: 6, mutation_prob: 0}");
        var strategy = SearchStrategies.Create(sweep);
        var seen = new List<TrialSuggestion>();
        var completed = new HashSet<int>();
        while (strategy.Ask() is { } trial)
        {
            var earlier = seen.Where(t => completed.Contains(t.Index) && t.Index / 6 < trial.Index / 6).ToList();
            if (trial.Index >= 6)
                foreach (var (path, value) in trial.ParametersAsText.Where(p => p.Key != "training.momentum"))
                    Assert.Contains(value, earlier.Select(t => t.ParametersAsText[path]));
            seen.Add(trial);
            var outcome = Outcome(trial);
            if (outcome.State == TrialState.Completed) completed.Add(trial.Index);
            strategy.Tell(outcome);
        }
        Assert.Equal(40, seen.Count);
    }

    [Theory]
    [InlineData("{population_size: 4, mutation_prob: 1, mutation_scale: 0.5}")]
    [InlineData("{population_size: 4, mutation_prob: 1, mutation_scale: 0}")]
    public void Mutated_values_stay_in_their_range_on_their_step(string nsga2)
    {
        var strategy = SearchStrategies.Create(Sweep(nsga2, maxTrials: 200));
        var trials = new List<TrialSuggestion>();
        Drive(strategy, 200, [], t =>
        {
            trials.Add(t);
            return Outcome(t);
        });

        Assert.Equal(200, trials.Count);
        foreach (var p in trials.Select(t => t.Parameters))
        {
            Assert.InRange((double)p["training.learning_rate"]!, 1e-5, 1e-1);
            var dropout = (double)p["model.dropout"]!;
            Assert.InRange(dropout, 0.1, 0.5);
            Assert.Equal(Math.Round(dropout / 0.05) * 0.05, dropout, 12);
            Assert.InRange((double)p["training.l2"]!, 0.0, 0.01);
            Assert.Contains((int)p["training.batch_size"]!, new[] { 16, 32, 48, 64, 80, 96, 112, 128 });
            Assert.Equal(p["training.optimizer"] is OptimizerKind.Sgd or OptimizerKind.RmsProp, p.ContainsKey("training.momentum"));
        }
    }

    [Fact]
    public void Generations_reach_a_larger_hypervolume_than_random_search_on_zdt1()
    {
        // ZDT1 (both minimised) over three searched fields scaled to [0, 1]: f1 = x1, f2 = g (1 - sqrt(f1 / g)), g = 1 + 9 mean(x2, x3).
        double Volume(string method, int seed)
        {
            var sweep = Sweeps.Parse($$"""
                seed: {{seed}}
                search:
                  method: {{method}}
                  max_trials: 100
                  objectives: [{metric: val_loss}, {metric: latency_ms}]
                  nsga2: {population_size: 10}
                parameters:
                  model.dropout: {uniform: [0.0, 0.9]}
                  training.label_smoothing: {uniform: [0.0, 0.9]}
                  training.l2: {uniform: [0.0, 0.9]}
                """);
            var points = new List<double[]>();
            Drive(SearchStrategies.Create(sweep), 100, [], t =>
            {
                var x = new[] { "model.dropout", "training.label_smoothing", "training.l2" }.Select(p => (double)t.Parameters[p]! / 0.9).ToArray();
                var g = 1 + 9 * (x[1] + x[2]) / 2;
                points.Add([x[0], g * (1 - Math.Sqrt(x[0] / g))]);
                return FinishedTrial.WithValues(t.Index, TrialState.Completed, points[^1]);
            });
            return Hypervolume.Of(points.ToArray(), [1.1, 11], [Direction.Minimize, Direction.Minimize]);
        }
        var seeds = Enumerable.Range(1, 7).ToArray();
        var nsga2 = seeds.Select(s => Volume("nsga2", s)).Order().ToArray();
        var random = seeds.Select(s => Volume("random", s)).Order().ToArray();

        Assert.True(nsga2[3] > random[3], $"median hypervolume: nsga2 {nsga2[3]:0.####} vs random {random[3]:0.####}");
    }

    [Fact]
    public void Telling_a_completed_trial_of_a_multi_objective_sweep_needs_every_objective()
    {
        var strategy = SearchStrategies.Create(Sweep());
        strategy.Ask();

        Assert.Throws<ArgumentException>(() => strategy.Tell(new FinishedTrial(0, TrialState.Completed, 0.5)));
        Assert.Throws<ArgumentException>(() => strategy.Tell(FinishedTrial.WithValues(0, TrialState.Completed, [0.5])));
        Assert.Throws<ArgumentException>(() => strategy.Tell(FinishedTrial.WithValues(0, TrialState.Completed, [0.5, double.NaN])));
        strategy.Tell(new FinishedTrial(0, TrialState.Pruned, 0.5, Epochs: 2));
        strategy.Tell(FinishedTrial.WithValues(0, TrialState.Completed, [0.5, 3]));
    }

    [Fact]
    public void Random_search_takes_several_objectives()
    {
        var strategy = SearchStrategies.Create(Sweep(method: "random"));

        Assert.Equal(40, Drive(strategy, 100, []).Count);
    }

    [Fact]
    public void Crowding_distance_sums_each_objectives_neighbour_gap_over_its_range()
    {
        // Objective 0: 1, 2, 4 (range 3): the middle point's neighbours are 3 apart; objective 1: 5, 3, 1 (range 4): 4 apart.
        var distance = ParetoFront.CrowdingDistance([[1, 5], [2, 3], [4, 1]]);

        Assert.Equal([double.PositiveInfinity, 3.0 / 3 + 4.0 / 4, double.PositiveInfinity], distance);
        Assert.Equal([0.0, 0.0], ParetoFront.CrowdingDistance([[1, 1], [1, 1]]));
    }
}
