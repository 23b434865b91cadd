using Microsoft.EntityFrameworkCore.Infrastructure;
using SerSweep.Storage;

namespace SerSweep.Cli.Commands;

/// <summary>Finding a sweep in a database as the verbs name it: its id, or its name (the newest version of that name).</summary>
internal static class StoredSweeps
{
    public static SweepQueries Open(string dbPath) => new(new PooledDbContextFactory<SerSweepDbContext>(SqliteDatabase.Options(dbPath)));

    /// <summary>The sweep <paramref name="wanted"/> names (id or name), the newest sweep when null, or null when there is none.</summary>
    public static async Task<SweepSummary?> FindAsync(SweepQueries queries, string? wanted)
    {
        var sweeps = await queries.ListSweepsAsync();
        return wanted is null ? sweeps.FirstOrDefault()
            : long.TryParse(wanted, out var id) ? sweeps.FirstOrDefault(s => s.Id == id)
            : sweeps.FirstOrDefault(s => s.Name == wanted);
    }
}
