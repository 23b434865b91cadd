using System.Text.Json;

namespace SerSweep.Cli.Tests;

public class DoctorTests
{
    [Fact]
    public void Libtorch_loads_and_computes_in_this_process()
    {
        var report = Commands.DoctorCommand.Diagnose();

        Assert.Null(report.Error);
        Assert.StartsWith("2.10", report.Libtorch);
        Assert.Equal([3f, 3f, 7f, 7f], report.TensorResult!);
    }

    [Fact]
    public async Task Doctor_json_reports_versions_and_the_tensor_result()
    {
        var run = await CliProcess.RunAsync("doctor", "--json");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal("0.107.0", root.GetProperty("torchsharp").GetString());
        Assert.Equal([3f, 3f, 7f, 7f], root.GetProperty("tensor_result").EnumerateArray().Select(e => e.GetSingle()).ToArray());
        Assert.True(root.GetProperty("torch_threads").GetInt32() >= 1);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("compat_runtime").GetString()));
        // What the process really runs on (its memory map), which is what its environment asked for.
        var preloaded = Environment.GetEnvironmentVariable("LD_PRELOAD")?.Contains("libjemalloc") == true;
        Assert.StartsWith(preloaded ? "jemalloc (MALLOC_CONF=" : "glibc", root.GetProperty("malloc").GetString());
    }
}
