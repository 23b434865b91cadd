using System.Diagnostics;
using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

/// <summary>Runs the built `sersweep` as a child process, the way users and scripts call it.</summary>
public static class CliProcess
{
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "sersweep.dll");

    public static async Task<ChildProcess.Result> RunAsync(params string[] args) => await RunAsync(null, args);

    public static async Task<ChildProcess.Result> RunAsync(IDictionary<string, string?>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return await StartAsync(psi, env);
    }

    public static Task<ChildProcess.Result> StartAsync(ProcessStartInfo psi, IDictionary<string, string?>? env = null, TimeSpan? timeout = null) =>
        ChildProcess.RunAsync(psi, env, timeout);
}
