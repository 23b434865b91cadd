using System.Security.Cryptography;
using System.Text.Json;
using SerSweep.Audio.Cache;
using SerSweep.Cluster.Artifacts;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Placement;
using SerSweep.Core;

namespace SerSweep.Cluster.Grains;

/// <summary>
/// One per feature request (data selection + feature config), on a silo started with --data (<see cref="DataPlacement"/>):
/// computes the cache entry at most once for the whole cluster (concurrent trials wait on this single activation; the
/// cache's own file lock covers other processes), then serves the file in chunks to the workers, which keep a copy.
/// </summary>
[DataPlacement]
public sealed class FeatureSetGrain(SerSweepClusterOptions options, ILocalSiloDetails silo) : Grain, IFeatureSetGrain
{
    private FeatureSetLocation? _location;
    private string _path = "";

    /// <summary>The grain key of a request: a hash of the data selection and the feature config (augmentation excluded, like the cache key).</summary>
    public static string KeyOf(ExperimentConfig config) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(
            new { config.Data, Features = config.Features with { Augment = new AugmentConfig() } }, ConfigJson.Options)))[..32];

    public async Task<FeatureSetLocation> Ensure(string experimentConfigJson)
    {
        if (_location is not null && File.Exists(_path)) return _location;
        var config = JsonSerializer.Deserialize<ExperimentConfig>(experimentConfigJson, ConfigJson.Options)!;
        if (options.DataRoot is { } root) config = config with { Data = config.Data with { Path = root } };
        // Feature extraction is heavy: run it off the Orleans scheduler.
        var result = await Task.Run(() => new FeatureCache(options.CacheDir).GetOrCompute(config.Data, config.Features));
        _path = result.CachePath;
        var sha = await FileHashes.Sha256Async(_path);
        _location = new FeatureSetLocation(result.Features.CacheKey, new FileInfo(_path).Length, sha, silo.SiloAddress.ToParsableString());
        return _location;
    }

    public Task<byte[]> ReadChunk(long offset, int length) =>
        _location is null ? throw new InvalidOperationException("Ensure the feature set before reading it.")
            : ChunkedCopy.ReadChunkAsync(_path, offset, length, FeatureSetLocation.MaxChunkBytes);
}
