namespace SerSweep.Core.Tests;

public class CheckpointCadenceTests
{
    [Fact]
    public void Every_nth_epoch_is_due_whatever_the_time_and_a_duration_whatever_the_epoch()
    {
        var everyThird = CheckpointCadence.EveryEpochs(3);
        var halfMinute = CheckpointCadence.Every(TimeSpan.FromSeconds(30));

        Assert.Equal([3, 6, 9], Enumerable.Range(1, 10).Where(e => everyThird.IsDue(e, TimeSpan.Zero)));
        Assert.Equal([3, 6, 9], Enumerable.Range(1, 10).Where(e => everyThird.IsDue(e, TimeSpan.FromHours(1))));
        Assert.False(halfMinute.IsDue(30, TimeSpan.FromSeconds(29.9)));
        Assert.True(halfMinute.IsDue(1, TimeSpan.FromSeconds(30)));
    }
}
