namespace SerSweep.Search.Strategies;

/// <summary>
/// A small, fully specified generator (SplitMix64 seeding a xoshiro256**), so that a sweep's suggestions
/// are the same on every machine and .NET version, unlike <see cref="Random"/> whose algorithm may change.
/// </summary>
public sealed class SeededRandom
{
    private ulong s0, s1, s2, s3;

    /// <summary>A generator for one stream of a sweep, e.g. (sweep seed, trial index, purpose).</summary>
    public SeededRandom(params long[] key)
    {
        var state = 0x9E3779B97F4A7C15UL;
        foreach (var part in key) state = Mix(state ^ (ulong)part);
        s0 = Mix(state += 0x9E3779B97F4A7C15UL);
        s1 = Mix(state += 0x9E3779B97F4A7C15UL);
        s2 = Mix(state += 0x9E3779B97F4A7C15UL);
        s3 = Mix(state + 0x9E3779B97F4A7C15UL);
    }

    /// <summary>A 64-bit mix of a key (SplitMix64's finaliser): the basis of derived seeds.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int NextInt(int n) => (int)(NextDouble() * n);

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        var u = 1.0 - NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * NextDouble());
    }

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/> (which sum to 1).</summary>
    public int NextWeighted(ReadOnlySpan<double> weights)
    {
        var u = NextDouble();
        for (var i = 0; i < weights.Length - 1; i++)
        {
            u -= weights[i];
            if (u < 0) return i;
        }
        return weights.Length - 1;
    }
}
