using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SerSweep.Storage;
using SerSweep.Testing;

namespace SerSweep.Cluster.Tests;

/// <summary>How the silos of a <see cref="ProcessCluster"/> are laid out.</summary>
public enum Topology
{
    /// <summary>deploy/cluster: every process on 127.0.0.1, one folder for all.</summary>
    Loopback,

    /// <summary>
    /// deploy/netcluster: each silo (and Redis) its own host, a network namespace with its own address on a private
    /// bridge and a private folder the others cannot see; only the coordinator sees the audio and the database.
    /// </summary>
    Separated,
}

/// <summary>A process cluster of deploy/cluster or deploy/netcluster (real redis-server, one process per silo) in a temp folder.</summary>
public sealed partial class ProcessCluster : IAsyncDisposable
{
    private readonly int _siloPort;

    private ProcessCluster(string dir, Topology topology, int siloPort)
    {
        Dir = dir;
        Topology = topology;
        _siloPort = siloPort;
    }

    public string Dir { get; }
    public Topology Topology { get; }

    /// <summary>The coordinator's database (on the separated topology, inside the coordinator's private folder).</summary>
    public string DatabasePath => Topology == Topology.Loopback ? Path.Combine(Dir, "sersweep.db") : Path.Combine(Dir, "hosts", "coordinator", "sersweep.db");
    public string SweepFile => Path.Combine(Dir, "sweep.yaml");
    private string Script => Path.Combine(TestPaths.RepoRoot, "deploy", Topology == Topology.Loopback ? "cluster" : "netcluster");

    /// <summary>The dashboard as seen from outside the silos (the root namespace on the separated topology).</summary>
    public Uri Dashboard { get; private set; } = default!;

    /// <summary>Starts redis, a coordinator watching <paramref name="sweepYaml"/> and the workers; <paramref name="siloArgs"/> go to every silo.</summary>
    public static Task<ProcessCluster> StartAsync(string sweepYaml, int workers, params string[] siloArgs) =>
        StartAsync(Topology.Loopback, sweepYaml, workers, siloArgs);

    /// <summary>
    /// As above on <paramref name="topology"/>; on the separated one only the coordinator gets <c>--data</c>
    /// (the test RAVDESS), and the workers cannot see it.
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(Topology topology, string sweepYaml, int workers, params string[] siloArgs)
    {
        var dir = TestPaths.NewTempDir(topology == Topology.Loopback ? "sersweep-processes" : "sersweep-netcluster");
        await File.WriteAllTextAsync(Path.Combine(dir, "sweep.yaml"), sweepYaml);
        if (topology == Topology.Loopback)
        {
            var siloPort = FreePortBlock();
            var httpPort = FreePort();
            var cluster = new ProcessCluster(dir, topology, siloPort) { Dashboard = new Uri($"http://127.0.0.1:{httpPort}") };
            await cluster.ScriptAsync([
                "start", "--dir", dir, "--workers", workers.ToString(), "--redis-port", FreePort().ToString(),
                "--silo-port", siloPort.ToString(), "--http-port", httpPort.ToString(), "--watch", cluster.SweepFile, "--", .. siloArgs]);
            return cluster;
        }
        // A /24 no other cluster on this machine uses: the script refuses (exit 3) a subnet whose bridge exists.
        for (var attempt = 0; ; attempt++)
        {
            var subnet = $"10.213.{Random.Shared.Next(100, 250)}";
            var cluster = new ProcessCluster(dir, topology, 11111) { Dashboard = new Uri($"http://{subnet}.10:5080") };
            var run = await cluster.RunScriptAsync([
                "start", "--dir", dir, "--subnet", subnet, "--workers", workers.ToString(), "--data", TestPaths.Ravdess,
                "--watch", cluster.SweepFile, "--", .. siloArgs]);
            if (run.ExitCode == 0) return cluster;
            await cluster.RunScriptAsync(["stop", "--dir", dir]);
            if (run.ExitCode != 3 || attempt == 10)
                Assert.Fail($"deploy/netcluster start on {subnet}.0/24 failed ({run.ExitCode}):\n{run.Output}");
        }
    }

    public Task StartSiloAsync(string name) => ScriptAsync("start-silo", name, "--dir", Dir);

