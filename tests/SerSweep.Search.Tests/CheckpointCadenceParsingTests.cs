using SerSweep.Core;

namespace SerSweep.Search.Tests;

/// <summary><c>search.checkpoint_every</c>: a number of epochs or a duration of training.</summary>
public class CheckpointCadenceParsingTests
{
    [Theory]
    [InlineData("5", 5, 0)]
    [InlineData("1", 1, 0)]
    [InlineData("30s", 0, 30)]
    [InlineData("2m", 0, 120)]
    [InlineData("1h30m", 0, 5400)]
    public void Checkpoint_every_reads_a_number_of_epochs_or_a_duration(string written, int epochs, double seconds)
    {
        var sweep = Sweeps.Parse($"search: {{method: random, max_trials: 2, checkpoint_every: {written}}}");

        Assert.Equal(new CheckpointCadence(epochs, TimeSpan.FromSeconds(seconds)), sweep.Search.Checkpoints);
    }
}
