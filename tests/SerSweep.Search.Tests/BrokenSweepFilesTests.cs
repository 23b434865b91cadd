using System.Text.RegularExpressions;
using SerSweep.Search.Parsing;
using SerSweep.Testing;

namespace SerSweep.Search.Tests;

/// <summary>
/// The corpus of broken sweep files under Broken/: each file states, in its leading "# expect L:C message"
/// comments, every error it must produce, with exact position and message, in order (and optionally
/// "# hint ..." for the exact fix hint of the error before it).
/// </summary>
public partial class BrokenSweepFilesTests
{
    private static string Folder => Path.Combine(TestPaths.RepoRoot, "tests", "SerSweep.Search.Tests", "Broken");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_corpus_holds_at_least_thirty_files_each_with_expectations()
    {
        var files = Directory.GetFiles(Folder, "*.yaml");

        // At least the thirty the corpus started with: fewer means the folder or the glob is wrong. No upper bound: every
        // new key brings its broken files (the merge of enqueue, hyperband and objectives passed sixty).
        Assert.True(files.Length >= 30, $"{files.Length} broken files in {Folder}");
        Assert.All(files, f => Assert.NotEmpty(Expectations(File.ReadAllText(f))));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_broken_file_reports_exactly_its_expected_errors(string name)
    {
        var text = File.ReadAllText(Path.Combine(Folder, name));

        var result = SweepFile.Parse(text, name);

        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        var expected = Expectations(text);
        Assert.Equal(expected.Select(e => $"{e.Line}:{e.Column} {e.Message}"), result.Errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(name, result.Errors[i].File);
            Assert.False(string.IsNullOrWhiteSpace(result.Errors[i].Hint), $"error {i + 1} of {name} has no hint");
            if (expected[i].Hint is { } hint) Assert.Equal(hint, result.Errors[i].Hint);
        }
    }

    private sealed record Expectation(int Line, int Column, string Message, string? Hint);

    private static List<Expectation> Expectations(string text)
    {
        var expectations = new List<Expectation>();
        foreach (var line in text.Split('\n'))
        {
            if (ExpectLine().Match(line) is { Success: true } expect)
                expectations.Add(new(int.Parse(expect.Groups[1].Value), int.Parse(expect.Groups[2].Value), expect.Groups[3].Value.TrimEnd('\r'), null));
            else if (line.StartsWith("# hint ", StringComparison.Ordinal) && expectations.Count > 0)
                expectations[^1] = expectations[^1] with { Hint = line["# hint ".Length..].TrimEnd('\r') };
        }
        return expectations;
    }

    [GeneratedRegex(@"^# expect (\d+):(\d+) (.+)$")]
    private static partial Regex ExpectLine();
}
