using System.Diagnostics;

namespace SerSweep.Cli.Tests;

/// <summary>Runs the built `sersweep` as a child process, the way users and scripts call it.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "sersweep.dll");

    public static async Task<Result> RunAsync(params string[] args) => await RunAsync(null, args);

    public static async Task<Result> RunAsync(IDictionary<string, string?>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return await StartAsync(psi, env);
    }

    public static async Task<Result> StartAsync(ProcessStartInfo psi, IDictionary<string, string?>? env = null, TimeSpan? timeout = null)
    {
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish in time");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
