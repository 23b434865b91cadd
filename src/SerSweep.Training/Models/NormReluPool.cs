using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace SerSweep.Training.Models;

/// <summary>
/// A 1D conv block's batch norm (training: batch statistics, running statistics updated), ReLU and max pool by 2 over
/// time (or no pool) as one autograd function of vectorised C#, on [N, C, 1, T] laid out channels-last. libtorch runs
/// them as three ops forward and three backward, each a pass over the block's values plus its dispatch; batch norm's
/// backward alone costs 100-160 us whatever the batch. Here the forward is three passes (sum, squared deviations,
/// normalise + ReLU + pool) and the backward two: the default 1D CNN's training step 6.1 -> 5.5 ms at batch 16
/// (docs/training.md). Same function as libtorch's ops: max pool sends a gradient to the first of two equal values,
/// ReLU to positive outputs only; an odd last frame is dropped (floor), as MaxPool2d does.
/// </summary>
internal sealed class NormReluPool : SingleTensorFunction<NormReluPool>
{
    public override string Name => nameof(NormReluPool);

    /// <summary>The running statistics and settings of one call (not tensors of the graph).</summary>
    private sealed record Settings(Tensor RunningMean, Tensor RunningVar, double Momentum, double Epsilon, bool Pool);

    // Sizes by dimension (Tensor.size(d)), never Tensor.shape: each shape call leaves TorchSharp's PinnedArray helper
    // to the finalizer, and these run several times per block and step (docs/training.md, "Native objects and the finalizer").
    /// <summary>True when <see cref="Apply"/> takes <paramref name="x"/>: float32 on the CPU, [N, C, 1, T] channels-last and dense, C a multiple of the vector width.</summary>
    public static bool Takes(Tensor x) =>
        x.dtype == ScalarType.Float32 && x.device_type == TorchSharp.DeviceType.CPU && x.dim() == 4 && x.size(2) == 1
        && x.size(1) % Vector<float>.Count == 0 && x.size(0) * x.size(3) > 1
        && x.stride(1) == 1 && x.stride(3) == x.size(1) && x.stride(0) == x.size(1) * x.size(3);

