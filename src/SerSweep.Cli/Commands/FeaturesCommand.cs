using System.CommandLine;
using SerSweep.Audio.Cache;
using SerSweep.Audio.Catalog;
using SerSweep.Audio.Features;
using SerSweep.Core;
using SerSweep.Search;
using SerSweep.Search.Parsing;
using Spectre.Console;

namespace SerSweep.Cli.Commands;

/// <summary>`sersweep features`: compute (or load) the shared feature cache of a RAVDESS selection.</summary>
public static class FeaturesCommand
{
    public const string DefaultCacheDir = ".cache/features";

    public sealed record Report(
        string Data, string Actors, int Files, double AudioSeconds, int[] Shape, int WaveformLength, FeatureKind FeatureKind,
        string CacheKey, string CachePath, bool Computed, double Seconds, IReadOnlyList<CatalogProblem> Problems);

    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "RAVDESS root holding Actor_XX folders (default: data.path of --config)." };
        var actors = new Option<string?>("--actors") { Description = "Actors to select, e.g. 1-4 or 1,3,5-8 (default: data.actors of --config, else 1-4)." };
        var config = new Option<string?>("--config") { Description = "sweep.yaml whose data and features sections to use (default: the built-in feature defaults)." };
        var cache = new Option<string>("--cache")
        {
            Description = $"Feature cache directory, shared by every process that trains (default: {DefaultCacheDir}).",
            DefaultValueFactory = _ => DefaultCacheDir,
        };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("features", "Compute (or load) the log-mel/MFCC feature cache of a RAVDESS selection; prints files, seconds of audio, shape, cache key/path, time and per-file problems.")
        {
            data, actors, config, cache, json,
        };
        command.SetAction((parse, cancellation) =>
        {
            var (dataConfig, featureConfig) = Resolve(parse.GetValue(data), parse.GetValue(actors), parse.GetValue(config));
            var report = Run(dataConfig, featureConfig, parse.GetValue(cache)!, cancellation);
            if (parse.GetValue(json)) JsonOutput.Write(report);
            else Print(report);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static (DataConfig, FeatureConfig) Resolve(string? data, string? actors, string? configPath)
    {
        var experiment = new ExperimentConfig();
        if (configPath is not null)
        {
            var parsed = SweepFile.Load(configPath);
            if (!parsed.IsValid) throw new UserInputException(string.Join(Environment.NewLine, parsed.Errors));
            experiment = parsed.Definition!.Base;
        }
        else if (data is null)
        {
            throw new UserInputException("--data DIR (a RAVDESS root holding Actor_XX folders) or --config sweep.yaml is required");
        }
        var dataConfig = experiment.Data with { Path = data ?? experiment.Data.Path, Actors = actors ?? experiment.Data.Actors };
        if (!Directory.Exists(dataConfig.Path))
            throw new UserInputException($"data folder {Path.GetFullPath(dataConfig.Path)} does not exist (expected a RAVDESS root holding Actor_01 .. Actor_24)");
        try
        {
            ActorSelection.Parse(dataConfig.Actors);
        }
        catch (FormatException e)
        {
            throw new UserInputException($"--actors: {e.Message}");
        }
        return (dataConfig, experiment.Features);
    }

    private static Report Run(DataConfig data, FeatureConfig config, string cacheDir, CancellationToken cancellation)
    {
        var catalog = RavdessCatalog.Scan(data.Path, CatalogFilter.From(data));
        if (catalog.Entries.Count == 0)
            throw new UserInputException($"no RAVDESS files selected under {catalog.Root} for actors {data.Actors}" +
                string.Concat(catalog.Problems.Take(10).Select(p => $"{Environment.NewLine}  {p}")));
        FeatureCacheResult result;
        try
        {
            result = WithProgressBar(progress => new FeatureCache(cacheDir).GetOrCompute(catalog, config, progress, cancellation));
        }
        catch (ArgumentException e) // an invalid feature setting, named by the extractor
        {
            throw new UserInputException(e.Message);
        }
        var set = result.Features;
        return new Report(catalog.Root, data.Actors, set.Count, Math.Round(result.AudioSeconds, 3), set.Shape, set.WaveformLength,
            config.Kind, set.CacheKey, result.CachePath, result.Computed, Math.Round(result.Elapsed.TotalSeconds, 3), result.Problems);
    }

    /// <summary>A progress bar on stderr (never on stdout, which may carry --json) while the cache computes.</summary>
    private static T WithProgressBar<T>(Func<IProgress<FeatureProgress>, T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress().AutoClear(true).Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("features", autoStart: true, maxValue: 1);
                var value = work(new DirectProgress<FeatureProgress>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                }));
                task.Value = task.MaxValue;
                return value;
            });
    }

    private static void Print(Report r)
    {
        Console.WriteLine($"data:          {r.Data} (actors {r.Actors})");
        Console.WriteLine($"files:         {r.Files}");
        Console.WriteLine($"audio:         {r.AudioSeconds:F1} s");
        Console.WriteLine($"shape:         [{string.Join(", ", r.Shape)}] {(r.FeatureKind == FeatureKind.Mfcc ? "mfcc" : "log_mel")}; clips of {r.WaveformLength} samples");
        Console.WriteLine($"cache key:     {r.CacheKey}");
        Console.WriteLine($"cache file:    {r.CachePath}");
        Console.WriteLine($"{(r.Computed ? "computed" : "loaded")} in:   {r.Seconds:F2} s");
        Console.WriteLine($"problems:      {r.Problems.Count}");
        foreach (var p in r.Problems) Console.WriteLine($"  {p}");
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post them, out of order, to the thread pool).</summary>
    private sealed class DirectProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
