using SerSweep.Audio.Features;
using SerSweep.Core;
using SerSweep.Testing;

namespace SerSweep.Audio.Tests;

public class FeaturePipelineTests
{
    private static string[] Paths => RavdessSubset.Files.Select(f => Path.Combine(TestPaths.Ravdess, f)).ToArray();

    [Fact]
    public void Features_of_clips_in_memory_equal_the_file_pipeline()
    {
        var config = new FeatureConfig { Kind = FeatureKind.Mfcc, Normalize = Normalization.Utterance };
        var batch = FeaturePipeline.Compute(Paths, config);
        using var extractor = new FeatureExtractor(config);

        var again = FeaturePipeline.Extract(extractor, batch.Clips, Paths.Length);

        Assert.Equal([1, 40, 300], batch.ItemShape);
        Assert.All(batch.Outcomes, o => Assert.Null(o.Error));
        Assert.Equal(batch.Features, again);
    }

    [Fact]
    public void Utterance_normalisation_gives_zero_mean_unit_std_per_item()
    {
        var batch = FeaturePipeline.Compute(Paths, new FeatureConfig { Normalize = Normalization.Utterance });

        var itemLength = 64 * 300;
        for (var i = 0; i < Paths.Length; i++)
        {
            var item = batch.Features.AsSpan(i * itemLength, itemLength).ToArray();
            var mean = item.Average(x => (double)x);
            var std = Math.Sqrt(item.Sum(x => (x - mean) * (x - mean)) / (itemLength - 1));
            Assert.InRange(mean, -1e-4, 1e-4);
            Assert.InRange(std, 0.999, 1.001);
        }
    }

    [Fact]
    public void Offset_and_clip_length_select_the_samples_and_frames()
    {
        var path = Paths[1];
        var plain = FeaturePipeline.ExtractFile(path, new FeatureConfig { ClipSeconds = 2.0 });
        var offset = FeaturePipeline.ExtractFile(path, new FeatureConfig { ClipSeconds = 1.0, OffsetSeconds = 0.5 });

        Assert.Equal([1, 64, 200], plain.Shape);
        Assert.Equal([1, 64, 100], offset.Shape);
        Assert.Equal(plain.Waveform.AsSpan(8000, 16000).ToArray(), offset.Waveform);
    }

    [Fact]
    public void Trimming_silence_drops_the_quiet_lead_in()
    {
        var path = Paths[1];
        var plain = FeaturePipeline.ExtractFile(path, new FeatureConfig()).Waveform;
        var trimmed = FeaturePipeline.ExtractFile(path, new FeatureConfig { TrimSilence = true, TrimDb = 30 }).Waveform;

        // RAVDESS files start with about half a second of near silence: trimming moves speech to the front.
        static double Energy(float[] w, int from, int count) => w.AsSpan(from, count).ToArray().Sum(x => (double)x * x);
        Assert.True(Energy(trimmed, 0, 4000) > 10 * Energy(plain, 0, 4000),
            $"first 0.25 s energy: trimmed {Energy(trimmed, 0, 4000):E2}, plain {Energy(plain, 0, 4000):E2}");
        var start = Enumerable.Range(0, plain.Length - 4000).First(i => plain.AsSpan(i, 4000).SequenceEqual(trimmed.AsSpan(0, 4000)));
        Assert.InRange(start, 1600, 24000);
    }

    [Fact]
    public void Invalid_feature_settings_name_the_field()
    {
        var e = Assert.Throws<ArgumentException>(() => FeaturePipeline.Compute(Paths, new FeatureConfig { WinLength = 1024 }));

        Assert.Contains("features.win_length = 1024", e.Message);
    }
}
