using System.CommandLine;
using Microsoft.Extensions.Hosting;
using SerSweep.Cluster.Contracts;
using SerSweep.Host;

namespace SerSweep.Cli.Commands;

/// <summary>`sersweep silo`: one silo of a multi-process cluster (or all roles in one), running until stopped.</summary>
public static class SiloCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "coordinator (database, sweeps, dashboard), worker (runs trials) or all.", DefaultValueFactory = _ => SiloRoles.All };
        role.AcceptOnlyFromAmong([.. SiloRoles.Names]);
        var redis = new Option<string?>("--redis") { Description = "HOST:PORT of Redis for cluster membership and reminders; without it the silo clusters on localhost alone." };
        var watch = new Option<string?>("--watch") { Description = "A sweep.yaml to watch (coordinator): each saved version that validates starts a new sweep." };
        var advertise = new Option<string?>("--advertise-ip") { Description = "Address other silos reach this one at ('auto': this host's first IPv4).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SERSWEEP_ADVERTISE_IP") };
        var clusterId = new Option<string>("--cluster-id") { Description = "Cluster (and service) id shared by the silos of one cluster.", DefaultValueFactory = _ => "sersweep" };
        var shared = new SiloOptions();
        var command = new Command("silo", "Run one silo: a coordinator (database, sweeps, dashboard), a worker that runs trials, or all in one. Runs until Ctrl+C / SIGTERM.")
        {
            role, redis, watch, advertise, clusterId,
        };
        foreach (var option in shared.All) command.Options.Add(option);
        command.SetAction(async (parse, cancel) =>
        {
            var options = shared.Read(parse, parse.GetValue(role)!) with
            {
                Redis = parse.GetValue(redis),
                WatchFile = parse.GetValue(watch),
                AdvertiseIp = parse.GetValue(advertise) is { Length: > 0 } ip ? ip : null,
                ClusterId = parse.GetValue(clusterId)!,
            };
            if (options.WatchFile is { } file && !options.Coordinates) throw new UserInputException("--watch needs --role coordinator or all");
            if (options.WatchFile is { } missing && !File.Exists(missing)) throw new UserInputException($"--watch: file {missing} does not exist");
            using var host = SerSweepHost.Build(options);
            await host.StartAsync(cancel);
            Console.Error.WriteLine($"silo {options.Role} up: silo port {options.SiloPort}, {(options.Redis is null ? "localhost clustering" : $"redis {options.Redis}")}" +
                (options.Coordinates ? $", dashboard {options.Urls}, database {Path.GetFullPath(options.DbPath)}" : $", {options.Slots} slots x {options.ThreadsPerTrial} threads"));
            await host.WaitForShutdownAsync(cancel);
            return ExitCodes.Ok;
        });
        return command;
    }
}
