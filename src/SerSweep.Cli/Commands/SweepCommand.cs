using System.CommandLine;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SerSweep.Cluster;
using SerSweep.Cluster.Contracts;
using SerSweep.Dashboard.Data;
using SerSweep.Host;
using SerSweep.Search;
using SerSweep.Search.Parsing;
using SerSweep.Storage;
using SerSweep.Storage.Entities;
using Spectre.Console;

namespace SerSweep.Cli.Commands;

/// <summary>
/// `sersweep sweep sweep.yaml`: the whole system in one process (coordinator + worker + dashboard on localhost
/// clustering): runs the sweep with progress bars, prints the leaderboard and exports the best bundle.
/// </summary>
public static class SweepCommand
{
    /// <summary>A leaderboard row (<see cref="OnFront"/>: on the Pareto front of a multi-objective sweep, else null); for a cross-validated trial <see cref="Objective"/> and the test metrics are means over its folds (held-out actors), <see cref="ObjectiveSd"/> their spread, <see cref="Folds"/> each fold; <see cref="Bracket"/> its Hyperband bracket (early_stopping.hyperband only).</summary>
    public sealed record Row(int Index, long TrialId, string Status, double? Objective, double? TestAccuracy, double? TestMacroF1, int Epochs, int Attempts, string? StopReason, string Parameters,
        double? ObjectiveSd = null, double? TestUar = null, IReadOnlyList<FoldScore>? Folds = null, bool? OnFront = null, int? Bracket = null);

