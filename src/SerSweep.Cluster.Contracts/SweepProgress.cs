namespace SerSweep.Cluster.Contracts;

/// <summary>A coordinator's live view of its sweep.</summary>
[GenerateSerializer, Immutable]
public sealed record SweepProgress(
    [property: Id(0)] long SweepId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Status,
    [property: Id(3)] int Budget,
    [property: Id(4)] int Started,
    [property: Id(5)] int Running,
    [property: Id(6)] int Finished,
    [property: Id(7)] int Failed,
    [property: Id(8)] double? BestObjective,
    [property: Id(9)] long? BestTrialId)
{
    public bool IsOver => Status is "Completed" or "Stopped" or "Failed";
}

/// <summary>A trial attempt as the slot scheduler tracks it.</summary>
[GenerateSerializer, Immutable]
public sealed record TrialAttemptRef([property: Id(0)] long SweepId, [property: Id(1)] long TrialId, [property: Id(2)] int Attempt);

/// <summary>One silo as the slot scheduler sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record SiloSlots(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string Role,
    [property: Id(3)] int Slots,
    [property: Id(4)] int ThreadsPerTrial,
    [property: Id(5)] int Running,
    [property: Id(6)] string Status);
