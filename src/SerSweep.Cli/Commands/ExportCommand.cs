using System.CommandLine;
using Microsoft.EntityFrameworkCore.Infrastructure;
using SerSweep.Storage;

namespace SerSweep.Cli.Commands;

/// <summary>`sersweep export`: the best model bundle of a sweep, from the database.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var db = new Option<string>("--db") { Description = "The SQLite database of the cluster.", DefaultValueFactory = _ => "artifacts/sersweep.db" };
        var sweepOption = new Option<string?>("--sweep") { Description = "Sweep id, or name (its newest version); default: the newest sweep." };
        var output = new Option<string?>("--out") { Description = "Where to write the bundle; default artifacts/best-NAME-vVERSION.zip beside the database." };
        var json = new Option<bool>("--json") { Description = "Print the export as JSON." };
        var command = new Command("export", "Copy the best model bundle of a sweep (by its objective) out of the artifacts, checked against its SHA-256.")
        {
            db, sweepOption, output, json,
        };
        command.SetAction(async parse =>
        {
            var path = parse.GetValue(db)!;
            if (!File.Exists(path)) throw new UserInputException($"--db: no database at {path}");
            var queries = new SweepQueries(new PooledDbContextFactory<SerSweepDbContext>(SqliteDatabase.Options(path)));
            var sweeps = await queries.ListSweepsAsync();
            var wanted = parse.GetValue(sweepOption);
            var summary = wanted is null ? sweeps.FirstOrDefault()
                : long.TryParse(wanted, out var id) ? sweeps.FirstOrDefault(s => s.Id == id)
                : sweeps.FirstOrDefault(s => s.Name == wanted);
            if (summary is null) throw new UserInputException(wanted is null ? $"{path} holds no sweep" : $"--sweep: no sweep '{wanted}' in {path}");
            var sweep = (await queries.GetSweepAsync(summary.Id))!;
            var destination = parse.GetValue(output) ?? BestBundle.DefaultPath(Path.GetDirectoryName(Path.GetFullPath(path))!, sweep);
            var exported = await BestBundle.ExportAsync(queries, sweep, destination);
            if (exported is null)
            {
                Console.Error.WriteLine($"error: sweep {sweep.Id} ({sweep.Name} v{sweep.Version}) has no trial with a model bundle yet");
                return ExitCodes.RunFailed;
            }
            if (parse.GetValue(json)) JsonOutput.Write(exported);
            else Console.WriteLine($"best of {exported.Sweep} v{exported.Version}: trial {exported.TrialIndex} ({exported.Objective} {exported.Value:0.####}) -> {exported.Path}\nsha256 {exported.Sha256}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
