using SerSweep.Search.MultiObjective;

namespace SerSweep.Search.Tests;

/// <summary>MOTPE's split and weights on hand-built points, with the hypervolumes worked out by hand in the comments.</summary>
public class MotpeSplitTests
{
    private static readonly Direction[] Minimize = [Direction.Minimize, Direction.Minimize];

    // Rank 0: z alone (it dominates every other point). Rank 1: a, b, c, d, none dominating another. Rank 1's worst is
    // (10, 10), so its reference is (11, 11): alone, b covers 7·7 = 49, c 6.8·7.1 = 48.28, a 10·1 = 10, d 1·9.5 = 9.5.
    // Greedy: b first; then a adds 10 − 7 (its box beyond x = 4 is b's) = 3, d 9.5 − 7 = 2.5, c 48.28 − 47.6 = 0.68: a;
    // then d (2.5) before c (0.68). Ranking by the volume each covers alone would take c second instead.
    private static readonly double[][] Points = [[4, 4], [0.5, 0.5], [1, 10], [4.2, 3.9], [10, 1.5]];
    private const int B = 0, Z = 1, A = 2, C = 3, D = 4;

    [Theory]
    [InlineData(0, new int[0])]
    [InlineData(1, new[] { Z })]
    [InlineData(2, new[] { B, Z })]
    [InlineData(3, new[] { B, Z, A })]
    [InlineData(4, new[] { B, Z, A, D })]
    [InlineData(5, new[] { B, Z, A, C, D })]
    public void Whole_ranks_first_then_the_cut_rank_by_greedy_hypervolume_contribution(int count, int[] expected)
    {
        Assert.Equal(expected, MotpeSplit.Good(Points, Minimize, count));
    }

    [Fact]
    public void A_maximised_objective_is_split_as_its_negation_would_be()
    {
        var mirrored = Points.Select(p => (IReadOnlyList<double>)[-p[0], p[1]]).ToList();

        Assert.Equal(new[] { B, Z, A, D }, MotpeSplit.Good(mirrored, [Direction.Maximize, Direction.Minimize], 4));
    }

    [Fact]
    public void Weights_are_hypervolume_contributions_over_the_largest()
    {
        // Worst (3, 3), reference (3.3, 3.3). The whole set covers 2.3·0.3 + 1.3·1 + 0.3·1 = 2.29; without a: 1.3·1.3 + 0.3·1 = 1.99,
        // without b: 0.69 + 0.3·2 = 1.29, without c: 0.69 + 1.3 = 1.99, without e (dominated by b): 2.29. So 0.3, 1, 0.3, 0 (+1e-12).
        double[][] points = [[1, 3], [2, 2], [3, 1], [3, 3]];

        var weights = MotpeSplit.Weights(points, Minimize);

        Assert.Equal(0.3, weights[0], 9);
        Assert.Equal(1.0, weights[1], 12);
        Assert.Equal(0.3, weights[2], 9);
        Assert.InRange(weights[3], 0, 1e-11);
        Assert.Equal([1.0], MotpeSplit.Weights([[5, 5]], Minimize));
    }
}