    /// <summary>kill -9 of one silo process.</summary>
    public void Kill(string name)
    {
        using var process = Process.GetProcessById(int.Parse(File.ReadAllText(Path.Combine(Dir, "pids", $"{name}.pid")).Trim()));
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>The script's name of the worker behind an Orleans silo address ("IP:PORT@GEN").</summary>
    public string WorkerOf(string siloAddress)
    {
        var parts = siloAddress.Split(':', '@');
        return Topology == Topology.Loopback
            ? $"worker-{int.Parse(parts[1]) - _siloPort}"
            : $"worker-{int.Parse(parts[0].Split('.')[3]) - 10}";
    }

    /// <summary>
    /// Runs a command on one host of the separated topology (its network namespace and view of the disk), or
    /// "outside" (the root namespace, reaching the hosts over the bridge); loopback runs it here.
    /// </summary>
    public async Task<(int ExitCode, string Output)> ExecAsync(string host, params string[] command) =>
        Topology == Topology.Loopback
            ? await RunAsync(command[0], command[1..], TimeSpan.FromMinutes(3))
            : await RunScriptAsync(["exec", host, "--dir", Dir, "--", .. command]);

    /// <summary>The `sersweep` command line of the test's build, run through deploy/torch-runtime.</summary>
    public static string[] Sersweep(params string[] args) =>
        [Path.Combine(TestPaths.RepoRoot, "deploy", "torch-runtime"), "dotnet", Path.Combine(AppContext.BaseDirectory, "sersweep.dll"), .. args];

    /// <summary>The dashboard token from the sign-in URL the coordinator logs, as a user reads it.</summary>
    public async Task<string> SignInTokenAsync(TimeSpan timeout)
    {
        var log = Path.Combine(Dir, "logs", "coordinator.log");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(log) && SignInUrl().Matches(await File.ReadAllTextAsync(log)) is { Count: > 0 } found)
                return found[^1].Groups["token"].Value;
            await Task.Delay(200);
        }
        throw new TimeoutException($"the coordinator did not log a sign-in URL (/login?token=...) within {timeout}\n{Logs()}");
    }

    /// <summary>A query on the coordinator's database, once it exists with its whole schema (waits up to 2 minutes).</summary>
    public async Task<T> ReadAsync<T>(Func<SerSweepDbContext, Task<T>> query)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (File.Exists(DatabasePath))
            {
                await using var db = new SerSweepDbContext(SqliteDatabase.Options(DatabasePath));
                try
                {
                    return await query(db);
                }
                // The coordinator is still creating the schema (a table, or a later migration's column).
                catch (Microsoft.Data.Sqlite.SqliteException e) when (DateTime.UtcNow < deadline
                    && (e.Message.Contains("no such table", StringComparison.Ordinal) || e.Message.Contains("no such column", StringComparison.Ordinal)))
                {
                }
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the coordinator's database {DatabasePath} was not there with its schema within 2 minutes\n{Logs()}");
            await Task.Delay(200);
        }
    }

    public async Task<T> WaitForAsync<T>(Func<SerSweepDbContext, Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await ReadAsync(probe) is { } found) return found;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{what} did not happen within {timeout}\n{Logs()}");
    }

    /// <summary>The last lines of every process's log, for failure messages.</summary>
    public string Logs() =>
        string.Join("\n", Directory.GetFiles(Path.Combine(Dir, "logs")).Select(f => $"== {f}\n{string.Join("\n", File.ReadLines(f).TakeLast(15))}"));

    private async Task ScriptAsync(params string[] args)
    {
        var run = await RunScriptAsync(args);
        Assert.True(run.ExitCode == 0, $"{Path.GetFileName(Script)} {string.Join(' ', args)} failed:\n{run.Output}");
    }

    private Task<(int ExitCode, string Output)> RunScriptAsync(string[] args) => RunAsync(Script, args, TimeSpan.FromMinutes(3));

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment["SERSWEEP_CLI_DLL"] = Path.Combine(AppContext.BaseDirectory, "sersweep.dll");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A base port with the next few (silo ports of the workers) and +1000 (gateways) free, all below Linux's ephemeral
    /// range (32768 up): a port picked there can be taken, between this check and a silo's (re)start after kill -9, as
    /// the source port of any outgoing connection on the machine; that made the coordinator's bind fail once.
    /// </summary>
    private static int FreePortBlock()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var start = Random.Shared.Next(20000, 31700);
            if (Enumerable.Range(0, 5).All(i => IsFree(start + i) && IsFree(start + 1000 + i))) return start;
        }
        throw new InvalidOperationException("no free block of ports");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"/login\?token=(?<token>[0-9A-Za-z%._~-]+)")]
    private static partial Regex SignInUrl();

    public async ValueTask DisposeAsync() => await ScriptAsync("stop", "--dir", Dir);
}
