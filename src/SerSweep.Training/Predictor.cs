using SerSweep.Audio.Features;
using SerSweep.Audio.Torch;
using SerSweep.Core;
using SerSweep.Training.Data;
using SerSweep.Training.Models;
using static TorchSharp.torch;

namespace SerSweep.Training;

/// <summary>
/// Inference from a <see cref="ModelBundle"/> alone: rebuilds the module from the bundled model config and
/// item shape, loads the weights, normalises the features as the bundle's <c>features.normalize</c> says (dataset
/// statistics from the bundle; CMVN per utterance, or per session of one speaker's files when the caller groups them),
/// and predicts in eval mode.
/// WAV files go through the audio pipeline's clip loader and feature extractor with the bundled feature
/// config (the code path training used); both are built once, so a warm prediction only decodes, extracts
/// and runs the network.
/// </summary>
public sealed class Predictor : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> model;
    // Drives initialisation and dropout only; the weights are replaced by the bundle's and eval mode has no dropout.
    private readonly Generator generator = new(0);
    private readonly ClipLoader clipLoader;
    private readonly FeatureExtractor extractor;

    public ModelBundle Bundle { get; }

    public Predictor(ModelBundle bundle)
    {
        Bundle = bundle;
        model = ModelFactory.Create(bundle.Config.Model, bundle.ItemShape, bundle.Classes.Length, generator);
        Trainer.LoadWeights(model, bundle.Weights);
        model.eval();
        clipLoader = new ClipLoader(bundle.Config.Features with { Augment = new AugmentConfig() });
        extractor = new FeatureExtractor(clipLoader.Config);
    }

    /// <summary>
    /// Predicts WAV files (decode, resample, clip, features, forward); a bad file throws <see cref="Audio.Wav.WavFormatException"/>
    /// naming it. <paramref name="sessions"/>: see <see cref="Predict"/>.
    /// </summary>
    public Prediction[] PredictFiles(IReadOnlyList<string> paths, IReadOnlyList<int>? sessions = null)
    {
        var clips = new float[(long)paths.Count * clipLoader.ClipSamples];
        for (var i = 0; i < paths.Count; i++)
            LoadClip(paths[i], clips.AsSpan(i * clipLoader.ClipSamples, clipLoader.ClipSamples));
        return PredictClips(clips, paths.Count, sessions);
    }

    /// <summary>The bundle's clip of one WAV file (<see cref="ClipSamples"/> samples) into <paramref name="clip"/>.</summary>
    public void LoadClip(string path, Span<float> clip) => clipLoader.Load(path, clip);

    /// <summary>The bundle's clip of audio already decoded into <paramref name="clip"/>; returns the audio's duration in seconds.</summary>
    public double LoadClip(Audio.Wav.WavAudio audio, Span<float> clip) => clipLoader.Load(audio, clip);

    /// <summary>Samples of one model window: the bundle's clip_seconds at its sample rate.</summary>
    public int ClipSamples => clipLoader.ClipSamples;

    /// <summary>Predicts <paramref name="count"/> clips already at the bundle's sample rate, [count, <see cref="ClipSamples"/>] row-major.</summary>
    public Prediction[] PredictClips(float[] clips, int count, IReadOnlyList<int>? sessions = null) =>
        Predict(Features(clips, count), sessions);

    /// <summary>
    /// The model's input items of <paramref name="count"/> clips ([count, <see cref="ClipSamples"/>] row-major), for
    /// <see cref="Predict"/>. Safe to call from several threads at once, also while another thread predicts: the
    /// extractor only reads its constant tensors.
    /// </summary>
    public float[] Features(float[] clips, int count)
    {
        if (!extractor.ItemShape.SequenceEqual(Bundle.ItemShape))
            throw new InvalidDataException($"the bundle's feature config gives items of shape [{string.Join(", ", extractor.ItemShape)}] but the model expects [{string.Join(", ", Bundle.ItemShape)}]");
        return FeaturePipeline.Extract(extractor, clips, count);
    }

    public static Predictor Load(string bundlePath) => new(ModelBundle.Load(bundlePath));

    /// <summary>Items per forward pass: bounds the activation memory when a whole dataset is predicted.</summary>
    public const int BatchSize = 64;

    /// <summary>
    /// Predicts items given as one row-major block [count, C, H, W] with the bundle's item shape, as they come from the
    /// extractor. <paramref name="sessions"/> (one id per item, items of one speaker sharing it) is what a bundle
    /// trained with <c>features.normalize: speaker</c> normalises together; without it such a bundle normalises every
    /// item by its training speakers' average statistics (its <see cref="ModelBundle.Normalization"/>). The other
    /// modes ignore it.
    /// </summary>
    public Prediction[] Predict(ReadOnlySpan<float> items, IReadOnlyList<int>? sessions = null)
    {
        var itemLength = Bundle.ItemShape.Aggregate(1, (a, b) => a * b);
        if (items.Length == 0 || items.Length % itemLength != 0)
            throw new ArgumentException($"expected a multiple of {itemLength} values (items of shape [{string.Join(", ", Bundle.ItemShape)}]), got {items.Length}");
        var count = items.Length / itemLength;
        // A `speaker` bundle normalises files without a session by its training speakers' average (normalization.json).
        var averageSpeaker = Bundle.Config.Features.Normalize == Normalization.Speaker && sessions is null && Bundle.Normalization is not null;
        var statistics = averageSpeaker || Bundle.Config.Features.Normalize != Normalization.Speaker ? Bundle.Normalization : null;
        if (!averageSpeaker && Cmvn.PredictionGroups(Bundle.Config.Features.Normalize, count, sessions) is { } groups)
            items = Cmvn.Normalize(items, Bundle.ItemShape[0] * Bundle.ItemShape[1], Bundle.ItemShape[2], groups);
        var classes = Bundle.Classes;
        var probabilities = new float[count * classes.Length];
        using var inference = inference_mode();
        for (var start = 0; start < count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            var batch = Math.Min(BatchSize, count - start);
            var input = TensorData.FromFloats(items.Slice(start * itemLength, batch * itemLength), [batch, .. Bundle.ItemShape.Select(d => (long)d)]);
            if (statistics is not null) input = statistics.Apply(input);
            TensorData.CopyTo(nn.functional.softmax(model.forward(input), 1), probabilities.AsSpan(start * classes.Length, batch * classes.Length));
        }
        return Enumerable.Range(0, count).Select(n => ToPrediction(probabilities.AsSpan(n * classes.Length, classes.Length))).ToArray();
    }

    private Prediction ToPrediction(ReadOnlySpan<float> row)
    {
        var classes = Bundle.Classes;
        var best = 0;
        var map = new Dictionary<Emotion, double>(classes.Length);
        for (var c = 0; c < row.Length; c++)
        {
            map[classes[c]] = row[c];
            if (row[c] > row[best]) best = c;
        }
        return new Prediction(classes[best], map);
    }

    public void Dispose()
    {
        model.Dispose();
        extractor.Dispose();
        generator.Dispose();
    }
}
