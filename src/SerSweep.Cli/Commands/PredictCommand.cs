using System.CommandLine;
using SerSweep.Audio.Wav;
using SerSweep.Core;
using SerSweep.Training;
using SerSweep.Training.Bundles;

namespace SerSweep.Cli.Commands;

/// <summary>`sersweep predict`: the emotion and class probabilities of WAV files from a model bundle alone.</summary>
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
        var command = new Command("predict", "Predict the emotion of WAV files with a model bundle; prints the probability of every class.")
        {
            model, files, json,
        };
        command.SetAction(parse =>
        {
            using var predictor = LoadPredictor(parse.GetValue(model)!);
            var predictions = new List<FilePrediction>();
            var errors = new List<FileError>();
            // One file at a time, so that a bad file is reported and the others still get their prediction.
            foreach (var file in parse.GetValue(files)!)
            {
                try
                {
                    if (!File.Exists(file)) throw new FileNotFoundException($"{file}: file not found");
                    var p = predictor.PredictFiles([file])[0];
                    predictions.Add(new FilePrediction(file, p.Emotion, p.Probabilities));
                }
                catch (Exception e) when (e is WavFormatException or FileNotFoundException or IOException)
                {
                    errors.Add(new FileError(file, e.Message));
                }
            }
            var result = new Result(Path.GetFullPath(parse.GetValue(model)!), predictions, errors);
            if (parse.GetValue(json)) JsonOutput.Write(result);
            else Print(result);
            foreach (var error in errors) Console.Error.WriteLine($"error: {error.Error}");
            return errors.Count == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
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
}
