using SerSweep.Search.MultiObjective;

namespace SerSweep.Search.Tests;

public class HypervolumeTests
{
    private static readonly Direction[] Min2 = [Direction.Minimize, Direction.Minimize];
    private static readonly Direction[] Min3 = [Direction.Minimize, Direction.Minimize, Direction.Minimize];

    [Fact]
    public void Two_objectives_a_staircase_of_three_boxes()
    {
        // Boxes to (4, 4): 3x1, 2x2 and 1x3 overlap to a staircase of 1 + 2 + 3 unit columns.
        Assert.Equal(6.0, Hypervolume.Of([[1, 3], [2, 2], [3, 1]], [4, 4], Min2));
        // A dominated point, a duplicate and a point beyond the reference add nothing.
        Assert.Equal(6.0, Hypervolume.Of([[1, 3], [2, 2], [3, 1], [3, 3], [2, 2], [5, 0], [4, 1]], [4, 4], Min2));
        Assert.Equal(0.0, Hypervolume.Of([], [4, 4], Min2));
    }

    [Fact]
    public void A_maximised_objective_counts_from_the_reference_upwards()
    {
        // val_uar 0.6 and 0.8 above a reference of 0.5, latency 10 and 20 ms below 30: (0.1 x 20) + (0.3 x 10) - overlap (0.1 x 10).
        Assert.Equal(0.1 * 20 + 0.3 * 10 - 0.1 * 10, Hypervolume.Of([[0.6, 10], [0.8, 20]], [0.5, 30], [Direction.Maximize, Direction.Minimize]), 12);
    }

    [Fact]
    public void Three_objectives_by_inclusion_exclusion_of_boxes()
    {
        Assert.Equal(1.0, Hypervolume.Of([[1, 1, 1]], [2, 2, 2], Min3));
        // Two 2x1x1 boxes meeting in the unit cube at (1, 1, 1).
        Assert.Equal(2.0 + 2 - 1, Hypervolume.Of([[0, 1, 1], [1, 0, 1]], [2, 2, 2], Min3), 12);
        // Three 3x1x1 bars, one along each axis, in the corner (2, 2, 2) of the reference's cube: each pair and all three meet in its unit cube.
        Assert.Equal(3.0 * 3 - 3 * 1 + 1, Hypervolume.Of([[0, 2, 2], [2, 0, 2], [2, 2, 0]], [3, 3, 3], Min3), 12);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    public void Random_sets_agree_with_monte_carlo(int objectives, int seed)
    {
        var random = new Random(seed);
        var directions = Enumerable.Repeat(Direction.Minimize, objectives).ToArray();
        var reference = Enumerable.Repeat(1.0, objectives).ToArray();
        for (var set = 0; set < 5; set++)
        {
            var points = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, objectives).Select(_ => 0.3 + 0.8 * random.NextDouble()).ToArray()).ToArray();
            const int samples = 200_000;
            var inside = 0;
            var sample = new double[objectives];
            for (var s = 0; s < samples; s++)
            {
                for (var k = 0; k < objectives; k++) sample[k] = random.NextDouble();
                if (points.Any(p => p.Zip(sample).All(z => z.First <= z.Second))) inside++;
            }
            var estimate = (double)inside / samples;

            // 5 standard errors of the estimate at most (sd <= 0.5 / sqrt(samples) = 0.0011).
            Assert.InRange(Hypervolume.Of(points, reference, directions), estimate - 0.0056, estimate + 0.0056);
        }
    }
}
