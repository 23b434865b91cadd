using System.CommandLine;
using SerSweep.Audio.Cache;
using SerSweep.Cli.Output;
using SerSweep.Training;
using SerSweep.Training.Evaluation;
using Spectre.Console;

namespace SerSweep.Cli.Commands;

/// <summary>`sersweep evaluate`: a model bundle on any RAVDESS folder and actor set.</summary>
public static class EvaluateCommand
{
    public sealed record Result(string Model, string Data, string Actors, int Files, IReadOnlyList<string> Skipped, ClassificationReport Metrics);

    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model bundle (.zip) written by train or a sweep." };
        var data = new Option<string>("--data") { Description = "RAVDESS folder holding Actor_XX folders.", Required = true };
        var actors = new Option<string>("--actors") { Description = "Actors to evaluate on, e.g. 5-24 or 1,3,5-8.", DefaultValueFactory = _ => "1-24" };
        var cache = new Option<string>("--cache") { Description = "Feature cache folder.", DefaultValueFactory = _ => TrainCommand.DefaultCacheDir };
        var json = new Option<bool>("--json") { Description = "Print the metrics as JSON." };
        var command = new Command("evaluate", "Accuracy, macro-F1, UAR, per-class precision/recall/F1 and the confusion matrix of a model on a RAVDESS folder.")
        {
            model, data, actors, cache, json,
        };
        command.SetAction(parse =>
        {
            var result = Evaluate(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(actors)!, parse.GetValue(cache)!);
            if (parse.GetValue(json))
                JsonOutput.Write(result);
            else
            {
                Console.WriteLine($"model: {result.Model}");
                Console.WriteLine($"data: {result.Data}, actors {result.Actors}: {result.Files} files");
                ClassificationReportText.Write("evaluation", result.Metrics);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Result Evaluate(string modelPath, string dataDir, string actors, string cacheDir)
    {
        using var predictor = PredictCommand.LoadPredictor(modelPath);
        var bundle = predictor.Bundle;
        if (!Directory.Exists(dataDir)) throw new UserInputException($"--data: folder '{dataDir}' does not exist");
        var data = bundle.Config.Data with { Path = dataDir, Actors = actors };
        FeatureCacheResult features;
        try
        {
            features = ErrorConsole.Instance.Status().Start("features ...", _ => new FeatureCache(cacheDir).GetOrCompute(data, bundle.Config.Features));
        }
        catch (FormatException e)
        {
            throw new UserInputException($"--actors: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw new UserInputException($"--data: {e.Message}");
        }
        var set = features.Features;
        // A speaker-normalised bundle normalises each actor's files together: RAVDESS names the speaker of every file.
        var predicted = predictor.Predict(set.Data.Span, sessions: set.Actors);
        var classIndex = bundle.Classes.Select((e, i) => (e, i)).ToDictionary(p => p.e, p => p.i);
        var truth = LabelMap.Indices(bundle.Classes, set.Labels, set.Files);
        var metrics = ClassificationMetrics.Compute(bundle.Classes, truth, predicted.Select(p => classIndex[p.Emotion]).ToArray(), set.Actors);
        return new Result(Path.GetFullPath(modelPath), Path.GetFullPath(dataDir), actors, set.Count, features.Problems.Select(p => p.ToString()).ToArray(), metrics);
    }
}
