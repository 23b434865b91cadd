using System.Diagnostics;

namespace SerSweep.Bench.Scale;

/// <summary>
/// The worker silos of a run, spread over child processes of this program (<c>--worker-host</c>, see
/// <see cref="WorkerSilos"/>): started, waited for until each says "ready", and stopped by closing their stdin.
/// </summary>
internal sealed class WorkerProcesses : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(90);
    private readonly List<Process> _processes;

    private WorkerProcesses(List<Process> processes) => _processes = processes;

    public IEnumerable<int> Pids => _processes.Select(p => p.Id);

    public static async Task<WorkerProcesses> StartAsync(ScaleOptions options, string redis, string clusterId, string dir)
    {
        var self = typeof(WorkerProcesses).Assembly.Location;
        var processes = new List<Process>();
        for (var p = 0; p < options.Processes; p++)
        {
            // Worker silos first..first+count-1 of this process: the workers split as evenly as they go.
            var first = p * options.Workers / options.Processes;
            var count = (p + 1) * options.Workers / options.Processes - first;
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { self, "--worker-host", "--workers", count.ToString(), "--first", first.ToString(), "--slots", options.Slots.ToString(),
                         "--redis", redis, "--cluster-id", clusterId, "--dir", dir })
                psi.ArgumentList.Add(arg);
            processes.Add(Process.Start(psi)!);
        }
        var workers = new WorkerProcesses(processes);
        using var deadline = new CancellationTokenSource(ReadyDeadline);
        foreach (var process in processes)
        {
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line != "ready") throw new InvalidOperationException($"worker process {process.Id} did not start its silos (said '{line}', exit {(process.HasExited ? process.ExitCode : null)})");
            _ = process.StandardOutput.ReadToEndAsync();
        }
        return workers;
    }

    public double CpuSeconds() => _processes.Sum(p => ProcFs.CpuSeconds(p.Id));

    public double RssMb() => _processes.Sum(p => ProcFs.MemoryMb(p.Id, "VmRSS"));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(ExitDeadline);
        foreach (var process in _processes)
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
            process.Dispose();
        }
    }
}
