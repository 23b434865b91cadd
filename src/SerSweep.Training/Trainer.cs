using System.Diagnostics;
using System.Text.Json;
using SerSweep.Core;
using SerSweep.Audio.Torch;
using SerSweep.Training.Data;
using SerSweep.Training.Evaluation;
using SerSweep.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training;

/// <summary>
/// Runs one training run of an <see cref="ExperimentConfig"/> on a <see cref="FeatureSet"/>: split, feature
/// normalisation (CMVN by speaker or utterance, or dataset statistics from the training part), model, optimizer,
/// epochs with validation, early stopping, epoch checkpoints, and at the end the best epoch's weights evaluated on validation and test and written as a
/// <see cref="ModelBundle"/>. The run seed fixes initialisation, data order and dropout; with the same
/// thread count the same request gives the same metrics in any process, also with other runs beside it.
/// </summary>
public static class Trainer
{
    /// <summary>Runs on a thread of its own, also across the awaits of <see cref="TrainingRequest.OnEpoch"/> (see <see cref="TrainingThread"/>).</summary>
    public static Task<TrainingOutcome> RunAsync(TrainingRequest request, CancellationToken cancellationToken = default) =>
        TrainingThread.Run($"training run (seed {request.Config.Training.Seed})", () => RunOnThisThreadAsync(request, cancellationToken));

    private static async Task<TrainingOutcome> RunOnThisThreadAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var profile = TrainingProfile.FromEnvironment();
        var config = request.Config;
        var training = config.Training;
        Validate(training);
        torch.set_num_threads(training.Threads);

        var features = request.Features;
        var classes = LabelMap.For(config.Data);
        var targets = LabelMap.Indices(classes, features.Labels, features.Files);
        var split = Splits.Create(config.Data.Split, features.Labels, features.Actors);
        if (split.Train.Length == 0 || split.Val.Length == 0)
            throw new ArgumentException($"split '{split.Description}' leaves {split.Train.Length} training and {split.Val.Length} validation items; both must be non-empty");

        var itemShape = features.Shape[1..];
        var (rows, width) = (features.Shape[1] * features.Shape[2], features.Shape[3]);
        var cmvnGroups = Cmvn.TrainingGroups(config.Features.Normalize, features.Actors, split.Test);
        var cmvn = cmvnGroups is null ? null : new TrainingCmvn(cmvnGroups, Cmvn.Statistics(features.Data, rows, width, cmvnGroups), rows, width);
        using var rawData = tensor(cmvn?.Normalize(features.Data, [.. Enumerable.Range(0, features.Count).Select(i => (long)i)]) ?? features.Data,
            features.Shape.Select(d => (long)d).ToArray());
        var normalization = config.Features.Normalize == Normalization.Dataset ? NormalizationStats.Compute(rawData, split.Train) : null;
        // What the bundle's predictor applies to files without a session: the dataset statistics, or for `speaker` the
        // training actors' average speaker (a single file's own statistics are not a speaker's: 0.25 accuracy).
        var bundleNormalization = config.Features.Normalize == Normalization.Speaker
            ? Cmvn.AverageSpeaker(cmvn!.Statistics, split.Train.Select(i => features.Actors[i]), features.Shape[1], features.Shape[2])
            : normalization;
        using var data = normalization?.Apply(rawData) ?? rawData.alias();
        using var labels = tensor(targets.Select(t => (long)t).ToArray());
        using var inputs = new TrainingInputs(features, data, normalization, config.Features, cmvn);
        using var classWeights = training.ClassWeights ? InverseFrequencyWeights(targets, split.Train, classes.Length) : null;

        // The run's own generator (initialisation, dropout) and System.Random (data order): no global RNG, so
        // concurrent runs in one process do not disturb each other.
        using var generator = new Generator((ulong)training.Seed);
        using var model = ModelFactory.Create(config.Model, itemShape, classes.Length, generator);
        var parameterCount = ModelFactory.ParameterCount(model);
        using var optimizer = OptimizerFactory.Create(training, model.parameters());
        var schedule = new LearningRateSchedule(training);
        var l1Weights = model.parameters().Where(p => p.dim() > 1).ToArray();
        var lowerIsBetter = Core.Metrics.LowerIsBetter(training.Metric);
        var configJson = JsonSerializer.Serialize(config, BundleJson.Options);

        Tensor CrossEntropy(Tensor logits, Tensor target) =>
            nn.functional.cross_entropy(logits, target, weight: classWeights, label_smoothing: training.LabelSmoothing);

