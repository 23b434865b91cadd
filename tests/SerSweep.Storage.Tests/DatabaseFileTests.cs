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

        var names = await TestDatabase.ColumnAsync(db.Path, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name;");
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
        var details = await TestDatabase.ColumnAsync(db.Path, "EXPLAIN QUERY PLAN SELECT * FROM Trials WHERE SweepId = 1 ORDER BY ObjectiveValue DESC LIMIT 50;", column: 3);
        Assert.Contains(details, d => d.Contains("IX_Trials_SweepId_ObjectiveValue", StringComparison.Ordinal));
        Assert.DoesNotContain(details, d => d.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }
}
