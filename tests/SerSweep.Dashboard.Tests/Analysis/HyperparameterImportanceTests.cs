using SerSweep.Dashboard.Analysis;
using SerSweep.Dashboard.Views;

namespace SerSweep.Dashboard.Tests.Analysis;

public sealed class HyperparameterImportanceTests
{
    private static readonly string[] Parameters = ["training.learning_rate", "model.dropout", "training.optimizer"];

    /// <summary>Random trials whose objective is <paramref name="objective"/> of (lr, dropout, optimizer) plus a little noise.</summary>
    private static List<TrialRow> Trials(Func<double, double, string, double> objective, int count = 80)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(i =>
        {
            var lr = Math.Pow(10, -5 + 4 * random.NextDouble());
            var dropout = 0.5 * random.NextDouble();
            var optimizer = random.Next(3) switch { 0 => "adam", 1 => "sgd", _ => "rmsprop" };
            return new TrialRow
            {
                TrialId = i, Index = i, Status = "completed",
                Parameters = new Dictionary<string, HyperparameterValue>
                {
                    [Parameters[0]] = HyperparameterValue.Of(lr),
                    [Parameters[1]] = HyperparameterValue.Of(dropout),
                    [Parameters[2]] = HyperparameterValue.Of(optimizer),
                },
                Metrics = new Dictionary<string, double> { ["val_accuracy"] = objective(lr, dropout, optimizer) + 0.001 * random.NextDouble() },
            };
        }).ToList();
    }

    [Fact]
    public void The_parameter_the_objective_depends_on_ranks_first_with_most_of_the_importance()
    {
        // Accuracy peaks at lr = 1e-3 (on a log scale); dropout and optimizer do not matter.
        var rows = Trials((lr, _, _) => 0.9 - 0.1 * Math.Abs(Math.Log10(lr) + 3));

        var importance = HyperparameterImportance.Compute(rows, Parameters, "val_accuracy", lowerIsBetter: false);

        Assert.Equal("training.learning_rate", importance[0].Parameter);
        Assert.True(importance[0].Importance > 0.6, $"learning rate got only {importance[0].Importance:P0}");
        Assert.Equal(1.0, importance.Sum(i => i.Importance), 9);
    }

    [Fact]
    public void A_categorical_parameter_can_matter_most()
    {
        var rows = Trials((_, _, optimizer) => optimizer == "adam" ? 0.8 : 0.4);
        var importance = HyperparameterImportance.Compute(rows, Parameters, "val_accuracy", lowerIsBetter: false);
        Assert.Equal("training.optimizer", importance[0].Parameter);
    }

    [Fact]
    public void The_direction_of_the_objective_is_respected()
    {
        // The lowest values come from trials with dropout below 0.05, the highest from learning rates above 10^-1.4:
        // minimising must rank dropout first, maximising the learning rate (the top tenth of either end).
        var rows = Trials((lr, dropout, _) => (dropout < 0.05 ? -1.0 : 0.0) + (Math.Log10(lr) > -1.4 ? 1.0 : 0.0));

        var minimised = HyperparameterImportance.Compute(rows, Parameters, "val_accuracy", lowerIsBetter: true);
        var maximised = HyperparameterImportance.Compute(rows, Parameters, "val_accuracy", lowerIsBetter: false);

        Assert.Equal("model.dropout", minimised[0].Parameter);
        Assert.Equal("training.learning_rate", maximised[0].Parameter);
    }

    [Fact]
    public void Too_few_trials_give_no_importance()
    {
        var rows = Trials((lr, _, _) => lr, count: HyperparameterImportance.MinTrials - 1);
        Assert.Empty(HyperparameterImportance.Compute(rows, Parameters, "val_accuracy", lowerIsBetter: false));
    }
}
