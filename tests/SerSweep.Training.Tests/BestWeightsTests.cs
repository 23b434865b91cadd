using SerSweep.Core;
using SerSweep.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SerSweep.Training.Tests;

public class BestWeightsTests
{
    /// <summary>A 1D CNN: its TimeConv weights are stored in another layout than the state dict's, the trap for a copy through the state dict.</summary>
    private static nn.Module<Tensor, Tensor> Model(int seed)
    {
        using var generator = new Generator((ulong)seed);
        return ModelFactory.Create(new ModelConfig { Architecture = Architecture.Cnn1d, Channels = [4, 8] }, [1, 16, 20], 8, generator);
    }

    /// <summary>Trains <paramref name="model"/> one step, so that its parameters and its batch-norm statistics change.</summary>
    private static void Step(nn.Module<Tensor, Tensor> model)
    {
        using var scope = NewDisposeScope();
        model.train();
        using var optimizer = optim.SGD(model.parameters(), 0.5);
        var loss = model.forward(randn(4, 1, 16, 20)).square().mean();
        loss.backward();
        optimizer.step();
    }

    [Fact]
    public void Kept_weights_serialise_as_the_model_did_when_kept_and_leave_the_model_as_it_is_then_restore_into_it()
    {
        using var model = Model(1);
        Step(model);
        var whenKept = Trainer.SaveWeights(model);
        using var best = new BestWeights();
        best.Take(model);
        Step(model);
        var now = Trainer.SaveWeights(model);
        Assert.NotEqual(whenKept, now);

        Assert.Equal(whenKept, best.Serialise(model));
        Assert.Equal(now, Trainer.SaveWeights(model));

        best.Restore(model);
        Assert.Equal(whenKept, Trainer.SaveWeights(model));
    }

    [Fact]
    public void A_later_take_replaces_the_kept_weights_and_weights_read_from_a_checkpoint_restore_as_written()
    {
        using var model = Model(2);
        using var best = new BestWeights();
        best.Take(model);
        var first = best.Serialise(model);
        Step(model);
        best.Take(model);
        var second = Trainer.SaveWeights(model);
        Assert.NotEqual(first, second);
        Assert.Equal(second, best.Serialise(model));

        using var other = Model(3);
        using var fromCheckpoint = new BestWeights();
        fromCheckpoint.Set(first);
        fromCheckpoint.Restore(other);
        Assert.Equal(first, Trainer.SaveWeights(other));
        Assert.Equal(first, fromCheckpoint.Serialise(other));
    }
}
