using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Bench.Dashboard;

/// <summary>A SQLite file (migrated by Storage) holding one finished sweep of 10 000 trials with results.</summary>
public static class TenThousandTrials
{
    public const int Count = 10_000;

    public static async Task<(string Path, long SweepId)> CreateAsync(string folder)
    {
        var path = System.IO.Path.Combine(folder, "sersweep.db");
        SqliteDatabase.Migrate(path);
        await using var db = new SerSweepDbContext(SqliteDatabase.Options(path));
        var yaml = """
            name: big
            search:
              method: random
              max_trials: 10000
              objective: {metric: val_accuracy, direction: maximize}
            parameters:
              training.optimizer: {values: [adam, rmsprop, sgd]}
              training.learning_rate: {loguniform: [1.0e-4, 3.0e-3]}
              training.l2: {loguniform: [1.0e-6, 1.0e-3]}
              model.dropout: {uniform: [0.1, 0.5]}
            """;
        var sweep = new Sweep
        {
            Name = "big", YamlText = yaml, Method = "random", ObjectiveMetric = Metrics.ValAccuracy, Maximize = true,
            MaxTrials = Count, MaxConcurrent = 8, MaxAttempts = 2, Seed = 1, Status = SweepStatus.Completed,
            CreatedAt = DateTime.UtcNow.AddHours(-5), StartedAt = DateTime.UtcNow.AddHours(-5), FinishedAt = DateTime.UtcNow, Version = 1,
        };
        var random = new Random(1);
        for (var i = 0; i < Count; i++)
        {
            var accuracy = 0.3 + 0.5 * random.NextDouble();
            var pruned = random.NextDouble() < 0.4;
            sweep.Trials.Add(new Trial
            {
                Index = i, Seed = i, Status = pruned ? TrialState.Pruned : TrialState.Completed, Attempts = 1, CurrentAttempt = 1,
                ParametersJson = StoredJson.WriteParameters(new Dictionary<string, object?>
                {
                    ["training.optimizer"] = (i % 3) switch { 0 => "adam", 1 => "rmsprop", _ => "sgd" },
                    ["training.learning_rate"] = Math.Pow(10, -4 + 1.5 * random.NextDouble()),
                    ["training.l2"] = Math.Pow(10, -6 + 3 * random.NextDouble()),
                    ["model.dropout"] = 0.1 + 0.4 * random.NextDouble(),
                }),
                ObjectiveValue = accuracy, LastEpoch = pruned ? 3 : 12, StopReason = pruned ? "asha: rung 1" : null,
                CreatedAt = sweep.CreatedAt, StartedAt = sweep.CreatedAt, FinishedAt = sweep.CreatedAt.AddSeconds(i * 1.7),
                Result = new TrialResult
                {
                    Attempt = 1, Outcome = pruned ? TrialState.Pruned : TrialState.Completed, Epochs = 12, BestEpoch = 12,
                    ValAccuracy = accuracy, ValLoss = 1 - accuracy, ValMacroF1 = accuracy - 0.02, ValUar = accuracy - 0.01,
                    TestAccuracy = accuracy - 0.03, TestMacroF1 = accuracy - 0.05, TestUar = accuracy - 0.04, CommittedAt = DateTime.UtcNow,
                },
            });
        }
        db.Sweeps.Add(sweep);
        await db.SaveChangesAsync();
        return (path, sweep.Id);
    }
}
