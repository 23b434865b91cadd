using System.Text.Json;
using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

public class ValidateCommandTests
{
    private static string SeedSweep => Path.Combine(TestPaths.RepoRoot, "sweep.yaml");

    private static string Broken(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "SerSweep.Search.Tests", "Broken", name);

    [Fact]
    public async Task The_seed_sweep_is_valid_and_summarised()
    {
        var run = await CliProcess.RunAsync("validate", SeedSweep);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains($"{SeedSweep}: valid", run.Stdout);
        Assert.Contains("tpe, 16 trials, 2 at a time", run.Stdout);
        Assert.Contains("asha:        val_loss at epochs 10, 20 of 40", run.Stdout);
        Assert.Contains("training.learning_rate       loguniform   [0.0003, 0.003]", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task An_unclosed_flow_list_followed_by_a_key_is_a_positioned_error_with_exit_2_not_a_crash()
    {
        // YamlDotNet throws InvalidOperationException (Scanner.ScanPlainScalar) on this text, not a YamlException.
        var file = Broken("yaml-syntax-unclosed-flow-then-key.yaml");

        var run = await CliProcess.RunAsync("validate", file);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"{file}:11:3: error: YAML syntax error: ", run.Stderr);
        Assert.DoesNotContain("Exception", run.Stderr);
    }

    [Fact]
    public async Task Every_error_is_listed_with_file_line_column_and_hint_and_the_exit_code_is_2()
    {
        var file = Broken("many-errors-at-once.yaml");

        var run = await CliProcess.RunAsync("validate", file);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var lines = run.Stderr.Trim().Split('\n');
        Assert.Equal(
        [
            $"{file}:7:3: error: unknown key 'epocs' in training (hint: did you mean 'epochs'?)",
            $"{file}:8:15: error: training.batch_size: expected an integer, got 'many' (hint: write a whole number, e.g. 32)",
            $"{file}:11:15: error: search.max_trials must be at least 1, got 0 (hint: write a whole number of 1 or more)",
            $"{file}:14:14: error: model.dropout: inverted range [0.5, 0.1] (hint: write the lower bound first)",
            $"{file}: 4 errors",
        ], lines);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Json_reports_the_errors_with_their_positions()
    {
        var run = await CliProcess.RunAsync("validate", Broken("misspelt-enum.yaml"), "--json");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("valid").GetBoolean());
        var error = Assert.Single(root.GetProperty("errors").EnumerateArray().ToArray());
        Assert.Equal(4, error.GetProperty("line").GetInt32());
        Assert.Equal(14, error.GetProperty("column").GetInt32());
        Assert.Equal("did you mean 'rms_prop'?", error.GetProperty("hint").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("sweep").ValueKind);
    }

    [Fact]
    public async Task Json_summarises_a_valid_sweep()
    {
        var run = await CliProcess.RunAsync("validate", SeedSweep, "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var sweep = doc.RootElement.GetProperty("sweep");
        Assert.Equal("tpe", sweep.GetProperty("method").GetString());
        Assert.Equal(16, sweep.GetProperty("trials").GetInt32());
        Assert.Equal("val_uar", sweep.GetProperty("objective_metric").GetString());
        Assert.Equal("maximize", sweep.GetProperty("objective_direction").GetString());
        Assert.Equal([10, 20], sweep.GetProperty("early_stopping").GetProperty("rungs").EnumerateArray().Select(r => r.GetInt32()));
        var optimizer = sweep.GetProperty("parameters")[0];
        Assert.Equal("values", optimizer.GetProperty("kind").GetString());
        Assert.Equal(["adam", "rms_prop", "adam_w"], optimizer.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(0, doc.RootElement.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task A_missing_file_is_bad_input()
    {
        var run = await CliProcess.RunAsync("validate", "no-such-sweep.yaml");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("no-such-sweep.yaml:1:1: error: file not found: no-such-sweep.yaml", run.Stderr);
    }
}
