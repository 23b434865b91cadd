using System.Diagnostics;
using SerSweep.Core;
using SerSweep.Training;
using SerSweep.Training.Models;
using static TorchSharp.torch;

namespace SerSweep.Bench.Training;

/// <summary>
/// Where a training step of the default sweep's 1D CNN goes (<c>--layers N</c>): its forward, backward and optimizer
/// step at batch 16 and 32 on [N, 1, 64, 150] (150 frames of 64 mel bins, as sweep.yaml), and each conv block's
/// convolution alone, forward and forward + backward, timed N times after a warm-up: as the product runs it (a conv2d
/// with a 1 x 3 kernel on channels-last [N, C, 1, T], see ConvBlock) and as one GEMM over the three shifted frames
/// ([N*T, 3C] x [3C, C_out], the other way to write a conv over time). One thread, on a training thread as the product.
/// </summary>
public static class LayerTimes
{
    private const int MelBins = 64, Frames = 150;
    private static readonly ModelConfig Model = new()
    {
        Architecture = Architecture.Cnn1d, Channels = [32, 64, 128, 256], KernelSize = 3, BatchNorm = true, Dropout = 0.3,
    };

    /// <summary>Each block's convolution: the mel bins or the previous block's channels in, over frames halved by each pooling before it.</summary>
    private static readonly (int In, int Out, int Frames)[] Convs =
        [.. Model.Channels.Select((channels, i) => (i == 0 ? MelBins : Model.Channels[i - 1], channels, Frames >> i))];

    public static Task<Dictionary<string, object?>> Measure(int repeats) => TrainingThread.Run("bench layers", () =>
    {
        set_num_threads(1);
        var result = new Dictionary<string, object?> { ["bench"] = "layers", ["side"] = "torchsharp", ["repeats"] = repeats };
        foreach (var batch in (int[])[16, 32]) result[$"step_b{batch}_ms"] = Step(batch, repeats);
        result["convs_b16"] = Convs.Select(c => ConvTimes(c.In, c.Out, c.Frames, 16, repeats)).ToList();
        return Task.FromResult(result);
    });

    private static Dictionary<string, double> Step(int batch, int repeats)
    {
        manual_seed(1);
        using var generator = new Generator(1UL);
        using var model = ModelFactory.Create(Model, [1, MelBins, Frames], 8, generator);
        using var optimizer = OptimizerFactory.Create(new TrainingConfig { Optimizer = OptimizerKind.Adam, L2 = 1e-4 }, model.parameters());
        using var x = randn(batch, 1, MelBins, Frames);
        using var y = randint(0, 8, [batch]);
        model.train();
        var ticks = new long[3];
        for (var i = -repeats / 10; i < repeats; i++)
        {
            using var scope = NewDisposeScope();
            var t0 = Stopwatch.GetTimestamp();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(x), y, label_smoothing: 0.1);
            var t1 = Stopwatch.GetTimestamp();
            loss.backward();
            var t2 = Stopwatch.GetTimestamp();
            optimizer.step();
            if (i < 0) continue; // warm-up
            ticks[0] += t1 - t0;
            ticks[1] += t2 - t1;
            ticks[2] += Stopwatch.GetTimestamp() - t2;
        }
        double Ms(long t) => Math.Round(t * 1000.0 / Stopwatch.Frequency / repeats, 3);
        return new() { ["forward"] = Ms(ticks[0]), ["backward"] = Ms(ticks[1]), ["optimizer"] = Ms(ticks[2]), ["total"] = Ms(ticks.Sum()) };
    }

    private static Dictionary<string, object> ConvTimes(int inChannels, int outChannels, int frames, int batch, int repeats)
    {
        var first = inChannels == MelBins; // the first block's input needs no gradient, as in training
        using var weight = randn(outChannels, inChannels, 3).requires_grad_(true);
        using var bias = randn(outChannels).requires_grad_(true);
        using var input = randn(batch, inChannels, 1, frames);
        using var grad = randn(batch, outChannels, 1, frames);
        using var inputCl = Cnn2d.ChannelsLast(input);
        using var gradCl = Cnn2d.ChannelsLast(grad);
        using var inputClGrad = first ? inputCl.alias() : inputCl.detach().requires_grad_(true);
        Tensor Product(Tensor x)
        {
            using var kernel = weight.unsqueeze(2);
            return nn.functional.conv2d(x, kernel, bias, padding: [0, 1]);
        }

        using var rows = input.squeeze(2).transpose(1, 2).contiguous(); // [N, T, C]
        using var rowsGrad = first ? rows.alias() : rows.detach().requires_grad_(true);
        using var gradRows = grad.squeeze(2).transpose(1, 2).contiguous();
        using var gemmWeight = weight.detach().permute(2, 1, 0).reshape(3 * inChannels, outChannels).contiguous().requires_grad_(true);
        Tensor Gemm(Tensor x)
        {
            var padded = nn.functional.pad(x, [0, 0, 1, 1]);
            var columns = cat([padded.narrow(1, 0, frames), padded.narrow(1, 1, frames), padded.narrow(1, 2, frames)], 2);
            return addmm(bias, columns.view(batch * frames, 3 * inChannels), gemmWeight, 1, 1).view(batch, frames, outChannels);
        }

        var flops = 2.0 * batch * frames * outChannels * inChannels * 3; // one forward; backward: weights, and the input's unless first
        var backwardFlops = flops * (first ? 1 : 2);
        var productForward = Time(() => Product(inputCl), repeats);
        var productBoth = Time(() => Product(inputClGrad).backward([gradCl]), repeats);
        var gemmForward = Time(() => Gemm(rows), repeats);
        var gemmBoth = Time(() => Gemm(rowsGrad).backward([gradRows]), repeats);
        double Gflops(double work, double ms) => Math.Round(work / ms / 1e6, 1);
        return new()
        {
            ["conv"] = $"{inChannels}->{outChannels}, {frames} frames",
            ["product_forward_ms"] = productForward, ["product_forward_backward_ms"] = productBoth,
            ["product_forward_gflops"] = Gflops(flops, productForward), ["product_backward_gflops"] = Gflops(backwardFlops, productBoth - productForward),
            ["gemm_forward_ms"] = gemmForward, ["gemm_forward_backward_ms"] = gemmBoth,
        };
    }

    private static double Time(Action action, int repeats)
    {
        for (var i = 0; i < Math.Max(3, repeats / 10); i++)
        {
            using var warmUp = NewDisposeScope();
            action();
        }
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            using var scope = NewDisposeScope();
            action();
        }
        return Math.Round(clock.Elapsed.TotalMilliseconds / repeats, 4);
    }
}
