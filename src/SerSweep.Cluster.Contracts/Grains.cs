using Orleans.Concurrency;

namespace SerSweep.Cluster.Contracts;

/// <summary>One per sweep (key = sweep id), on a coordinator silo: asks the strategy, dispatches trials, applies ASHA, records results.</summary>
public interface ISweepCoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>Loads the stored sweep and runs it (idempotent: also what a restarted coordinator calls).</summary>
    Task Start();
    Task Pause();
    Task Resume();
    /// <summary>
    /// Raises the sweep's limits (null keeps one) and lets it go on, even when it was completed or stopped: its strategy,
    /// trial indices, seeds and pruner continue. Returns why it cannot (a limit below what the sweep already used, a finished
    /// sweep given nothing more to do), or null; then call <see cref="Start"/>.
    /// </summary>
    Task<string?> Extend(int? maxTrials, TimeSpan? timeLimit);
    /// <summary>Cancels running trials, starts no more, marks the sweep stopped.</summary>
    Task Stop();
    /// <summary>
    /// A snapshot of in-memory counters, answered between the awaits of other calls: a turn that waits on a worker which
    /// has just died (up to the 30 s response timeout, until membership declares it dead) must not stall progress reads
    /// (the CLI's progress line, the tests' waits).
    /// </summary>
    [AlwaysInterleave]
    Task<SweepProgress> GetProgress();

    /// <summary>
    /// Consecutive epochs of a running attempt, oldest first (one, or the few trained since the last report); answered once
    /// they are stored. The answer, for the last of them, says whether the attempt goes on (ASHA) or was superseded.
    /// </summary>
    Task<EpochAnswer> ReportEpochs(IReadOnlyList<EpochProgress> epochs);
    /// <summary>The end of an attempt; idempotent per (trial, attempt); late reports of superseded attempts are ignored.</summary>
    Task ReportOutcome(TrialOutcome outcome);
    /// <summary>An attempt is alive (renews its lease between epochs).</summary>
    [OneWay]
    Task Heartbeat(long trialId, int attempt);
    /// <summary>The silo running these attempts died: re-issue them (they resume from their last checkpoint).</summary>
    [OneWay]
    Task AttemptsLost(IReadOnlyList<TrialAttemptRef> attempts, string reason);
    /// <summary>The slot scheduler has a free slot that this sweep was refused before: start waiting trials now.</summary>
    [OneWay]
    Task SlotFreed();
}

/// <summary>The cluster's trial slots (key 0, on a coordinator silo): which worker runs what, never more than its slots.</summary>
public interface ISlotSchedulerGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Reserves a slot for each attempt, in order, each on the worker with the most free slots then: the silo per attempt,
    /// null from the first that found every slot taken. A sweep refused one is told
    /// (<see cref="ISweepCoordinatorGrain.SlotFreed"/>) when a slot frees, oldest refused sweep first.
    /// </summary>
    Task<IReadOnlyList<string?>> TryReserve(IReadOnlyList<TrialAttemptRef> attempts);
    /// <summary>The slots free on the active workers now (a sweep asks its strategy for no more new trials than this).</summary>
    Task<int> CountFreeSlots();
    /// <summary>Records an attempt that is already running on a silo (after a coordinator restart).</summary>
    Task Adopt(TrialAttemptRef attempt, string silo);
    Task Release(TrialAttemptRef attempt);
    /// <summary>Tells refused sweeps about the slots that are free now (sent to itself after a release, so that the releasing sweep's own next reservation competes fairly).</summary>
    [OneWay]
    Task OfferFreeSlots();
    /// <summary>Membership says this silo is dead: frees its slots and tells the sweeps whose attempts ran there.</summary>
    Task SiloDied(string silo);
    Task<IReadOnlyList<SiloSlots>> GetSilos();
}

/// <summary>One attempt of one trial (key = trial id + attempt number), placed on a worker silo.</summary>
public interface ITrialGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>Starts training (from one of the worker's attempt threads) and returns at once.</summary>
    Task Start(TrialAssignment assignment);
    /// <summary>Stops the run within one batch; it reports a cancelled outcome.</summary>
    Task Cancel();
    /// <summary>The silo address when this activation is training; null when it is not (e.g. a fresh activation).</summary>
    Task<string?> RunningOn();
}

/// <summary>
/// One per feature-cache key, on a silo that has the RAVDESS audio: makes sure the entry is computed once
/// cluster-wide and serves its file in chunks to the workers, which keep a copy in their own cache.
/// </summary>
public interface IFeatureSetGrain : IGrainWithStringKey
{
    /// <summary>Computes the entry if it is missing (once, whoever asks) and says which silo holds it.</summary>
    Task<FeatureSetLocation> Ensure(string experimentConfigJson);
    /// <summary>Up to <see cref="FeatureSetLocation.MaxChunkBytes"/> bytes of the entry's file from <paramref name="offset"/>.</summary>
    Task<byte[]> ReadChunk(long offset, int length);
}

[GenerateSerializer, Immutable]
public sealed record FeatureSetLocation(
    [property: Id(0)] string CacheKey,
    [property: Id(1)] long Bytes,
    [property: Id(2)] string Sha256,
    [property: Id(3)] string Silo)
{
    /// <summary>Chunks stay far below Orleans' message size limit.</summary>
    public const int MaxChunkBytes = 4 * 1024 * 1024;
}
