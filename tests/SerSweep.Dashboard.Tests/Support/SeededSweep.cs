using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using SerSweep.Core;
using SerSweep.Storage;
using SerSweep.Storage.Entities;
using SerSweep.Testing;

namespace SerSweep.Dashboard.Tests.Support;

/// <summary>
/// A SQLite database written through Storage's own writer the way the coordinator writes it: a sweep of
/// <see cref="TrialCount"/> trials with epochs, results, confusion matrices, one pruned, one failed for good,
/// one that failed once and succeeded on retry, and a bundle file per finished trial.
/// </summary>
public sealed class SeededSweep
{
    public const int TrialCount = 8;
    public static readonly string[] Labels = ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"];

    public required string DatabasePath { get; init; }
    public required long SweepId { get; init; }
    public required long BestTrialId { get; init; }
    public required string BestBundleSha256 { get; init; }
    public required IReadOnlyList<long> TrialIds { get; init; }

    /// <param name="realBundle">A real model bundle to record as the best trial's (so that predictions work); else a stand-in zip.</param>
    public static async Task<SeededSweep> CreateAsync(string? realBundle = null)
    {
        var folder = TestPaths.NewTempDir("sersweep-dashboard");
        var path = Path.Combine(folder, "sersweep.db");
        SqliteDatabase.Migrate(path);
        var contexts = new PooledDbContextFactory<SerSweepDbContext>(SqliteDatabase.Options(path));
        await using var writer = new StoreWriter(contexts, NullLogger<StoreWriter>.Instance);
        var sweep = await writer.CreateSweepAsync(new Sweep
        {
            Name = "ravdess-cnn", YamlText = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "sweep.yaml")), SourcePath = "sweep.yaml",
            Method = "tpe", ObjectiveMetric = Metrics.ValAccuracy, Maximize = true, MaxTrials = TrialCount, MaxConcurrent = 2, MaxAttempts = 2, Seed = 7,
        });
        await writer.SetSweepStatusAsync(sweep.Id, SweepStatus.Running);

        var ids = new List<long>();
        string bestSha = "";
        long bestId = 0;
        var bestPeak = double.MinValue;
        var lease = TimeSpan.FromMinutes(5);
        for (var i = 0; i < TrialCount; i++)
        {
            var learningRate = Math.Round(1e-4 * Math.Pow(2, i), 6);
            var parameters = StoredJson.WriteParameters(new Dictionary<string, object?>
            {
                ["training.optimizer"] = i % 3 == 0 ? "adam" : i % 3 == 1 ? "rmsprop" : "sgd",
                ["training.learning_rate"] = learningRate,
                ["training.momentum"] = 0.8 + 0.02 * i,
                ["training.l2"] = 1e-5 * (i + 1),
                ["model.dropout"] = 0.1 + 0.05 * i,
            });
            var trial = await writer.AddTrialAsync(sweep.Id, i, parameters, seed: 100 + i);
            ids.Add(trial.Id);
            var attempt = (await writer.StartAttemptAsync(trial.Id, "127.0.0.1:11112@1", lease))!;
            if (i == 6)
            {
                // Failed once (the silo died), then succeeded on another worker from its checkpoint.
                await writer.RecordEpochAsync(Epoch(trial.Id, attempt.Attempt, 1, 0.3), 0.3, "/tmp/ckpt-6-1", lease);
                await writer.FailAttemptAsync(trial.Id, attempt.Attempt, FailureClass.Preempted, "silo 127.0.0.1:11112 died", retry: true);
                attempt = (await writer.StartAttemptAsync(trial.Id, "127.0.0.1:11113@1", lease))!;
            }
            if (i == 7)
            {
                await writer.FailAttemptAsync(trial.Id, attempt.Attempt, FailureClass.Diverged, "loss became NaN at epoch 2", retry: false);
                continue;
            }
            var pruned = i == 1;
            var epochs = pruned ? 3 : 6;
            var peak = 0.35 + 0.06 * i - (i == 5 ? 0.2 : 0); // trial 6 (the retried one) is the best: 0.71
            for (var epoch = attempt.ResumeFromEpoch + 1; epoch <= epochs; epoch++)
                await writer.RecordEpochAsync(Epoch(trial.Id, attempt.Attempt, epoch, peak * epoch / epochs), peak * epoch / epochs, null, lease);
            var bundle = pruned ? null : await WriteBundleAsync(folder, i, i == 6 ? realBundle : null);
            await writer.CommitResultAsync(Result(trial.Id, attempt.Attempt, pruned, epochs, peak, i), peak,
                pruned ? "asha: rung 1 (epoch 3) val_accuracy 0.4100 < cutoff 0.4700" : null, bundle);
            if (!pruned && peak > bestPeak)
                (bestId, bestSha, bestPeak) = (trial.Id, bundle!.Sha256, peak);
        }
        return new SeededSweep { DatabasePath = path, SweepId = sweep.Id, BestTrialId = bestId, BestBundleSha256 = bestSha, TrialIds = ids };
    }

    private static EpochMetric Epoch(long trialId, int attempt, int epoch, double valAccuracy) => new()
    {
        TrialId = trialId, Attempt = attempt, Epoch = epoch, ValAccuracy = valAccuracy, TrainAccuracy = valAccuracy + 0.1,
        TrainLoss = 2.0 / epoch, ValLoss = 2.2 / epoch, ValMacroF1 = valAccuracy - 0.02, ValUar = valAccuracy - 0.01, LearningRate = 1e-3, Seconds = 1.5,
    };

    private static TrialResult Result(long trialId, int attempt, bool pruned, int epochs, double valAccuracy, int seed)
    {
        // A confusion matrix of 5 test samples per class: the diagonal holds about valAccuracy of them, the rest
        // go to the next class, and calm is always partly taken for sad (the pair the heatmap should list).
        var counts = Labels.Select((_, row) =>
        {
            var cells = new int[Labels.Length];
            var correct = (int)Math.Round(5 * valAccuracy);
            cells[row] = correct;
            cells[(row + 1 + seed % 2) % Labels.Length] += 5 - correct;
            return (IReadOnlyList<int>)cells;
        }).ToList();
        return new TrialResult
        {
            TrialId = trialId, Attempt = attempt, Outcome = pruned ? TrialState.Pruned : TrialState.Completed, Epochs = epochs, BestEpoch = epochs,
            ValAccuracy = valAccuracy, ValLoss = 1 - valAccuracy, ValMacroF1 = valAccuracy - 0.02, ValUar = valAccuracy - 0.01,
            TestAccuracy = pruned ? null : valAccuracy - 0.03, TestMacroF1 = pruned ? null : valAccuracy - 0.05, TestUar = pruned ? null : valAccuracy - 0.04,
            ConfusionJson = pruned ? null : StoredJson.Write(new ConfusionMatrix(Labels, counts)),
            PerClassJson = pruned ? null : StoredJson.Write(Labels.Select(l => new ClassMetrics(l, valAccuracy, valAccuracy - 0.1, valAccuracy - 0.05, 5)).ToArray()),
            PerActorJson = pruned ? null : StoredJson.Write(new Dictionary<int, double> { [1] = valAccuracy - 0.1, [2] = valAccuracy, [3] = valAccuracy + 0.05, [4] = valAccuracy - 0.02 }),
            DurationSeconds = 9,
        };
    }

    private static async Task<Artifact> WriteBundleAsync(string folder, int index, string? realBundle)
    {
        var path = Path.Combine(folder, $"trial-{index}.zip");
        if (realBundle is not null)
            File.Copy(realBundle, path);
        else
        {
            await using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
            await using var entry = zip.CreateEntry("bundle.json").Open();
            await entry.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"trial\": {index}}}"));
        }
        var bytes = await File.ReadAllBytesAsync(path);
        return new Artifact { Kind = Artifact.BundleKind, Path = path, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), SizeBytes = bytes.Length };
    }
}
