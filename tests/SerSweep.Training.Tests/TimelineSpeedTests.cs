using System.Diagnostics;
using SerSweep.Audio.Decoding;
using SerSweep.Audio.Dsp;
using SerSweep.Audio.Features;
using SerSweep.Audio.Wav;
using SerSweep.Testing;
using SerSweep.Training.Timelines;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

/// <summary>
/// The timeline's fast path (the recording read and resampled piece by piece, the windows' features sliced from one
/// table of STFT frames, batches on every core) against the plain one (the whole file decoded and resampled at once,
/// each window cut out and featurised on its own), on a real recording written here: Actor_01's files back to back
/// with 1 s of digital silence after each.
/// </summary>
[Collection(SerialCollection.Name)]
public class TimelineSpeedTests
{
    private const int Rate = 48_000;

    /// <summary>Actor_01's first <paramref name="files"/> files (48 kHz mono), each followed by 1 s of zeros, as one 16-bit WAV.</summary>
    private static string Recording(int files, int repeats = 1)
    {
        var pieces = Directory.GetFiles(Path.Combine(TestPaths.Ravdess, "Actor_01"), "*.wav").Order().Take(files)
            .Select(f => WavReader.Read(f)).Where(a => a.SampleRate == Rate && a.Channels == 1)
            .SelectMany(a => new[] { a.Samples, new float[Rate] }).ToArray();
        var samples = Enumerable.Repeat(pieces, repeats).SelectMany(p => p).SelectMany(p => p).ToArray();
        var path = Path.Combine(TestPaths.NewTempDir(), "recording.wav");
        TestWav.Write16(path, samples, Rate);
        return path;
    }

    private static async Task<Predictor> SmallModelAsync()
    {
        var bundlePath = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        await Trainer.RunAsync(new TrainingRequest { Config = RealFeatures.SmallConfig(epochs: 2), Features = RealFeatures.Actors1To4, BundlePath = bundlePath });
        return Predictor.Load(bundlePath);
    }

    [Fact]
    public async Task Shared_frames_give_every_window_the_probabilities_of_its_own_features_within_1e_4()
    {
        using var predictor = await SmallModelAsync();
        var path = Recording(files: 24);
        // The piecewise read equals resampling the whole decoded file (float rounding aside: kernel blocks group differently).
        var samples = AudioFile.ReadResampled(path, 16_000);
        var whole = new SincResampler(Rate, 16_000).Resample(WavReader.Read(path).Samples);
        Assert.Equal(whole.Length, samples.Length);
        Assert.True(whole.Zip(samples).Max(p => Math.Abs(p.First - p.Second)) < 1e-6);

        // The envelope drawn under the timeline: each column's lowest and highest sample, at most 1 000 columns.
        var envelope = Timeline.Build(predictor, samples, new TimelineOptions()).Envelope;
        var perColumn = (int)Math.Round(envelope.ColumnSeconds * 16_000);
        var columns = samples.Chunk(perColumn).ToArray();
        Assert.InRange(columns.Length, 900, TimelineEnvelope.Columns);
        Assert.Equal(columns.Select(c => c.Min()), envelope.Min);
        Assert.Equal(columns.Select(c => c.Max()), envelope.Max);

        using var extractor = new FeatureExtractor(predictor.Bundle.Config.Features);
        // Hops of 0.5 s and 0.2 s are whole numbers of the model's 320-sample hop: the fast path applies (0.25 s is not).
        foreach (var hop in new[] { 0.5, 0.2 })
        {
            Assert.True(WindowFeatures.Applies(extractor, (int)(hop * 16_000)));
            var options = new TimelineOptions { HopSeconds = hop };
            var fast = Timeline.Build(predictor, samples, options, sharedFrames: true);
            var plain = Timeline.Build(predictor, whole, options, sharedFrames: false);
            Assert.Equal(plain.Windows.Count, fast.Windows.Count);
            Assert.True(plain.Windows.Count(w => !w.Silence) > 60, $"{plain.Windows.Count(w => !w.Silence)} speech windows");
            var largest = 0.0;
            foreach (var (f, p) in fast.Windows.Zip(plain.Windows))
            {
                Assert.Equal(p.Silence, f.Silence);
                if (p.Probabilities is null) continue;
                largest = Math.Max(largest, f.Probabilities!.Zip(p.Probabilities).Max(x => Math.Abs(x.First - x.Second)));
            }
            Console.WriteLine($"hop {hop} s: largest probability difference {largest:0.0e0} over {fast.Windows.Count} windows");
            Assert.True(largest <= 1e-4, $"hop {hop} s: probabilities differ by up to {largest}");
            Assert.Equal(plain.Segments.Select(s => (s.Start, s.End, s.Label)), fast.Segments.Select(s => (s.Start, s.End, s.Label)));
        }
    }

    [Fact]
    public async Task A_long_timeline_leaks_no_tensor_and_its_memory_stays_flat_across_runs()
    {
        using var predictor = await SmallModelAsync();
        // About 10 minutes: Actor_01's 60 files, twice.
        var path = Recording(files: 60, repeats: 2);
        var managed = new List<long>();
        var native = new List<long>();
        var tensors = new List<long>();
        for (var run = 0; run < 8; run++)
        {
            var seconds = Timeline.FromFile(predictor, path, new TimelineOptions()).Seconds;
            Assert.True(seconds > 500, $"{seconds} s");
            // Managed: what is still reachable after a full collection (the run's recording and tables are not).
            // Native: the resident set minus what the GC has committed, as MemoryTests measures it.
            managed.Add(GC.GetTotalMemory(forceFullCollection: true));
            using var process = Process.GetCurrentProcess();
            native.Add(process.WorkingSet64 - GC.GetGCMemoryInfo().TotalCommittedBytes);
            tensors.Add(Tensor.TotalCount);
        }
        string Shown(List<long> bytes) => string.Join(", ", bytes.Select(b => b / 1_000_000));
        Console.WriteLine($"after each run: managed {Shown(managed)} MB, native {Shown(native)} MB, live tensors {string.Join(", ", tensors)}");
        // Every tensor of every batch is disposed: the live count never rises above the first run's.
        Assert.True(tensors.Max() <= tensors[0], $"live tensors after each run: {string.Join(", ", tensors)}");
        // After the first run has warmed the allocators, a run leaves memory where it was. 1 200 windows a run: keeping
        // one window's features (19 KB) per window would add 23 MB a run; its clip (190 KB) 230. Managed memory is
        // what is reachable, so it is compared directly; the resident set moves in steps of the allocators' arenas
        // (536, 378, 445, 445 MB in one run), so native memory is judged by its trend over runs 2-8, as MemoryTests does.
        var managedMb = (managed[^1] - managed[1]) / 1e6;
        Assert.True(managedMb < 20, $"managed memory grew {managedMb:0} MB over runs 2-8: {Shown(managed)}");
        var nativeSlope = MemoryTrend.SlopeMb(native, first: 1);
        Assert.True(nativeSlope < 10, $"native memory grows {nativeSlope:0.0} MB per run (Theil-Sen, runs 2-8): {Shown(native)}");
    }
}
