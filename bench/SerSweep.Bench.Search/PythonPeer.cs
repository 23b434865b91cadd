using System.Diagnostics;
using System.Text.Json;

/// <summary>Runs a Python peer with Debian's python3 (which has Optuna) and reads the JSON lines it prints.</summary>
internal static class PythonPeer
{
    public static List<JsonElement> Run(string script, params string[] arguments)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {stderr.Result} (install Optuna: apt-get install python3-optuna)");
        return [.. stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }
}
