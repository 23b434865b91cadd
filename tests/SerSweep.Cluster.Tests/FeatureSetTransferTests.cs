using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Grains;
using SerSweep.Cluster.Trainers;
using SerSweep.Core;
using SerSweep.Testing;

namespace SerSweep.Cluster.Tests;

/// <summary>Workers that share no cache folder get a feature-cache entry from the worker that computed it, in bounded chunks.</summary>
public sealed class FeatureSetTransferTests
{
    [Fact]
    public async Task A_worker_without_the_cache_file_gets_a_byte_identical_copy_in_chunks_far_below_the_message_limit()
    {
        var chunks = new ChunkRecorder();
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions(),
            services => services.AddSingleton<IIncomingGrainCallFilter>(chunks));
        var (computer, receiver) = (cluster.Workers.First(), cluster.Workers.Last());
        var config = new ExperimentConfig { Data = new DataConfig { Path = TestPaths.Ravdess, Actors = "1" } };

        // The feature-set grain activates on the first worker (no silo has --data: any worker, here the caller's) and
        // computes the entry in that worker's cache folder.
        var grain = Service<IGrainFactory>(computer).GetGrain<IFeatureSetGrain>(FeatureSetGrain.KeyOf(config));
        var location = await grain.Ensure(ConfigJson.Write(config));
        Assert.Equal(computer.SiloAddress.ToParsableString(), location.Silo);
        var computed = Path.Combine(Service<SerSweepClusterOptions>(computer).CacheDir, $"{location.CacheKey}.features");

        // The second worker loads the same features through its own cache folder.
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
