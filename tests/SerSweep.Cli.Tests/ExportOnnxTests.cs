using System.Text.Json;
using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training;

namespace SerSweep.Cli.Tests;

/// <summary>`export BUNDLE --format onnx` as a child process on a bundle trained on real RAVDESS files (parity: Training.Tests' OnnxExportTests).</summary>
public class ExportOnnxTests
{
    private static readonly string Cache = Path.Combine(Path.GetTempPath(), "sersweep-cli-tests-features");

    private static async Task<string> TrainSmallAsync()
    {
        var run = await CliProcess.RunAsync("train", "--json", "--out", TestPaths.NewTempDir(), "--cache", Cache,
            "--set", $"data.path={TestPaths.Ravdess}", "--set", "features.n_mels=32", "--set", "features.hop_length=320",
            "--set", "model.channels=[8, 16]", "--set", "training.epochs=1", "--set", "training.batch_size=16");
        Assert.True(run.ExitCode == 0, $"train exit {run.ExitCode}: {run.Stderr}");
        return JsonDocument.Parse(run.Stdout).RootElement.GetProperty("bundle").GetString()!;
    }

    [Fact]
    public async Task Export_writes_the_onnx_graph_and_its_metadata_beside_it()
    {
        var bundlePath = await TrainSmallAsync();
        var onnxPath = Path.Combine(TestPaths.NewTempDir(), "emotion.onnx");

        var run = await CliProcess.RunAsync("export", bundlePath, "--format", "onnx", "--output", onnxPath, "--json");

        Assert.True(run.ExitCode == 0, $"export exit {run.ExitCode}: {run.Stderr}");
        var result = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal(onnxPath, result.GetProperty("path").GetString());
        Assert.Equal(17, result.GetProperty("opset").GetInt32());
        Assert.Equal(new FileInfo(onnxPath).Length, result.GetProperty("bytes").GetInt64());
        var bundle = ModelBundle.Load(bundlePath);
        var metadata = JsonDocument.Parse(File.ReadAllBytes(Path.ChangeExtension(onnxPath, ".json"))).RootElement;
        Assert.Equal(bundle.Classes.Select(c => c.Name()), metadata.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(bundle.ItemShape, metadata.GetProperty("input_shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(32, metadata.GetProperty("features").GetProperty("n_mels").GetInt32());
        Assert.Equal(bundle.Normalization!.Mean, metadata.GetProperty("normalization").GetProperty("mean").EnumerateArray().Select(m => m.GetSingle()));
    }

    [Fact]
    public async Task A_file_that_is_not_a_bundle_or_a_bundle_without_format_onnx_is_bad_input()
    {
        var notBundle = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        await File.WriteAllTextAsync(notBundle, "not a zip");

        var corrupt = await CliProcess.RunAsync("export", notBundle, "--format", "onnx");
        var noFormat = await CliProcess.RunAsync("export", notBundle);

        Assert.Equal(2, corrupt.ExitCode);
        Assert.Contains("not a model bundle", corrupt.Stderr);
        Assert.False(File.Exists(Path.ChangeExtension(notBundle, ".onnx")));
        Assert.Equal(2, noFormat.ExitCode);
        Assert.Contains("--format onnx", noFormat.Stderr);
    }
}
