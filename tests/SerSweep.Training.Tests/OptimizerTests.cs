using SerSweep.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

// Alone: the finalizer count is process-wide, so tests running beside it would add their own objects.
[Collection(SerialCollection.Name)]
public class OptimizerTests
{
    [Theory]
    [InlineData(OptimizerKind.Adam, 0.0)]
    [InlineData(OptimizerKind.Adam, 1e-2)]
    [InlineData(OptimizerKind.AdamW, 1e-2)]
    public void Adam_steps_equal_TorchSharps_exactly(OptimizerKind kind, double l2)
    {
        var config = new TrainingConfig { Optimizer = kind, LearningRate = 3e-3, L2 = l2 };
        using var ours = Parameters(seed: 3);
        using var theirs = Parameters(seed: 3);
        using var optimizer = OptimizerFactory.Create(config, ours.parameters());
        using var reference = kind == OptimizerKind.Adam
            ? (OptimizerHelper)optim.Adam(theirs.parameters(), config.LearningRate, beta1: 0.9, beta2: 0.999, weight_decay: l2)
            : optim.AdamW(theirs.parameters(), config.LearningRate, beta1: 0.9, beta2: 0.999, weight_decay: l2);
        Assert.NotEqual(reference.GetType(), optimizer.GetType());

        for (var step = 0; step < 5; step++)
        {
            Step(ours, optimizer, step);
            Step(theirs, reference, step);
        }
        foreach (var (mine, other) in ours.parameters().Zip(theirs.parameters()))
            Assert.Equal(other.data<float>().ToArray(), mine.data<float>().ToArray());
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.Adam)]
    public void Adam_steps_leave_no_scalars_to_the_finalizer(OptimizerKind kind)
    {
        var config = new TrainingConfig { Optimizer = kind, LearningRate = 3e-3, L2 = 1e-2 };
        using var ours = Parameters(seed: 3);
        using var theirs = Parameters(seed: 3);
        using var optimizer = OptimizerFactory.Create(config, ours.parameters());
        using var reference = kind == OptimizerKind.Adam
            ? (OptimizerHelper)optim.Adam(theirs.parameters(), config.LearningRate, weight_decay: config.L2)
            : optim.AdamW(theirs.parameters(), config.LearningRate, weight_decay: config.L2);

        // A first step of each (state allocation, JIT) outside the count.
        Step(ours, optimizer, step: 0);
        Step(theirs, reference, step: 0);
        Backward(ours, optimizer, step: 1);
        Backward(theirs, reference, step: 1);
        // TorchSharp's step leaves 8 Scalars per parameter for the finalizer; ours disposes them.
        var left = FinalizableObjectsLeftBy(() => optimizer.step());
        var leftByTorchSharp = FinalizableObjectsLeftBy(() => reference.step());
        var parameters = ours.parameters().Count();
        Assert.True(leftByTorchSharp >= 8 * parameters, $"TorchSharp's step left only {leftByTorchSharp} objects");
        Assert.True(left * 4 < leftByTorchSharp, $"our step left {left} objects for the finalizer, TorchSharp's {leftByTorchSharp}");
    }

    /// <summary>Objects with a finalizer that <paramref name="action"/> dropped without disposing.</summary>
    private static long FinalizableObjectsLeftBy(Action action)
    {
        // Twice: finalizers of the first round may drop further finalizable objects.
        for (var round = 0; round < 2; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        action();
        GC.Collect();
        var pending = GC.GetGCMemoryInfo(GCKind.Any).FinalizationPendingCount;
        GC.WaitForPendingFinalizers();
        return pending;
    }

    private static nn.Module<Tensor, Tensor> Parameters(int seed)
    {
        using var generator = new Generator((ulong)seed);
        var model = nn.Sequential(nn.Linear(6, 6), nn.Linear(6, 6), nn.Linear(6, 6), nn.Linear(6, 3));
        using var noGrad = no_grad();
        foreach (var p in model.parameters())
        {
            using var values = rand(p.shape, generator: generator);
            p.copy_(values);
        }
        return model;
    }

    private static void Step(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, int step)
    {
        Backward(model, optimizer, step);
        optimizer.step();
    }

    private static void Backward(nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer, int step)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(100 + step));
        optimizer.zero_grad();
        model.forward(randn(4, 6, generator: generator)).square().sum().backward();
    }
}
