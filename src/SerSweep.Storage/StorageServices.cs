using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace SerSweep.Storage;

public static class StorageServices
{
    /// <summary>
    /// Registers the database at <paramref name="path"/> (migrated now), <see cref="SweepQueries"/> for reading and,
    /// in the process that owns the database, the single <see cref="StoreWriter"/>.
    /// </summary>
    public static IServiceCollection AddSerSweepStorage(this IServiceCollection services, string path, bool writer = true)
    {
        SqliteDatabase.Migrate(path);
        // Pooled: the writer takes a context per batch and the dashboard one per query; reusing them saves building
        // a context's internal services every time (a large part of a small write's CPU).
        services.AddPooledDbContextFactory<SerSweepDbContext>(options => SqliteDatabase.Configure(options, path));
        services.AddSingleton<SweepQueries>();
        if (writer) services.AddSingleton<StoreWriter>();
        return services;
    }
}
