using SerSweep.Cluster.Artifacts;
using SerSweep.Cluster.Contracts;

namespace SerSweep.Cluster.Trainers;

/// <summary>
/// Runs one attempt of a trial in the worker's own folders (<paramref name="files"/>): trains from the checkpoint in
/// <see cref="AttemptFiles.CheckpointDir"/> when <see cref="TrialAssignment.ResumeFromEpoch"/> says so, writes a
/// checkpoint there after every epoch, calls <paramref name="onEpoch"/> after every epoch (which may stop it), honours
/// <paramref name="cancel"/> within one batch, writes the bundle of a result to <see cref="AttemptFiles.BundlePath"/>
/// and returns the outcome. Exceptions mean a crash; the grain classifies them.
/// The checkpoint on disk may be newer than <see cref="TrialAssignment.ResumeFromEpoch"/> (an earlier attempt on this
/// worker wrote it but its report never arrived): a trainer resumes from the newest checkpoint and first reports
/// the epochs it holds beyond ResumeFromEpoch, so that no epoch is missing from the record; of those only the
/// checkpoint's own epoch says <see cref="EpochProgress.CheckpointWritten"/>.
/// </summary>
public interface ITrialTrainer
{
    Task<TrialOutcome> RunAsync(
        TrialAssignment assignment,
        AttemptFiles files,
        int threads,
        Func<EpochProgress, CancellationToken, Task<EpochAnswer>> onEpoch,
        CancellationToken cancel);

    /// <summary>The epoch of the checkpoint in <paramref name="checkpointDir"/>; 0 when there is none.</summary>
    int CheckpointEpoch(string checkpointDir);
}