    /// <summary><see cref="ParetoFront"/>: a multi-objective sweep's front (null with one objective). <see cref="CrossValidation"/>: the best trial's folds (summed confusion matrix, accuracy per held-out actor); null without cross_validation.</summary>
    public sealed record Report(long SweepId, string Name, int Version, string Status, int Trials, int Completed, int Pruned, int Failed,
        double ElapsedSeconds, string Database, string Dashboard, BestBundle.Exported? Best, IReadOnlyList<Row> Leaderboard,
        CrossValidationSummary? CrossValidation = null, IReadOnlyList<SweepFront.Point>? ParetoFront = null);

    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "The sweep file, e.g. sweep.yaml (with --resume optional: only its limits may differ from the sweep's).", Arity = ArgumentArity.ZeroOrOne };
        var resume = new Option<string?>("--resume") { Description = "Go on with an earlier sweep of --db (its id, or its name for the newest version), even a completed or stopped one: its search, trial indices, seeds and ASHA continue." };
        var maxTrials = new Option<int?>("--max-trials") { Description = "With --resume: the sweep's new max_trials, counting the trials it already started." };
        var timeLimit = new Option<string?>("--time-limit") { Description = "With --resume: the sweep's new time_limit (e.g. 2h30m), counting the time it already ran." };
        var json = new Option<bool>("--json") { Description = "Print the result (leaderboard, best bundle) as JSON on stdout; progress stays on stderr." };
        var top = new Option<int>("--top") { Description = "Leaderboard rows to print.", DefaultValueFactory = _ => 10 };
        var keepOpen = new Option<bool>("--keep-open") { Description = "Keep the dashboard (and the coordinator) up after the sweep, until Ctrl+C." };
        var shared = new SiloOptions();
        var command = new Command("sweep", "Run a sweep in one embedded process (coordinator, worker and dashboard on 127.0.0.1), print the leaderboard and export the best bundle to the artifacts folder.")
        {
            file, resume, maxTrials, timeLimit, json, top, keepOpen,
        };
        foreach (var option in shared.All) command.Options.Add(option);
        command.SetAction(async (parse, cancel) =>
        {
            var path = parse.GetValue(file);
            var options = shared.Read(parse, SiloRoles.All);
            ResumeInput? resuming = null;
            SweepDefinition definition;
            if (parse.GetValue(resume) is { } wanted)
            {
                resuming = await ResumeInput.ReadAsync(options.DbPath, wanted, path, parse.GetValue(maxTrials), parse.GetValue(timeLimit));
                definition = resuming.Definition;
            }
            else
            {
                if (path is null) throw new UserInputException("give the sweep file (sersweep sweep sweep.yaml), or --resume ID to go on with an earlier sweep");
                if (parse.GetResult(maxTrials) is not null || parse.GetResult(timeLimit) is not null)
                    throw new UserInputException("--max-trials and --time-limit raise the limits of a resumed sweep: add --resume ID, or set search.max_trials / search.time_limit in the file");
                var parsed = SweepFile.Load(path);
                if (!parsed.IsValid)
                {
                    foreach (var error in parsed.Errors) Console.Error.WriteLine(error);
                    return ExitCodes.BadInput;
                }
                definition = parsed.Definition!;
            }
            // Without --slots the embedded worker runs as many trials at once as the sweep allows.
            if (parse.GetResult(shared.Slots) is null or { Implicit: true }) options = options with { Slots = Math.Max(1, definition.Search.MaxConcurrent) };
            // The embedded worker trains here, so the data must be here: say so now rather than fail every trial.
            var dataRoot = options.DataRoot ?? definition.Base.Data.Path;
            if (options.Trainer == TrainerKind.Torch && !Directory.Exists(dataRoot))
                throw new UserInputException($"{path ?? definition.SourcePath}: data.path: RAVDESS folder '{dataRoot}' does not exist; put the Actor_XX folders there (see README \"The data\") or pass --data DIR");

            var clock = Stopwatch.StartNew();
            using var host = SerSweepHost.Build(options);
            await host.StartAsync(cancel);
            // Where the dashboard really listens (with port 0 the port is chosen only now).
            var dashboard = host.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses is { Count: > 0 } bound
                ? string.Join(' ', bound) : options.Urls;
            var launcher = host.Services.GetRequiredService<SweepLauncher>();
            var queries = host.Services.GetRequiredService<SweepQueries>();
            Sweep sweep;
            if (resuming is not null)
            {
                if (await launcher.ResumeAsync(resuming.Sweep.Id, resuming.Limits) is { } refusal)
                {
                    await host.StopAsync(CancellationToken.None);
                    throw new UserInputException($"--resume: sweep {resuming.Sweep.Id} ({resuming.Sweep.Name} v{resuming.Sweep.Version}) cannot go on: {refusal}");
                }
                sweep = (await queries.GetSweepAsync(resuming.Sweep.Id, cancel))!;
            }
            else
            {
                var (launched, errors) = await launcher.LaunchAsync(await File.ReadAllTextAsync(path!, cancel), Path.GetFullPath(path!));
                if (launched is null)
                {
                    foreach (var error in errors) Console.Error.WriteLine(error);
                    return ExitCodes.BadInput;
                }
                sweep = launched;
            }
            Console.Error.WriteLine($"{(resuming is null ? "" : "resumed ")}sweep {sweep.Name} v{sweep.Version} (id {sweep.Id}): {sweep.MaxTrials} trials, {options.Slots} slots x {options.ThreadsPerTrial} threads; dashboard {dashboard}");

            var coordinator = launcher.Coordinator(sweep.Id);
            try
            {
                await ShowProgressAsync(coordinator, sweep.MaxTrials, cancel);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("interrupted: stopping the sweep");
                await coordinator.Stop();
            }

            var summary = (await queries.GetSweepSummaryAsync(sweep.Id))!;
            var board = await queries.LeaderboardAsync(sweep.Id, new LeaderboardQuery { PageSize = Math.Max(1, parse.GetValue(top)) });
            var stored = (await queries.GetSweepAsync(sweep.Id))!;
            var front = (await SweepFront.OfAsync(queries, stored))?.Members;
            // A multi-objective sweep has no one best: its best is the front, and the user picks the model to export.
            var best = front is null ? await BestBundle.ExportAsync(queries, stored, BestBundle.DefaultPath(options.ArtifactsDir, stored)) : null;
            var folds = definition.CrossValidation?.Folds ?? 0;
            var summaries = new Dictionary<long, CrossValidationSummary>();
            if (folds > 0)
                foreach (var r in board.Items)
                    summaries[r.TrialId] = CrossValidationSummary.Of(stored.ObjectiveMetric, folds, await queries.ChildrenAsync(r.TrialId, CancellationToken.None));
            var report = new Report(sweep.Id, sweep.Name, sweep.Version, summary.Status.ToString(), summary.Total, summary.Completed, summary.Pruned, summary.Failed,
                clock.Elapsed.TotalSeconds, Path.GetFullPath(options.DbPath), options.Urls, best,
                [.. board.Items.Select(r => new Row(r.Index, r.TrialId, r.Status.ToString(), r.ObjectiveValue, r.TestAccuracy, r.TestMacroF1, r.LastEpoch, r.Attempts, r.StopReason, r.ParametersJson,
                    r.ObjectiveSd, r.TestUar, summaries.GetValueOrDefault(r.TrialId)?.Scores, front?.Any(m => m.TrialId == r.TrialId), definition.Hyperband?.BracketOf(r.Index)))],
                summary.BestTrialId is { } bestId && folds > 0 ? CrossValidationSummary.Of(stored.ObjectiveMetric, folds, await queries.ChildrenAsync(bestId, CancellationToken.None)) : null,
                front);
            if (parse.GetValue(json)) JsonOutput.Write(report);
            else Print(report, stored.ObjectiveMetric);
            if (parse.GetValue(keepOpen) && !cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine($"dashboard still open on {dashboard} (--keep-open); Ctrl+C to stop");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancel);
                }
                catch (OperationCanceledException)
                {
                }
            }
            else Console.Error.WriteLine($"the dashboard closed with the sweep; reopen it with: {DashboardCommand.ReopenCommand(options.DbPath)}");
            await host.StopAsync(CancellationToken.None);
            // Done when it completed with a model to hand out: the best bundle, or a front to choose from.
            return report.Status == "Completed" && (best is not null || front is { Count: > 0 }) ? ExitCodes.Ok : ExitCodes.RunFailed;
        });
        return command;
    }

    private static async Task ShowProgressAsync(ISweepCoordinatorGrain coordinator, int budget, CancellationToken cancel)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var trials = context.AddTask("trials", maxValue: Math.Max(1, budget));
                while (true)
                {
                    var progress = await coordinator.GetProgress();
                    trials.Value = progress.Finished + progress.Failed;
                    trials.Description = $"trials: {progress.Finished} done, {progress.Running} running, {progress.Failed} failed" +
                        (progress.BestObjective is { } b ? $", best {b:0.####}" : "");
                    if (progress.IsOver) break;
                    // A short poll: the sweep is over up to one poll interval before the leaderboard prints.
                    await Task.Delay(100, cancel);
                }
                trials.StopTask();
            });
    }

    private static void Print(Report report, string objective)
    {
        var folded = report.CrossValidation is not null;
        var table = new Table().AddColumns("#", "trial", "status", folded ? $"{objective} (mean ± sd over folds)" : objective,
            folded ? "held-out accuracy" : "test_accuracy", folded ? "held-out macro_f1" : "test_macro_f1", "epochs", "attempts", "parameters");
        var rank = 0;
        foreach (var r in report.Leaderboard)
            table.AddRow((++rank).ToString(), r.Index.ToString(), Markup.Escape(r.Status),
                Format(r.Objective) + (r.ObjectiveSd is { } sd ? $" ± {Format(sd)}" : ""), Format(r.TestAccuracy), Format(r.TestMacroF1), r.Epochs.ToString(), r.Attempts.ToString(), Markup.Escape(Compact(r.Parameters)));
        var console = AnsiConsole.Console;
        // Spectre assumes 80 columns when stdout is a file or a pipe, which wraps the parameters letter by letter.
        if (Console.IsOutputRedirected) console.Profile.Width = 200;
        console.Write(table);
        if (report.CrossValidation is { } cv) PrintFolds(cv);
        Console.WriteLine($"{report.Name} v{report.Version}: {report.Status}, {report.Completed} completed, {report.Pruned} pruned, {report.Failed} failed in {TimeSpan.FromSeconds(report.ElapsedSeconds):hh\\:mm\\:ss}");
        if (report.ParetoFront is { } front)
            Console.WriteLine($"Pareto front ({front.Count} trials; export one with: sersweep export --sweep {report.SweepId} --trial ID): "
                + string.Join("; ", front.Select(m => $"id {m.TrialId} (#{m.Index}) {string.Join(" ", m.Values.Select(v => $"{v.Key} {Format(v.Value)}"))}")));
        if (report.ParetoFront is null)
            Console.WriteLine(report.Best is { } best
                ? $"best model: trial {best.TrialIndex} ({objective} {Format(best.Value)}) -> {best.Path} (sha256 {best.Sha256})"
                : "best model: none (no trial finished with a bundle)");
        Console.WriteLine($"database: {report.Database}");
    }

    private static void PrintFolds(CrossValidationSummary cv)
    {
        Console.WriteLine($"best trial over {cv.Folds} folds (held-out actors): accuracy {Format(cv.AccuracyMean)} ± {Format(cv.AccuracySd)}, UAR {Format(cv.UarMean)} ± {Format(cv.UarSd)}, macro-F1 {Format(cv.MacroF1Mean)} ± {Format(cv.MacroF1Sd)}");
        foreach (var fold in cv.Scores)
            Console.WriteLine($"  fold {fold.Fold} (actors {string.Join(",", fold.HeldOutActors)}): {fold.Status}, accuracy {Format(fold.Accuracy)}, UAR {Format(fold.Uar)}, macro-F1 {Format(fold.MacroF1)}");
        Console.WriteLine("  accuracy per held-out actor: " + string.Join(", ", cv.PerActorAccuracy.Select(a => $"{a.Key}: {Format(a.Value)}")));
        if (cv.Confusion is { } confusion)
        {
            Console.WriteLine("  confusion matrix summed over folds (rows = true class): " + string.Join(" ", confusion.Labels));
            foreach (var (label, row) in confusion.Labels.Zip(confusion.Counts)) Console.WriteLine($"    {label,-10} {string.Join(" ", row.Select(c => c.ToString().PadLeft(4)))}");
        }
    }

    /// <summary>"learning_rate=0.00128 optimizer=sgd": parameter names without their section, numbers to 3 significant digits.</summary>
    private static string Compact(string parametersJson) =>
        string.Join(" ", StoredJson.ReadParameterValues(parametersJson).Select(p =>
            $"{p.Key[(p.Key.LastIndexOf('.') + 1)..]}={(p.Value is double d ? d.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) : p.Value)}"));

    private static string Format(double? value) => value is { } v ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
