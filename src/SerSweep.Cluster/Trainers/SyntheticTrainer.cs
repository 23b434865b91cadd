using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SerSweep.Audio.Catalog;
using SerSweep.Cluster.Artifacts;
using SerSweep.Cluster.Contracts;
using SerSweep.Core;
using SerSweep.Storage;
using SerSweep.Training.Data;

namespace SerSweep.Cluster.Trainers;

/// <summary>What the synthetic trainer does, for tests, the load benchmark and the process-cluster test.</summary>
public sealed record SyntheticTrainerOptions
{
    /// <summary>Wall time of one epoch (spent in small "batches" that check cancellation); zero = the no-op trainer.</summary>
    public TimeSpan EpochDuration { get; init; }
    /// <summary>Writes checkpoint and bundle files; off = the no-op trainer of the overhead benchmark (nothing to resume from).</summary>
    public bool WritesFiles { get; init; } = true;
    /// <summary>Fails chosen attempts: (trial index, attempt) -> how, or null to train normally.</summary>
    public Func<int, int, FailureClass?> Failure { get; init; } = (_, _) => null;
}

/// <summary>
/// A trainer without TorchSharp: deterministic metrics from (learning rate, seed, epoch), and real checkpoint files
/// whose running state hash makes a resumed run finish with exactly the value of an uninterrupted one. It lets the
/// cluster's placement, slots, leases, resumption and exactly-once results be tested quickly.
/// </summary>
public sealed class SyntheticTrainer(SyntheticTrainerOptions options) : ITrialTrainer
{
    private const int BatchesPerEpoch = 10;
    private const string CheckpointFile = "synthetic-checkpoint.json";

    private sealed record Checkpoint(int Epoch, string State);

    public int CheckpointEpoch(string checkpointDir) =>
        File.Exists(Path.Combine(checkpointDir, CheckpointFile)) ? Read(checkpointDir).Epoch : 0;

