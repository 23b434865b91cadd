using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Grains;
using SerSweep.Cluster.Trainers;
using SerSweep.Core;
using SerSweep.Testing;

namespace SerSweep.Cluster.Tests;

/// <summary>Workers that share no cache folder get a feature-cache entry from the silo that computed it, in bounded chunks.</summary>
public sealed class FeatureSetTransferTests
{
    [Fact]
    public async Task A_worker_without_the_cache_file_gets_a_byte_identical_copy_in_chunks_far_below_the_message_limit()
    {
        var chunks = new ChunkRecorder();
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions(),
            services => services.AddSingleton<IIncomingGrainCallFilter>(chunks));
        var config = new ExperimentConfig { Data = new DataConfig { Path = TestPaths.Ravdess, Actors = "1" } };

        // No silo was started with --data: the feature-set grain goes to the coordinator, the silo that resolved the
        // sweep's data.path, and computes the entry in the coordinator's cache folder.
        var receiver = cluster.Workers.First();
        var grain = Service<IGrainFactory>(receiver).GetGrain<IFeatureSetGrain>(FeatureSetGrain.KeyOf(config));
        var location = await grain.Ensure(ConfigJson.Write(config));
        Assert.Equal(cluster.Coordinator.SiloAddress.ToParsableString(), location.Silo);
        var computed = Path.Combine(Service<SerSweepClusterOptions>(cluster.Coordinator).CacheDir, $"{location.CacheKey}.features");

        // A worker loads the same features through its own cache folder.
        var features = await Service<FeatureSetLoader>(receiver).LoadAsync(config, CancellationToken.None);

        var copy = Path.Combine(Service<SerSweepClusterOptions>(receiver).CacheDir, $"{location.CacheKey}.features");
        Assert.NotEqual(computed, copy);
        Assert.Equal(await File.ReadAllBytesAsync(computed), await File.ReadAllBytesAsync(copy));
        Assert.Equal(60, features.Count);
        Assert.Equal(location.CacheKey, features.CacheKey);

        // One actor's entry is several chunks; every one within the bound, the bound far below Orleans' 100 MB limit.
        Assert.True(FeatureSetLocation.MaxChunkBytes <= 8 * 1024 * 1024, $"chunk bound {FeatureSetLocation.MaxChunkBytes}");
        var served = chunks.Sizes.ToList();
        Assert.Equal((int)((location.Bytes + FeatureSetLocation.MaxChunkBytes - 1) / FeatureSetLocation.MaxChunkBytes), served.Count);
        Assert.True(served.Count >= 2, $"{location.Bytes} bytes in {served.Count} chunk(s)");
        Assert.All(served, size => Assert.InRange(size, 1, FeatureSetLocation.MaxChunkBytes));
        Assert.Equal(location.Bytes, served.Sum(size => (long)size));

        // The next trial on the same features takes them from memory: no chunk served, the file not even read.
        File.Delete(copy);
        var again = await Service<FeatureSetLoader>(receiver).LoadAsync(config, CancellationToken.None);
        Assert.Same(features, again);
        Assert.Equal(served.Count, chunks.Sizes.Count);
    }

    private static T Service<T>(InProcessSiloHandle silo) where T : notnull => silo.ServiceProvider.GetRequiredService<T>();

    /// <summary>Records the size of every chunk a feature-set grain serves.</summary>
    private sealed class ChunkRecorder : IIncomingGrainCallFilter
    {
        public ConcurrentQueue<int> Sizes { get; } = new();

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            if (context.InterfaceMethod?.Name == nameof(IFeatureSetGrain.ReadChunk) && context.Result is byte[] chunk) Sizes.Enqueue(chunk.Length);
        }
    }
}
