using System.CommandLine;
using SerSweep.Audio.Cache;
using SerSweep.Cli.Output;
using SerSweep.Core;
using SerSweep.Search;
using SerSweep.Search.Config;
using SerSweep.Search.Parsing;
using SerSweep.Training;
using Spectre.Console;

namespace SerSweep.Cli.Commands;

/// <summary>`sersweep train`: one training run of the base config of a sweep.yaml (or the defaults) plus overrides.</summary>
public static class TrainCommand
{
    public sealed record Result(
        [property: System.Text.Json.Serialization.JsonIgnore] TrialState State, FailureClass? Failure, string? Reason, string? Bundle, long ParameterCount, int BestEpoch, string Split,
        double ElapsedSeconds, string FeatureCache, bool FeaturesComputed,
        IReadOnlyList<EpochReport> Epochs, Training.Evaluation.ClassificationReport? Val, Training.Evaluation.ClassificationReport? Test)
    {
        /// <summary>
        /// The run's status as the CLI has always said it (`--json` is a contract): a diverged run is "diverged", not the
        /// trial state "failed" it is stored as; `failure` beside it is new and says the same.
        /// </summary>
        public string Status => (Failure == FailureClass.Diverged ? "diverged" : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(State.ToString()));
    }

    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "sweep.yaml whose data/features/model/training sections are the base config (default: the built-in defaults)." };
        var set = new Option<string[]>("--set") { Description = "Override a value at its dotted path, e.g. --set training.learning_rate=0.0005 (repeatable)." };
        var output = new Option<string?>("--out") { Description = "Folder for the model bundle (model.zip); default runs/train-<UTC time>." };
        var cache = new Option<string>("--cache") { Description = "Feature cache folder.", DefaultValueFactory = _ => DefaultCacheDir };
        var json = new Option<bool>("--json") { Description = "Print the outcome as JSON." };
        var command = new Command("train", "Train one CNN: base config of sweep.yaml plus --set overrides; progress per epoch on stderr; writes the model bundle and prints the final metrics.")
        {
            config, set, output, cache, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var experiment = LoadConfig(parse.GetValue(config), parse.GetValue(set) ?? []);
            var outDir = parse.GetValue(output) ?? Path.Combine("runs", $"train-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            var result = await RunAsync(experiment, outDir, parse.GetValue(cache)!, cancellation);
            if (parse.GetValue(json)) JsonOutput.Write(result);
            else Print(result);
            return result.State is TrialState.Completed or TrialState.EarlyStopped ? ExitCodes.Ok : ExitCodes.RunFailed;
        });
        return command;
    }

    /// <summary>Where features are cached unless --cache says otherwise.</summary>
    public const string DefaultCacheDir = ".cache/features";

    /// <summary>The base config of <paramref name="sweepFile"/> (or the defaults) with the overrides applied; bad input throws <see cref="UserInputException"/>.</summary>
    public static ExperimentConfig LoadConfig(string? sweepFile, IEnumerable<string> overrides)
    {
        var experiment = new ExperimentConfig();
        if (sweepFile is not null)
        {
            var parsed = SweepFile.Load(sweepFile);
            if (!parsed.IsValid) throw new UserInputException(string.Join(Environment.NewLine, parsed.Errors));
            experiment = parsed.Definition!.Base;
        }
        try
        {
            return experiment.ApplyOverrides(overrides);
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"--set: {e.Message}");
        }
    }

    private static async Task<Result> RunAsync(ExperimentConfig experiment, string outDir, string cacheDir, CancellationToken cancellation)
    {
        if (!Directory.Exists(experiment.Data.Path))
            throw new UserInputException($"data.path: RAVDESS folder '{experiment.Data.Path}' does not exist (set it in sweep.yaml or with --set data.path=DIR)");
        var features = ErrorConsole.Instance.Status().Start("features ...", _ =>
            new FeatureCache(cacheDir).GetOrCompute(experiment.Data, experiment.Features, cancellation: cancellation));
        foreach (var problem in features.Problems) ErrorConsole.Instance.MarkupLineInterpolated($"[yellow]skipped[/] {problem}");
        Console.Error.WriteLine($"features: {features.Features.Count} items of shape [{string.Join(", ", features.Features.Shape[1..])}] ({(features.Computed ? "computed" : "from cache")} {features.CachePath})");

        TrainingOutcome outcome;
        try
        {
            outcome = await ErrorConsole.Instance.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var epochs = progress.AddTask($"epoch 0/{experiment.Training.Epochs}", maxValue: experiment.Training.Epochs);
                    return await Trainer.RunAsync(new TrainingRequest
                    {
                        Config = experiment,
                        Features = features.Features,
                        BundlePath = Path.Combine(outDir, "model.zip"),
                        OnEpoch = (report, _) =>
                        {
                            epochs.Description = $"epoch {report.Epoch}/{report.Epochs} loss {report.TrainLoss:0.000} val acc {report.ValAccuracy:P1}";
                            epochs.Increment(1);
                            return Task.FromResult(EpochDecision.Continue);
                        },
                    }, cancellation);
                });
        }
        catch (ArgumentException e)
        {
            throw new UserInputException(e.Message);
        }
        return new Result(outcome.Status, outcome.Failure, outcome.Reason, outcome.BundlePath, outcome.ParameterCount, outcome.BestEpoch, outcome.Split,
            outcome.Elapsed.TotalSeconds, features.CachePath, features.Computed, outcome.Epochs, outcome.Val, outcome.Test);
    }

    private static void Print(Result r)
    {
        Console.WriteLine($"status: {r.Status}{(r.Reason is null ? "" : $" ({r.Reason})")}; {r.Epochs.Count} epochs, best epoch {r.BestEpoch}, {r.ElapsedSeconds:0.0} s");
        Console.WriteLine($"model: {r.ParameterCount:N0} parameters; split: {r.Split}");
        if (r.Bundle is not null) Console.WriteLine($"bundle: {r.Bundle}");
        if (r.Val is not null) Console.WriteLine($"val: {ClassificationReportText.Summary(r.Val)}");
        if (r.Test is not null) ClassificationReportText.Write("test", r.Test);
    }
}
