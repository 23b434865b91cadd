using System.Text.RegularExpressions;
using Bunit;
using SerSweep.Dashboard.Components.Sweeps;
using SerSweep.Search.Parsing;
using SerSweep.Testing;

namespace SerSweep.Dashboard.Tests.Components;

public sealed class YamlEditorTests : IDisposable
{
    private readonly BunitContext context = new();
    private static readonly string ValidYaml = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "sweep.yaml"));

    public void Dispose() => context.Dispose();

    private static int LineOf(string text, string fragment) =>
        text[..text.IndexOf(fragment, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    [Fact]
    public void Accepts_the_repository_sweep_file()
    {
        SweepParseResult? validated = null;
        var editor = context.Render<YamlEditor>(p => p
            .Add(c => c.Text, ValidYaml)
            .Add(c => c.Validated, result => validated = result));

        Assert.Contains("Valid: ravdess-cnn", editor.Find("p.valid").TextContent);
        Assert.Empty(editor.FindAll("ul.diagnostics li"));
        Assert.True(validated!.IsValid);
    }

    [Fact]
    public void Shows_an_error_at_its_line_and_column_as_the_user_types()
    {
        string? changed = null;
        var editor = context.Render<YamlEditor>(p => p
            .Add(c => c.Text, ValidYaml)
            .Add(c => c.TextChanged, text => changed = text));
        var typo = ValidYaml.Replace("  learning_rate: 0.001", "  learning_rat: 0.001", StringComparison.Ordinal);

        editor.Find("textarea").Input(typo);

        var error = editor.Find("ul.diagnostics li");
        var line = LineOf(typo, "  learning_rat:");
        Assert.Equal(line.ToString(), error.GetAttribute("data-line"));
        Assert.Equal("3", error.GetAttribute("data-column"));
        Assert.Contains("learning_rat", error.TextContent);
        Assert.Contains("learning_rate", error.TextContent); // the hint suggests the right key
        Assert.Equal(line.ToString(), editor.Find(".gutter span.bad").TextContent);
        Assert.Equal(typo, changed);
        Assert.Empty(editor.FindAll("p.valid"));
    }

    [Fact]
    public void Lists_every_error_at_once_and_clears_them_when_fixed()
    {
        var editor = context.Render<YamlEditor>(p => p.Add(c => c.Text, ValidYaml));
        var broken = Regex.Replace(ValidYaml, @"^  epochs: \d+$", "  epochs: twelve", RegexOptions.Multiline)
            .Replace("    metric: val_uar\n    direction: maximize", "    metric: val_lss\n    direction: maximize", StringComparison.Ordinal);

        editor.Find("textarea").Input(broken);
        var lines = editor.FindAll("ul.diagnostics li").Select(li => int.Parse(li.GetAttribute("data-line")!)).ToList();
        Assert.Contains(LineOf(broken, "  epochs: twelve"), lines);
        Assert.Contains(LineOf(broken, "    metric: val_lss"), lines);

        editor.Find("textarea").Input(ValidYaml);
        Assert.Empty(editor.FindAll("ul.diagnostics li"));
        Assert.Single(editor.FindAll("p.valid"));
    }

    [Fact]
    public void Reports_broken_yaml_syntax_with_its_position()
    {
        // An unclosed '[' is found where its ']' was due: at the end of the text (line 3, column 1 after two lines).
        const string unclosedSequence = "name: x\nsearch: [unclosed\n";
        AssertReportedAt(unclosedSequence, unclosedSequence.Count(c => c == '\n') + 1, 1, "flow sequence");
        // An unclosed '"' is reported at the quote that opened it.
        const string unclosedQuote = "name: \"x\nseed: 3\n";
        AssertReportedAt(unclosedQuote, 1, unclosedQuote.IndexOf('"') + 1, "double-quoted");
    }

    private void AssertReportedAt(string text, int line, int column, string problem)
    {
        var editor = context.Render<YamlEditor>(p => p.Add(c => c.Text, text));
        var error = editor.Find("ul.diagnostics li");
        Assert.Equal((line, column), (int.Parse(error.GetAttribute("data-line")!), int.Parse(error.GetAttribute("data-column")!)));
        Assert.Contains(problem, error.TextContent, StringComparison.Ordinal);
    }
}
