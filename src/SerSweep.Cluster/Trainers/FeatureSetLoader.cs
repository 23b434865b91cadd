using SerSweep.Audio.Cache;
using SerSweep.Cluster.Artifacts;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Grains;
using SerSweep.Cluster.Telemetry;
using SerSweep.Core;

namespace SerSweep.Cluster.Trainers;

/// <summary>
/// Gets a trial's features on a worker: asks the feature-set grain to make sure the cache entry exists (computed
/// once cluster-wide, on a silo with the audio), reads it in place when that grain runs in this silo, or else keeps a
/// copy in this worker's own cache folder: fetched over Orleans in chunks (checked by SHA-256) unless a copy with the
/// same SHA-256 is already there. The last feature set loaded stays in memory: the next trial on the same features
/// (every trial of a sweep) takes it as it is, rather than mapping and verifying the file (~64 MB) again.
/// </summary>
public sealed class FeatureSetLoader(IGrainFactory grains, SerSweepClusterOptions options, ILocalSiloDetails silo)
{
    private volatile Loaded? last;

    private sealed record Loaded(FeatureSetLocation Location, FeatureSet Features);

    public async Task<FeatureSet> LoadAsync(ExperimentConfig config, CancellationToken cancel)
    {
        var grain = grains.GetGrain<IFeatureSetGrain>(FeatureSetGrain.KeyOf(config));
        var location = await grain.Ensure(ConfigJson.Write(config));
        if (last is { } kept && kept.Location == location)
        {
            SweepMetrics.FeatureSetLoaded();
            return kept.Features;
        }
        var path = Path.Combine(Path.GetFullPath(options.CacheDir), $"{location.CacheKey}.features");
        if (location.Silo != silo.SiloAddress.ToParsableString() && !(File.Exists(path) && await FileHashes.Sha256Async(path) == location.Sha256))
        {
            await ChunkedCopy.DownloadAsync(offset => grain.ReadChunk(offset, FeatureSetLocation.MaxChunkBytes), location.Bytes, location.Sha256, path,
                $"feature set {location.CacheKey}", cancel);
            SweepMetrics.FeatureSetCopied(location.Bytes);
        }
        SweepMetrics.FeatureSetLoaded();
        var (_, set, _) = FeatureCacheFile.TryRead(path, out var invalid)
            ?? throw new InvalidDataException($"feature cache file {path} is invalid: {invalid}");
        last = new Loaded(location, set);
        return set;
    }
}
