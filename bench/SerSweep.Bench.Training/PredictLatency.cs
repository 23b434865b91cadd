using System.Diagnostics;
using SerSweep.Audio.Features;
using SerSweep.Core;
using SerSweep.Training;

namespace SerSweep.Bench.Training;

/// <summary>Warm single-file prediction as `sersweep predict` does it: decode + resample + features + forward, one WAV per call.</summary>
public static class PredictLatency
{
    /// <summary>Per-call wall times of the whole prediction, and the median of each stage timed alone.</summary>
    public sealed record Times(IReadOnlyList<double> Calls, IReadOnlyDictionary<string, double> StageMedians);

    public static Times Measure(string bundlePath, string wavPath, int warmup = 10, int calls = 100)
    {
        using var predictor = Predictor.Load(bundlePath);
        string[] files = [wavPath];
        var whole = Time(() => predictor.PredictFiles(files), warmup, calls);

        // The same stages with the bundle's feature config, one at a time: where the milliseconds go.
        var features = predictor.Bundle.Config.Features with { Augment = new AugmentConfig() };
        var loader = new ClipLoader(features);
        using var extractor = new FeatureExtractor(features);
        var clip = new float[loader.ClipSamples];
        var items = Array.Empty<float>();
        var stages = new Dictionary<string, double>
        {
            ["decode_resample"] = Summary.Of(Time(() => loader.Load(wavPath, clip), warmup, calls)).Median,
            ["features"] = Summary.Of(Time(() => items = FeaturePipeline.Extract(extractor, clip, 1), warmup, calls)).Median,
            ["forward"] = Summary.Of(Time(() => predictor.Predict(items), warmup, calls)).Median,
        };
        return new Times(whole, stages);
    }

    private static double[] Time(Action call, int warmup, int calls)
    {
        for (var i = 0; i < warmup; i++) call();
        var times = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var clock = Stopwatch.StartNew();
            call();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return times;
    }
}
