namespace SerSweep.Search.Strategies;

/// <summary>Seeds derived from (sweep seed, trial index) only, so a trial trains the same on whichever worker runs it.</summary>
public static class TrialSeeds
{
    /// <summary>The training seed of trial <paramref name="index"/>: a non-negative int.</summary>
    public static int ForTrial(int sweepSeed, int index) =>
        (int)(SeededRandom.Mix(SeededRandom.Mix((ulong)(uint)sweepSeed) ^ (ulong)index) & int.MaxValue);

    /// <summary>The generator a strategy uses to sample trial <paramref name="index"/>.</summary>
    internal static SeededRandom Sampler(int sweepSeed, int index) => new(sweepSeed, index, 0x5EA2C4);
}