        var history = new List<EpochReport>();
        var best = (Value: double.NaN, Epoch: 0, Weights: Array.Empty<byte>());
        var startEpoch = 0;
        if (request.ResumeFrom is { } resumeDir)
        {
            var (state, bestWeights) = TrainingCheckpoint.Load(resumeDir, model, optimizer);
            if (state.ConfigJson != configJson)
                throw new ArgumentException($"checkpoint {resumeDir} belongs to a run with a different configuration");
            startEpoch = state.NextEpoch;
            history.AddRange(state.History);
            best = (state.BestValue, state.BestEpoch, bestWeights);
            schedule.Plateau = state.Plateau;
        }

        TrainingOutcome Finish(TrainingStatus status, string? reason)
        {
            ClassificationReport? val = null, test = null;
            string? bundlePath = null;
            var keep = status is TrainingStatus.Completed or TrainingStatus.EarlyStopped or TrainingStatus.Pruned && best.Epoch > 0;
            if (keep)
            {
                LoadWeights(model, best.Weights);
                val = Evaluate(model, data, labels, targets, features.Actors, split.Val, classes);
                test = split.Test.Length > 0 ? Evaluate(model, data, labels, targets, features.Actors, split.Test, classes) : null;
            }
            var outcome = new TrainingOutcome
            {
                Status = status, Reason = reason, Epochs = history, BestEpoch = best.Epoch, Val = val, Test = test,
                Split = split.Description, ParameterCount = parameterCount, Elapsed = clock.Elapsed,
                TrainedActors = [.. split.Train.Select(i => features.Actors[i]).Distinct().Order()],
            };
            if (keep && request.BundlePath is { } path)
            {
                bundlePath = Path.GetFullPath(path);
                new ModelBundle
                {
                    Config = config, ItemShape = itemShape, Classes = classes, Normalization = bundleNormalization,
                    Weights = best.Weights, Training = outcome, FeatureCacheKey = features.CacheKey,
                    CrossValidationJson = request.CrossValidationJson,
                }.Save(bundlePath);
            }
            profile?.Lap("finish");
            profile?.Write(training.Seed, history.Count, status);
            return outcome with { BundlePath = bundlePath, Elapsed = clock.Elapsed };
        }

        profile?.Lap("setup");
        var batchesPerEpoch = (split.Train.Length + training.BatchSize - 1) / training.BatchSize;

