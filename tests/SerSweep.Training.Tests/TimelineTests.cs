using SerSweep.Audio.Dsp;
using SerSweep.Audio.Wav;
using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training.Timelines;

namespace SerSweep.Training.Tests;

/// <summary>
/// Timelines over a real recording written here: three trimmed RAVDESS utterances of different emotions, each
/// followed by 2 s of digital silence, as one 48 kHz 16-bit WAV. The truth (which emotion, where the silences are) comes
/// from how the file was assembled (2 s of silence also leads), not from the timeline code.
/// </summary>
[Collection(SerialCollection.Name)]
public class TimelineTests
{
    private const double GapSeconds = 2.0;
    private const int Rate = 48_000; // RAVDESS's, and the recording's

    [Fact]
    public async Task A_timeline_finds_three_emotions_in_order_and_the_silences_between_them_within_one_hop()
    {
        var bundlePath = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        var outcome = await Trainer.RunAsync(new TrainingRequest { Config = RealFeatures.SmallConfig(epochs: 12), Features = RealFeatures.Actors1To4, BundlePath = bundlePath });
        Assert.Equal(TrialState.Completed, outcome.Status);
        using var predictor = Predictor.Load(bundlePath);

        // Three utterances of different emotions that the model labels right, and most confidently, on their own: the
        // files the model classifies right (the 5 most confident of each emotion) are trimmed of their leading and
        // trailing silence (frames 20 dB below the peak) and judged between two gaps, as they will sit in the recording.
        // The file-level prediction alone is not enough: a timeline's windows see the trimmed utterance at other
        // offsets, and on some CPUs (other oneDNN kernels, other rounding) a close file then splits into two labels.
        var gap = (int)(GapSeconds * Rate);
        var options = new TimelineOptions { HopSeconds = 0.25 };
        var files = RealFeatures.Actors1To4.Files.Select(f => Path.Combine(TestPaths.Ravdess, f)).ToArray();
        var predictions = predictor.PredictFiles(files);
        var chosen = files.Zip(RealFeatures.Actors1To4.Labels, predictions)
            .Where(f => f.Third.Emotion == f.Second)
            .GroupBy(f => f.Second)
            .Select(g => g.OrderByDescending(f => f.Third.Probabilities[f.Second]).Take(5)
                .Select(f => Trimmed(f.First))
                .Select(samples => (Emotion: g.Key, Samples: samples, Confidence: AloneConfidence(predictor, samples, g.Key, gap, options)))
                .MaxBy(u => u.Confidence))
            .Where(u => u.Confidence > 0)
            .OrderByDescending(u => u.Confidence)
            .Take(3).Select(u => (u.Emotion, u.Samples)).ToArray();
        Assert.Equal(3, chosen.Length);

        // The recording: 2 s of zeros, then each utterance followed by 2 s of zeros, so the silences' true extents are
        // known to the sample.
        var pieces = new List<float[]> { new float[gap] };
        var truth = new List<(string Label, double Start, double End)> { ("silence", 0, GapSeconds) };
        var at = gap;
        foreach (var (emotion, samples) in chosen)
        {
            pieces.Add(samples);
            pieces.Add(new float[gap]);
            truth.Add((emotion.Name(), (double)at / Rate, (double)(at + samples.Length) / Rate));
            truth.Add(("silence", (double)(at + samples.Length) / Rate, (double)(at + samples.Length + gap) / Rate));
            at += samples.Length + gap;
        }
        var recording = Path.Combine(TestPaths.NewTempDir(), "session.wav");
        TestWav.Write16(recording, pieces.SelectMany(p => p).ToArray(), Rate);

        var timeline = Timeline.FromFile(predictor, recording, options);

        // Resampled to the model's 16 kHz: the length rounds up to whole output samples.
        Assert.InRange(timeline.Seconds, (double)at / Rate, (double)at / Rate + 1.0 / 16_000);
        Assert.Equal(options.HopSeconds, timeline.HopSeconds);
        Assert.Equal((int)Math.Ceiling(timeline.Seconds / options.HopSeconds), timeline.Windows.Count);
        var found = timeline.Segments.Select(s => s.Label).ToArray();
        Assert.True(truth.Select(t => t.Label).SequenceEqual(found), $"expected [{string.Join(", ", truth.Select(t => t.Label))}], got {Describe(timeline)}");
        foreach (var (segment, (label, start, end)) in timeline.Segments.Zip(truth))
        {
            Assert.True(Math.Abs(segment.Start - start) <= options.HopSeconds, $"{label} starts at {segment.Start:0.000} s, truth {start:0.000} s: {Describe(timeline)}");
            Assert.True(Math.Abs(segment.End - end) <= options.HopSeconds + 1.0 / 16_000, $"{label} ends at {segment.End:0.000} s, truth {end:0.000} s: {Describe(timeline)}");
        }
        // Segments tile the recording; silent windows carry no probabilities, speech windows a distribution.
        Assert.Equal(0, timeline.Segments[0].Start);
        Assert.Equal(timeline.Seconds, timeline.Segments[^1].End, 6);
        for (var i = 1; i < timeline.Segments.Count; i++) Assert.Equal(timeline.Segments[i - 1].End, timeline.Segments[i].Start);
        Assert.All(timeline.Windows, w => Assert.Equal(w.Silence, w.Probabilities is null));
        Assert.All(timeline.Windows.Where(w => !w.Silence), w => Assert.Equal(1.0, w.Probabilities!.Sum(), 4));
    }

