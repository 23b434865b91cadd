using SerSweep.Cluster;
using SerSweep.Search;
using SerSweep.Search.Parsing;
using SerSweep.Search.Resuming;
using SerSweep.Storage;
using SerSweep.Storage.Entities;

namespace SerSweep.Cli.Commands;

/// <summary>
/// What <c>sweep --resume ID [FILE] [--max-trials N] [--time-limit T]</c> asks for: the stored sweep, its definition with the
/// raised limits, and those limits. A FILE must be the sweep's own file but for its limits (a raised limit in it counts as
/// the option would); the options win over it. Anything else is bad input (exit 2), named.
/// </summary>
internal sealed record ResumeInput(Sweep Sweep, SweepDefinition Definition, RaisedLimits Limits)
{
    public static async Task<ResumeInput> ReadAsync(string dbPath, string wanted, string? filePath, int? maxTrials, string? timeLimit)
    {
        if (!File.Exists(dbPath)) throw new UserInputException($"--resume: no database at {dbPath} (give the --db the sweep ran with)");
        SqliteDatabase.Migrate(dbPath);
        var queries = StoredSweeps.Open(dbPath);
        var summary = await StoredSweeps.FindAsync(queries, wanted) ?? throw new UserInputException($"--resume: no sweep '{wanted}' in {dbPath}");
        var sweep = (await queries.GetSweepAsync(summary.Id))!;
        var limits = filePath is null ? RaisedLimits.None : await FileLimitsAsync(sweep, filePath);
        if (maxTrials is not null) limits = limits with { MaxTrials = maxTrials };
        if (timeLimit is not null)
        {
            if (!Durations.TryParse(timeLimit, out var time)) throw new UserInputException($"--time-limit: expected {Durations.Expected}, got '{timeLimit}'");
            limits = limits with { TimeLimit = time };
        }
        return new ResumeInput(sweep, SweepResume.WithLimits(SweepDefinitions.FromStored(sweep), limits), limits);
    }

    /// <summary>The limits FILE changes (those equal to the sweep's original file change nothing); any other change is refused.</summary>
    private static async Task<RaisedLimits> FileLimitsAsync(Sweep sweep, string filePath)
    {
        var parsed = SweepFile.Load(filePath);
        if (!parsed.IsValid) throw new UserInputException(string.Join(Environment.NewLine, parsed.Errors));
        var changed = SweepResume.ChangedFields(sweep.YamlText, await File.ReadAllTextAsync(filePath));
        if (changed.Count > 0)
            throw new UserInputException($"{filePath} differs from the file of sweep {sweep.Id} ({sweep.Name} v{sweep.Version}) in {string.Join(", ", changed)}: " +
                $"a resumed sweep may change only {string.Join(" and ", SweepResume.LimitKeys)} (start a new sweep for anything else)");
        var original = SweepFile.Parse(sweep.YamlText, filePath).GetDefinitionOrThrow().Search;
        var given = parsed.Definition!.Search;
        return new RaisedLimits(given.MaxTrials == original.MaxTrials ? null : given.MaxTrials, given.TimeLimit == original.TimeLimit ? null : given.TimeLimit);
    }
}
