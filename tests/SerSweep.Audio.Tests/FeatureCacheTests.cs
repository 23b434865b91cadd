using SerSweep.Audio.Cache;
using SerSweep.Audio.Features;
using SerSweep.Core;
using SerSweep.Testing;

namespace SerSweep.Audio.Tests;

public class FeatureCacheTests
{
    private static DataConfig Data(string root, string actors = "1,2,4") => new() { Path = root, Actors = actors };

    [Fact]
    public void First_call_computes_features_and_clips_of_every_file()
    {
        var root = RavdessSubset.Create();
        var cache = new FeatureCache(TestPaths.NewTempDir());

        var result = cache.GetOrCompute(Data(root), new FeatureConfig());

        Assert.True(result.Computed);
        Assert.Equal(1, cache.Computations);
        var set = result.Features;
        Assert.Equal([6, 1, 64, 300], set.Shape);
        Assert.Equal(6 * 64 * 300, set.Data.Length);
        Assert.Equal(RavdessSubset.Files, set.Files);
        Assert.Equal([Emotion.Neutral, Emotion.Angry, Emotion.Surprised, Emotion.Happy, Emotion.Sad, Emotion.Sad], set.Labels);
        Assert.Equal([1, 1, 1, 2, 2, 4], set.Actors);
        Assert.Equal(48000, set.WaveformLength);
        Assert.Equal(6 * 48000, set.Waveforms!.Length);
        Assert.All(set.Data, x => Assert.True(float.IsFinite(x)));
        Assert.Equal(Path.Combine(cache.Directory, set.CacheKey + ".features"), result.CachePath);
        Assert.InRange(result.AudioSeconds, 6 * 3.0, 6 * 5.0);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Second_call_loads_without_computing_and_gives_identical_data()
    {
        var root = RavdessSubset.Create();
        var dir = TestPaths.NewTempDir();
        var cache = new FeatureCache(dir);
        var first = cache.GetOrCompute(Data(root), new FeatureConfig());
        var progressReports = 0;

        var second = cache.GetOrCompute(Data(root), new FeatureConfig(), new Progress<FeatureProgress>(_ => progressReports++));
        var otherInstance = new FeatureCache(dir);
        var third = otherInstance.GetOrCompute(Data(root), new FeatureConfig());

        Assert.False(second.Computed);
        Assert.False(third.Computed);
        Assert.Equal(1, cache.Computations);
        Assert.Equal(0, otherInstance.Computations);
        Assert.Equal(0, progressReports);
        Assert.Equal(first.Features.CacheKey, second.Features.CacheKey);
        Assert.Equal(first.Features.Data, second.Features.Data);
        Assert.Equal(first.Features.Waveforms, third.Features.Waveforms);
        Assert.Equal(first.Features.Files, third.Features.Files);
        Assert.Equal(first.Features.Labels, third.Features.Labels);
    }

    [Fact]
    public void A_changed_config_or_a_changed_file_changes_the_key_but_augmentation_does_not()
    {
        var root = RavdessSubset.Create();
        var cache = new FeatureCache(TestPaths.NewTempDir());
        var baseline = cache.GetOrCompute(Data(root), new FeatureConfig()).Features.CacheKey;

        var mfcc = cache.GetOrCompute(Data(root), new FeatureConfig { Kind = FeatureKind.Mfcc });
        var augmented = cache.GetOrCompute(Data(root), new FeatureConfig { Augment = new AugmentConfig { TimeMasks = 2 } });
        var file = Path.Combine(root, RavdessSubset.Files[3]);
        var bytes = File.ReadAllBytes(file);
        bytes[^2] ^= 0x01; // one audio sample, same size
        File.WriteAllBytes(file, bytes);
        var edited = cache.GetOrCompute(Data(root), new FeatureConfig());

        Assert.True(mfcc.Computed);
        Assert.Equal([6, 1, 40, 300], mfcc.Features.Shape);
        Assert.NotEqual(baseline, mfcc.Features.CacheKey);
        Assert.False(augmented.Computed);
        Assert.Equal(baseline, augmented.Features.CacheKey);
        Assert.True(edited.Computed);
        Assert.NotEqual(baseline, edited.Features.CacheKey);
        Assert.Equal(3, cache.Computations);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("bit flipped")]
    [InlineData("empty")]
    public void A_damaged_cache_file_is_detected_and_rebuilt(string damage)
    {
        var root = RavdessSubset.Create();
        var cache = new FeatureCache(TestPaths.NewTempDir());
        var first = cache.GetOrCompute(Data(root), new FeatureConfig());
        var bytes = File.ReadAllBytes(first.CachePath);
        File.WriteAllBytes(first.CachePath, damage switch
        {
            "truncated" => bytes[..(bytes.Length / 2)],
            "bit flipped" => Flip(bytes, bytes.Length - 1000),
            _ => [],
        });
        Assert.Null(FeatureCacheFile.TryRead(first.CachePath, out var reason));
        Assert.NotNull(reason);

        var second = cache.GetOrCompute(Data(root), new FeatureConfig());

        Assert.True(second.Computed);
        Assert.Equal(2, cache.Computations);
        Assert.Equal(first.Features.Data, second.Features.Data);
        Assert.Equal(bytes.Length, new FileInfo(first.CachePath).Length);
        Assert.NotNull(FeatureCacheFile.TryRead(first.CachePath, out _));
    }

    [Fact]
    public void Concurrent_callers_compute_once()
    {
        var root = RavdessSubset.Create();
        var dir = TestPaths.NewTempDir();
        var caches = Enumerable.Range(0, 3).Select(_ => new FeatureCache(dir)).ToArray();

        var results = caches.AsParallel().WithDegreeOfParallelism(3).Select(c => c.GetOrCompute(Data(root), new FeatureConfig())).ToArray();

        Assert.Equal(1, caches.Sum(c => c.Computations));
        Assert.Single(results, r => r.Computed);
        Assert.All(results, r => Assert.Equal(results[0].Features.Data, r.Features.Data));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
    }

    [Fact]
    public void Undecodable_files_are_reported_and_left_out()
    {
        var root = RavdessSubset.Create();
        var broken = Path.Combine(root, RavdessSubset.Files[1]);
        File.WriteAllBytes(broken, File.ReadAllBytes(broken)[..40]);

        var result = new FeatureCache(TestPaths.NewTempDir()).GetOrCompute(Data(root, actors: "1-4"), new FeatureConfig());

        Assert.Equal(5, result.Features.Count);
        Assert.DoesNotContain(RavdessSubset.Files[1], result.Features.Files);
        Assert.Contains(result.Problems, p => p.Path == RavdessSubset.Files[1] && p.Reason.Contains("chunk"));
        Assert.Contains(result.Problems, p => p.Path.EndsWith("Actor_03") && p.Reason.Contains("missing"));
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x40;
        return copy;
    }
}
