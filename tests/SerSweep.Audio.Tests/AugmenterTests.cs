using SerSweep.Audio.Augment;
using SerSweep.Audio.Features;
using SerSweep.Core;
using SerSweep.Testing;

namespace SerSweep.Audio.Tests;

public class AugmenterTests
{
    private static float[] RealClips(int count, out int length)
    {
        var batch = FeaturePipeline.Compute(RavdessSubset.Files.Take(count).Select(f => Path.Combine(TestPaths.Ravdess, f)).ToArray(), new FeatureConfig());
        length = batch.ClipSamples;
        return batch.Clips;
    }

    [Fact]
    public void Same_seed_same_result_other_seed_other_result()
    {
        var config = new AugmentConfig { NoiseSnrDb = 10, TimeShiftSeconds = 0.3, SpeedFactors = [0.9, 1.1], FreqMasks = 2, TimeMasks = 2 };
        var clips = RealClips(2, out var length);
        float[] Run(int seed)
        {
            var copy = (float[])clips.Clone();
            new Augmenter(config, 16000, seed).AugmentWaveforms(copy, 2, length);
            return copy;
        }

        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
        Assert.NotEqual(clips, Run(7));
    }

    [Fact]
    public void Noise_is_added_at_the_requested_snr()
    {
        var clips = RealClips(1, out var length);
        var noisy = (float[])clips.Clone();

        new Augmenter(new AugmentConfig { NoiseSnrDb = 10 }, 16000, 1).AugmentWaveforms(noisy, 1, length);

        var signal = clips.Sum(x => (double)x * x);
        var noise = clips.Zip(noisy, (a, b) => (double)(b - a) * (b - a)).Sum();
        Assert.InRange(10 * Math.Log10(signal / noise), 9.8, 10.2);
    }

    [Fact]
    public void Time_shift_rotates_the_clip()
    {
        var clips = RealClips(1, out var length);
        var shifted = (float[])clips.Clone();

        new Augmenter(new AugmentConfig { TimeShiftSeconds = 0.5 }, 16000, 3).AugmentWaveforms(shifted, 1, length);

        var shift = Enumerable.Range(-8000, 16001).Single(s => Enumerable.Range(0, 200).All(i => shifted[((i + s) % length + length) % length] == clips[i]));
        Assert.NotEqual(0, shift);
        Assert.Equal(clips.Order(), shifted.Order());
    }

    [Fact]
    public void Speed_factor_above_one_compresses_the_clip_in_time()
    {
        var clips = RealClips(1, out var length);
        var faster = (float[])clips.Clone();

        new Augmenter(new AugmentConfig { SpeedFactors = [1.25] }, 16000, 1).AugmentWaveforms(faster, 1, length);

        // Sample 1.25 t of the original is now at t: compare a stretch in the middle of the speech.
        var expected = Enumerable.Range(12000, 200).Select(t => clips[(int)(t * 1.25)]).ToArray();
        var actual = faster.AsSpan(12000, 200).ToArray();
        var peak = clips.Max(Math.Abs);
        Assert.True(expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) < 0.1 * peak));
        Assert.All(faster.AsSpan((int)(length / 1.25) + 50).ToArray(), x => Assert.Equal(0f, x)); // the tail is padding
    }

    [Fact]
    public void SpecAugment_zeroes_whole_bands_and_frame_spans_within_the_widths()
    {
        // One band of 0..8 mel rows and one span of 0..20 frames per item, each width uniform and each start uniform
        // (torchaudio's masking). Over 400 items every width turns up (a missing one has odds below 1e-8) and masks
        // land in both halves of each axis.
        const int items = 400, height = 64, width = 300, freqWidth = 8, timeWidth = 20;
        int[] shape = [items, 1, height, width];
        var features = Enumerable.Repeat(1f, items * height * width).ToArray();

        new Augmenter(new AugmentConfig { FreqMasks = 1, FreqMaskWidth = freqWidth, TimeMasks = 1, TimeMaskWidth = timeWidth }, 16000, 5).MaskFeatures(features, shape);

        var bandWidths = new HashSet<int>();
        var spanWidths = new HashSet<int>();
        var bandStarts = new List<int>();
        var spanStarts = new List<int>();
        for (var i = 0; i < items; i++)
        {
            var item = features.AsSpan(i * height * width, height * width).ToArray();
            var zeroRows = Enumerable.Range(0, height).Where(r => item.Skip(r * width).Take(width).All(x => x == 0)).ToList();
            var zeroColumns = Enumerable.Range(0, width).Where(c => Enumerable.Range(0, height).All(r => item[r * width + c] == 0)).ToList();
            Assert.True(zeroRows.Count == 0 || zeroRows[^1] - zeroRows[0] == zeroRows.Count - 1, $"item {i}: masked rows are not one band: {string.Join(",", zeroRows)}");
            Assert.True(zeroColumns.Count == 0 || zeroColumns[^1] - zeroColumns[0] == zeroColumns.Count - 1, $"item {i}: masked frames are not one span");
            Assert.InRange(zeroRows.Count, 0, freqWidth);
            Assert.InRange(zeroColumns.Count, 0, timeWidth);
            // Nothing but the band and the span is zeroed.
            Assert.Equal(item.Count(x => x == 0), zeroRows.Count * width + zeroColumns.Count * height - zeroRows.Count * zeroColumns.Count);
            bandWidths.Add(zeroRows.Count);
            spanWidths.Add(zeroColumns.Count);
            if (zeroRows.Count > 0) bandStarts.Add(zeroRows[0]);
            if (zeroColumns.Count > 0) spanStarts.Add(zeroColumns[0]);
        }
        Assert.Equal(Enumerable.Range(0, freqWidth + 1), bandWidths.Order());
        Assert.Equal(Enumerable.Range(0, timeWidth + 1), spanWidths.Order());
        Assert.Contains(bandStarts, r => r < height / 2);
        Assert.Contains(bandStarts, r => r >= height / 2);
        Assert.Contains(spanStarts, c => c < width / 2);
        Assert.Contains(spanStarts, c => c >= width / 2);
    }
}
