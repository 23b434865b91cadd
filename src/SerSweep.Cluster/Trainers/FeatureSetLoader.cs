using SerSweep.Audio.Cache;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Grains;
using SerSweep.Cluster.Telemetry;
using SerSweep.Core;

namespace SerSweep.Cluster.Trainers;

/// <summary>
/// Gets a trial's features on a worker: asks the feature-set grain to make sure the cache entry exists (computed
/// once cluster-wide), reads it in place when this worker shares the cache folder it was computed in, or else copies
/// it over in chunks into its own cache folder (checked by SHA-256) and reads that.
/// </summary>
public sealed class FeatureSetLoader(IGrainFactory grains, SerSweepClusterOptions options)
{
    public async Task<FeatureSet> LoadAsync(ExperimentConfig config, CancellationToken cancel)
    {
        var grain = grains.GetGrain<IFeatureSetGrain>(FeatureSetGrain.KeyOf(config));
        var location = await grain.Ensure(ConfigJson.Write(config));
        var local = Path.Combine(Path.GetFullPath(options.CacheDir), $"{location.CacheKey}.features");
        var path = local == Path.GetFullPath(location.Path) ? local : await CopyAsync(grain, location, local, cancel);
        SweepMetrics.FeatureSetLoaded();
        var (header, features, waveforms) = FeatureCacheFile.TryRead(path, out var invalid)
            ?? throw new InvalidDataException($"feature cache file {path} is invalid: {invalid}");
        return new FeatureSet
        {
            Data = features, Shape = header.Shape, Labels = header.Labels, Actors = header.Actors, Files = header.Files,
            CacheKey = header.Key, Waveforms = waveforms, WaveformLength = header.WaveformLength,
        };
    }

    private static async Task<string> CopyAsync(IFeatureSetGrain grain, FeatureSetLocation location, string local, CancellationToken cancel)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        if (File.Exists(local) && await FileHashes.Sha256Async(local) == location.Sha256) return local;
        var temp = $"{local}.download-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            await using (var file = File.Create(temp))
            {
                for (long offset = 0; offset < location.Bytes; )
                {
                    var chunk = await grain.ReadChunk(offset, FeatureSetLocation.MaxChunkBytes).WaitAsync(cancel);
                    if (chunk.Length == 0) throw new IOException($"feature set {location.CacheKey} ended at {offset} of {location.Bytes} bytes");
                    await file.WriteAsync(chunk, cancel);
                    offset += chunk.Length;
                }
            }
            if (await FileHashes.Sha256Async(temp) != location.Sha256) throw new IOException($"feature set {location.CacheKey} arrived corrupted (SHA-256 mismatch)");
            File.Move(temp, local, overwrite: true);
            SweepMetrics.FeatureSetCopied(location.Bytes);
            return local;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
