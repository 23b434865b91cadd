using System.Diagnostics;
using System.Text.Json;
using SerSweep.Bench.Training;
using SerSweep.Core;
using SerSweep.Training;
using SerSweep.Training.Models;
using static TorchSharp.torch;

// Times the reference CNN exactly as ../shared/bench/peers/train.py does (see its docstring): training
// samples/s on random input (fresh model + Adam per run, 3 warm-up + 20 timed steps, batch 32), inference
// samples/s (eval + inference mode, batch 32) and batch-1 latency; with --wav also the warm single-file
// predict latency of the reference CNN (decode + features + forward, as `sersweep predict`). Prints one JSON line.
var options = BenchOptions.Parse(args);
var snakeCase = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
if (options.Layers > 0)
{
    Console.WriteLine(JsonSerializer.Serialize(await LayerTimes.Measure(options.Layers), snakeCase));
    return;
}
set_num_threads(options.Threads);
const int batch = 32;
var lossFunction = nn.CrossEntropyLoss();
var config = new ExperimentConfig();

var train = new List<double>();
long parameterCount = 0;
var trainFaults = new List<double>();
var trainCpu = new List<double>();
// Timed on a thread of its own, as the product trains (Trainer runs on a TrainingThread): glibc serves the main
// thread and the others from different arenas, and only the product's thread shows what the product's allocator
// setting does (docs/training.md, "Allocator").
await TrainingThread.Run("bench training", () =>
{
    set_num_threads(options.Threads); // libtorch's OpenMP thread count belongs to the calling thread, as in Trainer
    for (var run = 0; run < options.Runs; run++)
    {
        manual_seed(run);
        using var generator = new Generator((ulong)run);
        using var model = ModelFactory.Create(config.Model, [1, 64, 300], 8, generator);
        parameterCount = ModelFactory.ParameterCount(model);
        using var optimizer = OptimizerFactory.Create(config.Training, model.parameters());
        using var x = randn(batch, 1, 64, 300);
        using var y = randint(0, 8, [batch]);
        model.train();
        void Steps(int n)
        {
            for (var i = 0; i < n; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                lossFunction.forward(model.forward(x), y).backward();
                optimizer.step();
            }
        }
        Steps(options.Warmup);
        var faults = ProcessCounters.MinorFaults();
        var cpu = ProcessCounters.CpuTime();
        var clock = Stopwatch.StartNew();
        Steps(options.Steps);
        train.Add(options.Steps * batch / clock.Elapsed.TotalSeconds);
        trainFaults.Add((ProcessCounters.MinorFaults() - faults) / (double)options.Steps);
        trainCpu.Add((ProcessCounters.CpuTime() - cpu).TotalMilliseconds / options.Steps);
    }
    return Task.FromResult(0);
});

var infer = new List<double>();
var latency = new List<double>();
for (var run = 0; run < options.Runs; run++)
{
    manual_seed(run);
    using var generator = new Generator((ulong)run);
    using var model = ModelFactory.Create(config.Model, [1, 64, 300], 8, generator);
    model.eval();
    using var x = randn(batch, 1, 64, 300);
    using var x1 = randn(1, 1, 64, 300);
    using var inference = inference_mode();
    void Calls(Tensor input, int n)
    {
        for (var i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            model.forward(input);
        }
    }
    Calls(x, options.Warmup);
    var clock = Stopwatch.StartNew();
    Calls(x, options.Steps);
    infer.Add(options.Steps * batch / clock.Elapsed.TotalSeconds);
    Calls(x1, 10);
    clock.Restart();
    Calls(x1, 100);
    latency.Add(clock.Elapsed.TotalMilliseconds / 100);
}

// Last, after the training loops have left finalizable TorchSharp objects behind: the feature path disposes its
// own Scalars and temporaries, so the finalizer thread no longer races its native calls (dotnet/TorchSharp#1434).
var predict = options.Wav is { } wav
    ? PredictLatency.Measure(options.Bundle ?? ReferenceBundle.Create(Directory.CreateTempSubdirectory("sersweep-bench-").FullName), wav)
    : null;

var result = new Dictionary<string, object?>
{
    ["bench"] = "train",
    ["side"] = "torchsharp",
    ["threads"] = options.Threads,
    ["torch"] = __version__,
    ["GLIBC_TUNABLES"] = Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "",
    ["params"] = parameterCount,
    ["train_random_samples_per_s"] = Summary.Of(train),
    ["train_random_minflt_per_step"] = Summary.Of(trainFaults),
    ["train_random_cpu_ms_per_step"] = Summary.Of(trainCpu),
    ["infer_b32_samples_per_s"] = Summary.Of(infer),
    ["latency_b1_ms_mean"] = Summary.Of(latency),
};
if (predict is not null)
{
    result["predict_file_ms"] = Summary.Of(predict.Calls);
    result["predict_stage_ms"] = predict.StageMedians;
}
if (options.Bundle is not null) result["predict_bundle"] = options.Bundle;
Console.WriteLine(JsonSerializer.Serialize(result, snakeCase));
