using System.CommandLine;
using SerSweep.Search;
using SerSweep.Search.Config;
using SerSweep.Search.Parsing;
using SerSweep.Search.Strategies;

namespace SerSweep.Cli.Commands;

/// <summary>`sersweep validate sweep.yaml`: every mistake in a sweep file with file, line, column and a fix hint; exit 2 if any.</summary>
public static class ValidateCommand
{
    public sealed record Error(string File, int Line, int Column, string Message, string Hint);

    public sealed record Parameter(string Path, string Kind, IReadOnlyList<string>? Values, double? Low, double? High, double? Q,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? When);

    public sealed record Asha(string Metric, string Direction, int GracePeriod, int ReductionFactor, int MaxEpochs, IReadOnlyList<int> Rungs);

    public sealed record Objective(string Metric, string Direction);

    /// <summary>A valid sweep; <see cref="ObjectiveMetric"/> is the first of <see cref="Objectives"/> (every objective, one for a single-objective sweep).</summary>
    public sealed record Summary(string Name, int Seed, string Method, int Trials, int MaxConcurrent, double? TimeLimitSeconds,
        string ObjectiveMetric, string ObjectiveDirection, IReadOnlyList<Parameter> Parameters, Asha? EarlyStopping, IReadOnlyList<Objective> Objectives,
        IReadOnlyList<Asha>? HyperbandBrackets = null);

    public sealed record Report(string File, bool Valid, IReadOnlyList<Error> Errors, Summary? Sweep);

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The sweep file to check, e.g. sweep.yaml." };
        var json = new Option<bool>("--json") { Description = "Print the result (errors or the sweep's summary) as JSON." };
        var command = new Command("validate", "Check a sweep file: YAML syntax, keys, types, ranges, conditions, objective, limits. Lists every error with line, column and a fix hint; exit code 2 if there is any.")
        {
            file, json,
        };
        command.SetAction(parse =>
        {
            var (report, errors) = Check(parse.GetValue(file)!);
            if (parse.GetValue(json)) JsonOutput.Write(report);
            else Print(report, errors);
            return report.Valid ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    /// <summary>What `validate` reports on a file: its errors, or the summary of the sweep it describes.</summary>
    internal static (Report Report, IReadOnlyList<SweepError> Errors) Check(string path)
    {
        var result = SweepFile.Load(path);
        var report = new Report(path, result.IsValid,
            [.. result.Errors.Select(e => new Error(e.File, e.Line, e.Column, e.Message, e.Hint))],
            result.IsValid ? Summarise(result.Definition!) : null);
        return (report, result.Errors);
    }

    private static Summary Summarise(SweepDefinition sweep) => new(
        sweep.Name, sweep.Seed, ConfigSchema.KeyOf(sweep.Search.Method.ToString()), SearchStrategies.Create(sweep).Budget,
        sweep.Search.MaxConcurrent, sweep.Search.TimeLimit?.TotalSeconds, sweep.Search.Objective.Metric,
        ConfigSchema.KeyOf(sweep.Search.Objective.Direction.ToString()),
        [.. sweep.Parameters.Select(Describe)],
        sweep.Asha is { } a ? Describe(a) : null,
        [.. sweep.Search.AllObjectives.Select(o => new Objective(o.Metric, ConfigSchema.KeyOf(o.Direction.ToString())))],
        sweep.Hyperband is { } h ? [.. Enumerable.Range(0, h.BracketCount).Select(s => Describe(h.Bracket(s)))] : null);

    private static Asha Describe(AshaSettings a) => new(a.Metric, ConfigSchema.KeyOf(a.Direction.ToString()), a.GracePeriod, a.ReductionFactor, a.MaxEpochs, a.Rungs);

    private static Parameter Describe(ParameterSpec p) => new(
        p.Path,
        p.Keyword,
        p.IsCategorical ? [.. p.Choices.Select(ValueTypes.Format)] : null,
        p.IsCategorical ? null : p.Low,
        p.IsCategorical ? null : p.High,
        p.Q,
        p.Conditions.Count == 0 ? null : p.Conditions.ToDictionary(c => c.Path, c => (IReadOnlyList<string>)[.. c.Values.Select(ValueTypes.Format)]));

    private static void Print(Report report, IReadOnlyList<SweepError> errors)
    {
        if (!report.Valid)
        {
            foreach (var error in errors) Console.Error.WriteLine(error);
            Console.Error.WriteLine($"{report.File}: {errors.Count} error{(errors.Count == 1 ? "" : "s")}");
            return;
        }
        var s = report.Sweep!;
        Console.WriteLine($"{report.File}: valid");
        Console.WriteLine($"sweep:       {s.Name} (seed {s.Seed})");
        Console.WriteLine($"search:      {s.Method}, {s.Trials} trials, {s.MaxConcurrent} at a time{(s.TimeLimitSeconds is { } t ? $", time limit {TimeSpan.FromSeconds(t)}" : "")}");
        Console.WriteLine($"{(s.Objectives.Count > 1 ? "objectives:" : "objective:"),-13}{string.Join(", ", s.Objectives.Select(o => $"{o.Direction} {o.Metric}"))}");
        Console.WriteLine(s.EarlyStopping is { } a
            ? $"asha:        {a.Metric} at epochs {string.Join(", ", a.Rungs)} of {a.MaxEpochs}, best 1/{a.ReductionFactor} continue"
            : "asha:        off");
        Console.WriteLine("parameters:");
        foreach (var p in s.Parameters)
        {
            var range = p.Values is { } values ? $"[{string.Join(", ", values)}]" : $"[{ValueTypes.Format(p.Low)}, {ValueTypes.Format(p.High)}]{(p.Q is { } q ? $" step {ValueTypes.Format(q)}" : "")}";
            var when = p.When is null ? "" : $"  when {string.Join(", ", p.When.Select(w => $"{w.Key} in [{string.Join(", ", w.Value)}]"))}";
            Console.WriteLine($"  {p.Path,-28} {p.Kind,-12} {range}{when}");
        }
    }
}
