using SerSweep.Audio.Dsp;
using SerSweep.Audio.Features;
using SerSweep.Audio.Wav;
using SerSweep.Core;
using SerSweep.Testing;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SerSweep.Audio.Tests;

/// <summary>Decoder, resampler, log-mel and MFCC against torchaudio 0.13.1 on the three reference files.</summary>
public class ReferenceComparisonTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-3;

    public static TheoryData<string> Files() => new(TorchaudioReference.Cases.Select(c => c.File));

    private static ReferenceCase Case(string file) => TorchaudioReference.Cases.Single(c => c.File == file);

    /// <summary>The reference JSON prints waveform samples with 6 decimals: anything within half a unit of that is equal.</summary>
    private const double JsonRounding = 0.5e-6;

    /// <summary>max |a - b| / max |b|: the error relative to the signal's scale (elementwise ratios blow up at zero crossings).</summary>
    private static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, maxRef = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
        }
        return maxDiff / maxRef;
    }

    /// <summary>max |a - b| / max(|b|, floor): elementwise, with a floor so that values near zero do not divide by ~0.</summary>
    private static double ElementwiseRelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double floor)
    {
        var max = 0.0;
        for (var i = 0; i < expected.Length; i++)
            max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]) / Math.Max(Math.Abs((double)expected[i]), floor));
        return max;
    }

    private static void AssertWithinRounding(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string what)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            var allowed = JsonRounding + Tolerance * Math.Abs(expected[i]);
            Assert.True(Math.Abs(actual[i] - expected[i]) <= allowed, $"{what}[{i}] = {actual[i]:E6}, torchaudio {expected[i]:E6}");
        }
    }

    private static float[] Flatten(float[][] rows) => rows.SelectMany(r => r).ToArray();

    [Theory]
    [MemberData(nameof(Files))]
    public void Decoded_mono_matches_torchaudio_load(string file)
    {
        var reference = Case(file);
        var audio = WavReader.Read(Path.Combine(TestPaths.Ravdess, file));

        Assert.Equal(reference.SourceSampleRate, audio.SampleRate);
        Assert.Equal(reference.Channels, audio.Channels);
        Assert.Equal(reference.SourceSamples, audio.Samples.Length);
        AssertWithinRounding(audio.Samples.AsSpan(0, 100), reference.MonoFirst100, "mono");
        Assert.Equal(reference.MonoSum, audio.Samples.Sum(x => (double)x), 1e-6);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Resampled_waveform_matches_torchaudio_resample(string file)
    {
        var reference = Case(file);
        var audio = WavReader.Read(Path.Combine(TestPaths.Ravdess, file));

        var resampled = new SincResampler(audio.SampleRate, 16000).Resample(audio.Samples);
        var direct = DirectResample(audio.Samples, audio.SampleRate, 16000);

        // The reference JSON holds only the first 2000 samples (the quiet lead-in, all zero in two files) and the
        // sum: they anchor the direct form below to torchaudio; the direct form then checks every sample, speech included.
        Assert.Equal(reference.ResampledSamples, resampled.Length);
        Assert.Equal(reference.ResampledSamples, direct.Length);
        AssertWithinRounding(Array.ConvertAll(direct[..reference.ResampledFirst2000.Length], x => (float)x), reference.ResampledFirst2000, "direct form");
        Assert.True(Math.Abs(direct.Sum() - reference.ResampledSum) / direct.Sum(Math.Abs) < Tolerance, $"direct form sum {direct.Sum()}, torchaudio {reference.ResampledSum}");
        AssertWithinRounding(resampled.AsSpan(0, reference.ResampledFirst2000.Length), reference.ResampledFirst2000, "resampled");

        var peak = direct.Max(Math.Abs);
        var worst = Enumerable.Range(0, direct.Length).MaxBy(i => Math.Abs(resampled[i] - direct[i]));
        var error = Math.Abs(resampled[worst] - direct[worst]) / peak;
        output.WriteLine($"{file}: {resampled.Length} samples, peak {peak:0.###}; worst sample {worst}: error {error:E2} of the peak");
        Assert.True(peak > 0.05, $"{file} should hold speech, peak {peak}");
        Assert.True(error < 1e-5, $"sample {worst}: {resampled[worst]:E6}, direct form {direct[worst]:E6}");
    }

    /// <summary>
    /// torchaudio.functional.resample (sinc_interp_hann, lowpass_filter_width 6, rolloff 0.99) written out directly in
    /// double precision, one output sample at a time: out[k * new + p] = sum_m kernel_p[m] * x[k * orig + m - width].
    /// </summary>
    private static double[] DirectResample(float[] x, int from, int to)
    {
        const int filterWidth = 6;
        var gcd = (int)System.Numerics.BigInteger.GreatestCommonDivisor(from, to);
        var (orig, next) = (from / gcd, to / gcd);
        var baseFreq = Math.Min(orig, next) * 0.99;
        var width = (int)Math.Ceiling(filterWidth * orig / baseFreq);
        var output = new double[(int)(((long)next * x.Length + orig - 1) / orig)];
        for (var j = 0; j < output.Length; j++)
        {
            var (block, phase) = (j / next, j % next);
            double sum = 0;
            for (var m = 0; m < 2 * width + orig; m++)
            {
                var source = block * orig + m - width;
                if (source < 0 || source >= x.Length) continue;
                var t = Math.Clamp((-(double)phase / next + (double)(m - width) / orig) * baseFreq, -filterWidth, filterWidth);
                var window = Math.Pow(Math.Cos(t * Math.PI / filterWidth / 2), 2);
                var sinc = t == 0 ? 1.0 : Math.Sin(t * Math.PI) / (t * Math.PI);
                sum += sinc * window * baseFreq / orig * x[source];
            }
            output[j] = sum;
        }
        return output;
    }

    public static TheoryData<string, FeatureKind> FilesAndKinds()
    {
        var data = new TheoryData<string, FeatureKind>();
        foreach (var file in TorchaudioReference.Cases.Select(c => c.File))
        {
            data.Add(file, FeatureKind.LogMel);
            data.Add(file, FeatureKind.Mfcc);
        }
        return data;
    }

    /// <summary>Log-mel = log(mel + 1e-6); MFCC = torchaudio.transforms.MFCC (DCT-II ortho of dB mels, top_db 80).</summary>
    [Theory]
    [MemberData(nameof(FilesAndKinds))]
    public void Features_match_torchaudio(string file, FeatureKind kind)
    {
        var reference = Case(file);
        var expectedRows = kind == FeatureKind.Mfcc ? reference.Mfcc : reference.LogMel;
        var config = TorchaudioReference.Config(kind);
        var waveform = Resampled(file, config);
        using var extractor = new FeatureExtractor(config);
        using var wave = tensor(waveform, [1, waveform.Length]);

        using var features = kind == FeatureKind.Mfcc ? extractor.Mfcc(wave) : extractor.LogMel(wave);

        Assert.Equal([1L, expectedRows.Length, expectedRows[0].Length], features.shape);
        var actual = features.data<float>().ToArray();
        var expected = Flatten(expectedRows);
        var error = RelativeError(actual, expected);
        var elementwise = ElementwiseRelativeError(actual, expected, 1.0);
        output.WriteLine($"{file}: {kind} {features.shape[1]}x{features.shape[2]}: max rel error {error:E2} (max abs / max |ref|), elementwise (|ref| floored at 1) {elementwise:E2}");
        Assert.True(error < Tolerance, $"{kind} max rel error {error:E2}");
        Assert.True(elementwise < Tolerance, $"{kind} elementwise rel error {elementwise:E2}");
    }

    /// <summary>
    /// The default config is the peers' pipeline (3 s clip, 300 frames): the single-file path gives the reference
    /// log-mel's frames except the last few, whose STFT window reaches past the 3 s crop.
    /// </summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Default_pipeline_on_one_file_gives_the_reference_frames_of_a_3_second_clip(string file)
    {
        var reference = Case(file);

        var (features, shape, waveform) = FeaturePipeline.ExtractFile(Path.Combine(TestPaths.Ravdess, file), new FeatureConfig());

        Assert.Equal([1, 64, 300], shape);
        Assert.Equal(48000, waveform.Length);
        const int frames = 300 - 2; // frame t spans samples 160t - 256 .. 160t + 255; it must end before 48000.
        var actual = Enumerable.Range(0, 64).SelectMany(m => features.AsSpan(m * 300, frames).ToArray()).ToArray();
        var expected = reference.LogMel.SelectMany(row => row[..frames]).ToArray();
        var error = RelativeError(actual, expected);
        output.WriteLine($"{file}: default pipeline, first {frames} frames: max rel error {error:E2}");
        Assert.True(error < Tolerance, $"max rel error {error:E2}");
    }

    private static float[] Resampled(string file, FeatureConfig config)
    {
        var audio = WavReader.Read(Path.Combine(TestPaths.Ravdess, file));
        return new SincResampler(audio.SampleRate, config.SampleRate).Resample(audio.Samples);
    }
}
