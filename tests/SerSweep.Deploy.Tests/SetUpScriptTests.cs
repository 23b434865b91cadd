using System.Diagnostics;
using System.Runtime.Versioning;
using SerSweep.Testing;

namespace SerSweep.Deploy.Tests;

/// <summary>
/// The two commands do their own set-up: deploy/install-deps (run by deploy/test for the tests' packages and by
/// deploy/sersweep for jemalloc) installs only what is missing and says plainly when it cannot. Nothing is removed
/// from or installed on this machine: apt-get is a stub that records its arguments, and the packages asked for are
/// ones that do not exist, so dpkg reports them missing.
/// </summary>
[SupportedOSPlatform("linux")]
public class SetUpScriptTests
{
    private const string Missing = "sersweep-test-no-such-package";
    private static string Deploy(string script) => Path.Combine(TestPaths.RepoRoot, "deploy", script);

    [Fact]
    public async Task Dry_run_names_only_the_missing_packages_and_installs_nothing()
    {
        var none = await Run([Deploy("install-deps"), "--dry-run", "util-linux"]);
        var some = await Run([Deploy("install-deps"), "--dry-run", "util-linux", Missing]);

        Assert.Equal((0, ""), (none.ExitCode, none.Stdout));
        Assert.Equal(3, some.ExitCode);
        Assert.Equal($"install-deps: would run apt-get install {Missing}", some.Stdout.Trim());
    }

    [Fact]
    public async Task As_root_it_installs_the_missing_packages_with_apt_and_nothing_else()
    {
        using var stubs = new StubApt(exitCode: 0);

        var run = await Run([Deploy("install-deps"), "util-linux", Missing], stubs.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["update -qq", $"install -y -qq --no-install-recommends {Missing}"], stubs.Calls());
    }

    [Fact]
    public async Task Without_root_it_names_what_is_missing_and_the_command_to_run()
    {
        using var stubs = new StubApt(exitCode: 0);

        var run = await Run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", Deploy("install-deps"), "util-linux", Missing], stubs.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"missing {Missing}; installing needs root: run 'sudo deploy/install-deps {Missing}'", run.Stderr);
        Assert.Empty(stubs.Calls());
    }

    [Fact]
    public async Task When_apt_fails_it_says_so_and_exits_1()
    {
        using var stubs = new StubApt(exitCode: 100);

        var run = await Run([Deploy("install-deps"), Missing], stubs.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"apt-get update failed (see above); missing {Missing}", run.Stderr);
    }

    [Fact]
    public void The_test_command_runs_the_set_up_and_publishes_the_CLI_and_CI_runs_the_test_command_alone()
    {
        var test = File.ReadAllText(Deploy("test"));
        var ci = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, ".ci", "run"))
            .Where(l => !l.TrimStart().StartsWith('#') && l.Contains("deploy/")).Select(l => l.Trim()).ToArray();

        Assert.Contains("\"$repo/deploy/install-deps\"", test);
        Assert.Contains("\"$repo/deploy/install-compose-plugin\"", test);
        Assert.Contains("\"$repo/deploy/sersweep\" --version", test);
        Assert.Equal(["deploy/test"], ci);
    }

    [Fact]
    public async Task Sersweep_installs_jemalloc_when_it_is_missing()
    {
        using var stubs = new StubApt(exitCode: 0, installed: false);

        var run = await ValidateWithoutJemallocAsync(stubs);

        Assert.True(run.ExitCode == 0, $"deploy/sersweep exited {run.ExitCode}: {run.Stderr}");
        Assert.Equal(["update -qq", "install -y -qq --no-install-recommends libjemalloc2"], stubs.Calls());
        Assert.DoesNotContain("WITHOUT jemalloc", run.Stderr);
    }

    [Fact]
    public async Task Sersweep_says_once_that_it_runs_without_jemalloc_when_it_cannot_install_it()
    {
        using var stubs = new StubApt(exitCode: 100, installed: false);

        var run = await ValidateWithoutJemallocAsync(stubs);

        Assert.True(run.ExitCode == 0, $"deploy/sersweep exited {run.ExitCode}: {run.Stderr}");
        Assert.Contains("valid", run.Stdout);
        Assert.Single(run.Stderr.Split('\n'), l => l.Contains("running WITHOUT jemalloc"));
    }

    [Fact]
    public async Task Sersweep_refuses_an_unknown_build_flavour_before_building_or_running_anything()
    {
        var run = await Run([Deploy("sersweep"), "--version"], env: new() { ["SERSWEEP_CLI_BUILD"] = "fast" });

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sersweep: SERSWEEP_CLI_BUILD must be composite (the default) or quick, not 'fast'", run.Stderr.Trim());
        Assert.Equal("", run.Stdout);
    }

    /// <summary>`deploy/sersweep validate sweep.yaml` on a machine where jemalloc seems missing (it looks for it elsewhere).</summary>
    private static Task<ChildProcess.Result> ValidateWithoutJemallocAsync(StubApt stubs) =>
        Run([Deploy("sersweep"), "validate", Path.Combine(TestPaths.RepoRoot, "sweep.yaml")], stubs.Path,
            new() { ["SERSWEEP_JEMALLOC_LIB"] = "/nonexistent/libjemalloc.so.2", ["SERSWEEP_ALLOCATOR_SAID"] = null, ["SERSWEEP_MALLOC"] = null });

    /// <summary>A folder put first on PATH with an apt-get that records its arguments and exits with the given code,
    /// and (when <paramref name="installed"/> is false) a dpkg-query that reports every package missing.</summary>
    private sealed class StubApt : IDisposable
    {
        public string Path { get; } = TestPaths.NewTempDir("sersweep-stub-apt");
        private string Log => System.IO.Path.Combine(Path, "calls");

        public StubApt(int exitCode, bool installed = true)
        {
            Write("apt-get", $"echo \"$*\" >> '{Log}'\nexit {exitCode}");
            if (!installed) Write("dpkg-query", "exit 1");
            // The non-root test runs as nobody, who must be able to enter the folder and run the stubs.
            File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
        }

        public string[] Calls() => File.Exists(Log) ? File.ReadAllLines(Log) : [];

        private void Write(string name, string body)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, $"#!/bin/sh\n{body}\n");
            File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private static Task<ChildProcess.Result> Run(string[] command, string? stubs = null, Dictionary<string, string?>? env = null)
    {
        var psi = new ProcessStartInfo(command[0]);
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        env ??= [];
        if (stubs is not null) env["PATH"] = $"{stubs}:{Environment.GetEnvironmentVariable("PATH")}";
        // deploy/sersweep may first build the CLI (a few minutes on a loaded 2-core machine).
        return ChildProcess.RunAsync(psi, env, TimeSpan.FromMinutes(10));
    }
}
