using System.Text;
using System.Text.Json;
using CsCheck;
using SerSweep.Cli.Commands;
using SerSweep.Search;
using SerSweep.Search.Parsing;
using SerSweep.Testing;
using SerSweep.Testing.Fuzz;
using Xunit.Abstractions;

namespace SerSweep.Cli.Tests;

/// <summary>
/// Mutated sweep files (the shipped sweep.yaml and e2e sweep, and the broken-file corpus; bit flips, truncation,
/// splices, YAML tokens, files past the size limit) through `validate` (read from disk, summarised, written as JSON)
/// and the dashboard editor's parser (the same text as typed): every one is either a valid sweep or a list of
/// errors, each with a line and column inside the file, a message and a hint. Never another exception, a hang or
/// unbounded memory. deploy/fuzz runs the campaign (SERSWEEP_FUZZ_SWEEP_FILES=100000).
/// </summary>
public sealed class SweepFileFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] SeedPaths =
    [
        Path.Combine(TestPaths.RepoRoot, "sweep.yaml"),
        Path.Combine(TestPaths.RepoRoot, "tests", "SerSweep.Dashboard.Tests", "EndToEnd", "e2e-sweep.yaml"),
        .. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "tests", "SerSweep.Search.Tests", "Broken"), "*.yaml").Order(StringComparer.Ordinal),
    ];

    private static readonly byte[][] Seeds = [.. SeedPaths.Select(File.ReadAllBytes)];

    // Past the 1 MiB limit, so that the size check is what answers.
    private const int HugeBytes = (1 << 20) + 1024;

    // A 1 MiB file read as text, parsed and summarised allocates some tens of MB; a thousand times the largest
    // file's size would be a leak or a blow-up (an alias bomb) getting through.
    private const long MaxAllocatedBytes = 1L << 30;

    [Fact]
    public void Mutated_sweep_files_are_valid_sweeps_or_positioned_errors_in_validate_and_the_editor()
    {
        var run = new FuzzRun("sweep-files", defaultCases: 200);
        var folder = TestPaths.NewTempDir("sersweep-fuzz-sweeps");
        using var file = new ThreadLocal<string>(() => Path.Combine(folder, $"sweep-{Environment.CurrentManagedThreadId}.yaml"));

        Mutation.Cases(Seeds.Length).Sample(c =>
        {
            var bytes = Mutation.ApplyAll(Seeds, c.Seed, c.Mutations, HugeBytes);
            var path = file.Value!;
            File.WriteAllBytes(path, bytes);
            string Describe() => $"seed {Path.GetFileName(SeedPaths[c.Seed])}, {string.Join(", ", c.Mutations.Select(m => m.ToString()))}";

            // `sersweep validate FILE --json`: the report, as serialised on stdout.
            var (report, errors) = run.Guard(() =>
            {
                var checkedFile = ValidateCommand.Check(path);
                JsonSerializer.Serialize(checkedFile.Report, JsonOutput.Options);
                return checkedFile;
            }, MaxAllocatedBytes, Describe);
            var text = File.ReadAllText(path);
            CheckErrors(errors, path, text, Describe);
            Assert.True(report.Valid == (errors.Count == 0), $"valid={report.Valid} with {errors.Count} errors: {Describe()}");

            // The dashboard's editor parses the text as typed.
            var typed = run.Guard(() => SweepFile.Parse(Encoding.UTF8.GetString(bytes), "sweep.yaml"), MaxAllocatedBytes, Describe);
            CheckErrors(typed.Errors, "sweep.yaml", Encoding.UTF8.GetString(bytes), Describe);

            run.Record(report.Valid ? ["valid sweep"] : errors.Select(e => FuzzRun.Shape(e.Message)).Distinct());
        }, iter: run.Iterations, threads: 2);

        output.WriteLine(run.Report());
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Every error names the file and a position inside the text, and says what and how to fix it.</summary>
    private static void CheckErrors(IReadOnlyList<SweepError> errors, string file, string text, Func<string> describe)
    {
        // YAML 1.1's line breaks, which the parser counts and the messages use: CRLF, LF, CR, NEL, LS and PS.
        var lines = System.Text.RegularExpressions.Regex.Split(text, "\r\n|[\n\r\u0085\u2028\u2029]").Length;
        foreach (var e in errors)
        {
            Assert.True(e.File == file, $"error names {e.File}, not {file}: {describe()}");
            Assert.True(e.Line >= 1 && e.Line <= lines + 1 && e.Column >= 1, $"error at {e.Line}:{e.Column} outside the {lines}-line file ({e.Message}): {describe()}");
            Assert.False(string.IsNullOrWhiteSpace(e.Message) || string.IsNullOrWhiteSpace(e.Hint), $"error without message or hint at {e.Line}:{e.Column}: {describe()}");
        }
    }
}
