using SerSweep.Core;

namespace SerSweep.Training;

/// <summary>The epoch callback's answer: go on, or stop the run (status <see cref="TrialState.Pruned"/>) with a reason.</summary>
public sealed record EpochDecision(bool ShouldStop, string? Reason)
{
    public static EpochDecision Continue { get; } = new(false, null);
    public static EpochDecision Stop(string reason) => new(true, reason);
}
