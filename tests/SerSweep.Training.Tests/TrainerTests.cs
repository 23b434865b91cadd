using SerSweep.Core;
using SerSweep.Testing;

namespace SerSweep.Training.Tests;

public class TrainerTests
{
    private static readonly FeatureSet Features = SyntheticFeatures.Create();

    private static Task<TrainingOutcome> Run(ExperimentConfig config, Func<EpochReport, CancellationToken, Task<EpochDecision>>? onEpoch = null,
        string? checkpointDir = null, string? resumeFrom = null, string? bundlePath = null, CancellationToken cancellationToken = default) =>
        Trainer.RunAsync(new TrainingRequest
        {
            Config = config, Features = Features, OnEpoch = onEpoch, CheckpointDir = checkpointDir, ResumeFrom = resumeFrom, BundlePath = bundlePath,
        }, cancellationToken);

    [Fact]
    public async Task Learns_a_separable_set_and_reports_every_epoch()
    {
        var outcome = await Run(SyntheticFeatures.SmallConfig(epochs: 8));

        Assert.Equal(TrialState.Completed, outcome.Status);
        Assert.Equal(8, outcome.Epochs.Count);
        Assert.True(outcome.Epochs[^1].TrainLoss < outcome.Epochs[0].TrainLoss, "training loss should fall");
        Assert.True(outcome.Val!.Accuracy >= 0.5, $"val accuracy {outcome.Val.Accuracy}: {string.Join("; ", outcome.Epochs)}");
        Assert.NotNull(outcome.Test);
        Assert.Equal(8, outcome.Test!.ConfusionMatrix.Length);
        Assert.Equal(outcome.Test.Count, outcome.Test.ConfusionMatrix.Sum(row => row.Sum()));
        Assert.InRange(outcome.BestEpoch, 1, 8);
    }

