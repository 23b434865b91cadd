using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Trainers;

/// <summary>
/// Runs one attempt of a trial: trains from <see cref="TrialAssignment.ResumeFromEpoch"/> (its checkpoint in
/// <see cref="TrialAssignment.CheckpointDir"/>), writes a checkpoint after every epoch, calls
/// <paramref name="onEpoch"/> after every epoch (which may stop it), honours <paramref name="cancel"/> within one
/// batch and returns the outcome. Exceptions mean a crash; the grain classifies them.
/// The checkpoint on disk may be newer than <see cref="TrialAssignment.ResumeFromEpoch"/> (the previous attempt
/// wrote it but died before its report arrived): a trainer resumes from the newest checkpoint and first reports
/// the epochs it holds beyond ResumeFromEpoch, so that no epoch is missing from the record.
/// </summary>
public interface ITrialTrainer
{
    Task<TrialOutcome> RunAsync(
        TrialAssignment assignment,
        int threads,
        Func<EpochProgress, CancellationToken, Task<EpochAnswer>> onEpoch,
        CancellationToken cancel);
}
