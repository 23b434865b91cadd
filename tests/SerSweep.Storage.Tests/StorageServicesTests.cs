using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SerSweep.Testing;

namespace SerSweep.Storage.Tests;

/// <summary>AddSerSweepStorage migrates beside the host's start; its hosted service holds the start until that is done.</summary>
public sealed class StorageServicesTests
{
    [Fact]
    public async Task The_host_start_ends_after_every_migration_was_applied()
    {
        var path = Path.Combine(TestPaths.NewTempDir("sersweep-storage"), "sersweep.db");
        await using var provider = new ServiceCollection().AddSerSweepStorage(path).BuildServiceProvider();

        foreach (var hosted in provider.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        // The migrations the assembly holds, read apart from the database: every one is in its history table.
        await using var context = new SerSweepDbContext(SqliteDatabase.Options(path));
        var known = context.Database.GetMigrations().ToList();
        var ids = await TestDatabase.ColumnAsync(path, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId;");
        Assert.NotEmpty(known);
        Assert.Equal(known.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_fails_the_host_start_with_sqlites_error_not_the_registration()
    {
        var path = Path.Combine(TestPaths.NewTempDir("sersweep-storage"), "sersweep.db");
        await File.WriteAllTextAsync(path, new string('x', 4096));

        var services = new ServiceCollection().AddSerSweepStorage(path);
        await using var provider = services.BuildServiceProvider();
        var start = Task.WhenAll(provider.GetServices<IHostedService>().Select(h => h.StartAsync(CancellationToken.None)));

        var error = await Assert.ThrowsAsync<SqliteException>(() => start.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("file is not a database", error.Message);
    }
}
