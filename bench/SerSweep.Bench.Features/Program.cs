// Times the same work as the peers' features.py: file list built first (untimed), one untimed warm-up pass,
// then --repeats timed passes of decode -> mono -> resample 48k->16k -> 3 s clip -> log-mel 64x300 (or MFCC 40)
// over the whole set, through FeaturePipeline.Compute (what `sersweep features` runs, without the cache file).
// Prints one JSON line (wall and files/s median/min/max).
using System.Diagnostics;
using System.Text.Json;
using SerSweep.Audio.Features;
using SerSweep.Core;

var options = Args.Parse(args);
var four = Enumerable.Range(1, 4)
    .SelectMany(a => Directory.GetFiles(Path.Combine(options.Data, $"Actor_{a:D2}"), "*.wav"))
    .Order(StringComparer.Ordinal).ToArray();
var files = options.Set == "240" ? four : Enumerable.Repeat(four, 6).SelectMany(f => f).ToArray();
var config = new FeatureConfig { Kind = options.Feature == "mfcc" ? FeatureKind.Mfcc : FeatureKind.LogMel };

double Pass()
{
    var clock = Stopwatch.StartNew();
    var batch = FeaturePipeline.Compute(files, config);
    var wall = clock.Elapsed.TotalSeconds;
    if (batch.Outcomes.FirstOrDefault(o => o.Error is not null).Error is { } error) throw error;
    return wall;
}

Pass(); // warm-up: page cache, libtorch kernels, JIT (not timed)
var runs = Enumerable.Range(0, options.Repeats).Select(_ => Pass()).ToArray();
static object Summary(IEnumerable<double> xs)
{
    var sorted = xs.Order().ToArray();
    return new { median = sorted[sorted.Length / 2], min = sorted[0], max = sorted[^1], runs = sorted };
}
Console.WriteLine(JsonSerializer.Serialize(new
{
    bench = "features", impl = "sersweep", set = options.Set, n_files = files.Length,
    feature = options.Feature,
    wall_s = Summary(runs),
    files_per_s = Summary(runs.Select(wall => files.Length / wall)),
    // In the order they ran: a rise from pass to pass is warm-up the untimed pass did not cover, a dip is the machine.
    files_per_s_in_order = runs.Select(wall => Math.Round(files.Length / wall, 1)),
    workers = Math.Min(Environment.ProcessorCount, (files.Length + FeaturePipeline.BatchSize - 1) / FeaturePipeline.BatchSize),
    processors = Environment.ProcessorCount,
    glibc_tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "",
}));

internal sealed record Args(string Data, string Set, string Feature, int Repeats)
{
    public static Args Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var parsed = new Args(
            Value("--data", Environment.GetEnvironmentVariable("RAVDESS_DIR") ?? "../shared/ravdess"),
            Value("--set", "240"), Value("--feature", "logmel"), int.Parse(Value("--repeats", "3")));
        if (parsed.Set is not ("240" or "1440") || parsed.Feature is not ("logmel" or "mfcc"))
            throw new ArgumentException("usage: --data DIR --set 240|1440 --feature logmel|mfcc --repeats N");
        return parsed;
    }
}
