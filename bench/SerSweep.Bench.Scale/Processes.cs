using System.Diagnostics;
using System.Net.Sockets;

namespace SerSweep.Bench.Scale;

/// <summary>What /proc says of a process: CPU seconds (user + system) and resident memory.</summary>
internal static class ProcFs
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static double CpuSeconds(int pid) => Cpu($"/proc/{pid}/stat").Seconds;

    /// <summary>CPU seconds of each live thread of a process by thread id, with the thread's name.</summary>
    public static Dictionary<int, (string Name, double Seconds)> ThreadCpu(int pid)
    {
        var threads = new Dictionary<int, (string, double)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                threads[int.Parse(Path.GetFileName(task))] = Cpu(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return threads;
    }

    /// <summary>CPU seconds by thread name between two <see cref="ThreadCpu"/> snapshots (threads that ended meanwhile are missing).</summary>
    public static IReadOnlyList<(string Name, double Seconds)> ThreadCpuSince(Dictionary<int, (string Name, double Seconds)> before, int pid) =>
        [.. ThreadCpu(pid).Select(t => (t.Value.Name, t.Value.Seconds - (before.TryGetValue(t.Key, out var b) ? b.Seconds : 0)))
            .GroupBy(t => t.Name).Select(g => (g.Key, g.Sum(t => t.Item2))).OrderByDescending(t => t.Item2)];

    private static (string Name, double Seconds) Cpu(string statPath)
    {
        // The name is in parentheses; the fields after it: state is field 3, utime 14, stime 15.
        var stat = File.ReadAllText(statPath);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')], (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond);
    }

    /// <summary>A VmRSS / VmHWM line of /proc/PID/status, in MB.</summary>
    public static double MemoryMb(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0).FirstOrDefault();
}

/// <summary>A private redis-server for the cluster's membership and reminders, as deploy/cluster starts one.</summary>
internal sealed class RedisServer : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private readonly Process _process;

    private RedisServer(Process process, int port) => (_process, Port) = (process, port);

    public int Port { get; }
    public int Pid => _process.Id;
    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(string dir)
    {
        var port = Testing.Ports.Free();
        var psi = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, WorkingDirectory = dir };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) psi.ArgumentList.Add(arg);
        var redis = new RedisServer(Process.Start(psi)!, port);
        _ = redis._process.StandardOutput.ReadToEndAsync();
        var deadline = DateTime.UtcNow + StartDeadline;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return redis;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !redis._process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