        for (var epoch = startEpoch; epoch < training.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var learningRate = schedule.For(epoch);
            OptimizerFactory.SetLearningRate(optimizer, learningRate);
            var epochSeed = unchecked(training.Seed * 1_000_003 + epoch + 1);
            generator.manual_seed(epochSeed);
            var order = split.Train.ToArray();
            new Random(epochSeed).Shuffle(order);
            inputs.StartEpoch(epochSeed);
            var mixup = training.MixupAlpha > 0 ? new Mixup(training.MixupAlpha, epochSeed) : null;

            model.train();
            double lossSum = 0;
            var correct = 0;
            for (var start = 0; start < order.Length; start += training.BatchSize)
            {
                if (cancellationToken.IsCancellationRequested)
                    return Finish(TrainingStatus.Cancelled, $"cancelled in epoch {epoch + 1}");
                using var scope = NewDisposeScope();
                var batch = order.AsSpan(start, Math.Min(training.BatchSize, order.Length - start)).ToArray().Select(i => (long)i).ToArray();
                var input = inputs.Batch(batch);
                var target = labels.index_select(0, tensor(batch));
                var mix = mixup?.Draw(batch.Length);
                optimizer.zero_grad();
                var logits = model.forward(mix?.Mix(input) ?? input);
                var loss = mix is { } draw ? draw.Loss(logits, target, CrossEntropy) : CrossEntropy(logits, target);
                var batchLoss = loss.item<float>();
                if (training.L1 > 0)
                {
                    using var l1 = training.L1.ToScalar();
                    loss = loss.add(stack(l1Weights.Select(w => w.abs().sum())).sum(), l1);
                }
                if (!float.IsFinite(batchLoss) || !float.IsFinite(loss.item<float>()))
                    return Finish(TrainingStatus.Diverged, $"loss became {batchLoss} in epoch {epoch + 1}");
                loss.backward();
                if (training.GradClip > 0)
                    nn.utils.clip_grad_norm_(model.parameters(), training.GradClip);
                optimizer.step();
                lossSum += batchLoss * batch.Length;
                correct += (int)logits.argmax(1).eq(target).sum().item<long>();
                request.OnBatch?.Invoke(epoch + 1, start / training.BatchSize + 1, batchesPerEpoch);
            }

            profile?.Lap("step");
            var val = Evaluate(model, data, labels, targets, features.Actors, split.Val, classes);
            var report = new EpochReport(epoch + 1, training.Epochs, lossSum / order.Length, (double)correct / order.Length,
                val.Loss ?? double.NaN, val.Accuracy, val.MacroF1, val.Uar, learningRate, epochClock.Elapsed);
            history.Add(report);

            var value = report.Metrics.TryGetValue(training.Metric, out var m)
                ? m
                : throw new ArgumentException($"training.metric '{training.Metric}' is not an epoch metric ({string.Join(", ", report.Metrics.Keys)})");
            if (training.Schedule == LrSchedule.Plateau) schedule.Observe(value, lowerIsBetter);
            profile?.Lap("eval");
            var improved = best.Epoch == 0 || (lowerIsBetter ? value < best.Value : value > best.Value);
            if (improved) best = (value, epoch + 1, SaveWeights(model));
            profile?.Lap("best");

            if (request.CheckpointDir is { } checkpointDir)
                new TrainingCheckpoint
                {
                    NextEpoch = epoch + 1, History = history, BestValue = best.Value, BestEpoch = best.Epoch,
                    Plateau = schedule.Plateau, ConfigJson = configJson,
                }.Save(checkpointDir, improved ? null : model, optimizer, best.Weights);
            profile?.Lap("checkpoint");

            if (request.OnEpoch is { } onEpoch)
            {
                var decision = await onEpoch(report, cancellationToken);
                profile?.Lap("report");
                if (decision.ShouldStop) return Finish(TrainingStatus.Pruned, decision.Reason ?? $"stopped after epoch {epoch + 1}");
            }
            if (training.Patience > 0 && epoch + 1 - best.Epoch >= training.Patience)
                return Finish(TrainingStatus.EarlyStopped, $"{training.Metric} did not improve for {training.Patience} epochs (best {best.Value:0.####} in epoch {best.Epoch})");
        }
        return Finish(TrainingStatus.Completed, null);
    }

    /// <summary>
    /// Items per forward pass when evaluating: whatever the training batch size, validation (24 RAVDESS files of 4
    /// actors) goes through in one pass; in eval mode an item's output does not depend on the other items of its batch.
    /// </summary>
    private const int EvaluationBatch = 64;

    /// <summary>Mean cross-entropy (no smoothing, no class weights) and predictions of <paramref name="items"/>, in eval mode.</summary>
    public static ClassificationReport Evaluate(
        nn.Module<Tensor, Tensor> model, Tensor data, Tensor labels, int[] targets, int[] actors, int[] items, Emotion[] classes)
    {
        model.eval();
        using var inference = inference_mode();
        var predicted = new int[items.Length];
        double lossSum = 0;
        for (var start = 0; start < items.Length; start += EvaluationBatch)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(EvaluationBatch, items.Length - start);
            var index = tensor(items.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray());
            var logits = model.forward(data.index_select(0, index));
            lossSum += nn.functional.cross_entropy(logits, labels.index_select(0, index), reduction: nn.Reduction.Sum).item<float>();
            var argmax = TensorData.ToArray<long>(logits.argmax(1));
            for (var i = 0; i < count; i++) predicted[start + i] = (int)argmax[i];
        }
        return ClassificationMetrics.Compute(classes, items.Select(i => targets[i]).ToArray(), predicted,
            items.Select(i => actors[i]).ToArray(), items.Length > 0 ? lossSum / items.Length : null);
    }

    private static void Validate(TrainingConfig training)
    {
        if (training.Epochs < 1) throw new ArgumentException($"training.epochs must be >= 1, got {training.Epochs}");
        if (training.BatchSize < 1) throw new ArgumentException($"training.batch_size must be >= 1, got {training.BatchSize}");
        if (training.Threads < 1) throw new ArgumentException($"training.threads must be >= 1, got {training.Threads}");
        if (!(training.LearningRate > 0)) throw new ArgumentException($"training.learning_rate must be > 0, got {training.LearningRate}");
        if (training.LabelSmoothing is < 0 or >= 1) throw new ArgumentException($"training.label_smoothing must be in [0, 1), got {training.LabelSmoothing}");
    }

    /// <summary>N / (K * n_c) over the training items: rare classes weigh more.</summary>
    private static Tensor InverseFrequencyWeights(int[] targets, int[] train, int classCount)
    {
        var counts = new float[classCount];
        foreach (var i in train) counts[targets[i]]++;
        return tensor(counts.Select(c => c > 0 ? train.Length / (classCount * c) : 0f).ToArray());
    }

    public static byte[] SaveWeights(nn.Module model)
    {
        using var stream = new MemoryStream();
        model.save(stream);
        return stream.ToArray();
    }

    public static void LoadWeights(nn.Module model, byte[] weights)
    {
        using var stream = new MemoryStream(weights);
        model.load(stream);
    }
}
