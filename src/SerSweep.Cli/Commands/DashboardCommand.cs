using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SerSweep.Host;

namespace SerSweep.Cli.Commands;

/// <summary>
/// `sersweep dashboard`: the dashboard over the database a sweep left (leaderboard, curves, confusion matrices, model
/// downloads, predictions), read-only, until Ctrl+C: the way back to a finished sweep's results.
/// </summary>
public static class DashboardCommand
{
    public static Command Create()
    {
        var db = new Option<string>("--db") { Description = "The SQLite database a sweep or a coordinator wrote.", DefaultValueFactory = _ => "artifacts/sersweep.db" };
        var urls = new Option<string>("--urls") { Description = "Where the dashboard listens (port 0: any free port).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var command = new Command("dashboard", "Serve the dashboard over an existing database, read-only (no coordinator: sweeps can be looked at, not started or steered), until Ctrl+C.")
        {
            db, urls,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var path = parse.GetValue(db)!;
            if (!File.Exists(path)) throw new UserInputException($"--db: no database at {path}; run a sweep first (sersweep sweep sweep.yaml) or give the path of one");
            await using var app = SerSweepHost.BuildDashboard(path, parse.GetValue(urls)!);
            await app.StartAsync(cancel);
            // With port 0 the bound address is known only now; scripts and tests read it from this line.
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            Console.Error.WriteLine($"dashboard (read-only) over {Path.GetFullPath(path)}: {string.Join(' ', bound)}  (Ctrl+C to stop)");
            await app.WaitForShutdownAsync(cancel);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The command that reopens the dashboard over <paramref name="dbPath"/>, as the user started this CLI (deploy/sersweep sets SERSWEEP_COMMAND).</summary>
    public static string ReopenCommand(string dbPath) =>
        $"{(Environment.GetEnvironmentVariable("SERSWEEP_COMMAND") is { Length: > 0 } cli ? cli : "sersweep")} dashboard --db {dbPath}";
}
