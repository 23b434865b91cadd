using System.Text.Json;
using SerSweep.Testing;

namespace SerSweep.Cli.Tests;

/// <summary>`sersweep features` as users and scripts run it: a child process on real RAVDESS files.</summary>
public class FeaturesCommandTests
{
    private static JsonElement Json(ChildProcess.Result run)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    [Fact]
    public async Task Computes_the_cache_then_loads_it_with_the_same_key()
    {
        var root = RavdessSubset.Create();
        var cache = TestPaths.NewTempDir();

        var first = Json(await CliProcess.RunAsync("features", "--data", root, "--actors", "1,2,4", "--cache", cache, "--json"));
        var second = Json(await CliProcess.RunAsync("features", "--data", root, "--actors", "1,2,4", "--cache", cache, "--json"));

        Assert.True(first.GetProperty("computed").GetBoolean());
        Assert.False(second.GetProperty("computed").GetBoolean());
        Assert.Equal(6, first.GetProperty("files").GetInt32());
        Assert.Equal([6, 1, 64, 300], first.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("log_mel", first.GetProperty("feature_kind").GetString());
        Assert.Equal(48000, first.GetProperty("waveform_length").GetInt32());
        Assert.InRange(first.GetProperty("audio_seconds").GetDouble(), 18, 30);
        Assert.Equal(first.GetProperty("cache_key").GetString(), second.GetProperty("cache_key").GetString());
        Assert.True(File.Exists(first.GetProperty("cache_path").GetString()));
        Assert.Equal(0, first.GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task Human_output_names_files_shape_key_and_problems()
    {
        var root = RavdessSubset.Create();

        var run = await CliProcess.RunAsync("features", "--data", root, "--actors", "1-4", "--cache", TestPaths.NewTempDir());

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("files:         6", run.Stdout);
        Assert.Contains("shape:         [6, 1, 64, 300] log_mel", run.Stdout);
        Assert.Contains("computed in:", run.Stdout);
        Assert.Contains("Actor_03: folder of selected actor 3 is missing", run.Stdout);
    }

    [Fact]
    public async Task Two_concurrent_processes_compute_once_and_agree()
    {
        var cache = TestPaths.NewTempDir();
        string[] args = ["features", "--data", TestPaths.Ravdess, "--actors", "1-2", "--cache", cache, "--json"];

        var runs = await Task.WhenAll(CliProcess.RunAsync(args), CliProcess.RunAsync(args));

        var results = runs.Select(Json).ToArray();
        Assert.Single(results, r => r.GetProperty("computed").GetBoolean());
        Assert.All(results, r => Assert.Equal(120, r.GetProperty("files").GetInt32()));
        Assert.Equal(results[0].GetProperty("cache_key").GetString(), results[1].GetProperty("cache_key").GetString());
        Assert.Single(Directory.GetFiles(cache, "*.features"));
        Assert.Empty(Directory.GetFiles(cache, "*.tmp-*"));
    }

    [Fact]
    public async Task Config_file_supplies_data_and_feature_settings()
    {
        var root = RavdessSubset.Create();
        var sweep = Path.Combine(TestPaths.NewTempDir(), "sweep.yaml");
        File.WriteAllText(sweep, $"""
            name: features-test
            data:
              path: {root}
              actors: "1,2,4"
            features:
              kind: mfcc
              n_mfcc: 20
              clip_seconds: 2.0
            search:
              method: random
              max_trials: 1
            parameters:
              training.learning_rate:
                values: [0.001]
            """);

        var result = Json(await CliProcess.RunAsync("features", "--config", sweep, "--cache", TestPaths.NewTempDir(), "--json"));

        Assert.Equal([6, 1, 20, 200], result.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("mfcc", result.GetProperty("feature_kind").GetString());
        Assert.Equal(32000, result.GetProperty("waveform_length").GetInt32());
    }

    [Fact]
    public async Task A_file_that_does_not_decode_is_a_reported_problem_not_a_failure()
    {
        var root = RavdessSubset.Create();
        File.WriteAllBytes(Path.Combine(root, RavdessSubset.Files[0]), "RIFF"u8.ToArray());

        var result = Json(await CliProcess.RunAsync("features", "--data", root, "--actors", "1,2,4", "--cache", TestPaths.NewTempDir(), "--json"));

        Assert.Equal(5, result.GetProperty("files").GetInt32());
        var problem = Assert.Single(result.GetProperty("problems").EnumerateArray());
        Assert.Equal(RavdessSubset.Files[0], problem.GetProperty("path").GetString());
        Assert.Contains("12-byte", problem.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("missing data folder", "data folder /no/such/ravdess does not exist", "--data", "/no/such/ravdess")]
    [InlineData("bad actors", "--actors: \"1-x\" in actor selection", "--data", "{ravdess}", "--actors", "1-x")]
    [InlineData("nothing selected", "no RAVDESS files selected", "--data", "{ravdess}", "--actors", "20-21")]
    [InlineData("no data at all", "--data DIR", "--json")]
    [InlineData("missing config", "file not found: /no/sweep.yaml", "--config", "/no/sweep.yaml")]
    public async Task Bad_input_exits_2_and_says_what_is_wrong(string _, string message, params string[] options)
    {
        var args = options.Select(o => o.Replace("{ravdess}", TestPaths.Ravdess)).Prepend("features").Append("--cache").Append(TestPaths.NewTempDir());

        var run = await CliProcess.RunAsync(args.ToArray());

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Invalid_config_exits_2_naming_file_and_line()
    {
        var sweep = Path.Combine(TestPaths.NewTempDir(), "sweep.yaml");
        File.WriteAllText(sweep, "name: x\nfeatures:\n  n_mels: many\n");

        var run = await CliProcess.RunAsync("features", "--config", sweep);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains($"{sweep}:3", run.Stderr);
        Assert.Equal("", run.Stdout);
    }
}
