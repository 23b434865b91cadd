using Microsoft.EntityFrameworkCore.Design;

namespace SerSweep.Storage;

/// <summary>Lets `dotnet ef migrations add` build the model without a host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<SerSweepDbContext>
{
    public SerSweepDbContext CreateDbContext(string[] args) => new(SqliteDatabase.Options("design-time.db"));
}
