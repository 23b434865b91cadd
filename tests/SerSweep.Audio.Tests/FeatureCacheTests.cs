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
        Assert.Equal(6 * 48000, set.Waveforms.Length);
        Assert.All(set.Data.ToArray(), x => Assert.True(float.IsFinite(x)));
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
        Assert.Equal(first.Features.Data.ToArray(), second.Features.Data.ToArray());
        Assert.Equal(first.Features.Waveforms.ToArray(), third.Features.Waveforms.ToArray());
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

    [Fact]
    public void The_key_names_the_build_of_the_feature_code()
    {
        var config = new FeatureConfig();
        var audioBuild = typeof(FeatureExtractor).Assembly.ManifestModule.ModuleVersionId.ToString();

        Assert.StartsWith(audioBuild + "/torchsharp-", FeatureCache.CodeIdentity);
        Assert.Equal(FeatureCache.Key("fingerprint", config), FeatureCache.Key("fingerprint", config, FeatureCache.CodeIdentity));
        Assert.NotEqual(FeatureCache.Key("fingerprint", config), FeatureCache.Key("fingerprint", config, "another build"));
    }

    [Fact]
    public void A_reload_reads_no_audio_and_a_touched_file_with_the_same_content_keeps_the_key()
    {
        var root = WrittenAnHourAgo(RavdessSubset.Create());
        var cache = new FeatureCache(TestPaths.NewTempDir());
        var first = cache.GetOrCompute(Data(root), new FeatureConfig());
        var hashedByFirst = cache.FilesHashed;

        var reload = cache.GetOrCompute(Data(root), new FeatureConfig());
        var hashedByReload = cache.FilesHashed - hashedByFirst;
        File.SetLastWriteTimeUtc(Path.Combine(root, RavdessSubset.Files[2]), DateTime.UtcNow.AddMinutes(-5)); // touched
        var afterTouch = cache.GetOrCompute(Data(root), new FeatureConfig());
        var hashedAfterTouch = cache.FilesHashed - hashedByFirst - hashedByReload;

        Assert.Equal(6, hashedByFirst);
        Assert.Equal(0, hashedByReload);
        Assert.Equal(1, hashedAfterTouch);
        Assert.False(reload.Computed);
        Assert.False(afterTouch.Computed);
        Assert.Equal(first.Features.CacheKey, afterTouch.Features.CacheKey);
        Assert.Equal(1, cache.Computations);
    }

    [Fact]
    public void A_file_with_the_same_size_and_write_time_under_another_path_is_hashed_not_assumed()
    {
        var original = WrittenAnHourAgo(RavdessSubset.Create());
        var copy = WrittenAnHourAgo(RavdessSubset.Create());
        var edited = Path.Combine(copy, RavdessSubset.Files[3]);
        var writtenAt = File.GetLastWriteTimeUtc(Path.Combine(original, RavdessSubset.Files[3]));
        var bytes = File.ReadAllBytes(edited);
        bytes[^2] ^= 0x01; // same size
        File.WriteAllBytes(edited, bytes);
        File.SetLastWriteTimeUtc(edited, writtenAt);
        var cache = new FeatureCache(TestPaths.NewTempDir());

        var first = cache.GetOrCompute(Data(original), new FeatureConfig());
        var second = cache.GetOrCompute(Data(copy), new FeatureConfig());

        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(edited));
        Assert.Equal(12, cache.FilesHashed);
        Assert.True(second.Computed);
        Assert.NotEqual(first.Features.CacheKey, second.Features.CacheKey);
    }

    [Fact]
    public void An_edit_that_keeps_size_and_write_time_right_after_hashing_is_still_detected()
    {
        var root = RavdessSubset.Create();
        var file = Path.Combine(root, RavdessSubset.Files[4]);
        var writtenAt = DateTime.UtcNow; // just written: inside the manifest's racy window when hashed below
        File.SetLastWriteTimeUtc(file, writtenAt);
        var cache = new FeatureCache(TestPaths.NewTempDir());
        var first = cache.GetOrCompute(Data(root), new FeatureConfig());

        var bytes = File.ReadAllBytes(file);
        bytes[^2] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        File.SetLastWriteTimeUtc(file, writtenAt); // an edit within the same timestamp tick looks like this
        var second = cache.GetOrCompute(Data(root), new FeatureConfig());

        Assert.True(second.Computed);
        Assert.NotEqual(first.Features.CacheKey, second.Features.CacheKey);
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
        Assert.Equal(first.Features.Data.ToArray(), second.Features.Data.ToArray());
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
        Assert.All(results, r => Assert.Equal(results[0].Features.Data.ToArray(), r.Features.Data.ToArray()));
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

    /// <summary>Dates every file of <paramref name="root"/> an hour back: outside the manifest's racy window, like settled data.</summary>
    private static string WrittenAnHourAgo(string root)
    {
        var hourAgo = DateTime.UtcNow.AddHours(-1);
        foreach (var file in Directory.EnumerateFiles(root, "*.wav", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(file, hourAgo);
        return root;
    }

    [Fact]
    public void The_blob_is_checked_again_only_when_the_file_changed_since_it_last_passed()
    {
        var path = OldCacheFile();

        var first = FeatureCacheFile.TryRead(path, out _);
        var second = FeatureCacheFile.TryRead(path, out _);
        var bytes = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);
        File.WriteAllBytes(path, Flip(bytes, bytes.Length - 1000));
        File.SetLastWriteTimeUtc(path, written.AddSeconds(1)); // the rewrite's stamp differs, however coarse the clock
        var flipped = FeatureCacheFile.TryRead(path, out var reason);

        Assert.True(first!.Value.BlobChecked);
        Assert.False(second!.Value.BlobChecked);
        Assert.Null(flipped);
        Assert.Contains("checksum", reason);
    }

    [Fact]
    public void A_rewrite_that_keeps_the_size_and_the_times_is_trusted_as_make_would_trust_it()
    {
        var path = OldCacheFile();
        Assert.True(FeatureCacheFile.TryRead(path, out _)!.Value.BlobChecked);
        var bytes = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);

        File.WriteAllBytes(path, Flip(bytes, bytes.Length - 1000));
        File.SetLastWriteTimeUtc(path, written);
        var reread = FeatureCacheFile.TryRead(path, out _);

        Assert.NotNull(reread);
        Assert.False(reread.Value.BlobChecked);
    }

    [Fact]
    public void A_check_right_after_the_write_is_not_trusted_for_the_next_load()
    {
        var root = RavdessSubset.Create();
        var path = new FeatureCache(TestPaths.NewTempDir()).GetOrCompute(Data(root), new FeatureConfig()).CachePath;
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // written "now": a same-tick rewrite could follow

        Assert.True(FeatureCacheFile.TryRead(path, out _)!.Value.BlobChecked);
        Assert.True(FeatureCacheFile.TryRead(path, out _)!.Value.BlobChecked);
    }

    /// <summary>A computed cache file last written a minute ago, as any is a little while after its sweep started.</summary>
    private static string OldCacheFile()
    {
        var root = RavdessSubset.Create();
        var path = new FeatureCache(TestPaths.NewTempDir()).GetOrCompute(Data(root), new FeatureConfig()).CachePath;
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1));
        return path;
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x40;
        return copy;
    }
}
