namespace SerSweep.Training.Tests;

[Collection(SerialCollection.Name)]
public class MemoryTests
{
    [Fact]
    public async Task Native_memory_does_not_grow_across_epochs()
    {
        var rss = new List<long>();
        var config = RealFeatures.SmallConfig(epochs: 8);

        await Trainer.RunAsync(new TrainingRequest
        {
            Config = config,
            Features = RealFeatures.Actors1To4,
            OnEpoch = (_, _) =>
            {
                // Native memory = resident set minus what the .NET GC has committed (managed garbage is not a native leak).
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                using var process = System.Diagnostics.Process.GetCurrentProcess();
                rss.Add(process.WorkingSet64 - GC.GetGCMemoryInfo().TotalCommittedBytes);
                return Task.FromResult(EpochDecision.Continue);
            },
        });

        // After the allocator has warmed up (epoch 3), native memory stays flat: every batch's tensors are freed.
        // (A leak of one batch's activations per step would add tens of MB per epoch here.)
        var growthMb = (rss[^1] - rss[2]) / 1e6;
        Console.WriteLine($"native memory per epoch (MB): {string.Join(", ", rss.Select(r => (r / 1_000_000).ToString()))}");
        Assert.True(growthMb < 20, $"native memory grew {growthMb:0.0} MB from epoch 3 to 8: {string.Join(", ", rss.Select(r => r / 1_000_000))}");
    }
}
