using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SerSweep.Audio.Catalog;
using SerSweep.Audio.Features;
using SerSweep.Core;

namespace SerSweep.Audio.Cache;

/// <summary>The outcome of <see cref="FeatureCache.GetOrCompute(DataConfig, FeatureConfig, IProgress{FeatureProgress}?, CancellationToken)"/>.</summary>
public sealed record FeatureCacheResult(
    FeatureSet Features, bool Computed, string CachePath, double AudioSeconds,
    IReadOnlyList<CatalogProblem> Problems, TimeSpan Elapsed);

/// <summary>
/// Features computed once per (dataset fingerprint, feature config) and shared by every process through one
/// content-addressed file per key under <see cref="Directory"/> (layout: <see cref="FeatureCacheFile"/>).
/// Writes go to a temp file renamed into place; an exclusive lock file per key makes concurrent processes
/// (trials on several workers) compute once while the others wait and load; a file failing its length or checksum
/// check is rebuilt. The augmentation settings are not part of the key: they apply later, in training.
/// </summary>
public sealed class FeatureCache(string directory)
{
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(100);
    private int _computations;
    private int _filesHashed;

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>How many times this instance ran the feature pipeline (loads do not count).</summary>
    public int Computations => _computations;

    /// <summary>
    /// How many audio files this instance read to fingerprint the dataset: only those whose size or last write time
    /// changed since the cache directory's <see cref="FileHashManifest"/> saw them, so a reload reads none.
    /// </summary>
    public int FilesHashed => _filesHashed;

    /// <summary>
    /// The code that computes the features: this assembly's module version id (builds are deterministic, so it
    /// changes when the compiled audio code does, and with the commit the informational version carries) and
    /// TorchSharp's version (which pins libtorch's). A DSP change then never reuses features the old code computed,
    /// at the price of one recomputation per new build; the processes of one build share one key.
    /// </summary>
    public static readonly string CodeIdentity =
        $"{typeof(FeatureExtractor).Assembly.ManifestModule.ModuleVersionId}/torchsharp-{typeof(TorchSharp.torch).Assembly.GetName().Version}";

    /// <summary>The cache key: SHA-256 of the format version, <see cref="CodeIdentity"/>, the dataset fingerprint and the feature config (augmentation and training-side normalisation excluded).</summary>
    public static string Key(string datasetFingerprint, FeatureConfig config) => Key(datasetFingerprint, config, CodeIdentity);

    internal static string Key(string datasetFingerprint, FeatureConfig config, string codeIdentity)
    {
        // Only `utterance` normalisation happens in the extractor; the other modes share the features of `dataset`.
        var keyed = config with { Augment = new AugmentConfig(), Normalize = config.Normalize == Normalization.Utterance ? Normalization.Utterance : Normalization.Dataset };
        var text = $"sersweep-features/{FeatureCacheHeader.CurrentFormat}\n{codeIdentity}\n{datasetFingerprint}\n{JsonSerializer.Serialize(keyed, FeatureCacheFile.Json)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public string PathOf(string key) => Path.Combine(Directory, $"{key}.features");

    /// <summary>Selects the files of <paramref name="data"/> (root, actors, emotions) and gets their features.</summary>
    public FeatureCacheResult GetOrCompute(DataConfig data, FeatureConfig config,
        IProgress<FeatureProgress>? progress = null, CancellationToken cancellation = default) =>
        GetOrCompute(RavdessCatalog.Scan(data.Path, CatalogFilter.From(data)), config, progress, cancellation);

    public FeatureCacheResult GetOrCompute(RavdessCatalog catalog, FeatureConfig config,
        IProgress<FeatureProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        if (catalog.Entries.Count == 0)
            throw new InvalidOperationException($"no RAVDESS files selected under {catalog.Root}" +
                (catalog.Problems.Count > 0 ? $"; problems: {string.Join("; ", catalog.Problems.Take(5))}" : ""));
        System.IO.Directory.CreateDirectory(Directory);
        var manifest = FileHashManifest.Load(Directory);
        var fingerprint = catalog.Fingerprint(manifest);
        Interlocked.Add(ref _filesHashed, manifest.FilesHashed);
        var key = Key(fingerprint, config);
        var path = PathOf(key);

        if (TryLoad(path, clock) is { } cached) return cached;
        using (AcquireLock(path + ".lock", cancellation))
        {
            // Whoever held the lock before us may have just written it.
            if (TryLoad(path, clock) is { } written) return written;
            Interlocked.Increment(ref _computations);
            var run = FeaturePipeline.Run(catalog, config, progress, cancellation);
            var header = new FeatureCacheHeader
            {
                Key = key,
                DatasetFingerprint = fingerprint,
                Config = config,
                CreatedUtc = DateTime.UtcNow,
                Shape = run.Shape,
                WaveformLength = run.WaveformLength,
                Files = run.Entries.Select(e => e.RelativePath).ToArray(),
                Labels = run.Entries.Select(e => e.Name.Emotion).ToArray(),
                Actors = run.Entries.Select(e => e.Actor).ToArray(),
                AudioSeconds = run.AudioSeconds,
                Problems = run.Problems.ToArray(),
                BlobOffset = 0,
                FeatureFloats = 0,
                WaveformFloats = 0,
                BlobXxh128 = "",
            };
            header = AtomicFile.Replace(path, temp => FeatureCacheFile.Write(temp, header, run.Features, run.Waveforms));
            return Result(header, header.ToFeatureSet(run.Features, run.Waveforms), computed: true, path, clock);
        }
    }

    private static FeatureCacheResult? TryLoad(string path, Stopwatch clock) =>
        FeatureCacheFile.TryRead(path, out _) is var (header, features, _)
            ? Result(header, features, computed: false, path, clock)
            : null;

    private static FeatureCacheResult Result(FeatureCacheHeader header, FeatureSet features, bool computed, string path, Stopwatch clock) =>
        new(features, computed, path, header.AudioSeconds, header.Problems, clock.Elapsed);

    /// <summary>
    /// An exclusive lock across processes: FileShare.None is an flock(LOCK_EX) on Unix and a sharing lock on Windows;
    /// the OS drops it when the holder exits, so a crashed computation never blocks the next one.
    /// </summary>
    private static FileStream AcquireLock(string lockPath, CancellationToken cancellation)
    {
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e.GetType() == typeof(IOException)) // held by another; not a missing folder
            {
                cancellation.WaitHandle.WaitOne(LockPollInterval);
            }
        }
    }
}
