using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

/// <summary>The system of record of every sweep. Only the coordinator writes (through <see cref="StoreWriter"/>); the dashboard reads.</summary>
public sealed class SerSweepDbContext(DbContextOptions<SerSweepDbContext> options) : DbContext(options)
{
    public DbSet<Sweep> Sweeps => Set<Sweep>();
    public DbSet<Trial> Trials => Set<Trial>();
    public DbSet<TrialAttempt> TrialAttempts => Set<TrialAttempt>();
    public DbSet<EpochMetric> EpochMetrics => Set<EpochMetric>();
    public DbSet<TrialResult> TrialResults => Set<TrialResult>();
    public DbSet<Artifact> Artifacts => Set<Artifact>();
    public DbSet<SiloSnapshot> SiloSnapshots => Set<SiloSnapshot>();
    public DbSet<SweepFileEvent> SweepFileEvents => Set<SweepFileEvent>();

    /// <summary>SQLite's json_extract, so that the leaderboard can sort and filter by a hyperparameter in SQL.</summary>
    public static double? JsonNumber(string json, string path) => throw new InvalidOperationException("Only usable in LINQ to SQL queries.");

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasDbFunction(typeof(SerSweepDbContext).GetMethod(nameof(JsonNumber))!).HasName("json_extract").IsBuiltIn();

        model.Entity<Sweep>(sweep =>
        {
            sweep.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            sweep.HasIndex(s => new { s.Name, s.Version }).IsUnique();
            sweep.HasIndex(s => s.Status);
            sweep.HasMany(s => s.Trials).WithOne(t => t.Sweep).HasForeignKey(t => t.SweepId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Trial>(trial =>
        {
            trial.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
            trial.Property(t => t.FailureClass).HasConversion<string>().HasMaxLength(16);
            trial.Property(t => t.Role).HasConversion<string>().HasMaxLength(8).HasDefaultValue(TrialRole.Trial).HasSentinel((TrialRole)(-1));
            // One ranked trial per strategy index; its folds and refit share the index and hang off it.
            trial.HasIndex(t => new { t.SweepId, t.Index }).IsUnique().HasFilter("\"ParentTrialId\" IS NULL");
            trial.HasIndex(t => new { t.ParentTrialId, t.Role, t.Fold }).IsUnique();
            trial.HasOne<Trial>().WithMany().HasForeignKey(t => t.ParentTrialId).OnDelete(DeleteBehavior.Cascade);
            // Leaderboard sorts and filters: by objective, by status, by recency.
            trial.HasIndex(t => new { t.SweepId, t.ObjectiveValue });
            trial.HasIndex(t => new { t.SweepId, t.Status, t.ObjectiveValue });
            trial.HasIndex(t => new { t.SweepId, t.FinishedAt });
            trial.HasMany(t => t.AttemptHistory).WithOne().HasForeignKey(a => a.TrialId).OnDelete(DeleteBehavior.Cascade);
            trial.HasMany(t => t.Epochs).WithOne().HasForeignKey(e => e.TrialId).OnDelete(DeleteBehavior.Cascade);
            trial.HasOne(t => t.Result).WithOne().HasForeignKey<TrialResult>(r => r.TrialId).OnDelete(DeleteBehavior.Cascade);
            trial.HasMany(t => t.Artifacts).WithOne().HasForeignKey(a => a.TrialId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<TrialAttempt>(attempt =>
        {
            attempt.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(16);
            attempt.Property(a => a.FailureClass).HasConversion<string>().HasMaxLength(16);
            attempt.HasIndex(a => new { a.TrialId, a.Number }).IsUnique();
        });

        model.Entity<EpochMetric>(epoch =>
        {
            epoch.HasIndex(e => new { e.TrialId, e.Epoch }).IsUnique();
            epoch.Ignore(e => e.Metrics);
        });

        model.Entity<TrialResult>(result =>
        {
            result.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
            // Exactly one final result per trial, whichever attempt wrote it.
            result.HasIndex(r => r.TrialId).IsUnique();
            result.HasIndex(r => r.TestAccuracy);
            result.HasIndex(r => r.ValAccuracy);
            result.HasIndex(r => r.ValMacroF1);
            result.Ignore(r => r.Metrics);
        });

        model.Entity<Artifact>().HasIndex(a => new { a.TrialId, a.Kind }).IsUnique();
        model.Entity<SiloSnapshot>().HasKey(s => s.Address);

        model.Entity<SweepFileEvent>(watched =>
        {
            watched.Ignore(e => e.Errors);
            watched.HasIndex(e => new { e.Path, e.At });
            watched.HasOne<Sweep>().WithMany().HasForeignKey(e => e.SweepId).OnDelete(DeleteBehavior.SetNull);
        });
    }
}
