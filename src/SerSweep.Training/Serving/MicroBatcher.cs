using System.Diagnostics;
using System.Threading.Channels;

namespace SerSweep.Training.Serving;

/// <summary>How requests are grouped into forward passes, and how many may wait.</summary>
/// <param name="MaxBatch">Items per forward pass at most.</param>
/// <param name="MaxWait">How long the first item of a batch waits for others before the batch runs anyway.</param>
/// <param name="QueueLimit">Items waiting for the model (queued or in the batch being formed or run) at most; beyond it <see cref="MicroBatcher.TryPredict"/> refuses.</param>
public sealed record MicroBatchOptions(int MaxBatch = 16, TimeSpan MaxWait = default, int QueueLimit = 256)
{
    public void Validate()
    {
        if (MaxBatch < 1) throw new ArgumentException($"max batch must be >= 1, got {MaxBatch}");
        if (MaxWait < TimeSpan.Zero) throw new ArgumentException($"max wait must be >= 0, got {MaxWait.TotalMilliseconds} ms");
        if (QueueLimit < 1) throw new ArgumentException($"queue limit must be >= 1, got {QueueLimit}");
    }
}

/// <summary>
/// Micro-batching for a prediction service: callers hand in one model input item each (features already extracted, on
/// their own threads, in parallel) and one thread runs them through <see cref="Predictor.Predict"/> in batches of up to
/// <see cref="MicroBatchOptions.MaxBatch"/>, waiting at most <see cref="MicroBatchOptions.MaxWait"/> for a batch to fill.
/// A batched forward costs far less per item than one forward per request, and the model is used by one thread only.
/// Items are predicted without a session, as <c>predict</c> does each file: the results equal one-by-one predictions.
/// </summary>
public sealed class MicroBatcher : IDisposable
{
    private sealed record Pending(float[] Item, TaskCompletionSource<Prediction> Done);

    private readonly Predictor predictor;
    private readonly MicroBatchOptions options;
    private readonly int itemLength;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread thread;
    private int waiting;
    private long requests, batches;

    public MicroBatcher(Predictor predictor, MicroBatchOptions options)
    {
        options.Validate();
        this.predictor = predictor;
        this.options = options;
        itemLength = predictor.Bundle.ItemShape.Aggregate(1, (a, b) => a * b);
        thread = new Thread(Run) { IsBackground = true, Name = "sersweep-micro-batcher" };
        thread.Start();
    }

    /// <summary>Items waiting for the model now (queued, or in the batch being formed or run).</summary>
    public int Waiting => Volatile.Read(ref waiting);
    /// <summary>Items predicted so far.</summary>
    public long Requests => Interlocked.Read(ref requests);
    /// <summary>Forward passes run so far: below <see cref="Requests"/> when requests were batched together.</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>
    /// Queues one item (the bundle's item shape, as <see cref="Predictor.Features"/> gives it); its prediction completes
    /// the task. Null when <see cref="MicroBatchOptions.QueueLimit"/> items already wait: the caller should come back later.
    /// </summary>
    public Task<Prediction>? TryPredict(float[] item)
    {
        if (item.Length != itemLength) throw new ArgumentException($"expected one item of {itemLength} values, got {item.Length}");
        if (Interlocked.Increment(ref waiting) > options.QueueLimit)
        {
            Interlocked.Decrement(ref waiting);
            return null;
        }
        var done = new TaskCompletionSource<Prediction>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite(new Pending(item, done)))
        {
            Interlocked.Decrement(ref waiting);
            throw new ObjectDisposedException(nameof(MicroBatcher));
        }
        return done.Task;
    }

    private void Run()
    {
        var reader = queue.Reader;
        var batch = new List<Pending>(options.MaxBatch);
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            var deadline = Stopwatch.GetTimestamp() + (long)(options.MaxWait.TotalSeconds * Stopwatch.Frequency);
            while (batch.Count < options.MaxBatch)
            {
                if (reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    continue;
                }
                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero || !WaitForMore(reader, left)) break;
            }
            if (batch.Count > 0) Forward(batch);
        }
    }

    /// <summary>True when an item arrived within <paramref name="left"/>; false on timeout or when the queue was closed.</summary>
    private static bool WaitForMore(ChannelReader<Pending> reader, TimeSpan left)
    {
        using var timeout = new CancellationTokenSource(left);
        try
        {
            return reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Forward(List<Pending> batch)
    {
        try
        {
            var items = new float[(long)batch.Count * itemLength];
            for (var i = 0; i < batch.Count; i++) batch[i].Item.CopyTo(items, i * itemLength);
            var predictions = predictor.Predict(items);
            Interlocked.Increment(ref batches);
            Interlocked.Add(ref requests, batch.Count);
            Interlocked.Add(ref waiting, -batch.Count);
            for (var i = 0; i < batch.Count; i++) batch[i].Done.SetResult(predictions[i]);
        }
        catch (Exception e)
        {
            Interlocked.Add(ref waiting, -batch.Count);
            foreach (var pending in batch) pending.Done.TrySetException(e);
        }
    }

    /// <summary>Stops taking items, predicts those already queued, and waits for the batching thread to end.</summary>
    public void Dispose()
    {
        queue.Writer.TryComplete();
        thread.Join();
    }
}
