using System.CommandLine;
using System.Runtime.InteropServices;
using SerSweep.Audio.Torch;
using TorchSharp;

namespace SerSweep.Cli.Commands;

/// <summary>`sersweep doctor`: what this machine gives SerSweep, and proof that libtorch computes here.</summary>
public static class DoctorCommand
{
    public sealed record Report(
        string Os, string Dotnet, string Sersweep, [property: System.Text.Json.Serialization.JsonPropertyName("torchsharp")] string TorchSharp, string? Libtorch, int? TorchThreads,
        string CompatRuntime, string Malloc, string? GlibcTunables, int ProcessorCount, float[]? TensorResult, string? Error);

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("doctor", "Print OS, .NET, TorchSharp/libtorch versions, threads, whether the compat runtime is in use, and run one tensor op.")
        {
            json,
        };
        command.SetAction(parse =>
        {
            var report = Diagnose();
            if (parse.GetValue(json)) JsonOutput.Write(report);
            else Print(report);
            return report.Error is null ? ExitCodes.Ok : ExitCodes.RunFailed;
        });
        return command;
    }

    public static Report Diagnose()
    {
        string? libtorch = null, error = null;
        int? threads = null;
        float[]? result = null;
        try
        {
            libtorch = torch.__version__;
            threads = torch.get_num_threads();
            // [[1,2],[3,4]] @ [[1,1],[1,1]] = [[3,3],[7,7]]: computed by libtorch, not by .NET.
            using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
            using var b = torch.ones(2, 2);
            using var c = torch.matmul(a, b);
            result = TensorData.ToArray<float>(c);
        }
        catch (Exception e)
        {
            error = $"libtorch did not load: {e.GetBaseException().Message.Split('\n')[0].Trim()} On Debian 12 run through deploy/torch-runtime (deploy/sersweep does).";
        }
        return new Report(
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            typeof(DoctorCommand).Assembly.GetName().Version?.ToString(3) ?? "?",
            typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?",
            libtorch,
            threads,
            Environment.GetEnvironmentVariable("SERSWEEP_COMPAT_RUNTIME") ?? "unknown (not started through deploy/torch-runtime)",
            Malloc(),
            Environment.GetEnvironmentVariable("GLIBC_TUNABLES"),
            Environment.ProcessorCount,
            result,
            error);
    }

    /// <summary>Which malloc this process runs on: jemalloc if deploy/torch-runtime (or the image) preloaded it, else glibc's.</summary>
    private static string Malloc()
    {
        var jemalloc = File.Exists("/proc/self/maps") && File.ReadLines("/proc/self/maps").Any(line => line.Contains("libjemalloc"));
        return jemalloc ? $"jemalloc (MALLOC_CONF={Environment.GetEnvironmentVariable("MALLOC_CONF") ?? ""})" : "glibc";
    }

    private static void Print(Report r)
    {
        Console.WriteLine($"os:              {r.Os}");
        Console.WriteLine($".net:            {r.Dotnet}");
        Console.WriteLine($"sersweep:        {r.Sersweep}");
        Console.WriteLine($"torchsharp:      {r.TorchSharp}");
        Console.WriteLine($"libtorch:        {r.Libtorch ?? "not loaded"}");
        Console.WriteLine($"torch threads:   {r.TorchThreads?.ToString() ?? "-"} (cores: {r.ProcessorCount})");
        Console.WriteLine($"compat runtime:  {r.CompatRuntime}");
        Console.WriteLine($"malloc:          {r.Malloc}");
        Console.WriteLine($"glibc tunables:  {r.GlibcTunables ?? "(none)"}");
        Console.WriteLine(r.TensorResult is { } t
            ? $"tensor op:       [[1,2],[3,4]] @ ones(2,2) = [[{t[0]},{t[1]}],[{t[2]},{t[3]}]]"
            : $"tensor op:       FAILED: {r.Error}");
    }
}
