using System.Diagnostics;
using static TorchSharp.torch;

namespace SerSweep.Training.Evaluation;

/// <summary>
/// The <c>latency_ms</c> cost of a trained model, measured the same way on every worker so that trials compare:
/// one window (a batch of one item of the model's input shape), in eval mode without autograd, on the calling
/// thread with libtorch limited to one thread, <see cref="WarmUp"/> passes discarded, then the median of
/// <see cref="Passes"/>. The median, not the mean, because a shared machine's stray pause lands in one pass.
/// A run calls it on its own training thread; the thread count it had is restored afterwards.
/// </summary>
public static class InferenceLatency
{
    public const int WarmUp = 5;
    public const int Passes = 21;

    /// <summary>Median milliseconds of one forward pass of one item of <paramref name="itemShape"/> through <paramref name="model"/>.</summary>
    public static double MedianMs(nn.Module<Tensor, Tensor> model, IReadOnlyList<int> itemShape, int warmUp = WarmUp, int passes = Passes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 1);
        var threads = get_num_threads();
        var wasTraining = model.training;
        set_num_threads(1);
        model.eval();
        try
        {
            using var inference = inference_mode();
            using var window = zeros(itemShape.Select(d => (long)d).Prepend(1L).ToArray());
            var times = new double[passes];
            for (var i = -warmUp; i < passes; i++)
            {
                var clock = Stopwatch.StartNew();
                using (model.forward(window)) { }
                if (i >= 0) times[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            return passes % 2 == 1 ? times[passes / 2] : (times[passes / 2 - 1] + times[passes / 2]) / 2;
        }
        finally
        {
            set_num_threads(threads);
            model.train(wasTraining);
        }
    }
}