    [Fact]
    public async Task Mp3_versions_of_real_files_move_no_probability_by_a_tenth_and_flac_versions_predict_exactly_as_the_wavs()
    {
        var bundlePath = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        await Trainer.RunAsync(new TrainingRequest { Config = RealFeatures.SmallConfig(epochs: 12), Features = RealFeatures.Actors1To4, BundlePath = bundlePath });
        using var predictor = Predictor.Load(bundlePath);
        var dir = TestPaths.NewTempDir();
        // One file of each emotion from Actor_01.
        var wavs = Directory.GetFiles(Path.Combine(TestPaths.Ravdess, "Actor_01"), "*.wav").Order()
            .GroupBy(f => Path.GetFileName(f).Split('-')[2]).Select(g => g.First()).ToArray();
        var mp3s = wavs.Select(w => Lame.Encode(w, dir)).ToArray();
        var flacs = wavs.Select(w => Flac.Encode(w, dir, 8)).ToArray();

        var fromWav = predictor.PredictFiles(wavs);
        var fromMp3 = predictor.PredictFiles(mp3s);
        // FLAC is lossless and decodes to the WAV's samples: the very same probabilities.
        Assert.Equal(fromWav.Select(p => p.Probabilities), predictor.PredictFiles(flacs).Select(p => p.Probabilities));

        // MP3 is lossy: the probabilities move a little, and no more. Not "the same emotion": where the model's top two
        // classes of a WAV are within a few hundredths (on some CPUs' rounding, Actor_01's angry file: angry against
        // surprised), a change of 0.03 swaps them, which says nothing about the decoder.
        Assert.Equal(8, wavs.Length);
        for (var i = 0; i < wavs.Length; i++)
        {
            var largest = fromWav[i].Probabilities.Max(p => Math.Abs(p.Value - fromMp3[i].Probabilities[p.Key]));
            Console.WriteLine($"{Path.GetFileName(wavs[i])}: {fromWav[i].Emotion.Name()} / mp3 {fromMp3[i].Emotion.Name()}, largest probability change {largest:0.000}");
            Assert.True(largest < 0.1, $"{Path.GetFileName(wavs[i])}: MP3 moved a probability by {largest:0.000}");
        }
    }

    /// <summary>The file's samples without its leading and trailing silence.</summary>
    private static float[] Trimmed(string path)
    {
        var audio = WavReader.Read(path);
        Assert.Equal(Rate, audio.SampleRate);
        var (start, length) = SilenceTrimmer.Span(audio.Samples, 2048, 512, 20);
        return audio.Samples.AsSpan(start, length).ToArray();
    }

    /// <summary>
    /// The confidence of the timeline's middle segment when the utterance between two gaps gives silence,
    /// <paramref name="emotion"/>, silence; 0 when it gives anything else.
    /// </summary>
    private static double AloneConfidence(Predictor predictor, float[] utterance, Emotion emotion, int gap, TimelineOptions options)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "alone.wav");
        TestWav.Write16(path, [.. new float[gap], .. utterance, .. new float[gap]], Rate);
        var segments = Timeline.FromFile(predictor, path, options).Segments;
        return segments.Select(s => s.Label).SequenceEqual(["silence", emotion.Name(), "silence"]) ? segments[1].Confidence : 0;
    }

    private static string Describe(Timeline timeline) =>
        string.Join(", ", timeline.Segments.Select(s => $"{s.Label} {s.Start:0.00}-{s.End:0.00} ({s.Confidence:0.00})"));
}
