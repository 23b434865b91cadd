using System.Diagnostics;
using System.Runtime.Versioning;
using SerSweep.Testing;

namespace SerSweep.Deploy.Tests;

/// <summary>
/// deploy/test-summary, the closing lines of the test command, read from .trx files written here by hand: the counts
/// below are the sums of what each file says, worked out in the test, not by the script.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TestSummaryTests : IDisposable
{
    private readonly string _results = TestPaths.NewTempDir("sersweep-test-summary");

    [Fact]
    public async Task Sums_every_assembly_names_each_failed_test_and_counts_a_named_project_without_results_as_failed()
    {
        Write("a.trx", "Alpha.Tests", passed: 3, failed: 1, skipped: 0, failures: [("Alpha.Tests.Breaks", "expected 1, got 2")]);
        Write("b.trx", "Beta.Tests", passed: 2, failed: 0, skipped: 1);

        var run = await Summarise("Alpha.Tests", "Beta.Tests", "Gamma.Tests");

        var lines = run.Stdout.TrimEnd().Split('\n');
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"test assemblies: 2 (results: {_results})", lines[0]);
        Assert.Equal("failed tests:", lines[1]);
        Assert.Contains("  Gamma.Tests: wrote no results (its run died or could not write them; its output is above)", lines);
        Assert.Contains("  Alpha.Tests.Breaks: expected 1, got 2", lines);
        Assert.DoesNotContain(lines, l => l.Contains("Beta.Tests:"));
        Assert.StartsWith("disk free where the results are: ", lines[^2]);
        Assert.Equal($"{3 + 2} passed, {1 + 1} failed, {0 + 1} skipped", lines[^1]);
    }

    [Fact]
    public async Task When_every_named_project_reported_and_none_failed_it_exits_0_with_the_counts_alone()
    {
        Write("a.trx", "Alpha.Tests", passed: 4, failed: 0, skipped: 0);

        var run = await Summarise("Alpha.Tests");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([$"test assemblies: 1 (results: {_results})", "4 passed, 0 failed, 0 skipped"], run.Stdout.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_project_that_is_not_named_may_be_absent_as_a_filtered_run_leaves_it()
    {
        Write("a.trx", "Alpha.Tests", passed: 1, failed: 0, skipped: 0);

        var run = await Summarise();

        Assert.Equal((0, "1 passed, 0 failed, 0 skipped"), (run.ExitCode, run.Stdout.TrimEnd().Split('\n')[^1]));
    }

    /// <summary>A .trx as VSTest writes one: the assembly in a storage attribute, a result per failure with its
    /// message on a line of its own, and the run's counters.</summary>
    private void Write(string file, string assembly, int passed, int failed, int skipped, (string Test, string Message)[]? failures = null)
    {
        var results = string.Concat((failures ?? []).Select(f => $"""
                <UnitTestResult executionId="1" testId="2" testName="{f.Test}" computerName="vm" duration="00:00:01" outcome="Failed">
                  <Output>
                    <ErrorInfo>
                      <Message>{f.Message}</Message>
                    </ErrorInfo>
                  </Output>
                </UnitTestResult>

            """));
        File.WriteAllText(Path.Combine(_results, file), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results>
            {results}  </Results>
              <TestDefinitions>
                <UnitTest name="T" storage="/repo/tests/{assembly.ToLowerInvariant()}/bin/release/net10.0/{assembly.ToLowerInvariant()}.dll" id="2" />
              </TestDefinitions>
              <ResultSummary outcome="{(failed > 0 ? "Failed" : "Completed")}">
                <Counters total="{passed + failed + skipped}" executed="{passed + failed}" passed="{passed}" failed="{failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="{skipped}" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />
              </ResultSummary>
            </TestRun>
            """);
    }

    private Task<ChildProcess.Result> Summarise(params string[] projects)
    {
        var psi = new ProcessStartInfo(Path.Combine(TestPaths.RepoRoot, "deploy", "test-summary"));
        psi.ArgumentList.Add(_results);
        foreach (var p in projects) psi.ArgumentList.Add(p);
        return ChildProcess.RunAsync(psi, timeout: TimeSpan.FromMinutes(1));
    }

    public void Dispose() => Directory.Delete(_results, recursive: true);
}
