using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SerSweep.Storage;

public static class StorageServices
{
    /// <summary>
    /// Registers the database at <paramref name="path"/> (migrated from now on, ready when the host has started), <see cref="SweepQueries"/> for reading and,
    /// in the process that owns the database, the single <see cref="StoreWriter"/>.
    /// </summary>
    public static IServiceCollection AddSerSweepStorage(this IServiceCollection services, string path, bool writer = true)
    {
        // The migrations (mostly EF Core building its model: 0.3-0.5 s of one core) run beside the rest of the host's start,
        // which is otherwise single-threaded. Everything that touches the database waits for it: DatabaseMigration's
        // StartAsync awaits them, web servers listen only after every hosted service started, and the services that
        // read or write before then (the coordinator's resume, the sweep file watcher) wait for the host to have started.
        var migrated = Task.Run(() => SqliteDatabase.Migrate(path));
        services.AddHostedService(_ => new DatabaseMigration(migrated));
        // Pooled: the writer takes a context per batch and the dashboard one per query; reusing them saves building
        // a context's internal services every time (a large part of a small write's CPU).
        services.AddPooledDbContextFactory<SerSweepDbContext>(options => SqliteDatabase.Configure(options, path));
        services.AddSingleton<SweepQueries>();
        if (writer) services.AddSingleton<StoreWriter>();
        return services;
    }
}

/// <summary>Holds the host's start until the database's migrations have run (and fails it with their error).</summary>
internal sealed class DatabaseMigration(Task migrated) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrated.WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