    [Fact]
    public async Task Same_seed_gives_identical_metrics_and_another_seed_does_not()
    {
        var config = SyntheticFeatures.SmallConfig(epochs: 2);
        var a = await Run(config);
        var b = await Run(config);
        var c = await Run(config with { Training = config.Training with { Seed = 7 } });

        Assert.Equal(a.Epochs.Select(e => e.TrainLoss), b.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(a.Epochs.Select(e => e.ValLoss), b.Epochs.Select(e => e.ValLoss));
        Assert.NotEqual(a.Epochs.Select(e => e.TrainLoss), c.Epochs.Select(e => e.TrainLoss));
    }

    [Fact]
    public async Task Resuming_from_a_checkpoint_continues_exactly()
    {
        var dir = TestPaths.NewTempDir();
        var config = SyntheticFeatures.SmallConfig(epochs: 4) with
        {
            Training = SyntheticFeatures.SmallConfig().Training with { Epochs = 4, Schedule = LrSchedule.Plateau, PlateauPatience = 0, Optimizer = OptimizerKind.Adam },
        };
        var straight = await Run(config);

        var stopped = await Run(config, (r, _) => Task.FromResult(r.Epoch == 2 ? EpochDecision.Stop("test pause") : EpochDecision.Continue), checkpointDir: dir);
        Assert.Equal(TrialState.Pruned, stopped.Status);
        Assert.Equal("test pause", stopped.Reason);
        var resumed = await Run(config, resumeFrom: dir);

        Assert.Equal(TrialState.Completed, resumed.Status);
        Assert.Equal(straight.Epochs.Select(e => (e.TrainLoss, e.ValLoss, e.LearningRate)), resumed.Epochs.Select(e => (e.TrainLoss, e.ValLoss, e.LearningRate)));
        Assert.Equal(straight.Test!.Accuracy, resumed.Test!.Accuracy);
    }

    [Fact]
    public async Task A_checkpoint_cadence_writes_only_every_nth_epoch_and_resumes_from_the_last_one_written()
    {
        var config = SyntheticFeatures.SmallConfig(epochs: 5);
        var straight = await Run(config);
        var dir = TestPaths.NewTempDir();
        var (written, said) = (new List<int?>(), new List<bool>());
        await Trainer.RunAsync(new TrainingRequest
        {
            Config = config, Features = Features, CheckpointDir = dir, Checkpoints = CheckpointCadence.EveryEpochs(2),
            OnEpoch = (r, _) =>
            {
                written.Add(TrainingCheckpoint.ReadState(dir)?.NextEpoch);
                said.Add(r.Checkpointed);
                return Task.FromResult(r.Epoch == 3 ? EpochDecision.Stop("test pause") : EpochDecision.Continue);
            },
        });

        Assert.Equal([null, 2, 2], written);
        Assert.Equal([false, true, false], said); // what a sweep replicates
        var resumed = await Run(config, resumeFrom: dir);
        Assert.Equal(straight.Epochs.Select(e => (e.TrainLoss, e.ValLoss)), resumed.Epochs.Select(e => (e.TrainLoss, e.ValLoss)));
    }

    [Theory]
    [InlineData(0.0, new[] { 1, 2, 3 })]      // due as soon as an epoch ends: every epoch
    [InlineData(3600.0, new int[0])]         // an hour of training never passes: none, and no folder written
    public async Task A_time_cadence_writes_the_first_epoch_that_ends_the_interval_after_the_last_checkpoint(double seconds, int[] expected)
    {
        var dir = Path.Combine(TestPaths.NewTempDir(), "checkpoint");
        var (written, said) = (new List<int>(), new List<int>());
        await Trainer.RunAsync(new TrainingRequest
        {
            Config = SyntheticFeatures.SmallConfig(epochs: 3), Features = Features, CheckpointDir = dir,
            Checkpoints = CheckpointCadence.Every(TimeSpan.FromSeconds(seconds)),
            OnEpoch = (r, _) =>
            {
                if (TrainingCheckpoint.ReadState(dir)?.NextEpoch == r.Epoch) written.Add(r.Epoch);
                if (r.Checkpointed) said.Add(r.Epoch);
                return Task.FromResult(EpochDecision.Continue);
            },
        });

        Assert.Equal(expected, written);
        Assert.Equal(expected, said);
        Assert.Equal(expected.Length > 0, Directory.Exists(dir));
    }

    [Fact]
    public async Task Checkpoints_of_improving_and_of_other_epochs_both_resume_exactly()
    {
        // val_accuracy saturates on the separable set: later epochs change the weights without improving the metric,
        // so the checkpoint's current weights differ from its best ones there (an improving epoch writes them once for both).
        var config = SyntheticFeatures.SmallConfig() with
        {
            Training = SyntheticFeatures.SmallConfig().Training with { Epochs = 6, Metric = Metrics.ValAccuracy },
        };
        var straight = await Run(config);
        var accuracies = straight.Epochs.Select(e => e.ValAccuracy).ToArray();
        bool Improved(int epoch) => epoch == 1 || accuracies[epoch - 1] > accuracies[..(epoch - 1)].Max();
        var improving = Enumerable.Range(1, 5).FirstOrDefault(Improved);
        var other = Enumerable.Range(1, 5).FirstOrDefault(e => !Improved(e));
        Assert.True(improving > 0 && other > 0, $"need an improving and a non-improving epoch among 1-5, val accuracies {string.Join(", ", accuracies)}");

        foreach (var pause in new[] { improving, other })
        {
            var dir = TestPaths.NewTempDir();
            await Run(config, (r, _) => Task.FromResult(r.Epoch == pause ? EpochDecision.Stop("test pause") : EpochDecision.Continue), checkpointDir: dir);
            var resumed = await Run(config, resumeFrom: dir);
            Assert.Equal(straight.Epochs.Select(e => (e.TrainLoss, e.ValLoss)), resumed.Epochs.Select(e => (e.TrainLoss, e.ValLoss)));
            Assert.Equal(straight.BestEpoch, resumed.BestEpoch);
            Assert.Equal(straight.Test!.Loss, resumed.Test!.Loss);
        }
    }

    [Fact]
    public async Task Resuming_with_a_different_config_is_refused()
    {
        var dir = TestPaths.NewTempDir();
        var config = SyntheticFeatures.SmallConfig(epochs: 1);
        await Run(config, checkpointDir: dir);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Run(config with { Training = config.Training with { LearningRate = 0.5 } }, resumeFrom: dir));
        Assert.Contains("different configuration", error.Message);
    }

