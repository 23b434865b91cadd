using SerSweep.Audio.Features;
using SerSweep.Audio.Torch;
using SerSweep.Core;
using static TorchSharp.torch;

namespace SerSweep.Training.Timelines;

/// <summary>
/// How a recording is cut into windows. The recording is divided into cells of <see cref="HopSeconds"/>; cell k is
/// labelled by the window of <see cref="WindowSeconds"/> centred on it (audio outside the recording is zeros, and a
/// window shorter than the model's clip_seconds is zero-padded at its end, as training pads short files).
/// A cell whose RMS level is below <see cref="SilenceDbfs"/> (dB relative to full scale) is silence: no emotion is
/// predicted for it. An absolute level rather than one relative to the loudest cell, so that one shout in a long call
/// does not turn a quiet speaker into silence; -60 dBFS lies between RAVDESS's room noise (-70 to -110 dBFS) and its
/// quietest speech (about -50 dBFS); raise it for noisy recordings. Each speech cell's probabilities are averaged with those of the
/// speech cells among its <see cref="SmoothWindows"/> nearest (centred; silence is left out of the average), the
/// argmax of that average labels the cell. A run of fewer than <see cref="MinEmotionWindows"/> cells of one emotion next to
/// another emotion's run takes that neighbour's label (the longer neighbour's if both are emotions): a window half over
/// the end of an utterance sees mostly zeros and should not open a segment of its own. Finally, runs of cells with the
/// same label become one segment, its confidence the mean smoothed probability of its label over its cells.
/// </summary>
public sealed record TimelineOptions
{
    /// <summary>Window length; null = the model's clip_seconds (and never more).</summary>
    public double? WindowSeconds { get; init; }
    public double HopSeconds { get; init; } = 0.5;
    /// <summary>Moving-average width in windows (odd; 1 = no smoothing).</summary>
    public int SmoothWindows { get; init; } = 5;
    public double SilenceDbfs { get; init; } = -60;
    public int MinEmotionWindows { get; init; } = 3;
}

/// <summary>One cell of the timeline: the span [Start, End) it labels and its raw window probabilities (null for silence), by class index.</summary>
public sealed record TimelineWindow(double Start, double End, bool Silence, IReadOnlyList<double>? Probabilities);

/// <summary>A run of cells with one label: an emotion, or null for silence; confidence = mean smoothed probability of that emotion (1 for silence).</summary>
public sealed record TimelineSegment(double Start, double End, Emotion? Emotion, double Confidence)
{
    public const string SilenceLabel = "silence";
    public string Label => Emotion?.Name() ?? SilenceLabel;
}

/// <summary>
/// The recording's waveform, small enough to draw: the lowest and highest sample of each of up to
/// <see cref="Columns"/> equal spans of <see cref="ColumnSeconds"/> (a figure's pixel columns), not every sample.
/// </summary>
public sealed record TimelineEnvelope(double ColumnSeconds, IReadOnlyList<float> Min, IReadOnlyList<float> Max)
{
    public const int Columns = 1000;

    public static TimelineEnvelope Of(ReadOnlySpan<float> samples, int rate)
    {
        var perColumn = Math.Max(1, (samples.Length + Columns - 1) / Columns);
        var columns = (samples.Length + perColumn - 1) / perColumn;
        var (min, max) = (new float[columns], new float[columns]);
        for (var c = 0; c < columns; c++)
        {
            var span = samples.Slice(c * perColumn, Math.Min(perColumn, samples.Length - c * perColumn));
            (min[c], max[c]) = (span[0], span[0]);
            foreach (var x in span) (min[c], max[c]) = (Math.Min(min[c], x), Math.Max(max[c], x));
        }
        return new TimelineEnvelope((double)perColumn / rate, min, max);
    }
}

/// <summary>A timeline as the CLI's --json and the REST API print it: labels and class names as strings.</summary>
public sealed record TimelineReport(double Seconds, double WindowSeconds, double HopSeconds,
    IReadOnlyList<TimelineReport.Segment> Segments, IReadOnlyList<TimelineReport.Window> Windows, TimelineEnvelope Envelope)
{
    public sealed record Segment(double Start, double End, string Label, double Confidence);
    /// <summary>Probabilities by emotion name; null for silence.</summary>
    public sealed record Window(double Start, double End, bool Silence, IReadOnlyDictionary<string, double>? Probabilities);
}

