namespace SerSweep.Bench.Training;

/// <summary>Command line of the benchmark: --threads N --runs N --warmup N --steps N [--wav FILE.wav] [--bundle MODEL.zip] [--layers N].</summary>
/// <remarks>--bundle: time the warm predict with that model (e.g. a sweep's best) instead of the reference CNN.
/// --layers N: only <see cref="LayerTimes"/>, each timing over N repeats.</remarks>
public sealed record BenchOptions(int Threads, int Runs, int Warmup, int Steps, string? Wav, string? Bundle, int Layers)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v) : fallback;
        return new BenchOptions(Int("threads", 1), Int("runs", 3), Int("warmup", 3), Int("steps", 20),
            values.GetValueOrDefault("wav"), values.GetValueOrDefault("bundle"), Int("layers", 0));
    }
}
