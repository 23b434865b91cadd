using System.Text.Json;
using SerSweep.Cluster.Artifacts;
using SerSweep.Cluster.Contracts;
using SerSweep.Core;
using SerSweep.Storage;
using SerSweep.Training;
using SerSweep.Training.Evaluation;

namespace SerSweep.Cluster.Trainers;

/// <summary>
/// The real trainer: the training helper's <see cref="Trainer"/> on the cluster's cached features (a copy in this
/// worker's own cache), in this worker process with the silo's threads per trial, checkpointing as
/// <c>search.checkpoint_every</c> says (the epochs the trial grain replicates) into the worker's folder for the trial
/// and resuming from it when the attempt says so.
/// </summary>
public sealed class TorchTrialTrainer(FeatureSetLoader features) : ITrialTrainer
{
    public int CheckpointEpoch(string checkpointDir) => TrainingCheckpoint.ReadState(checkpointDir)?.NextEpoch ?? 0;

    public async Task<TrialOutcome> RunAsync(TrialAssignment assignment, AttemptFiles files, int threads, Func<EpochProgress, CancellationToken, Task<EpochAnswer>> onEpoch, CancellationToken cancel)
    {
        // data.path stays as the sweep says: the feature-set grain reads the audio on a silo that has it.
        var config = JsonSerializer.Deserialize<ExperimentConfig>(assignment.ConfigJson, ConfigJson.Options)!;
        config = config with { Training = config.Training with { Threads = threads } };
        var featureSet = await features.LoadAsync(config, cancel);
        if (assignment.ResumeFromEpoch > 0 && await ReportCheckpointedEpochsAsync(assignment, files, onEpoch, cancel))
            return new TrialOutcome { TrialId = assignment.TrialId, Attempt = assignment.Attempt, State = TrialState.Cancelled, Reason = "superseded" };

        var request = new TrainingRequest
        {
            Config = config,
            Features = featureSet,
            CheckpointDir = files.CheckpointDir,
            Checkpoints = assignment.Checkpoints,
            ResumeFrom = assignment.ResumeFromEpoch > 0 ? files.CheckpointDir : null,
            BundlePath = files.BundlePath,
            CrossValidationJson = assignment.CrossValidationJson,
        };
        var outcome = await Trainer.RunAsync(request with
        {
            OnEpoch = async (report, token) =>
            {
                var answer = await onEpoch(Progress(assignment, report, report.Checkpointed), token);
                return answer.Verdict == EpochVerdict.Continue ? EpochDecision.Continue : EpochDecision.Stop(answer.Reason ?? "stopped by the coordinator");
            },
        }, cancel);
        return Outcome(assignment, outcome);
    }

    /// <summary>Reports the epochs the checkpoint holds beyond what the coordinator knows; true when the attempt is superseded.</summary>
    private static async Task<bool> ReportCheckpointedEpochsAsync(
        TrialAssignment assignment, AttemptFiles files, Func<EpochProgress, CancellationToken, Task<EpochAnswer>> onEpoch, CancellationToken cancel)
    {
        var state = TrainingCheckpoint.ReadState(files.CheckpointDir);
        foreach (var report in state?.History.Where(r => r.Epoch > assignment.ResumeFromEpoch) ?? [])
            if ((await onEpoch(Progress(assignment, report, checkpointed: report.Epoch == state!.NextEpoch), cancel)).Verdict == EpochVerdict.Abandon) return true;
        return false;
    }

    private static EpochProgress Progress(TrialAssignment a, EpochReport r, bool checkpointed) => new(
        a.TrialId, a.Attempt, r.Epoch, r.Epochs, r.Metrics, r.LearningRate, r.Elapsed.TotalSeconds, CheckpointWritten: checkpointed);

    private static TrialOutcome Outcome(TrialAssignment a, TrainingOutcome o) => new()
    {
        TrialId = a.TrialId,
        Attempt = a.Attempt,
        State = o.Status,
        Failure = o.Failure,
        Reason = o.Reason,
        Epochs = o.Epochs.Count,
        BestEpoch = o.BestEpoch,
        Metrics = o.FinalMetrics,
        PerClassJson = o.Test is { } t1 ? StoredJson.Write(t1.PerClass.Select(c => new Storage.ClassMetrics(c.Emotion.Name(), c.Precision, c.Recall, c.F1, c.Support))) : null,
        PerActorJson = o.Test is { } t2 ? StoredJson.Write(t2.PerActorAccuracy) : null,
        ConfusionJson = o.Test is { } t3 ? StoredJson.Write(Confusion(t3)) : null,
        Seconds = o.Elapsed.TotalSeconds,
    };

    private static ConfusionMatrix Confusion(ClassificationReport report) =>
        new([.. report.Classes.Select(c => c.Name())], [.. report.ConfusionMatrix.Select(row => (IReadOnlyList<int>)row)]);
}