    [Fact]
    public async Task A_checkpoint_whose_optimizer_state_an_older_sersweep_wrote_is_refused_and_says_so()
    {
        // Before TimeConv a 1D CNN held its conv weights, and so Adam held their moments, as [out, in, k]; now both are
        // [out, k, in]. The weights file did not change, the optimizer's did: such a checkpoint cannot resume.
        var dir = TestPaths.NewTempDir();
        var config = SyntheticFeatures.SmallConfig(epochs: 1) with
        {
            Model = new ModelConfig { Architecture = Architecture.Cnn1d, Channels = [16, 32], Dropout = 0.1 },
            Training = SyntheticFeatures.SmallConfig().Training with { Epochs = 1, Optimizer = OptimizerKind.Adam },
        };
        await Run(config, checkpointDir: dir);
        using (var model = Models.ModelFactory.Create(config.Model, [1, 16, 24], 8, new TorchSharp.torch.Generator(1)))
        {
            // The older optimizer: the same one over parameters of the state dict's shapes, one step taken.
            var state = model.state_dict();
            var older = model.named_parameters().Select(p => new TorchSharp.Modules.Parameter(TorchSharp.torch.ones(state[p.name].shape))).ToList();
            using var optimizer = OptimizerFactory.Create(config.Training, older);
            older.Select(p => p.sum()).Aggregate((a, b) => a + b).backward();
            optimizer.step();
            optimizer.save_state_dict(Path.Combine(dir, "optimizer.pt"));
        }

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Run(config, resumeFrom: dir));
        Assert.Contains("optimizer state does not fit this model", error.Message);
        Assert.Contains("older SerSweep", error.Message);
    }

    [Fact]
    public async Task Exploding_loss_ends_as_diverged_not_as_a_crash()
    {
        var config = SyntheticFeatures.SmallConfig(epochs: 3);
        var outcome = await Run(config with
        {
            Model = config.Model with { BatchNorm = false },
            Training = config.Training with { Optimizer = OptimizerKind.Sgd, LearningRate = 1e12 },
        });

        Assert.Equal((TrialState.Failed, FailureClass.Diverged), (outcome.Status, outcome.Failure));
        Assert.Contains("loss became", outcome.Reason);
        Assert.Null(outcome.Test);
    }

    [Fact]
    public async Task Cancellation_stops_within_one_batch()
    {
        // Cancelled in the middle of epoch 2 (after its third batch): no further batch trains and the run ends there.
        using var cts = new CancellationTokenSource();
        var config = SyntheticFeatures.SmallConfig(epochs: 50) with { Training = SyntheticFeatures.SmallConfig().Training with { Epochs = 50, BatchSize = 4 } };
        var batches = new List<(int Epoch, int Batch, int PerEpoch)>();
        var outcome = await Trainer.RunAsync(new TrainingRequest
        {
            Config = config, Features = Features,
            OnBatch = (epoch, batch, perEpoch) =>
            {
                batches.Add((epoch, batch, perEpoch));
                if ((epoch, batch) == (2, 3)) cts.Cancel();
            },
        }, cts.Token);

        Assert.Equal(TrialState.Cancelled, outcome.Status);
        Assert.Equal("cancelled in epoch 2", outcome.Reason);
        Assert.Single(outcome.Epochs);
        Assert.True(batches[0].PerEpoch > 3, $"epochs of {batches[0].PerEpoch} batches cannot be cancelled in the middle");
        Assert.Equal((2, 3), (batches[^1].Epoch, batches[^1].Batch));
        Assert.Equal(batches[0].PerEpoch + 3, batches.Count);
    }

    [Fact]
    public async Task Early_stopping_ends_the_run_after_patience_epochs_without_improvement()
    {
        var config = SyntheticFeatures.SmallConfig(epochs: 40);
        // A tiny learning rate on val_loss keeps improving slowly; val_accuracy plateaus quickly on this set.
        var outcome = await Run(config with { Training = config.Training with { Patience = 2, LearningRate = 0.05 } });

        Assert.Equal(TrialState.EarlyStopped, outcome.Status);
        Assert.Equal(outcome.BestEpoch + 2, outcome.Epochs.Count);
        Assert.Contains("did not improve for 2 epochs", outcome.Reason);
    }

    [Fact]
    public async Task Learning_rate_schedules_follow_their_definitions()
    {
        var config = SyntheticFeatures.SmallConfig(epochs: 4);
        var step = await Run(config with { Training = config.Training with { Schedule = LrSchedule.Step, StepSize = 2, Gamma = 0.1 } });
        var cosine = await Run(config with { Training = config.Training with { Schedule = LrSchedule.Cosine } });

        Assert.Equal([0.01, 0.01, 0.001, 0.001], step.Epochs.Select(e => Math.Round(e.LearningRate, 10)));
        Assert.Equal([0.01, 0.01 * (1 + Math.Cos(Math.PI / 4)) / 2, 0.005, 0.01 * (1 + Math.Cos(3 * Math.PI / 4)) / 2],
            cosine.Epochs.Select(e => e.LearningRate), (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Fact]
    public async Task Label_smoothing_keeps_the_training_loss_above_the_smoothed_targets_entropy()
    {
        // With smoothing e over K classes the target puts 1 - e + e/K on the true class and e/K on each other one;
        // cross-entropy against it can never fall below that distribution's entropy (about 0.467 nats for e = 0.1, K = 8).
        const double e = 0.1;
        const int k = 8;
        var floor = -(1 - e + e / k) * Math.Log(1 - e + e / k) - (k - 1) * (e / k) * Math.Log(e / k);
        var small = SyntheticFeatures.SmallConfig(epochs: 20);
        var config = small with { Model = small.Model with { Dropout = 0 }, Training = small.Training with { LearningRate = 0.03 } };
        var plain = await Run(config);
        var smoothed = await Run(config with { Training = config.Training with { LabelSmoothing = e } });

        Assert.True(plain.Epochs[^1].TrainLoss < floor, $"the plain run should fit below {floor:0.###}: {plain.Epochs[^1].TrainLoss:0.###}");
        Assert.All(smoothed.Epochs, r => Assert.True(r.TrainLoss >= floor - 1e-4, $"epoch {r.Epoch}: training loss {r.TrainLoss:0.####} below the floor {floor:0.####}"));
    }

    [Fact]
    public async Task Class_weights_change_training_on_an_imbalanced_set()
    {
        // Neutral keeps one item in eight: inverse-frequency weights differ per class, so the weighted loss differs.
        var imbalanced = Subset(Features, i => Features.Labels[i] != Emotion.Neutral || i % 8 == 0);
        var config = SyntheticFeatures.SmallConfig(epochs: 2);
        var plain = await Trainer.RunAsync(new TrainingRequest { Config = config, Features = imbalanced });
        var weighted = await Trainer.RunAsync(new TrainingRequest { Config = config with { Training = config.Training with { ClassWeights = true } }, Features = imbalanced });

        Assert.Equal(TrialState.Completed, weighted.Status);
        Assert.NotEqual(plain.Epochs.Select(r => r.TrainLoss), weighted.Epochs.Select(r => r.TrainLoss));
    }

    [Fact]
    public async Task Gradient_clipping_bounds_each_sgd_step()
    {
        // SGD moves the weights in proportion to the gradient; clipped to a norm of 1e-6, they hardly move and the loss stays where it started.
        var small = SyntheticFeatures.SmallConfig(epochs: 6);
        var config = small with { Model = small.Model with { Dropout = 0 } };
        var sgd = config.Training with { Optimizer = OptimizerKind.Sgd, LearningRate = 0.1, Momentum = 0.9 };
        var plain = await Run(config with { Training = sgd });
        var clipped = await Run(config with { Training = sgd with { GradClip = 1e-6 } });

        Assert.True(plain.Epochs[0].TrainLoss - plain.Epochs[^1].TrainLoss > 0.3, $"plain SGD should learn: {string.Join(", ", plain.Epochs.Select(r => r.TrainLoss.ToString("0.###")))}");
        var drift = Math.Abs(clipped.Epochs[0].TrainLoss - clipped.Epochs[^1].TrainLoss);
        Assert.True(drift < 0.05, $"clipped SGD should barely move: {string.Join(", ", clipped.Epochs.Select(r => r.TrainLoss.ToString("0.####")))}");
    }

    private static FeatureSet Subset(FeatureSet set, Func<int, bool> keep)
    {
        var items = Enumerable.Range(0, set.Count).Where(keep).ToArray();
        return set with
        {
            Data = items.SelectMany(i => set.Data.Slice(i * set.ItemLength, set.ItemLength).ToArray()).ToArray(),
            Shape = [items.Length, .. set.Shape[1..]],
            Labels = [.. items.Select(i => set.Labels[i])],
            Actors = [.. items.Select(i => set.Actors[i])],
            Files = [.. items.Select(i => set.Files[i])],
            CacheKey = $"{set.CacheKey}-subset-{items.Length}",
        };
    }

    [Fact]
    public async Task Bundle_round_trip_predicts_like_the_trained_model()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        var outcome = await Run(SyntheticFeatures.SmallConfig(epochs: 2), bundlePath: path);

        using var predictor = Predictor.Load(path);
        var predictions = predictor.Predict(Features.Data.Span);

        Assert.Equal(path, outcome.BundlePath);
        Assert.Equal(Features.Count, predictions.Length);
        Assert.All(predictions, p => Assert.Equal(1.0, p.Probabilities.Values.Sum(), 4));
        var bundle = predictor.Bundle;
        Assert.Equal(outcome.Test!.Accuracy, bundle.Training.Test!.Accuracy);
        Assert.Equal(42, bundle.Config.Training.Seed);
        Assert.NotNull(bundle.Normalization);
        Assert.Equal(Emotions.All, bundle.Classes);
    }

    [Fact]
    public async Task A_refit_on_every_actor_reproduces_its_bundle_and_the_bundle_says_which_actors_trained_it()
    {
        // A refit's split (cross_validation.refit): every actor trains, a stratified share picks the epoch, nothing is held out.
        var config = SyntheticFeatures.SmallConfig(epochs: 2) with
        {
            Data = new DataConfig { Actors = "1-4", Split = new SplitConfig { Policy = SplitPolicy.Stratified, ValFraction = 0.1, TestFraction = 0 } },
        };
        var folds = """{"objective":"val_uar","folds":4,"uar_mean":0.5}""";
        var dir = TestPaths.NewTempDir();
        Task<TrainingOutcome> Refit(string name) => Trainer.RunAsync(new TrainingRequest
        {
            Config = config, Features = Features, BundlePath = Path.Combine(dir, name), CrossValidationJson = folds,
        });

        var first = await Refit("a.zip");
        var second = await Refit("b.zip");

        var (a, b) = (ModelBundle.Load(first.BundlePath!), ModelBundle.Load(second.BundlePath!));
        Assert.Null(first.Test);
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(first.Val!.Accuracy, second.Val!.Accuracy);
        Assert.Equal([1, 2, 3, 4], a.Training.TrainedActors);
        Assert.Equal(folds, a.CrossValidationJson);
        Assert.Null(ModelBundle.Load((await Run(SyntheticFeatures.SmallConfig(epochs: 1), bundlePath: Path.Combine(dir, "plain.zip"))).BundlePath!).CrossValidationJson);
    }

    [Theory]
    [InlineData(Normalization.Speaker)]
    [InlineData(Normalization.SpeakerUtterance)]
    [InlineData(Normalization.UtteranceCmvn)]
    public async Task A_CMVN_bundle_states_its_mode_and_predicts_a_held_out_actor_as_training_scored_it(Normalization mode)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        var config = SyntheticFeatures.SmallConfig(epochs: 2) with
        {
            Data = new DataConfig { Split = new SplitConfig { Policy = SplitPolicy.ActorKFold, Folds = 4, Fold = 1 } },
            Features = new FeatureConfig { Normalize = mode },
        };
        var outcome = await Run(config, bundlePath: path);

        using var predictor = Predictor.Load(path);
        var test = Data.Splits.Create(config.Data.Split, Features.Labels, Features.Actors).Test;
        var itemLength = Features.ItemLength;
        var rows = test.SelectMany(i => Features.Data.Slice(i * itemLength, itemLength).ToArray()).ToArray();
        int[] sessions = [.. test.Select(i => Features.Actors[i])];
        var predicted = predictor.Predict(rows, sessions);

        Assert.Equal(mode, predictor.Bundle.Config.Features.Normalize);
        Assert.Equal(mode == Normalization.Speaker, predictor.Bundle.Normalization is not null);  // its files-without-a-session statistics
        Assert.Single(sessions.Distinct());
        var correct = test.Zip(predicted).Count(p => p.Second.Emotion == Features.Labels[p.First]);
        Assert.Equal(outcome.Test!.Accuracy, (double)correct / test.Length, 12);
        // The predictor normalises (per session or per utterance): a gain and offset on every cell changes nothing.
        var shifted = predictor.Predict([.. rows.Select(x => 3 * x + 5)], sessions);
        foreach (var (a, b) in predicted.Zip(shifted))
            foreach (var emotion in Features.Labels.Distinct())
                Assert.Equal(a.Probabilities[emotion], b.Probabilities[emotion], 4);
    }
}
