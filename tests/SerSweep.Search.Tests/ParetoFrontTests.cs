using CsCheck;
using SerSweep.Search.MultiObjective;

namespace SerSweep.Search.Tests;

public class ParetoFrontTests
{
    // Values on a coarse grid, so that ties in one objective and whole duplicate points are common.
    private static readonly Gen<(Direction[] Directions, double[][] Points)> PointSets =
        from dims in Gen.Int[1, 4]
        from maximize in Gen.Bool.Array[dims]
        from points in Gen.Int[0, 4].Array[dims].Array[0, 40]
        select (maximize.Select(m => m ? Direction.Maximize : Direction.Minimize).ToArray(),
                points.Select(p => p.Select(v => (double)v).ToArray()).ToArray());

    /// <summary>The definition, checked pair by pair: j dominates i when it is nowhere worse and somewhere better.</summary>
    private static bool DominatedByAnother(double[][] points, Direction[] directions, int i) =>
        Enumerable.Range(0, points.Length).Any(j =>
        {
            bool Worse(int k, double a, double b) => directions[k] == Direction.Maximize ? a < b : a > b;
            var nowhereWorse = Enumerable.Range(0, directions.Length).All(k => !Worse(k, points[j][k], points[i][k]));
            var somewhereBetter = Enumerable.Range(0, directions.Length).Any(k => Worse(k, points[i][k], points[j][k]));
            return nowhereWorse && somewhereBetter;
        });

    [Fact]
    public void The_front_is_exactly_the_points_no_other_point_dominates()
    {
        PointSets.Sample(set =>
        {
            var expected = Enumerable.Range(0, set.Points.Length).Where(i => !DominatedByAnother(set.Points, set.Directions, i));

            Assert.Equal(expected, ParetoFront.Of(set.Points, set.Directions));
        }, iter: 2000);
    }

    [Fact]
    public void Ranks_partition_the_points_and_each_rank_is_the_front_of_what_the_earlier_ranks_leave()
    {
        PointSets.Sample(set =>
        {
            var ranks = ParetoFront.Ranks(set.Points, set.Directions);

            Assert.Equal(Enumerable.Range(0, set.Points.Length), ranks.SelectMany(r => r).Order());
            var remaining = Enumerable.Range(0, set.Points.Length).ToList();
            foreach (var rank in ranks)
            {
                var left = remaining.Select(i => set.Points[i]).ToArray();
                Assert.Equal(remaining.Where((_, j) => !DominatedByAnother(left, set.Directions, j)), rank);
                remaining = [.. remaining.Except(rank)];
            }
        }, iter: 500);
    }

    [Fact]
    public void Duplicates_on_the_front_are_all_on_it_and_equal_points_do_not_dominate()
    {
        double[][] points = [[1, 5], [1, 5], [2, 2], [3, 2], [5, 1]];

        Assert.Equal([0, 1, 2, 4], ParetoFront.Of(points, [Direction.Minimize, Direction.Minimize]));
        Assert.False(ParetoFront.Dominates(points[0], points[1], [Direction.Minimize, Direction.Minimize]));
        Assert.Equal([0, 1, 3, 4], ParetoFront.Of(points, [Direction.Maximize, Direction.Maximize]));
    }
}