    public static Tensor Apply(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, double momentum, double epsilon, bool pool) =>
        apply(x, weight, bias, new Settings(runningMean, runningVar, momentum, epsilon, pool));

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, weight, bias, settings) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Settings)vars[3]);
        var (n, c, t) = ((int)x.size(0), (int)x.size(1), (int)x.size(3));
        var (rows, frames) = (n * t, settings.Pool ? t / 2 : t);
        using var xView = Rows(x);
        var xs = Floats(xView);

        var sum = new float[c];
        var deviations = new float[c];
        for (var r = 0; r < rows; r++) Add(sum, xs.Slice(r * c, c));
        var mean = sum.Select(s => s / rows).ToArray();
        for (var r = 0; r < rows; r++) AddSquaredDeviation(deviations, xs.Slice(r * c, c), mean);

        using var weightView = weight.detach();
        using var biasView = bias.detach();
        var gamma = Floats(weightView);
        var beta = Floats(biasView);
        var (inverseStd, scale, shift) = (new float[c], new float[c], new float[c]);
        for (var k = 0; k < c; k++)
        {
            inverseStd[k] = 1f / MathF.Sqrt(deviations[k] / rows + (float)settings.Epsilon);
            scale[k] = gamma[k] * inverseStd[k];
            shift[k] = beta[k] - mean[k] * scale[k];
        }
        UpdateRunning(settings, mean, deviations.Select(d => d / (rows - 1)).ToArray());

        var output = empty_strided([n, c, 1, frames], [frames * c, 1, frames * c, c]);
        using var outputView = Rows(output);
        var os = Floats(outputView);
        for (var i = 0; i < n; i++)
            for (var f = 0; f < frames; f++)
            {
                var destination = os.Slice((i * frames + f) * c, c);
                if (settings.Pool) NormalizeReluMax(destination, xs.Slice((i * t + 2 * f) * c, c), xs.Slice((i * t + 2 * f + 1) * c, c), scale, shift);
                else NormalizeRelu(destination, xs.Slice((i * t + f) * c, c), scale, shift);
            }
        ctx.save_for_backward([x]);
        ctx.save_data("mean", mean);
        ctx.save_data("inverseStd", inverseStd);
        ctx.save_data("scale", scale);
        ctx.save_data("shift", shift);
        ctx.save_data("pool", settings.Pool);
        return output;
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor gradOutput)
    {
        using var x = ctx.get_saved_variables()[0];
        var (mean, inverseStd) = ((float[])ctx.get_data("mean")!, (float[])ctx.get_data("inverseStd")!);
        var (scale, shift, pool) = ((float[])ctx.get_data("scale")!, (float[])ctx.get_data("shift")!, (bool)ctx.get_data("pool")!);
        var (n, c, t) = ((int)x.size(0), (int)x.size(1), (int)x.size(3));
        var (rows, frames) = (n * t, pool ? t / 2 : t);
        using var gradDense = Takes(gradOutput) ? gradOutput.alias() : Cnn2d.ChannelsLast(gradOutput);
        using var gradView = Rows(gradDense);
        using var xView = Rows(x);
        var gs = Floats(gradView);
        var xs = Floats(xView);
        var gradInput = empty_strided([n, c, 1, t], [t * c, 1, t * c, c]);
        using var gradInputView = Rows(gradInput);
        var ds = Floats(gradInputView);

        // Pass 1: the gradient at the batch norm's output (through pool and ReLU) into gradInput, and its sums per channel.
        var (sumDy, sumDyXhat) = (new float[c], new float[c]);
        for (var i = 0; i < n; i++)
        {
            for (var f = 0; f < frames; f++)
            {
                var g = gs.Slice((i * frames + f) * c, c);
                if (pool)
                {
                    var (a, b) = ((i * t + 2 * f) * c, (i * t + 2 * f + 1) * c);
                    RouteMax(g, xs.Slice(a, c), xs.Slice(b, c), ds.Slice(a, c), ds.Slice(b, c), scale, shift, mean, inverseStd, sumDy, sumDyXhat);
                }
                else
                {
                    var a = (i * t + f) * c;
                    RouteRelu(g, xs.Slice(a, c), ds.Slice(a, c), scale, shift, mean, inverseStd, sumDy, sumDyXhat);
                }
            }
            if (pool && t % 2 == 1) ds.Slice((i * t + t - 1) * c, c).Clear();
        }
        // Pass 2: batch norm's backward, dx = gamma / std * (dy - mean(dy) - xhat * mean(dy * xhat)).
        var (meanDy, meanDyXhat) = (sumDy.Select(s => s / rows).ToArray(), sumDyXhat.Select(s => s / rows).ToArray());
        for (var r = 0; r < rows; r++) NormBackward(ds.Slice(r * c, c), xs.Slice(r * c, c), scale, mean, inverseStd, meanDy, meanDyXhat);
        return [gradInput, tensor(sumDyXhat), tensor(sumDy), null!];
    }

    /// <summary>[N, C, 1, T] channels-last as the row-major view [N, 1, T, C], whose values <see cref="Floats"/> reads.</summary>
    private static Tensor Rows(Tensor x)
    {
        using var detached = x.detach();
        return detached.permute(0, 2, 3, 1);
    }

    private static Span<float> Floats(Tensor dense) => MemoryMarshal.Cast<byte, float>(dense.bytes);

    private static Span<Vector<float>> Vectors(Span<float> values) => MemoryMarshal.Cast<float, Vector<float>>(values);

    private static void UpdateRunning(Settings settings, float[] mean, float[] unbiasedVariance)
    {
        using var noGrad = no_grad();
        using var meanView = settings.RunningMean.detach();
        using var varView = settings.RunningVar.detach();
        var runningMean = Floats(meanView);
        var runningVar = Floats(varView);
        var (keep, take) = ((float)(1 - settings.Momentum), (float)settings.Momentum);
        for (var k = 0; k < mean.Length; k++)
        {
            runningMean[k] = runningMean[k] * keep + mean[k] * take;
            runningVar[k] = runningVar[k] * keep + unbiasedVariance[k] * take;
        }
    }

    private static void Add(float[] sum, Span<float> row)
    {
        var s = Vectors(sum);
        var x = Vectors(row);
        for (var k = 0; k < s.Length; k++) s[k] += x[k];
    }

    private static void AddSquaredDeviation(float[] sum, Span<float> row, float[] mean)
    {
        var s = Vectors(sum);
        var x = Vectors(row);
        var m = Vectors(mean);
        for (var k = 0; k < s.Length; k++)
        {
            var d = x[k] - m[k];
            s[k] += d * d;
        }
    }

    private static void NormalizeReluMax(Span<float> destination, Span<float> first, Span<float> second, float[] scale, float[] shift)
    {
        var o = Vectors(destination);
        var a = Vectors(first);
        var b = Vectors(second);
        var sc = Vectors(scale);
        var sh = Vectors(shift);
        for (var k = 0; k < o.Length; k++) o[k] = Vector.Max(Vector.Max(a[k] * sc[k] + sh[k], b[k] * sc[k] + sh[k]), Vector<float>.Zero);
    }

    private static void NormalizeRelu(Span<float> destination, Span<float> values, float[] scale, float[] shift)
    {
        var o = Vectors(destination);
        var a = Vectors(values);
        var sc = Vectors(scale);
        var sh = Vectors(shift);
        for (var k = 0; k < o.Length; k++) o[k] = Vector.Max(a[k] * sc[k] + sh[k], Vector<float>.Zero);
    }

    /// <summary>A pooled frame's gradient to the first of its two frames when that one is the larger (or equal) and positive, else to the second when positive.</summary>
    private static void RouteMax(Span<float> grad, Span<float> first, Span<float> second, Span<float> toFirst, Span<float> toSecond,
        float[] scale, float[] shift, float[] mean, float[] inverseStd, float[] sumDy, float[] sumDyXhat)
    {
        var g = Vectors(grad);
        var a = Vectors(first);
        var b = Vectors(second);
        var da = Vectors(toFirst);
        var db = Vectors(toSecond);
        var sc = Vectors(scale);
        var sh = Vectors(shift);
        var m = Vectors(mean);
        var r = Vectors(inverseStd);
        var sd = Vectors(sumDy);
        var sx = Vectors(sumDyXhat);
        for (var k = 0; k < g.Length; k++)
        {
            var (ya, yb) = (a[k] * sc[k] + sh[k], b[k] * sc[k] + sh[k]);
            var ga = Vector.ConditionalSelect(Vector.GreaterThan(ya, Vector<float>.Zero) & Vector.GreaterThanOrEqual(ya, yb), g[k], Vector<float>.Zero);
            var gb = Vector.ConditionalSelect(Vector.GreaterThan(yb, Vector<float>.Zero) & Vector.GreaterThan(yb, ya), g[k], Vector<float>.Zero);
            da[k] = ga;
            db[k] = gb;
            sd[k] += ga + gb;
            sx[k] += ga * ((a[k] - m[k]) * r[k]) + gb * ((b[k] - m[k]) * r[k]);
        }
    }

    private static void RouteRelu(Span<float> grad, Span<float> values, Span<float> toValues,
        float[] scale, float[] shift, float[] mean, float[] inverseStd, float[] sumDy, float[] sumDyXhat)
    {
        var g = Vectors(grad);
        var a = Vectors(values);
        var da = Vectors(toValues);
        var sc = Vectors(scale);
        var sh = Vectors(shift);
        var m = Vectors(mean);
        var r = Vectors(inverseStd);
        var sd = Vectors(sumDy);
        var sx = Vectors(sumDyXhat);
        for (var k = 0; k < g.Length; k++)
        {
            var ga = Vector.ConditionalSelect(Vector.GreaterThan(a[k] * sc[k] + sh[k], Vector<float>.Zero), g[k], Vector<float>.Zero);
            da[k] = ga;
            sd[k] += ga;
            sx[k] += ga * ((a[k] - m[k]) * r[k]);
        }
    }

    private static void NormBackward(Span<float> dy, Span<float> values, float[] scale, float[] mean, float[] inverseStd, float[] meanDy, float[] meanDyXhat)
    {
        var d = Vectors(dy);
        var a = Vectors(values);
        var sc = Vectors(scale);
        var m = Vectors(mean);
        var r = Vectors(inverseStd);
        var md = Vectors(meanDy);
        var mx = Vectors(meanDyXhat);
        for (var k = 0; k < d.Length; k++) d[k] = sc[k] * (d[k] - md[k] - (a[k] - m[k]) * r[k] * mx[k]);
    }
}
