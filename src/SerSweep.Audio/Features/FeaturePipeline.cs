using SerSweep.Audio.Catalog;
using SerSweep.Audio.Torch;
using SerSweep.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace SerSweep.Audio.Features;

/// <summary>How many of the files are decoded and featurised.</summary>
public readonly record struct FeatureProgress(int Done, int Total);

/// <summary>Features and clips of the decodable files of a catalog; files that did not decode are problems.</summary>
public sealed record FeatureComputation(
    IReadOnlyList<CatalogEntry> Entries, float[] Features, int[] Shape, float[] Waveforms, int WaveformLength,
    double AudioSeconds, IReadOnlyList<CatalogProblem> Problems);

/// <summary>Features [N, 1, H, W] and clips [N, L] of a list of files, row i for file i (zeros where it failed).</summary>
public sealed record FeatureBatch(float[] Features, int[] ItemShape, float[] Clips, int ClipSamples, ClipLoader.Outcome[] Outcomes);

/// <summary>
/// Files -> clips -> features, the one code path for datasets, benchmarks and single files. One worker per core
/// (<see cref="TorchWorkers"/>) takes <see cref="BatchSize"/> files at a time: decodes and resamples them into the
/// shared clip array, then featurises them with one STFT and one mel matmul.
/// </summary>
public static class FeaturePipeline
{
    public const int BatchSize = 32;

    public static FeatureComputation Run(RavdessCatalog catalog, FeatureConfig config,
        IProgress<FeatureProgress>? progress = null, CancellationToken cancellation = default)
    {
        var batch = Compute(catalog.Entries.Select(e => e.Path).ToArray(), config, progress, cancellation);
        var kept = Enumerable.Range(0, batch.Outcomes.Length).Where(i => batch.Outcomes[i].Error is null).ToArray();
        var failed = batch.Outcomes.Where(o => o.Error is not null)
            .Select(o => new CatalogProblem(Path.GetRelativePath(catalog.Root, o.Error!.File).Replace('\\', '/'), o.Error.Detail));
        var itemLength = batch.ItemShape.Aggregate(1, (a, b) => a * b);
        return new FeatureComputation(
            kept.Select(i => catalog.Entries[i]).ToArray(),
            Rows(batch.Features, kept, itemLength), [kept.Length, .. batch.ItemShape],
            Rows(batch.Clips, kept, batch.ClipSamples), batch.ClipSamples,
            kept.Sum(i => batch.Outcomes[i].Seconds), catalog.Problems.Concat(failed).ToList());
    }

    /// <summary>Features of one WAV file (e.g. for prediction): [1, height, frames] flattened, and its clip.</summary>
    public static (float[] Features, int[] Shape, float[] Waveform) ExtractFile(string path, FeatureConfig config)
    {
        var batch = Compute([path], config);
        if (batch.Outcomes[0].Error is { } error) throw error;
        return (batch.Features, batch.ItemShape, batch.Clips);
    }

    public static FeatureBatch Compute(IReadOnlyList<string> paths, FeatureConfig config,
        IProgress<FeatureProgress>? progress = null, CancellationToken cancellation = default)
    {
        var loader = new ClipLoader(config);
        int[] itemShape;
        using (var probe = new FeatureExtractor(config)) itemShape = probe.ItemShape; // validates the config up front
        var itemLength = itemShape.Aggregate(1, (a, b) => a * b);
        var clips = new float[(long)paths.Count * loader.ClipSamples];
        var features = new float[(long)paths.Count * itemLength];
        var outcomes = new ClipLoader.Outcome[paths.Count];
        var batches = (paths.Count + BatchSize - 1) / BatchSize;
        var done = 0;
        TorchWorkers.For(batches, () => new FeatureExtractor(config), (extractor, b) =>
        {
            cancellation.ThrowIfCancellationRequested();
            var start = b * BatchSize;
            var count = Math.Min(BatchSize, paths.Count - start);
            for (var i = start; i < start + count; i++)
                outcomes[i] = loader.TryLoad(paths[i], clips.AsSpan(i * loader.ClipSamples, loader.ClipSamples));
            Featurise(extractor, clips.AsSpan(start * loader.ClipSamples, count * loader.ClipSamples), count,
                features.AsSpan(start * itemLength, count * itemLength));
            progress?.Report(new FeatureProgress(Interlocked.Add(ref done, count), paths.Count));
        });
        return new FeatureBatch(features, itemShape, clips, loader.ClipSamples, outcomes);
    }

    /// <summary>
    /// Features [count, 1, H, W] of clips already in memory ([count, clip_samples] in <paramref name="clips"/>), on
    /// the calling thread with its libtorch settings: for training's on-the-fly features of augmented waveforms and
    /// for prediction. <paramref name="warps"/>: a VTLP warp factor per clip (training), each clip featurised with its own.
    /// </summary>
    public static float[] Extract(FeatureExtractor extractor, float[] clips, int count, double[]? warps = null)
    {
        var features = new float[(long)count * extractor.ItemLength];
        if (warps is not null)
        {
            for (var i = 0; i < count; i++)
                Featurise(extractor, clips.AsSpan(i * extractor.ClipSamples, extractor.ClipSamples), 1,
                    features.AsSpan(i * extractor.ItemLength, extractor.ItemLength), warps[i]);
            return features;
        }
        for (var start = 0; start < count; start += BatchSize)
        {
            var n = Math.Min(BatchSize, count - start);
            Featurise(extractor, clips.AsSpan(start * extractor.ClipSamples, n * extractor.ClipSamples), n,
                features.AsSpan(start * extractor.ItemLength, n * extractor.ItemLength));
        }
        return features;
    }

    private static void Featurise(FeatureExtractor extractor, ReadOnlySpan<float> clips, int count, Span<float> features, double warp = 1.0)
    {
        using var scope = NewDisposeScope();
        var input = TensorData.FromFloats(clips, count, extractor.ClipSamples);
        TensorData.CopyTo(extractor.Compute(input, warp), features);
    }

    private static float[] Rows(float[] source, int[] rows, int rowLength)
    {
        if (rows.Length * (long)rowLength == source.Length) return source;
        var result = new float[(long)rows.Length * rowLength];
        for (var j = 0; j < rows.Length; j++)
            source.AsSpan(rows[j] * rowLength, rowLength).CopyTo(result.AsSpan(j * rowLength, rowLength));
        return result;
    }
}
