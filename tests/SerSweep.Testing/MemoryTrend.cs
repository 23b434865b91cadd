namespace SerSweep.Testing;

/// <summary>How memory measured once per step (epoch, run) moves: a steady leak shows as a slope, a one-off step of the heap does not.</summary>
public static class MemoryTrend
{
    /// <summary>The Theil-Sen slope in MB per step from step <paramref name="first"/> on: the median of the slopes between every two steps.</summary>
    public static double SlopeMb(IReadOnlyList<long> bytes, int first)
    {
        var slopes = (from i in Enumerable.Range(first, bytes.Count - first)
                      from j in Enumerable.Range(i + 1, bytes.Count - i - 1)
                      select (bytes[j] - bytes[i]) / 1e6 / (j - i)).Order().ToList();
        return slopes[slopes.Count / 2];
    }
}
