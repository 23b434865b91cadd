using System.CommandLine;
using Microsoft.Data.Sqlite;
using SerSweep.Storage;

namespace SerSweep.Cli.Commands;

/// <summary>`sersweep check`: the invariants of a sweep database (<see cref="SweepInvariants"/>); exit 1 when one is broken.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var db = new Option<string>("--db") { Description = "The SQLite database to check.", DefaultValueFactory = _ => "artifacts/sersweep.db" };
        var json = new Option<bool>("--json") { Description = "Print every sweep's counts and every violation as JSON." };
        var command = new Command("check", "Check a sweep database: every trial that ended with metrics has exactly one result, its epochs once each, its attempts recorded, the folds of a completed trial finished, every trial of a completed sweep finished. Exit code 1 on any violation.")
        {
            db, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var path = parse.GetValue(db)!;
            if (!File.Exists(path)) throw new UserInputException($"--db: no database at {path}");
            InvariantReport report;
            try
            {
                await using var context = new SerSweepDbContext(SqliteDatabase.Options(path));
                report = await SweepInvariants.CheckAsync(context, cancellation);
            }
            catch (SqliteException e)
            {
                throw new UserInputException($"--db: {path} is not a SerSweep database of this version ({e.Message})");
            }
            if (parse.GetValue(json)) JsonOutput.Write(report);
            else Print(report);
            return report.Ok ? ExitCodes.Ok : ExitCodes.RunFailed;
        });
        return command;
    }

    private static void Print(InvariantReport report)
    {
        foreach (var s in report.Sweeps)
            Console.WriteLine($"sweep {s.SweepId} {s.Name}: {s.Status}; trials {s.Completed}/{s.Trials} completed, results {s.TrialsWithResult}, " +
                              $"attempts {s.Attempts} ({s.Preempted} preempted), epochs {s.Epochs}");
        foreach (var v in report.Violations) Console.WriteLine($"VIOLATION: {v}");
        Console.WriteLine(report.Ok ? "ok" : $"{report.Violations.Count} violation{(report.Violations.Count == 1 ? "" : "s")}");
    }
}
