using System.Diagnostics;
using SerSweep.Training;

namespace SerSweep.Bench.Training;

/// <summary>Warm single-file prediction as `sersweep predict` does it: decode + resample + features + forward, one WAV per call.</summary>
public static class PredictLatency
{
    public static IReadOnlyList<double> Measure(string bundlePath, string wavPath, int warmup = 10, int calls = 100)
    {
        using var predictor = Predictor.Load(bundlePath);
        string[] files = [wavPath];
        for (var i = 0; i < warmup; i++) predictor.PredictFiles(files);
        var times = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var clock = Stopwatch.StartNew();
            predictor.PredictFiles(files);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return times;
    }
}
