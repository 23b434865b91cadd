using SerSweep.Core;
using SerSweep.Audio.Torch;
using SerSweep.Training.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace SerSweep.Training;

/// <summary>
/// Runs one training run of an <see cref="ExperimentConfig"/> on a <see cref="FeatureSet"/>: split, feature
/// normalisation (CMVN by speaker or utterance, or dataset statistics from the training part), model, optimizer, epochs with validation, early stopping, epoch
/// checkpoints, and at the end the best epoch's weights evaluated on validation and test and written as a
/// <see cref="ModelBundle"/>. The run seed fixes initialisation, data order and dropout; with the same
/// thread count the same request gives the same metrics in any process, also with other runs beside it.
/// </summary>
public static class Trainer
{
    /// <summary>Runs on a thread of its own, also across the awaits of <see cref="TrainingRequest.OnEpoch"/> (see <see cref="TrainingThread"/>).</summary>
    public static Task<TrainingOutcome> RunAsync(TrainingRequest request, CancellationToken cancellationToken = default) =>
        TrainingThread.Run($"training run (seed {request.Config.Training.Seed})", async () =>
        {
            using var run = new TrainingRun(request, cancellationToken);
            return await run.RunAsync();
        });

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

    internal static void Validate(TrainingConfig training)
    {
        if (training.Epochs < 1) throw new ArgumentException($"training.epochs must be >= 1, got {training.Epochs}");
        if (training.BatchSize < 1) throw new ArgumentException($"training.batch_size must be >= 1, got {training.BatchSize}");
        if (training.Threads < 1) throw new ArgumentException($"training.threads must be >= 1, got {training.Threads}");
        if (!(training.LearningRate > 0)) throw new ArgumentException($"training.learning_rate must be > 0, got {training.LearningRate}");
        if (training.LabelSmoothing is < 0 or >= 1) throw new ArgumentException($"training.label_smoothing must be in [0, 1), got {training.LabelSmoothing}");
    }

    /// <summary>N / (K * n_c) over the training items: rare classes weigh more.</summary>
    internal static Tensor InverseFrequencyWeights(int[] targets, int[] train, int classCount)
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
