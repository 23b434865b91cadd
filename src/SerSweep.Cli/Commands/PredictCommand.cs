using System.CommandLine;
using SerSweep.Audio.Wav;
using SerSweep.Core;
using SerSweep.Training;
using SerSweep.Training.Bundles;
using SerSweep.Training.Timelines;

namespace SerSweep.Cli.Commands;

/// <summary>
/// `sersweep predict`: the emotion and class probabilities of WAV files from a model bundle alone; with
/// <c>--timeline</c>, an emotion timeline over each whole recording (<see cref="Timeline"/>).
/// </summary>
public static class PredictCommand
{
    public sealed record FilePrediction(string File, Emotion Emotion, IReadOnlyDictionary<Emotion, double> Probabilities);
    public sealed record FileError(string File, string Error);
    public sealed record Result(string Model, IReadOnlyList<FilePrediction> Predictions, IReadOnlyList<FileError> Errors);

    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model bundle (.zip) written by train or a sweep." };
        var files = new Argument<string[]>("FILE.wav") { Description = "WAV files to classify.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the predictions as JSON." };
        var csv = new Option<bool>("--csv") { Description = "With --timeline: print the segments as CSV (file,start,end,label,confidence)." };
        var timeline = new Option<bool>("--timeline") { Description = "Slide the model's window over each whole recording: segments of emotion and silence." };
        var window = new Option<double?>("--window") { Description = "With --timeline: window length in seconds (default and maximum: the model's clip_seconds)." };
        var session = new Option<bool>("--session")
        {
            Description = "The files are one speaker's: a bundle trained with features.normalize: speaker normalises them together (else each file by its training speakers' average statistics).",
        };
        var hop = new Option<double>("--hop") { Description = "With --timeline: seconds between window centres, the timeline's resolution.", DefaultValueFactory = _ => new TimelineOptions().HopSeconds };
        var command = new Command("predict", "Predict the emotion of WAV files with a model bundle; prints the probability of every class.")
        {
            model, files, json, csv, timeline, window, hop, session,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(timeline) && parse.GetValue(session)) throw new UserInputException("--session does not apply to --timeline");
            using var predictor = LoadPredictor(parse.GetValue(model)!);
            if (parse.GetValue(timeline))
                return Timelines(predictor, parse.GetValue(model)!, parse.GetValue(files)!,
                    new TimelineOptions { WindowSeconds = parse.GetValue(window), HopSeconds = parse.GetValue(hop) },
                    parse.GetValue(json) ? TimelineFormat.Json : parse.GetValue(csv) ? TimelineFormat.Csv : TimelineFormat.Table);
            if (parse.GetValue(csv) || parse.GetResult(window) is { Implicit: false } || parse.GetResult(hop) is { Implicit: false })
                throw new UserInputException("--csv, --window and --hop apply to --timeline only");
            var (predictions, errors) = PredictFiles(predictor, parse.GetValue(files)!, parse.GetValue(session));
            var result = new Result(Path.GetFullPath(parse.GetValue(model)!), predictions, errors);
            if (parse.GetValue(json)) JsonOutput.Write(result);
            else Print(result);
            foreach (var error in errors) Console.Error.WriteLine($"error: {error.Error}");
            return errors.Count == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    /// <summary>
    /// Each file's clip loaded on its own, so that a bad file is reported and the others still get their prediction;
    /// then the good ones predicted together, as one speaker's session when <paramref name="session"/> says so.
    /// </summary>
    private static (List<FilePrediction>, List<FileError>) PredictFiles(Predictor predictor, string[] files, bool session)
    {
        var loaded = new List<string>();
        var errors = new List<FileError>();
        var clips = new float[(long)files.Length * predictor.ClipSamples];
        foreach (var file in files)
        {
            try
            {
                if (!File.Exists(file)) throw new FileNotFoundException($"{file}: file not found");
                predictor.LoadClip(file, clips.AsSpan(loaded.Count * predictor.ClipSamples, predictor.ClipSamples));
                loaded.Add(file);
            }
            catch (Exception e) when (e is WavFormatException or FileNotFoundException or IOException)
            {
                errors.Add(new FileError(file, e.Message));
            }
        }
        if (loaded.Count == 0) return ([], errors);
        var predicted = predictor.PredictClips(clips, loaded.Count, session ? new int[loaded.Count] : null);
        return ([.. loaded.Select((file, i) => new FilePrediction(file, predicted[i].Emotion, predicted[i].Probabilities))], errors);
    }

    /// <summary>A predictor for the bundle at <paramref name="path"/>; a missing or invalid bundle is bad input.</summary>
    public static Predictor LoadPredictor(string path)
    {
        try
        {
            return Predictor.Load(path);
        }
        catch (Exception e) when (e is BundleFormatException or FileNotFoundException)
        {
            throw new UserInputException(e.Message);
        }
    }

    private static void Print(Result result)
    {
        foreach (var p in result.Predictions)
            Console.WriteLine($"{p.File}: {p.Emotion.Name()}  " +
                string.Join("  ", p.Probabilities.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key.Name()} {kv.Value:0.000}")));
    }

    public sealed record FileTimeline(string File, TimelineReport Timeline);
    public sealed record TimelineResult(string Model, IReadOnlyList<FileTimeline> Timelines, IReadOnlyList<FileError> Errors);
    private enum TimelineFormat { Table, Json, Csv }

    private static int Timelines(Predictor predictor, string model, string[] files, TimelineOptions options, TimelineFormat format)
    {
        var timelines = new List<FileTimeline>();
        var errors = new List<FileError>();
        foreach (var file in files)
        {
            try
            {
                if (!File.Exists(file)) throw new FileNotFoundException($"{file}: file not found");
                timelines.Add(new FileTimeline(file, Timeline.FromFile(predictor, file, options).ToReport()));
            }
            catch (Exception e) when (e is WavFormatException or FileNotFoundException or IOException)
            {
                errors.Add(new FileError(file, e.Message));
            }
            catch (ArgumentException e)
            {
                throw new UserInputException(e.Message);
            }
        }
        switch (format)
        {
            case TimelineFormat.Json:
                JsonOutput.Write(new TimelineResult(Path.GetFullPath(model), timelines, errors));
                break;
            case TimelineFormat.Csv:
                Console.WriteLine("file,start,end,label,confidence");
                foreach (var (file, t) in timelines)
                    foreach (var s in t.Segments)
                        Console.WriteLine(FormattableString.Invariant($"{CsvField(file)},{s.Start:0.000},{s.End:0.000},{s.Label},{s.Confidence:0.0000}"));
                break;
            default:
                foreach (var (file, t) in timelines)
                {
                    Console.WriteLine(FormattableString.Invariant($"{file} ({t.Seconds:0.00} s, window {t.WindowSeconds:0.##} s, hop {t.HopSeconds:0.###} s)"));
                    foreach (var s in t.Segments)
                        Console.WriteLine(FormattableString.Invariant($"  {s.Start,8:0.00} - {s.End,8:0.00}  {s.Label,-10} {(s.Label == TimelineSegment.SilenceLabel ? "" : $"{s.Confidence:0.000}")}"));
                }
                break;
        }
        foreach (var error in errors) Console.Error.WriteLine($"error: {error.Error}");
        return errors.Count == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
    }

    private static string CsvField(string text) => text.IndexOfAny([',', '"', '\n']) < 0 ? text : $"\"{text.Replace("\"", "\"\"")}\"";
}
