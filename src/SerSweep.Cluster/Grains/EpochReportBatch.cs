using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Grains;

/// <summary>
/// One attempt's epoch reports on their way to the coordinator. A report is sent at once, with any waiting before it,
/// when the trainer needs its answer or a retry its record: an epoch the pruner judges, an epoch whose checkpoint is
/// being replicated (where a retry resumes), and any epoch once <paramref name="interval"/> has passed since the last send
/// (the dashboard's curves stay live). Other reports wait and are answered "continue" at once; what still waits at the
/// end travels with the attempt's outcome (<see cref="SettleAsync"/>, then <see cref="TakeWaiting"/>). A round trip and a write per epoch cost a sweep
/// of short epochs more than its epochs do, and an epoch that was never sent is trained again anyway by a resumed
/// attempt, which starts from the last replicated checkpoint.
/// <para>
/// A checkpoint's epoch is sent once its upload ends, saying whether the store holds it, while the next epochs train:
/// the upload and the round trip used to stop the training thread for ~25 ms per replica, and a resumed attempt relies
/// only on what the coordinator recorded as stored. Sends go one at a time in epoch order; an answer other than
/// "continue" to a send the trainer did not wait for is its answer at the next epoch.
/// </para>
/// </summary>
public sealed class EpochReportBatch(
    TrialAssignment assignment, TimeSpan interval, TimeProvider clock, Func<IReadOnlyList<EpochProgress>, CancellationToken, Task<EpochAnswer>> send)
{
    private readonly List<EpochProgress> _waiting = [];
    private long _lastSent = clock.GetTimestamp();
    private Task<EpochAnswer> _sending = Task.FromResult(EpochAnswer.Continue);

    /// <param name="epoch">The epoch the trainer finished.</param>
    /// <param name="replica">The upload of its checkpoint (true once stored), or null when it has none to replicate.</param>
    /// <param name="cancel">Ends the wait for the coordinator.</param>
    public async Task<EpochAnswer> AddAsync(EpochProgress epoch, Task<bool>? replica, CancellationToken cancel)
    {
        _waiting.Add(epoch with { IsFold = assignment.IsFold });
        var judged = assignment.IsJudged(epoch.Epoch);
        if (!judged && replica is null && clock.GetElapsedTime(_lastSent) < interval) return await AnsweredAsync();
        _lastSent = clock.GetTimestamp();
        var (previous, epochs) = (_sending, TakeWaiting());
        // On the thread pool when nobody waits for it: the trainer's own thread runs posted work only between epochs.
        _sending = replica is null ? SendAfterAsync(previous, null, epochs, cancel) : Task.Run(() => SendAfterAsync(previous, replica, epochs, cancel), CancellationToken.None);
        return judged || replica is null ? await _sending : await AnsweredAsync();
    }

    /// <summary>Waits for the sends under way; their failure, if one failed (its reports are not sent again: a resumed attempt trains them again).</summary>
    public async Task<Exception?> SettleAsync()
    {
        try
        {
            await _sending;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>The reports not sent yet, oldest first; none wait afterwards.</summary>
    public EpochProgress[] TakeWaiting()
    {
        EpochProgress[] epochs = [.. _waiting];
        _waiting.Clear();
        return epochs;
    }

    /// <summary>The last send's answer once it came (its failure is thrown), else "continue".</summary>
    private async Task<EpochAnswer> AnsweredAsync() => _sending.IsCompleted ? await _sending : EpochAnswer.Continue;

    private async Task<EpochAnswer> SendAfterAsync(Task<EpochAnswer> previous, Task<bool>? replica, EpochProgress[] epochs, CancellationToken cancel)
    {
        var before = await previous;
        if (replica is not null && !await replica) epochs[^1] = epochs[^1] with { CheckpointWritten = false };
        var answer = await send(epochs, cancel);
        // A stop or abandon the trainer has not seen yet stands until it has.
        return answer.Verdict == EpochVerdict.Continue && before.Verdict != EpochVerdict.Continue ? before : answer;
    }
}