public sealed record Timeline(double Seconds, double WindowSeconds, double HopSeconds, IReadOnlyList<Emotion> Classes,
    IReadOnlyList<TimelineWindow> Windows, IReadOnlyList<TimelineSegment> Segments, TimelineEnvelope Envelope)
{
    /// <summary>
    /// The timeline of <paramref name="samples"/> (mono, at the bundle's sample rate, any length) under
    /// <paramref name="predictor"/>'s model; windows go through the model in batches of <see cref="Predictor.BatchSize"/>.
    /// </summary>
    public static Timeline Build(Predictor predictor, float[] samples, TimelineOptions options) =>
        Build(predictor, samples, options, sharedFrames: true);

    /// <summary>
    /// <paramref name="sharedFrames"/>: featurise the windows from one table of the recording's STFT frames
    /// (<see cref="WindowFeatures"/>) when the window is the model's clip and the hop a multiple of its hop_length;
    /// false (or when that does not hold) featurises every window on its own, as <see cref="Predictor.PredictClips"/> does.
    /// </summary>
    internal static Timeline Build(Predictor predictor, float[] samples, TimelineOptions options, bool sharedFrames)
    {
        var features = predictor.Bundle.Config.Features;
        var rate = features.SampleRate;
        var window = options.WindowSeconds ?? features.ClipSeconds;
        if (window <= 0 || window > features.ClipSeconds + 1e-9)
            throw new ArgumentException($"window {window} s must be in (0, {features.ClipSeconds}] s (the model's clip_seconds)");
        if (options.HopSeconds <= 0 || options.HopSeconds > window)
            throw new ArgumentException($"hop {options.HopSeconds} s must be in (0, window {window}] s");
        if (options.SmoothWindows < 1 || options.SmoothWindows % 2 == 0)
            throw new ArgumentException($"smoothing over {options.SmoothWindows} windows: must be odd and at least 1");

        var hopSamples = Math.Max(1, (int)Math.Round(options.HopSeconds * rate));
        var windowSamples = (int)Math.Round(window * rate);
        var cells = (samples.Length + hopSamples - 1) / hopSamples;
        var silent = SilentCells(samples, hopSamples, cells, options.SilenceDbfs);
        var classes = predictor.Bundle.Classes;
        var raw = new double[cells][];
        var speech = Enumerable.Range(0, cells).Where(k => !silent[k]).ToArray();
        var clipSamples = predictor.ClipSamples;
        // Window k starts at the centre of cell k minus half a window; the parts outside the recording are zeros.
        var firstStart = hopSamples / 2 - windowSamples / 2;
        using var extractor = new FeatureExtractor(features);
        var table = sharedFrames && speech.Length > 0 && windowSamples == clipSamples && WindowFeatures.Applies(extractor, hopSamples)
            ? new WindowFeatures(extractor, samples, firstStart, hopSamples, cells)
            : null;
        // Batches are independent: one per core at a time (features, then the forward pass under inference mode).
        var batches = (speech.Length + Predictor.BatchSize - 1) / Predictor.BatchSize;
        TorchWorkers.For(batches, () => inference_mode(), (_, b) =>
        {
            var batch = speech.AsSpan(b * Predictor.BatchSize, Math.Min(Predictor.BatchSize, speech.Length - b * Predictor.BatchSize));
            var predictions = table is not null
                ? predictor.Predict(table.Compute(samples, batch))
                : PredictWindows(predictor, samples, batch, firstStart, hopSamples, windowSamples);
            for (var i = 0; i < batch.Length; i++)
                raw[batch[i]] = classes.Select(c => predictions[i].Probabilities[c]).ToArray();
        });


        var length = samples.Length;
        double End(int k) => Math.Min(length, (k + 1L) * hopSamples) / (double)rate;
        var windows = Enumerable.Range(0, cells).Select(k => new TimelineWindow((double)k * hopSamples / rate, End(k), silent[k], raw[k])).ToArray();
        return new Timeline((double)samples.Length / rate, window, (double)hopSamples / rate, classes, windows,
            MergeRuns(raw, classes, options.SmoothWindows / 2, options.MinEmotionWindows, k => (double)k * hopSamples / rate, End),
            TimelineEnvelope.Of(samples, rate));
    }

    /// <summary>The windows of cells <paramref name="batch"/> cut out and zero-padded to clips, each featurised on its own.</summary>
    private static Prediction[] PredictWindows(Predictor predictor, ReadOnlySpan<float> samples, ReadOnlySpan<int> batch, int firstStart, int hopSamples, int windowSamples)
    {
        var clipSamples = predictor.ClipSamples;
        var clips = new float[(long)batch.Length * clipSamples];
        for (var i = 0; i < batch.Length; i++)
        {
            var start = batch[i] * hopSamples + firstStart;
            var from = Math.Max(0, start);
            var to = Math.Min(samples.Length, start + windowSamples);
            if (to > from) samples[from..to].CopyTo(clips.AsSpan(i * clipSamples + (from - start), to - from));
        }
        return predictor.PredictClips(clips, batch.Length);
    }

    public TimelineReport ToReport() => new(Seconds, WindowSeconds, HopSeconds,
        Segments.Select(s => new TimelineReport.Segment(s.Start, s.End, s.Label, s.Confidence)).ToArray(),
        Windows.Select(w => new TimelineReport.Window(w.Start, w.End, w.Silence,
            w.Probabilities?.Select((p, c) => (p, c)).ToDictionary(x => Classes[x.c].Name(), x => x.p))).ToArray(), Envelope);

    /// <summary>The timeline of an audio file: decoded, mixed to mono and resampled to the bundle's rate first.</summary>
    public static Timeline FromFile(Predictor predictor, string path, TimelineOptions options) =>
        Build(predictor, Audio.Decoding.AudioFile.ReadResampled(path, predictor.Bundle.Config.Features.SampleRate), options);

    /// <summary>Cells whose RMS level is below <paramref name="silenceDbfs"/>.</summary>
    private static bool[] SilentCells(float[] samples, int hop, int cells, double silenceDbfs)
    {
        var threshold = Math.Pow(10, silenceDbfs / 10);
        var silent = new bool[cells];
        for (var k = 0; k < cells; k++)
        {
            var cell = samples.AsSpan(k * hop, Math.Min(hop, samples.Length - k * hop));
            var sum = 0.0;
            foreach (var x in cell) sum += (double)x * x;
            silent[k] = sum / cell.Length < threshold;
        }
        return silent;
    }

    private static TimelineSegment[] MergeRuns(double[]?[] raw, IReadOnlyList<Emotion> classes, int radius, int minRun, Func<int, double> start, Func<int, double> end)
    {
        var labels = new int[raw.Length];      // class index, or -1 for silence
        var confidence = new double[raw.Length];
        var smoothed = new double[raw.Length][];
        for (var k = 0; k < raw.Length; k++)
        {
            if (raw[k] is null) { labels[k] = -1; continue; }
            var mean = new double[classes.Count];
            var n = 0;
            for (var j = Math.Max(0, k - radius); j <= Math.Min(raw.Length - 1, k + radius); j++)
            {
                if (raw[j] is not { } p) continue;
                for (var c = 0; c < mean.Length; c++) mean[c] += p[c];
                n++;
            }
            for (var c = 0; c < mean.Length; c++) mean[c] /= n;
            smoothed[k] = mean;
            labels[k] = Array.IndexOf(mean, mean.Max());
        }
        AbsorbShortRuns(labels, minRun);
        for (var k = 0; k < raw.Length; k++) confidence[k] = labels[k] < 0 ? 1 : smoothed[k]![labels[k]];
        var segments = new List<TimelineSegment>();
        for (var first = 0; first < raw.Length;)
        {
            var last = first;
            while (last + 1 < raw.Length && labels[last + 1] == labels[first]) last++;
            var meanConfidence = Enumerable.Range(first, last - first + 1).Average(k => confidence[k]);
            segments.Add(new TimelineSegment(start(first), end(last), labels[first] < 0 ? null : classes[labels[first]], meanConfidence));
            first = last + 1;
        }
        return segments.ToArray();
    }

    /// <summary>Relabels emotion runs shorter than <paramref name="minRun"/> that touch another emotion's run (label -1 is silence).</summary>
    private static void AbsorbShortRuns(int[] labels, int minRun)
    {
        var runs = new List<(int Start, int Length)>();
        for (var k = 0; k < labels.Length; k++)
            if (k == 0 || labels[k] != labels[k - 1]) runs.Add((k, 1));
            else runs[^1] = (runs[^1].Start, runs[^1].Length + 1);
        for (var r = 0; r < runs.Count; r++)
        {
            var (start, length) = runs[r];
            if (labels[start] < 0 || length >= minRun) continue;
            (int Start, int Length)? Emotional(int i) => i >= 0 && i < runs.Count && labels[runs[i].Start] >= 0 ? runs[i] : null;
            var neighbour = (Emotional(r - 1), Emotional(r + 1)) switch
            {
                ({ } before, { } after) => before.Length >= after.Length ? before : after,
                ({ } before, null) => before,
                (null, { } after) => after,
                _ => ((int, int)?)null,
            };
            if (neighbour is { } n) labels.AsSpan(start, length).Fill(labels[n.Item1]);
        }
    }
}
