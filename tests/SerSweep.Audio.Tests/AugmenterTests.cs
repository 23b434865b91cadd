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
        int[] shape = [3, 1, 64, 300];
        var features = Enumerable.Repeat(1f, 3 * 64 * 300).ToArray();

        new Augmenter(new AugmentConfig { FreqMasks = 1, FreqMaskWidth = 8, TimeMasks = 1, TimeMaskWidth = 20 }, 16000, 5).MaskFeatures(features, shape);

        for (var i = 0; i < 3; i++)
        {
            var item = features.AsSpan(i * 64 * 300, 64 * 300).ToArray();
            var zeroRows = Enumerable.Range(0, 64).Count(r => item.Skip(r * 300).Take(300).All(x => x == 0));
            var zeroColumns = Enumerable.Range(0, 300).Count(c => Enumerable.Range(0, 64).All(r => item[r * 300 + c] == 0));
            Assert.InRange(zeroRows, 0, 8);
            Assert.InRange(zeroColumns, 0, 20);
            Assert.Equal(item.Count(x => x == 0), zeroRows * 300 + zeroColumns * 64 - zeroRows * zeroColumns);
        }
        Assert.Contains(0f, features);
    }
}
