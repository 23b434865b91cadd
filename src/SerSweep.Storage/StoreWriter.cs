using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace SerSweep.Storage;

/// <summary>
/// The single writer of the database. Every write is queued and a single loop applies whatever is queued in one
/// transaction, so that many concurrent epoch reports and results cost one commit, and SQLite never sees two
/// writers from this process. Each operation still succeeds or fails on its own (a failing one is rolled back
/// to its savepoint and reported to its caller only).
/// </summary>
public sealed partial class StoreWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private readonly IDbContextFactory<SerSweepDbContext> _contexts;
    private readonly ILogger<StoreWriter> _logger;
    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    /// <summary>The loop's prepared statements on its connection (set once the loop has opened it).</summary>
    private WriterSql _sql = null!;

    public StoreWriter(IDbContextFactory<SerSweepDbContext> contexts, ILogger<StoreWriter> logger)
    {
        _contexts = contexts;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Number of transactions committed so far (tests and benchmarks read it to see the batching).</summary>
    public long Commits { get; private set; }

    private Task<T> Enqueue<T>(Func<SerSweepDbContext, Task<T>> apply)
    {
        var write = new Write<T>(apply);
        if (!_queue.Writer.TryWrite(write))
            throw new ObjectDisposedException(nameof(StoreWriter));
        return write.Completion.Task;
    }

    /// <summary>A write of plain SQL through <see cref="_sql"/>: SQLite is synchronous, so it needs no async state machine.</summary>
    private Task<T> EnqueueSql<T>(Func<T> apply) => Enqueue(_ => Task.FromResult(apply()));

    private async Task RunAsync()
    {
        // One context and one open connection for the writer's lifetime: a batch costs BEGIN and COMMIT, not a
        // context, a connection open and its pragmas. Each write has its own savepoint below, so EF's automatic
        // savepoint around every SaveChanges would only double it.
        await using var db = await _contexts.CreateDbContextAsync();
        db.Database.AutoSavepointsEnabled = false;
        await db.Database.OpenConnectionAsync();
        using var sql = _sql = new WriterSql((SqliteConnection)db.Database.GetDbConnection());
        var batch = new List<IWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var write)) batch.Add(write);
            await ApplyAsync(db, batch);
        }
    }

    private async Task ApplyAsync(SerSweepDbContext db, List<IWrite> batch)
    {
        var done = new List<(IWrite Write, object? Result)>(batch.Count);
        var failed = new List<(IWrite Write, Exception Error)>();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            _sql.Transaction = (SqliteTransaction)transaction.GetDbTransaction();
            foreach (var write in batch)
            {
                _sql.Execute("SAVEPOINT write");
                try
                {
                    done.Add((write, await write.ApplyAsync(db)));
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException or ArgumentException
                                          or SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_CONSTRAINT })
                {
                    _sql.Execute("ROLLBACK TO write");
                    failed.Add((write, e));
                }
                _sql.Execute("RELEASE write");
                // Each write reads what it needs afresh: nothing tracked carries over to the next one.
                db.ChangeTracker.Clear();
            }
            await transaction.CommitAsync();
            _sql.Transaction = null;
            Commits++;
            WriterMetrics.Committed(batch.Count, started);
        }
        catch (Exception e)
        {
            _sql.Transaction = null;
            db.ChangeTracker.Clear();
            LogBatchFailed(e, batch.Count);
            foreach (var write in batch) write.Fail(e);
            return;
        }
        foreach (var (write, result) in done) write.Complete(result);
        foreach (var (write, error) in failed) write.Fail(error);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} writes failed and was rolled back")]
    private partial void LogBatchFailed(Exception error, int count);

    private interface IWrite
    {
        Task<object?> ApplyAsync(SerSweepDbContext db);
        void Complete(object? result);
        void Fail(Exception error);
    }

    private sealed class Write<T>(Func<SerSweepDbContext, Task<T>> apply) : IWrite
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public async Task<object?> ApplyAsync(SerSweepDbContext db) => await apply(db);
        public void Complete(object? result) => Completion.TrySetResult((T)result!);
        public void Fail(Exception error) => Completion.TrySetException(error);
    }
}
