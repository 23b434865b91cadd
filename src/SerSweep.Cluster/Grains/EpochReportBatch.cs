using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Grains;

/// <summary>
/// One attempt's epoch reports on their way to the coordinator. A report is sent at once, with any waiting before it,
/// when the trainer needs its answer or a retry its record: an epoch the pruner judges, an epoch whose checkpoint was
/// replicated (where a retry resumes), and any epoch once <paramref name="interval"/> has passed since the last send (the
/// dashboard's curves stay live). Other reports wait and are answered "continue" at once; what still waits at the end
/// travels with the attempt's outcome (<see cref="TakeWaiting"/>). A round trip and a write per epoch cost a sweep of
/// short epochs more than its epochs do, and an epoch that was never sent is trained again anyway by a resumed attempt,
/// which starts from the last replicated checkpoint.
/// </summary>
public sealed class EpochReportBatch(
    TrialAssignment assignment, TimeSpan interval, TimeProvider clock, Func<IReadOnlyList<EpochProgress>, CancellationToken, Task<EpochAnswer>> send)
{
    private readonly List<EpochProgress> _waiting = [];
    private long _lastSent = clock.GetTimestamp();

    public async Task<EpochAnswer> AddAsync(EpochProgress epoch, CancellationToken cancel)
    {
        _waiting.Add(epoch with { IsFold = assignment.IsFold });
        if (!assignment.IsJudged(epoch.Epoch) && !epoch.CheckpointWritten && clock.GetElapsedTime(_lastSent) < interval) return EpochAnswer.Continue;
        _lastSent = clock.GetTimestamp();
        return await send(TakeWaiting(), cancel);
    }

    /// <summary>The reports not sent yet, oldest first; none wait afterwards.</summary>
    public EpochProgress[] TakeWaiting()
    {
        EpochProgress[] epochs = [.. _waiting];
        _waiting.Clear();
        return epochs;
    }
}
