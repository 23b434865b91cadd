using SerSweep.Core;

namespace SerSweep.Storage.Entities;

/// <summary>One execution of a trial on one silo.</summary>
public sealed class TrialAttempt
{
    public long Id { get; set; }
    public long TrialId { get; set; }
    /// <summary>1-based; (TrialId, Number) is unique.</summary>
    public int Number { get; set; }
    public required string Silo { get; set; }
    /// <summary>Epoch of the checkpoint this attempt resumed from; 0 = from scratch.</summary>
    public int ResumedFromEpoch { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>Final status of the attempt; null while it runs.</summary>
    public TrialState? Outcome { get; set; }
    public FailureClass? FailureClass { get; set; }
    public string? FailureMessage { get; set; }
}
