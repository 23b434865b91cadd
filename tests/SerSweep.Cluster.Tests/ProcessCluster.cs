using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using SerSweep.Storage;
using SerSweep.Testing;

namespace SerSweep.Cluster.Tests;

/// <summary>The loopback process topology of deploy/cluster (real redis-server, one process per silo) in a temp folder.</summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly int _siloPort;

    private ProcessCluster(string dir, int siloPort)
    {
        Dir = dir;
        _siloPort = siloPort;
    }

    public string Dir { get; }
    public string DatabasePath => Path.Combine(Dir, "sersweep.db");
    public string SweepFile => Path.Combine(Dir, "sweep.yaml");

    /// <summary>Starts redis, a coordinator watching <paramref name="sweepYaml"/> and the workers; <paramref name="siloArgs"/> go to every silo.</summary>
    public static async Task<ProcessCluster> StartAsync(string sweepYaml, int workers, params string[] siloArgs)
    {
        var dir = TestPaths.NewTempDir("sersweep-processes");
        await File.WriteAllTextAsync(Path.Combine(dir, "sweep.yaml"), sweepYaml);
        var siloPort = FreePortBlock();
        var cluster = new ProcessCluster(dir, siloPort);
        await cluster.ScriptAsync([
            "start", "--dir", dir, "--workers", workers.ToString(), "--redis-port", FreePort().ToString(),
            "--silo-port", siloPort.ToString(), "--http-port", FreePort().ToString(), "--watch", cluster.SweepFile, "--", .. siloArgs]);
        return cluster;
    }

    public Task StartSiloAsync(string name) => ScriptAsync("start-silo", name, "--dir", Dir);

    /// <summary>kill -9 of one silo process.</summary>
    public void Kill(string name)
    {
        using var process = Process.GetProcessById(int.Parse(File.ReadAllText(Path.Combine(Dir, "pids", $"{name}.pid")).Trim()));
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>The deploy/cluster name of the worker behind an Orleans silo address ("127.0.0.1:PORT@GEN").</summary>
    public string WorkerOf(string siloAddress) => $"worker-{int.Parse(siloAddress.Split(':', '@')[1]) - _siloPort}";

    public async Task<T> ReadAsync<T>(Func<SerSweepDbContext, Task<T>> query)
    {
        while (!File.Exists(DatabasePath)) await Task.Delay(200);
        await using var db = new SerSweepDbContext(SqliteDatabase.Options(DatabasePath));
        try
        {
            return await query(db);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            // The coordinator is still creating the schema.
            await Task.Delay(200);
            return await ReadAsync(query);
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
        var logs = string.Join("\n", Directory.GetFiles(Path.Combine(Dir, "logs")).Select(f => $"== {f}\n{string.Join("\n", File.ReadLines(f).TakeLast(15))}"));
        throw new TimeoutException($"{what} did not happen within {timeout}\n{logs}");
    }

    private async Task ScriptAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(TestPaths.RepoRoot, "deploy", "cluster")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment["SERSWEEP_CLI_DLL"] = Path.Combine(AppContext.BaseDirectory, "sersweep.dll");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"deploy/cluster {string.Join(' ', args)} failed:\n{await stdout}\n{await stderr}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A base port with the next few (silo ports of the workers) and +1000 (gateways) free.</summary>
    private static int FreePortBlock()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var start = Random.Shared.Next(20000, 40000);
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

    public async ValueTask DisposeAsync() => await ScriptAsync("stop", "--dir", Dir);
}
