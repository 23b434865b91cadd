using System.Diagnostics;

namespace SerSweep.Testing;

/// <summary>Runs a program as a child process to its end, with a deadline, and gives back its exit code and output.</summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <param name="env">Variables to set; a null value removes the variable.</param>
    public static async Task<Result> RunAsync(ProcessStartInfo psi, IDictionary<string, string?>? env = null, TimeSpan? timeout = null)
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
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish within {limit}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
