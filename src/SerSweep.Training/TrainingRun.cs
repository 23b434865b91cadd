using System.Diagnostics;
using System.Text.Json;
using SerSweep.Audio.Torch;
using SerSweep.Core;
using SerSweep.Training.Data;
using SerSweep.Training.Evaluation;
using SerSweep.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training;

/// <summary>
/// One training run of <see cref="Trainer"/>, on its training thread: the set-up (split, normalisation, model,
/// optimizer, resume), then epochs of <see cref="TrainEpoch"/> and <see cref="EndEpoch"/> (validation, best weights,
/// checkpoint), and <see cref="Finish"/> (the best epoch's weights on validation and test, the bundle).
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private readonly TrainingRequest request;
    private readonly CancellationToken cancel;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly TrainingProfile? profile = TrainingProfile.FromEnvironment();
    private readonly List<IDisposable> owned = [];
    private readonly TrainingConfig training;
    private readonly FeatureSet features;
    private readonly Emotion[] classes;
    private readonly int[] targets;
    private readonly DataSplit split;
    private readonly int[] itemShape;
    private readonly NormalizationStats? normalization, bundleNormalization;
    private readonly Tensor data, labels;
    private readonly Tensor? classWeights;
    private readonly TrainingInputs inputs;
    private readonly Generator generator;
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly OptimizerHelper optimizer;
    private readonly LearningRateSchedule schedule;
    private readonly Tensor[] l1Weights;
    private readonly string configJson;
    private readonly List<EpochReport> history = [];
    private (double Value, int Epoch) best = (double.NaN, 0);
    private readonly BestWeights bestWeights;
    private readonly int startEpoch;
    /// <summary>The run's clock at its last checkpoint (or its start): what a time cadence counts from.</summary>
    private TimeSpan lastCheckpoint;

    public TrainingRun(TrainingRequest request, CancellationToken cancel)
    {
        this.request = request;
        this.cancel = cancel;
        try
        {
            var config = request.Config;
            training = config.Training;
            Trainer.Validate(training);
            torch.set_num_threads(training.Threads);

            features = request.Features;
            classes = LabelMap.For(config.Data);
            targets = LabelMap.Indices(classes, features.Labels, features.Files);
            split = Splits.Create(config.Data.Split, features.Labels, features.Actors);
            if (split.Train.Length == 0 || split.Val.Length == 0)
                throw new ArgumentException($"split '{split.Description}' leaves {split.Train.Length} training and {split.Val.Length} validation items; both must be non-empty");

            itemShape = features.Shape[1..];
            var (rows, width) = (features.Shape[1] * features.Shape[2], features.Shape[3]);
            var cmvnGroups = Cmvn.TrainingGroups(config.Features.Normalize, features.Actors, split.Test);
            var cmvn = cmvnGroups is null ? null : new TrainingCmvn(cmvnGroups, Cmvn.Statistics(features.Data.Span, rows, width, cmvnGroups), rows, width);
            // The one copy of the features into memory of the run's own (from the cache file's mapping, when loaded).
            using var rawData = TensorData.FromFloats(
                cmvn is null ? features.Data.Span : cmvn.Normalize(features.Data.Span, [.. Enumerable.Range(0, features.Count).Select(i => (long)i)]),
                features.Shape.Select(d => (long)d).ToArray());
            normalization = config.Features.Normalize == Normalization.Dataset ? NormalizationStats.Compute(rawData, split.Train) : null;
            // What the bundle's predictor applies to files without a session: the dataset statistics, or for `speaker` the
            // training actors' average speaker (a single file's own statistics are not a speaker's: 0.25 accuracy).
            bundleNormalization = config.Features.Normalize == Normalization.Speaker
                ? Cmvn.AverageSpeaker(cmvn!.Statistics, split.Train.Select(i => features.Actors[i]), features.Shape[1], features.Shape[2])
                : normalization;
            data = Own(normalization?.Apply(rawData) ?? rawData.alias());
            labels = Own(tensor(targets.Select(t => (long)t).ToArray()));
            inputs = Own(new TrainingInputs(features, data, normalization, config.Features, cmvn));
            classWeights = training.ClassWeights ? Own(Trainer.InverseFrequencyWeights(targets, split.Train, classes.Length)) : null;

            // The run's own generator (initialisation, dropout) and System.Random (data order): no global RNG, so
            // concurrent runs in one process do not disturb each other.
            generator = Own(new Generator((ulong)training.Seed));
            model = Own(ModelFactory.Create(config.Model, itemShape, classes.Length, generator));
            optimizer = Own(OptimizerFactory.Create(training, model.parameters()));
            bestWeights = Own(new BestWeights());
            schedule = new LearningRateSchedule(training);
            l1Weights = model.parameters().Where(p => p.dim() > 1).ToArray();
            configJson = JsonSerializer.Serialize(config, BundleJson.Options);

            if (request.ResumeFrom is { } resumeDir)
            {
                var (state, kept) = TrainingCheckpoint.Load(resumeDir, model, optimizer);
                if (state.ConfigJson != configJson)
                    throw new ArgumentException($"checkpoint {resumeDir} belongs to a run with a different configuration");
                startEpoch = state.NextEpoch;
                history.AddRange(state.History);
                best = (state.BestValue, state.BestEpoch);
                bestWeights.Set(kept);
                schedule.Plateau = state.Plateau;
            }
            profile?.Lap("setup");
        }
        catch
        {
            Dispose(); // what was built so far
            throw;
        }
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        owned.Add(disposable);
        return disposable;
    }

    /// <summary>
    /// One run at a time trains its first epoch in a process: two runs starting together crashed the process now and then
    /// (SIGSEGV in oneDNN's brgemm convolution, <c>pd_t::init_batch</c>; docs/training.md, "Open: a native crash..."), on
    /// the guess that the race is in creating their kernels at once. Later epochs run side by side; the wait is one epoch, once.
    /// </summary>
    private static readonly object FirstEpochGate = new();

    public async Task<TrainingOutcome> RunAsync()
    {
        for (var epoch = startEpoch; epoch < training.Epochs; epoch++)
        {
            var learningRate = schedule.For(epoch);
            TrainedEpoch trained;
            EpochReport report;
            if (epoch == startEpoch) Monitor.Enter(FirstEpochGate);
            try
            {
                // Started after the gate: an epoch's seconds are its own, not another run's first epoch.
                var epochClock = Stopwatch.StartNew();
                trained = TrainEpoch(epoch, learningRate);
                if (trained.Stop is { } stop) return Finish(stop.Status, stop.Reason);
                report = EndEpoch(epoch, learningRate, trained, epochClock);
            }
            finally
            {
                if (epoch == startEpoch) Monitor.Exit(FirstEpochGate);
            }

            if (request.OnEpoch is { } onEpoch)
            {
                var decision = await onEpoch(report, cancel);
                profile?.Lap("report");
                if (decision.ShouldStop) return Finish(TrialState.Pruned, decision.Reason ?? $"stopped after epoch {epoch + 1}");
            }
            if (training.Patience > 0 && epoch + 1 - best.Epoch >= training.Patience)
                return Finish(TrialState.EarlyStopped, $"{training.Metric} did not improve for {training.Patience} epochs (best {best.Value:0.####} in epoch {best.Epoch})");
        }
        return Finish(TrialState.Completed, null);
    }

    /// <summary>The training loss and accuracy of one epoch, or why the run stops inside it.</summary>
    private readonly record struct TrainedEpoch(double Loss, double Accuracy, (TrialState Status, string Reason)? Stop = null);

    /// <summary>One pass over the training items in the epoch's order, one optimizer step per batch.</summary>
    private TrainedEpoch TrainEpoch(int epoch, double learningRate)
    {
        OptimizerFactory.SetLearningRate(optimizer, learningRate);
        var epochSeed = unchecked(training.Seed * 1_000_003 + epoch + 1);
        generator.manual_seed(epochSeed);
        var order = split.Train.Select(i => (long)i).ToArray();
        new Random(epochSeed).Shuffle(order);
        inputs.StartEpoch(epochSeed);
        var mixup = training.MixupAlpha > 0 ? new Mixup(training.MixupAlpha, epochSeed) : null;
        var batchesPerEpoch = (order.Length + training.BatchSize - 1) / training.BatchSize;
        using var l1 = training.L1.ToScalar();

        model.train();
        double lossSum = 0;
        var correct = 0;
        for (var start = 0; start < order.Length; start += training.BatchSize)
        {
            if (cancel.IsCancellationRequested)
                return new TrainedEpoch(0, 0, (TrialState.Cancelled, $"cancelled in epoch {epoch + 1}"));
            using var scope = NewDisposeScope();
            var batch = order[start..Math.Min(start + training.BatchSize, order.Length)];
            var input = inputs.Batch(batch);
            var target = labels.index_select(0, tensor(batch));
            var mix = mixup?.Draw(batch.Length);
            optimizer.zero_grad();
            var logits = model.forward(mix?.Mix(input) ?? input);
            var loss = mix is { } draw ? draw.Loss(logits, target, CrossEntropy) : CrossEntropy(logits, target);
            var batchLoss = loss.item<float>();
            if (training.L1 > 0)
                loss = loss.add(stack(l1Weights.Select(w => w.abs().sum())).sum(), l1);
            if (!float.IsFinite(batchLoss) || !float.IsFinite(loss.item<float>()))
                return new TrainedEpoch(0, 0, (TrialState.Failed, $"loss became {batchLoss} in epoch {epoch + 1}"));
            loss.backward();
            if (training.GradClip > 0)
                nn.utils.clip_grad_norm_(model.parameters(), training.GradClip);
            optimizer.step();
            lossSum += batchLoss * batch.Length;
            correct += (int)logits.argmax(1).eq(target).sum().item<long>();
            request.OnBatch?.Invoke(epoch + 1, start / training.BatchSize + 1, batchesPerEpoch);
        }
        profile?.Lap("step");
        return new TrainedEpoch(lossSum / order.Length, (double)correct / order.Length);
    }

    private Tensor CrossEntropy(Tensor logits, Tensor target) =>
        nn.functional.cross_entropy(logits, target, weight: classWeights, label_smoothing: training.LabelSmoothing);

    /// <summary>Validation, the epoch's report, the best weights so far and, when due, the checkpoint.</summary>
    private EpochReport EndEpoch(int epoch, double learningRate, TrainedEpoch trained, Stopwatch epochClock)
    {
        var val = Trainer.Evaluate(model, data, labels, targets, features.Actors, split.Val, classes);
        var report = new EpochReport(epoch + 1, training.Epochs, trained.Loss, trained.Accuracy,
            val.Loss ?? double.NaN, val.Accuracy, val.MacroF1, val.Uar, learningRate, epochClock.Elapsed);
        history.Add(report);

        var metrics = report.Metrics;
        var value = metrics[training.Metric]
            ?? throw new ArgumentException($"training.metric '{training.Metric}' is not an epoch metric ({string.Join(", ", metrics.Measured.Keys)})");
        var lowerIsBetter = Core.Metrics.LowerIsBetter(training.Metric);
        if (training.Schedule == LrSchedule.Plateau) schedule.Observe(value, lowerIsBetter);
        profile?.Lap("eval");
        var improved = best.Epoch == 0 || (lowerIsBetter ? value < best.Value : value > best.Value);
        if (improved)
        {
            best = (value, epoch + 1);
            bestWeights.Take(model);
        }
        profile?.Lap("best");

        var checkpointed = request.CheckpointDir is not null && request.Checkpoints.IsDue(epoch + 1, clock.Elapsed - lastCheckpoint);
        if (checkpointed)
        {
            new TrainingCheckpoint
            {
                NextEpoch = epoch + 1, History = history, BestValue = best.Value, BestEpoch = best.Epoch,
                Plateau = schedule.Plateau, ConfigJson = configJson,
            }.Save(request.CheckpointDir!, improved ? null : model, optimizer, bestWeights.Serialise(model));
            lastCheckpoint = clock.Elapsed;
        }
        profile?.Lap("checkpoint");
        return report with { Checkpointed = checkpointed };
    }

    /// <summary>The outcome: with a kept epoch, its weights evaluated on validation and test and written as the bundle.</summary>
    private TrainingOutcome Finish(TrialState status, string? reason)
    {
        ClassificationReport? val = null, test = null;
        double? latencyMs = null;
        string? bundlePath = null;
        byte[]? weights = null;
        var keep = status is TrialState.Completed or TrialState.EarlyStopped or TrialState.Pruned && best.Epoch > 0;
        if (keep)
        {
            bestWeights.Restore(model);
            val = Trainer.Evaluate(model, data, labels, targets, features.Actors, split.Val, classes);
            test = split.Test.Length > 0 ? Trainer.Evaluate(model, data, labels, targets, features.Actors, split.Test, classes) : null;
            latencyMs = InferenceLatency.MedianMs(model, itemShape);
            weights = bestWeights.Serialise(model);
        }
        var outcome = new TrainingOutcome
        {
            Status = status, Reason = reason, Epochs = history, BestEpoch = best.Epoch, Val = val, Test = test,
            ModelBytes = weights?.Length, LatencyMs = latencyMs,
            Split = split.Description, ParameterCount = ModelFactory.ParameterCount(model), Elapsed = clock.Elapsed,
            TrainedActors = [.. split.Train.Select(i => features.Actors[i]).Distinct().Order()],
        };
        if (weights is not null && request.BundlePath is { } path)
        {
            bundlePath = Path.GetFullPath(path);
            new ModelBundle
            {
                Config = request.Config, ItemShape = itemShape, Classes = classes, Normalization = bundleNormalization,
                Weights = weights, Training = outcome, FeatureCacheKey = features.CacheKey,
                CrossValidationJson = request.CrossValidationJson,
            }.Save(bundlePath);
        }
        profile?.Lap("finish");
        profile?.Write(training.Seed, history.Count, status);
        return outcome with { BundlePath = bundlePath, Elapsed = clock.Elapsed };
    }

    public void Dispose()
    {
        for (var i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
    }
}
