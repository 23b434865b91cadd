using SerSweep.Core;
using SerSweep.Search.Config;
using SerSweep.Search.Strategies;

namespace SerSweep.Search.Tests;

public class GridSearchTests
{
    private static List<string> Expand(SweepDefinition sweep) =>
        Sweeps.AskAll(sweep).Select(t => string.Join(" ", t.ParametersAsText.Select(p => $"{p.Key.Split('.')[1]}={p.Value}"))).ToList();

    [Fact]
    public void The_grid_is_complete_ordered_first_parameter_slowest_and_conditionals_only_where_they_hold()
    {
        var trials = Expand(Sweeps.Conditional("grid"));

        Assert.Equal(
        [
            "optimizer=adam batch_size=16",
            "optimizer=adam batch_size=32",
            "optimizer=sgd batch_size=16 momentum=0",
            "optimizer=sgd batch_size=16 momentum=0.9",
            "optimizer=sgd batch_size=32 momentum=0",
            "optimizer=sgd batch_size=32 momentum=0.9",
        ], trials);
    }

    [Fact]
    public void Stepped_ranges_are_enumerated_from_low_to_high_and_max_trials_cuts_the_grid()
    {
        var sweep = Sweeps.Parse("""
            search: {method: grid, max_trials: 5}
            parameters:
              training.batch_size: {int_uniform: [16, 64], q: 16}
              model.dropout: {uniform: [0.1, 0.3], q: 0.1}
            """);

        var trials = Expand(sweep);

        Assert.Equal(12, ((GridSearch)SearchStrategies.Create(sweep)).GridSize);
        Assert.Equal(["batch_size=16 dropout=0.1", "batch_size=16 dropout=0.2", "batch_size=16 dropout=0.3", "batch_size=32 dropout=0.1", "batch_size=32 dropout=0.2"], trials);
    }

    [Fact]
    public void Values_are_typed_like_their_fields_and_apply_to_the_config()
    {
        var sweep = Sweeps.Conditional("grid");
        var strategy = SearchStrategies.Create(sweep);
        for (var i = 0; i < 2; i++) strategy.Ask();
        var trial = strategy.Ask()!;

        Assert.Equal(OptimizerKind.Sgd, trial.Parameters["training.optimizer"]);
        Assert.Equal(16, trial.Parameters["training.batch_size"]);
        Assert.Equal(0.0, trial.Parameters["training.momentum"]);
        var config = sweep.ConfigFor(trial);
        Assert.Equal((OptimizerKind.Sgd, 16, 0.0), (config.Training.Optimizer, config.Training.BatchSize, config.Training.Momentum));
        Assert.Equal("sgd", ValueTypes.Format(trial.Parameters["training.optimizer"]));
    }
}
