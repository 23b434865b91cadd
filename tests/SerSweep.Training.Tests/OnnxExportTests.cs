using System.Diagnostics;
using System.Runtime.InteropServices;
using Architecture = SerSweep.Core.Architecture;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training.Data;
using SerSweep.Training.Models;
using SerSweep.Training.Onnx;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

/// <summary>
/// The ONNX export against the TorchSharp model it came from, on real RAVDESS features (<see cref="RealFeatures"/>):
/// every architecture variant the search space can produce, with random weights and batch-norm statistics, in ONNX Runtime
/// in this process; a trained bundle on 200 real files in a separate process that has only ONNX Runtime (tests/SerSweep.OnnxRun).
/// </summary>
[Collection(SerialCollection.Name)]
public class OnnxExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<Architecture, bool, PoolKind, GlobalPool, int, int> Variants()
    {
        var data = new TheoryData<Architecture, bool, PoolKind, GlobalPool, int, int>();
        foreach (var architecture in Enum.GetValues<Architecture>())
        foreach (var batchNorm in new[] { true, false })
        foreach (var pool in Enum.GetValues<PoolKind>())
        foreach (var globalPool in Enum.GetValues<GlobalPool>())
            data.Add(architecture, batchNorm, pool, globalPool, batchNorm ? 0 : 24, pool == PoolKind.Max ? 3 : 5);
        // An even kernel: "same" padding of k/2 lengthens the output by one; a single block: no pooling at all.
        data.Add(Architecture.Cnn1d, true, PoolKind.Max, GlobalPool.Avg, 16, 4);
        data.Add(Architecture.Cnn2d, true, PoolKind.Avg, GlobalPool.AvgMax, 0, 2);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_architecture_variant_gives_the_torch_probabilities_in_onnx_runtime(
        Architecture architecture, bool batchNorm, PoolKind pool, GlobalPool globalPool, int classifierWidth, int kernelSize)
    {
        var model = new ModelConfig
        {
            Architecture = architecture, Channels = kernelSize == 2 ? [8] : [8, 16, 12], BatchNorm = batchNorm, Pool = pool,
            GlobalPool = globalPool, ClassifierWidth = classifierWidth, KernelSize = kernelSize,
        };
        var bundle = RandomBundle(model, seed: 11);
        var items = FirstItems(16);

        var expected = TorchProbabilities(bundle, items);
        var actual = OnnxRuntimeProbabilities(OnnxModel.Export(bundle), items, bundle.ItemShape);

        var diff = MaxAbsDiff(expected, actual);
        Assert.True(diff <= Tolerance, $"max |onnx - torch| = {diff:E2} > {Tolerance:E0}");
        // Not trivially equal: the random model's outputs differ between items.
        Assert.NotEqual(expected[0], expected[bundle.Classes.Length]);
    }

    [Fact]
    public async Task A_trained_bundle_runs_in_a_process_with_only_onnx_runtime_and_matches_torch_on_200_real_files()
    {
        var dir = TestPaths.NewTempDir();
        var bundlePath = Path.Combine(dir, "model.zip");
        var outcome = await Trainer.RunAsync(new TrainingRequest { Config = RealFeatures.SmallConfig(epochs: 2), Features = RealFeatures.Actors1To4, BundlePath = bundlePath });
        Assert.Equal(TrialState.Completed, outcome.Status);
        var bundle = ModelBundle.Load(bundlePath);
        Assert.NotNull(bundle.Normalization);

        var onnxPath = Path.Combine(dir, "model.onnx");
        var written = OnnxExport.Write(bundle, onnxPath);
        Assert.True(File.Exists(written.MetadataPath));

        const int files = 200;
        var items = FirstItems(files);
        var featuresPath = Path.Combine(dir, "features.f32");
        var probabilitiesPath = Path.Combine(dir, "probabilities.f32");
        File.WriteAllBytes(featuresPath, MemoryMarshal.AsBytes(items.AsSpan()).ToArray());
        var run = await ChildProcess.RunAsync(new ProcessStartInfo("dotnet") { ArgumentList = { OnnxRunDll, onnxPath, featuresPath, probabilitiesPath } },
            timeout: TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"SerSweep.OnnxRun exit {run.ExitCode}: {run.Stderr}");
        var actual = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(probabilitiesPath)).ToArray();

        using var predictor = new Predictor(bundle);
        var predictions = predictor.Predict(items);
        var expected = predictions.SelectMany(p => bundle.Classes.Select(c => (float)p.Probabilities[c])).ToArray();
        var diff = MaxAbsDiff(expected, actual);
        output.WriteLine($"ONNX parity on {files} real RAVDESS files: max |onnx - torch| probability = {diff:E2}");
        Assert.True(diff <= Tolerance, $"max |onnx - torch| = {diff:E2} > {Tolerance:E0}");
        Assert.Equal(predictions.Select(p => p.Emotion.Name()), run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_architecture_without_an_onnx_mapping_is_refused_with_its_name()
    {
        var bundle = RandomBundle(new ModelConfig { Channels = [8] }, seed: 3);
        var unknown = bundle with { Config = bundle.Config with { Model = bundle.Config.Model with { Architecture = (Architecture)99 } } };
        var error = Assert.Throws<OnnxExportException>(() => OnnxModel.Export(unknown));
        Assert.Contains("99", error.Message);
    }

    private static string OnnxRunDll
    {
        get
        {
            // This test's own configuration (Release under deploy/test), the tool built beside it by the project reference.
            var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
            return Path.Combine(TestPaths.RepoRoot, "tests", "SerSweep.OnnxRun", "bin", configuration, "net10.0", "SerSweep.OnnxRun.dll");
        }
    }

    private static float[] FirstItems(int count)
    {
        var set = RealFeatures.Actors1To4;
        return set.Data[..(count * set.ItemLength)].ToArray();
    }

    /// <summary>A bundle of a model with random weights and random batch-norm running statistics, with a random normalisation.</summary>
    private static ModelBundle RandomBundle(ModelConfig model, int seed)
    {
        var set = RealFeatures.Actors1To4;
        int[] itemShape = [set.Shape[1], set.Shape[2], set.Shape[3]];
        var classes = Enum.GetValues<Emotion>();
        using var generator = new Generator((ulong)seed);
        using var module = ModelFactory.Create(model, itemShape, classes.Length, generator);
        using (no_grad())
        {
            foreach (var (name, buffer) in module.named_buffers())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) buffer.copy_(randn(buffer.shape, generator: generator) * 0.5);
                if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.copy_(rand(buffer.shape, generator: generator) + 0.5);
            }
        }
        var random = new Random(seed);
        var rows = itemShape[0] * itemShape[1];
        return new ModelBundle
        {
            Config = RealFeatures.SmallConfig(epochs: 1) with { Model = model },
            ItemShape = itemShape,
            Classes = classes,
            Normalization = new NormalizationStats(itemShape[0], itemShape[1],
                Enumerable.Range(0, rows).Select(_ => (float)(random.NextDouble() * 10 - 40)).ToArray(),
                Enumerable.Range(0, rows).Select(_ => (float)(random.NextDouble() * 5 + 5)).ToArray()),
            Weights = Trainer.SaveWeights(module),
            Training = new TrainingOutcome { Status = TrialState.Completed, Epochs = [], Split = "none", ParameterCount = 0, Elapsed = TimeSpan.Zero },
            FeatureCacheKey = set.CacheKey,
        };
    }

    private static float[] TorchProbabilities(ModelBundle bundle, float[] items)
    {
        using var predictor = new Predictor(bundle);
        return predictor.Predict(items).SelectMany(p => bundle.Classes.Select(c => (float)p.Probabilities[c])).ToArray();
    }

    private static float[] OnnxRuntimeProbabilities(byte[] model, float[] items, int[] itemShape)
    {
        using var session = new InferenceSession(model);
        var count = items.Length / itemShape.Aggregate(1, (a, b) => a * b);
        var input = new DenseTensor<float>(items, [count, .. itemShape]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxModel.InputName, input)]);
        return results.Single(r => r.Name == OnnxModel.ProbabilitiesName).AsTensor<float>().ToArray();
    }

    private static double MaxAbsDiff(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
    }
}
