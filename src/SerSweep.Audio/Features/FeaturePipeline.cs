using SerSweep.Audio.Catalog;
using SerSweep.Core;
using static TorchSharp.torch;

namespace SerSweep.Audio.Features;

/// <summary>Where a feature computation is: files decoded, then items featurised, out of the total.</summary>
public readonly record struct FeatureProgress(string Stage, int Done, int Total);

/// <summary>Features and clips of the decodable files of a catalog; files that did not decode are problems.</summary>
public sealed record FeatureComputation(
    IReadOnlyList<CatalogEntry> Entries, float[] Features, int[] Shape, float[] Waveforms, int WaveformLength,
    double AudioSeconds, IReadOnlyList<CatalogProblem> Problems);

/// <summary>
/// Files -> clips -> features, the one code path for datasets and single files: all files are decoded and
/// resampled in parallel (<see cref="ClipLoader.LoadMany"/>), then featurised on TorchSharp in batches of
/// <see cref="BatchSize"/> clips (one STFT and one mel matmul per batch).
/// </summary>
public static class FeaturePipeline
{
    public const int BatchSize = 128;
    public const string DecodeStage = "decode", FeatureStage = "features";

    public static FeatureComputation Run(RavdessCatalog catalog, FeatureConfig config,
        IProgress<FeatureProgress>? progress = null, CancellationToken cancellation = default)
    {
        var loader = new ClipLoader(config);
        var paths = catalog.Entries.Select(e => e.Path).ToArray();
        var clips = new float[(long)paths.Length * loader.ClipSamples];
        var loaded = 0;
        var outcomes = loader.LoadMany(paths, clips,
            () => progress?.Report(new FeatureProgress(DecodeStage, Interlocked.Increment(ref loaded), paths.Length)), cancellation);

        var kept = Enumerable.Range(0, paths.Length).Where(i => outcomes[i].Error is null).ToArray();
        var problems = catalog.Problems
            .Concat(kept.Length == paths.Length ? [] : outcomes.Where(o => o.Error is not null)
                .Select(o => new CatalogProblem(Path.GetRelativePath(catalog.Root, o.Error!.File), o.Error.Detail)))
            .ToList();
        if (kept.Length < paths.Length) clips = Compact(clips, kept, loader.ClipSamples);

        using var extractor = new FeatureExtractor(config);
        var features = Extract(extractor, clips, kept.Length, progress, cancellation);
        return new FeatureComputation(
            kept.Select(i => catalog.Entries[i]).ToArray(), features, [kept.Length, .. extractor.ItemShape],
            clips, loader.ClipSamples, kept.Sum(i => outcomes[i].Seconds), problems);
    }

    /// <summary>Features of one WAV file (e.g. for prediction): [1, height, frames] flattened, and its clip.</summary>
    public static (float[] Features, int[] Shape, float[] Waveform) ExtractFile(string path, FeatureConfig config)
    {
        var loader = new ClipLoader(config);
        var clip = new float[loader.ClipSamples];
        loader.Load(path, clip);
        using var extractor = new FeatureExtractor(config);
        return (Extract(extractor, clip, 1, null, default), extractor.ItemShape, clip);
    }

    /// <summary>Features of <paramref name="count"/> clips laid out [count, clip_samples] in <paramref name="clips"/>.</summary>
    public static float[] Extract(FeatureExtractor extractor, float[] clips, int count,
        IProgress<FeatureProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clipSamples = extractor.ClipSamples;
        var itemLength = extractor.ItemLength;
        var features = new float[(long)count * itemLength];
        for (var start = 0; start < count; start += BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = Math.Min(BatchSize, count - start);
            using var scope = NewDisposeScope();
            var input = empty(batch, clipSamples, dtype: ScalarType.Float32);
            input.data<float>().CopyFrom((ReadOnlySpan<float>)clips.AsSpan(start * clipSamples, batch * clipSamples));
            var output = extractor.Compute(input).contiguous();
            output.data<float>().CopyTo(features.AsSpan(start * itemLength, batch * itemLength));
            progress?.Report(new FeatureProgress(FeatureStage, start + batch, count));
        }
        return features;
    }

    private static float[] Compact(float[] clips, int[] kept, int clipSamples)
    {
        var compact = new float[(long)kept.Length * clipSamples];
        for (var j = 0; j < kept.Length; j++)
            clips.AsSpan(kept[j] * clipSamples, clipSamples).CopyTo(compact.AsSpan(j * clipSamples, clipSamples));
        return compact;
    }
}
