using Microsoft.Data.Sqlite;

namespace SerSweep.Storage.Tests;

public sealed class DatabaseFileTests
{
    [Fact]
    public async Task Migrate_creates_a_wal_database_with_every_table_and_is_idempotent()
    {
        await using var db = new TestDatabase();
        SqliteDatabase.Migrate(db.Path); // a second start changes nothing and does not throw

        await using var connection = new SqliteConnection($"Data Source={db.Path}");
        await connection.OpenAsync();
        await using var journal = connection.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await journal.ExecuteScalarAsync());

        await using var tables = connection.CreateCommand();
        tables.CommandText = "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name;";
        var names = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync())
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        Assert.Superset(new HashSet<string> { "Sweeps", "Trials", "TrialAttempts", "EpochMetrics", "TrialResults", "Artifacts", "SiloSnapshots", "__EFMigrationsHistory" }, names.ToHashSet());
    }

    [Fact]
    public async Task A_second_sweep_of_the_same_name_is_the_next_version()
    {
        await using var db = new TestDatabase();
        var first = await db.AddSweepAsync("emotions");
        var second = await db.AddSweepAsync("emotions");
        var other = await db.AddSweepAsync("other");
        Assert.Equal((1, 2, 1), (first.Version, second.Version, other.Version));
    }

    [Fact]
    public async Task The_leaderboard_query_uses_the_objective_index()
    {
        await using var db = new TestDatabase();
        await using var connection = new SqliteConnection($"Data Source={db.Path}");
        await connection.OpenAsync();
        await using var plan = connection.CreateCommand();
        plan.CommandText = "EXPLAIN QUERY PLAN SELECT * FROM Trials WHERE SweepId = 1 ORDER BY ObjectiveValue DESC LIMIT 50;";
        var details = new List<string>();
        await using (var reader = await plan.ExecuteReaderAsync())
            while (await reader.ReadAsync()) details.Add(reader.GetString(3));
        Assert.Contains(details, d => d.Contains("IX_Trials_SweepId_ObjectiveValue", StringComparison.Ordinal));
        Assert.DoesNotContain(details, d => d.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }
}
