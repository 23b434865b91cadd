using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Trainers;

/// <summary>
/// Runs one attempt of a trial: trains from <see cref="TrialAssignment.ResumeFromEpoch"/> (its checkpoint in
/// <see cref="TrialAssignment.CheckpointDir"/>), writes a checkpoint after every epoch, calls
/// <paramref name="onEpoch"/> after every epoch (which may stop it), honours <paramref name="cancel"/> within one
/// batch and returns the outcome. Exceptions mean a crash; the grain classifies them.
/// </summary>
public interface ITrialTrainer
{
    Task<TrialOutcome> RunAsync(
        TrialAssignment assignment,
        int threads,
        Func<EpochProgress, CancellationToken, Task<EpochAnswer>> onEpoch,
        CancellationToken cancel);
}
