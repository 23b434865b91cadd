using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using SerSweep.Core;
using SerSweep.Storage.Entities;
using SerSweep.Testing;

namespace SerSweep.Storage.Tests;

/// <summary>A real SQLite file in a fresh folder, migrated, with its writer and queries.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public TestDatabase()
    {
        Path = System.IO.Path.Combine(TestPaths.NewTempDir("sersweep-storage"), "sersweep.db");
        SqliteDatabase.Migrate(Path);
        Contexts = new PooledDbContextFactory<SerSweepDbContext>(SqliteDatabase.Options(Path));
        Writer = new StoreWriter(Contexts, NullLogger<StoreWriter>.Instance);
        Queries = new SweepQueries(Contexts);
    }

    public string Path { get; }
    public IDbContextFactory<SerSweepDbContext> Contexts { get; }
    public StoreWriter Writer { get; }
    public SweepQueries Queries { get; }

    public Task<Sweep> AddSweepAsync(string name = "demo", bool maximize = true) => Writer.CreateSweepAsync(new Sweep
    {
        Name = name, YamlText = "name: demo\n", Method = "random", ObjectiveMetric = Core.Metrics.ValAccuracy,
        Maximize = maximize, MaxTrials = 10, MaxConcurrent = 2, MaxAttempts = 3, Seed = 7,
    });

    public static TrialResult Result(long trialId, int attempt, double valAccuracy) => new()
    {
        TrialId = trialId, Attempt = attempt, Outcome = TrialState.Completed, Epochs = 3, BestEpoch = 3,
        ValAccuracy = valAccuracy, TestAccuracy = valAccuracy - 0.05,
        PerClassJson = StoredJson.Write(new[] { new ClassMetrics("happy", 0.5, 0.25, 1 / 3.0, 4) }),
        ConfusionJson = StoredJson.Write(new ConfusionMatrix(["happy", "sad"], [[3, 1], [0, 4]])),
        PerActorJson = StoredJson.Write(new Dictionary<int, double> { [1] = 0.75 }),
    };

    public static EpochMetric Epoch(long trialId, int attempt, int epoch, double valAccuracy = 0.5) => new()
    {
        TrialId = trialId, Attempt = attempt, Epoch = epoch, ValAccuracy = valAccuracy, TrainLoss = 1.0 / epoch,
    };

    /// <summary>Column <paramref name="column"/> of every row <paramref name="sql"/> returns, read straight from the file at <paramref name="path"/> (not through EF Core).</summary>
    public static async Task<List<string>> ColumnAsync(string path, string sql, int column = 0)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) values.Add(reader.GetString(column));
        return values;
    }

    public async ValueTask DisposeAsync() => await Writer.DisposeAsync();
}
