using SerSweep.Core;
using SerSweep.Testing;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

// Alone: the finalizer count is process-wide, so tests running beside it would add their own objects.
[Collection(SerialCollection.Name)]
public class OptimizerTests(ITestOutputHelper output)
{
    /// <summary>Every option combination <see cref="OptimizerFactory"/> can build (L2, momentum, Nesterov).</summary>
    public static TheoryData<OptimizerKind, double, double, bool> Options() => new()
    {
        { OptimizerKind.Adam, 0.0, 0.0, false },
        { OptimizerKind.Adam, 1e-2, 0.0, false },
        { OptimizerKind.AdamW, 1e-2, 0.0, false },
        { OptimizerKind.RmsProp, 0.0, 0.0, false },
        { OptimizerKind.RmsProp, 1e-2, 0.0, false },
        { OptimizerKind.RmsProp, 1e-2, 0.9, false },
        { OptimizerKind.Sgd, 0.0, 0.0, false },
        { OptimizerKind.Sgd, 1e-2, 0.0, false },
        { OptimizerKind.Sgd, 1e-2, 0.9, false },
        { OptimizerKind.Sgd, 1e-2, 0.9, true },
    };

    /// <summary>
    /// Adam, AdamW and RMSprop update in one pass of C# over flat buffers (FusedUpdate), in float32 like libtorch's ops, whose
    /// compiled kernels may fuse a multiply and an add: a value may differ in its last bits (relative 1e-6 here, after 5
    /// steps), never more. SGD runs TorchSharp's ops and equals it exactly. The 147 values of the model here take both the
    /// vectorised loop and its scalar tail.
    /// </summary>
    [Theory]
    [MemberData(nameof(Options))]
    public void Steps_equal_TorchSharps_to_float_rounding(OptimizerKind kind, double l2, double momentum, bool nesterov)
    {
        var config = new TrainingConfig { Optimizer = kind, LearningRate = 3e-3, L2 = l2, Momentum = momentum, Nesterov = nesterov };
        using var ours = Parameters(seed: 3);
        using var theirs = Parameters(seed: 3);
        using var optimizer = OptimizerFactory.Create(config, ours.parameters());
        using var reference = TorchSharps(config, theirs.parameters());
        Assert.NotEqual(reference.GetType(), optimizer.GetType());

        for (var step = 0; step < 5; step++)
        {
            Step(ours, optimizer, step);
            Step(theirs, reference, step);
        }
        using var start = Parameters(seed: 3);
        var values = 0;
        foreach (var ((mine, other), initial) in ours.parameters().Zip(theirs.parameters()).Zip(start.parameters()))
        {
            var (expected, actual, before) = (other.data<float>().ToArray(), mine.data<float>().ToArray(), initial.data<float>().ToArray());
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(float.IsFinite(expected[i]), $"value {values + i}: TorchSharp's step gave {expected[i]}");
                Assert.NotEqual(before[i], expected[i]); // the reference moved every value: the comparison is not of initial values
                var tolerance = kind == OptimizerKind.Sgd ? 0 : 1e-6 * Math.Max(1, Math.Abs(expected[i]));
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {values + i}: TorchSharp's {expected[i]:R}, ours {actual[i]:R}");
            }
            values += expected.Length;
        }
        Assert.Equal(147, values);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Steps_leave_no_scalars_to_the_finalizer(OptimizerKind kind, double l2, double momentum, bool nesterov)
    {
        var config = new TrainingConfig { Optimizer = kind, LearningRate = 3e-3, L2 = l2, Momentum = momentum, Nesterov = nesterov };
        using var ours = Parameters(seed: 3);
        using var theirs = Parameters(seed: 3);
        using var optimizer = OptimizerFactory.Create(config, ours.parameters());
        using var reference = TorchSharps(config, theirs.parameters());

        // A first step of each (state allocation, JIT, SGD's momentum buffer) outside the count.
        Step(ours, optimizer, step: 0);
        Step(theirs, reference, step: 0);
        Backward(ours, optimizer, step: 1);
        Backward(theirs, reference, step: 1);
        // TorchSharp's steps leave 1-9 Scalars per parameter for the finalizer (Adam 8-9, RMSprop 5-8, SGD 1-5); ours none.
        var left = FinalizerCount.LeftBy(() => optimizer.step());
        var leftByTorchSharp = FinalizerCount.LeftBy(() => reference.step());
        var baseline = FinalizerCount.Baseline();
        var parameters = ours.parameters().Count();
        output.WriteLine($"objects left to the finalizer by one step over {parameters} parameters: ours {left}, TorchSharp's {leftByTorchSharp}, nothing {baseline}");
        Assert.True(leftByTorchSharp - baseline >= parameters, $"TorchSharp's step left only {leftByTorchSharp} objects, nothing {baseline}");
        Assert.True(left <= baseline, $"our step left {left} objects for the finalizer, nothing {baseline}, TorchSharp's step {leftByTorchSharp}");
    }

    /// <summary>TorchSharp's own optimizer for <paramref name="config"/>, with the factory's hyperparameters.</summary>
    private static OptimizerHelper TorchSharps(TrainingConfig config, IEnumerable<Parameter> parameters) => config.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(parameters, config.LearningRate, beta1: 0.9, beta2: 0.999, weight_decay: config.L2),
        OptimizerKind.AdamW => optim.AdamW(parameters, config.LearningRate, beta1: 0.9, beta2: 0.999, weight_decay: config.L2),
        OptimizerKind.RmsProp => optim.RMSProp(parameters, config.LearningRate, momentum: config.Momentum, weight_decay: config.L2),
        _ => optim.SGD(parameters, config.LearningRate, momentum: config.Momentum, weight_decay: config.L2, nesterov: config.Nesterov),
    };

    private static nn.Module<Tensor, Tensor> Parameters(int seed)
    {
        using var generator = new Generator((ulong)seed);
        var model = nn.Sequential(nn.Linear(6, 6), nn.Linear(6, 6), nn.Linear(6, 6), nn.Linear(6, 3));
        using var noGrad = no_grad();
        foreach (var p in model.parameters())
        {
            // Uniform in [-0.25, 0.25): small enough that 5 SGD steps at lr 3e-3 stay finite (with [0, 1) they overflowed).
            using var uniform = rand(p.shape, generator: generator);
            using var values = (uniform - 0.5) * 0.5;
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
