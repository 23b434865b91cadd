using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SerSweep.Storage;

/// <summary>Opens the SQLite file: WAL journal, a busy timeout instead of "database is locked", migrations applied at start.</summary>
public static class SqliteDatabase
{
    /// <summary>How long a connection waits for another writer before SQLite gives up.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(path),
        Pooling = true,
        DefaultTimeout = (int)BusyTimeout.TotalSeconds,
    }.ToString();

    public static void Configure(DbContextOptionsBuilder options, string path) =>
        options.UseSqlite(ConnectionString(path)).AddInterceptors(ConnectionPragmas.Instance);

    public static DbContextOptions<SerSweepDbContext> Options(string path)
    {
        var builder = new DbContextOptionsBuilder<SerSweepDbContext>();
        Configure(builder, path);
        return builder.Options;
    }

    /// <summary>Creates the file (and its folder) if needed, switches it to WAL and applies pending migrations.</summary>
    public static void Migrate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var db = new SerSweepDbContext(Options(path));
        // WAL lets the dashboard read while the coordinator writes; it is persistent in the file.
        db.Database.OpenConnection();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        db.Database.Migrate();
    }

    /// <summary>Per-connection settings (they are not stored in the file).</summary>
    private sealed class ConnectionPragmas : DbConnectionInterceptor
    {
        public static readonly ConnectionPragmas Instance = new();
        private static readonly string Sql = $"PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys=ON;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Sql;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
