using System.Diagnostics;
using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

/// <summary>deploy/torch-runtime: detects, and says clearly when it cannot help.</summary>
public class TorchRuntimeScriptTests
{
    private static string Script => Path.Combine(TestPaths.RepoRoot, "deploy", "torch-runtime");

    private static ProcessStartInfo Command(params string[] args)
    {
        var psi = new ProcessStartInfo(args[0]);
        foreach (var a in args.Skip(1)) psi.ArgumentList.Add(a);
        return psi;
    }

    [Fact]
    public async Task Forced_compat_as_non_root_says_root_is_needed()
    {
        // setpriv drops to nobody; SERSWEEP_IN_COMPAT is cleared so the script decides afresh.
        var run = await CliProcess.StartAsync(
            Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", Script, "true"),
            new Dictionary<string, string?> { ["SERSWEEP_IN_COMPAT"] = null, ["SERSWEEP_COMPAT"] = "1" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("needs root", run.Stderr);
    }

    [Fact]
    public async Task Sets_the_allocator_tunables_unless_the_caller_set_them()
    {
        var plain = await CliProcess.StartAsync(Command(Script, "printenv", "GLIBC_TUNABLES"),
            new Dictionary<string, string?> { ["GLIBC_TUNABLES"] = null, ["SERSWEEP_COMPAT"] = "0" });
        var own = await CliProcess.StartAsync(Command(Script, "printenv", "GLIBC_TUNABLES"),
            new Dictionary<string, string?> { ["GLIBC_TUNABLES"] = "glibc.malloc.arena_max=2", ["SERSWEEP_COMPAT"] = "0" });

        Assert.Equal("glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1", plain.Stdout.Trim());
        Assert.Equal("glibc.malloc.arena_max=2", own.Stdout.Trim());
    }

    [Fact]
    public async Task Preloads_jemalloc_with_one_arena_that_keeps_its_pages_unless_told_to_keep_glibc()
    {
        // deploy/install-deps installs libjemalloc2 on the test machines.
        const string jemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
        Assert.True(File.Exists(jemalloc), $"{jemalloc} is missing: run deploy/install-deps");
        var clean = new Dictionary<string, string?> { ["LD_PRELOAD"] = null, ["MALLOC_CONF"] = null, ["SERSWEEP_COMPAT"] = "0" };

        var preloaded = await CliProcess.StartAsync(Command(Script, "printenv", "LD_PRELOAD", "MALLOC_CONF"), clean);
        var glibc = await CliProcess.StartAsync(Command(Script, "printenv", "LD_PRELOAD"),
            new Dictionary<string, string?>(clean) { ["SERSWEEP_MALLOC"] = "glibc" });

        Assert.Equal([jemalloc, "narenas:1,dirty_decay_ms:-1,muzzy_decay_ms:-1"], preloaded.Stdout.Trim().Split('\n'));
        Assert.Equal("", glibc.Stdout.Trim());
    }

    [Fact]
    public async Task Without_a_command_it_prints_usage_and_exits_2()
    {
        var run = await CliProcess.StartAsync(Command(Script));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("usage", run.Stderr);
    }
}