    public async Task<TrialOutcome> RunAsync(TrialAssignment assignment, AttemptFiles files, int threads, Func<EpochProgress, CancellationToken, Task<EpochAnswer>> onEpoch, CancellationToken cancel)
    {
        var config = JsonSerializer.Deserialize<ExperimentConfig>(assignment.ConfigJson, ConfigJson.Options)!;
        var failure = options.Failure(assignment.Index, assignment.Attempt);
        if (failure is FailureClass.Crashed) throw new InvalidOperationException($"synthetic crash of trial {assignment.Index} attempt {assignment.Attempt}");
        if (failure is FailureClass.OutOfMemory) throw new OutOfMemoryException($"synthetic out-of-memory of trial {assignment.Index}");

        var started = DateTime.UtcNow;
        var (epoch, state) = (0, $"seed:{config.Training.Seed}");
        var checkpointPath = Path.Combine(files.CheckpointDir, CheckpointFile);
        if (assignment.ResumeFromEpoch > 0)
        {
            var saved = Read(files.CheckpointDir);
            (epoch, state) = (saved.Epoch, saved.State);
            for (var missed = assignment.ResumeFromEpoch + 1; missed <= epoch; missed++)
                if ((await onEpoch(Progress(assignment, config, missed, checkpointed: missed == epoch), cancel)).Verdict == EpochVerdict.Abandon)
                    return Outcome(assignment, TrialState.Cancelled, "superseded", epoch, state, config, started);
        }
        if (options.WritesFiles) Directory.CreateDirectory(files.CheckpointDir);

        var epochs = config.Training.Epochs;
        var (end, reason) = (TrialState.Completed, (string?)null);
        var sinceCheckpoint = Stopwatch.StartNew();
        while (epoch < epochs)
        {
            for (var batch = 0; batch < BatchesPerEpoch; batch++)
            {
                if (cancel.IsCancellationRequested) return Outcome(assignment, TrialState.Cancelled, "cancelled", epoch, state, config, started);
                if (options.EpochDuration > TimeSpan.Zero) await Task.Delay(options.EpochDuration / BatchesPerEpoch, CancellationToken.None);
            }
            epoch++;
            state = Hash($"{state}|{epoch}");
            if (failure is FailureClass.Diverged && epoch == 2) return Outcome(assignment, TrialState.Failed, "loss is NaN", epoch, state, config, started);
            // As the real trainer: the checkpoint is written when the cadence says, and only those epochs are replicated.
            var checkpointed = options.WritesFiles && assignment.Checkpoints.IsDue(epoch, sinceCheckpoint.Elapsed);
            if (checkpointed)
            {
                await SaveAtomicallyAsync(checkpointPath, new Checkpoint(epoch, state));
                sinceCheckpoint.Restart();
            }
            var answer = await onEpoch(Progress(assignment, config, epoch, checkpointed), cancel);
            if (answer.Verdict == EpochVerdict.Abandon) return Outcome(assignment, TrialState.Cancelled, answer.Reason, epoch, state, config, started);
            if (answer.Verdict == EpochVerdict.Stop) { (end, reason) = (TrialState.Pruned, answer.Reason); break; }
        }

        var outcome = Outcome(assignment, end, reason, epoch, state, config, started);
        if (options.WritesFiles && outcome.HasResult)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(files.BundlePath)!);
            await File.WriteAllTextAsync(files.BundlePath, $"synthetic bundle of trial {assignment.TrialId}: {state}", CancellationToken.None);
        }
        return outcome;
    }

    private EpochProgress Progress(TrialAssignment assignment, ExperimentConfig config, int epoch, bool checkpointed)
    {
        var accuracy = Accuracy(config, epoch);
        var metrics = new MetricValues
        {
            TrainLoss = 1 - accuracy, TrainAccuracy = accuracy, ValLoss = 1.1 - accuracy, ValAccuracy = accuracy, ValMacroF1 = accuracy * 0.9, ValUar = accuracy * 0.95,
        };
        return new EpochProgress(assignment.TrialId, assignment.Attempt, epoch, config.Training.Epochs, metrics, config.Training.LearningRate, options.EpochDuration.TotalSeconds, CheckpointWritten: checkpointed);
    }

    /// <summary>Rises with the epochs towards a ceiling set by the learning rate (best near 1e-3), the seed and the cross-validation fold.</summary>
    public static double Accuracy(ExperimentConfig config, int epoch)
    {
        var distance = Math.Abs(Math.Log10(config.Training.LearningRate) + 3);
        var ceiling = 0.9 - 0.15 * distance + 0.01 * (config.Training.Seed % 5) - 0.03 * config.Data.Split.Fold;
        return Math.Clamp(ceiling * (1 - Math.Exp(-epoch / 3.0)), 0, 1);
    }

    private static Checkpoint Read(string dir) =>
        JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(Path.Combine(dir, CheckpointFile)))!;

    /// <summary>Writes the checkpoint beside and renames it over the old one: a kill -9 mid-write leaves the previous checkpoint, never a torn one.</summary>
    private static async Task SaveAtomicallyAsync(string path, Checkpoint checkpoint)
    {
        var staging = $"{path}.tmp";
        await File.WriteAllTextAsync(staging, JsonSerializer.Serialize(checkpoint), CancellationToken.None);
        File.Move(staging, path, overwrite: true);
    }

    private static TrialOutcome Outcome(TrialAssignment a, TrialState end, string? reason, int epoch, string state, ExperimentConfig config, DateTime started)
    {
        var hasResult = end is TrialState.Completed or TrialState.Pruned && epoch > 0;
        var accuracy = hasResult ? Accuracy(config, epoch) : (double?)null;
        return new TrialOutcome
        {
            TrialId = a.TrialId, Attempt = a.Attempt, State = end, Failure = end == TrialState.Failed ? FailureClass.Diverged : null, Reason = reason ?? (hasResult ? $"state {state}" : null),
            Epochs = epoch, BestEpoch = hasResult ? epoch : 0,
            Metrics = new MetricValues
            {
                ValAccuracy = accuracy, ValLoss = 1.1 - accuracy, ValMacroF1 = accuracy * 0.9, ValUar = accuracy * 0.95,
                TestAccuracy = accuracy - 0.02, TestLoss = 1.15 - accuracy, TestMacroF1 = accuracy * 0.88, TestUar = accuracy * 0.93,
                // Costs that grow with the channels, as a real model's do.
                ParamCount = hasResult ? 1000.0 * config.Model.Channels.Sum() : null, ModelBytes = hasResult ? 4000.0 * config.Model.Channels.Sum() : null,
                LatencyMs = hasResult ? 0.01 * config.Model.Channels.Sum() : null,
            },
            PerActorJson = hasResult ? StoredJson.Write(HeldOutActors(config).ToDictionary(actor => actor, _ => accuracy!.Value - 0.02)) : null,
            Seconds = (DateTime.UtcNow - started).TotalSeconds,
        };
    }

    /// <summary>The actors of the run's test split, from the real split code on a stand-in item list (8 items per actor, one per emotion).</summary>
    public static IReadOnlyList<int> HeldOutActors(ExperimentConfig config)
    {
        var actors = ActorSelection.Parse(config.Data.Actors).Actors.SelectMany(actor => Enumerable.Repeat(actor, 8)).ToArray();
        var labels = actors.Select((_, i) => Enum.GetValues<Emotion>()[i % 8]).ToArray();
        var split = Splits.Create(config.Data.Split, labels, actors);
        return [.. split.Test.Select(i => actors[i]).Distinct().Order()];
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
