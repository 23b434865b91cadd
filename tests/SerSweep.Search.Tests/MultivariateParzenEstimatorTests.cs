using SerSweep.Search.Strategies;
using Axis = SerSweep.Search.Strategies.MultivariateParzenEstimator.Axis;

namespace SerSweep.Search.Tests;

public class MultivariateParzenEstimatorTests
{
    private static readonly Axis Unit = new(0, 1, 0);

    /// <summary>∫ₐᵇ of the normal density (μ, σ), by Simpson's rule on 2000 intervals: the truncation mass, derived without the estimator's erfc.</summary>
    private static double NormalMass(double mu, double sigma, double a, double b)
    {
        const int n = 2000;
        double F(double x) => Math.Exp(-0.5 * Math.Pow((x - mu) / sigma, 2)) / (sigma * Math.Sqrt(2 * Math.PI));
        var h = (b - a) / n;
        var sum = F(a) + F(b);
        for (var i = 1; i < n; i++) sum += (i % 2 == 1 ? 4 : 2) * F(a + i * h);
        return sum * h / 3;
    }

    [Fact]
    public void The_density_is_the_weighted_product_of_truncated_normals_with_Scotts_bandwidth()
    {
        // One observation at (0.3, 0.7) in [0, 1]²: Scott's 0.2 · 1^(−1/6) = 0.2 is below the clip 1/min(100, 2 + 1) = 1/3,
        // so the observation's kernel has σ = 1/3 on both axes; the prior's sits at (0.5, 0.5) with σ = 1.
        var estimator = new MultivariateParzenEstimator([[0.3, 0.7]], [0.25, 0.75], [Unit, Unit]);
        double Kernel(double x, double y, double mx, double my, double s) =>
            Math.Exp(-0.5 * (Math.Pow((x - mx) / s, 2) + Math.Pow((y - my) / s, 2))) / (2 * Math.PI * s * s)
            / (NormalMass(mx, s, 0, 1) * NormalMass(my, s, 0, 1));

        foreach (var (x, y) in new[] { (0.3, 0.7), (0.9, 0.1), (0.0, 1.0) })
        {
            var expected = 0.25 * Kernel(x, y, 0.3, 0.7, 1.0 / 3) + 0.75 * Kernel(x, y, 0.5, 0.5, 1);
            Assert.Equal(Math.Log(expected), estimator.LogDensity([x, y]), 1e-6); // the estimator's erfc is good to 1.2e-7
        }
    }

    [Fact]
    public void Over_a_stepped_and_a_continuous_axis_the_bins_masses_integrate_to_one()
    {
        var stepped = new Axis(0, 4, 1);
        var estimator = new MultivariateParzenEstimator([[1, 0.2], [4, 0.9], [2, 0.5]], [0.2, 0.3, 0.1, 0.4], [stepped, Unit]);

        // Σ over the bins 0..4 of ∫₀¹ the density over the continuous axis (midpoint rule, 4000 slices).
        var total = 0.0;
        for (var bin = 0; bin <= 4; bin++)
            for (var i = 0; i < 4000; i++)
                total += Math.Exp(estimator.LogDensity([bin, (i + 0.5) / 4000])) / 4000;

        Assert.Equal(1.0, total, 4);
    }

    /// <summary>
    /// Kernels at (0.1, 0.1) and (0.9, 0.9) with σ = 0.25 (Scott's 0.2 · 2^(−1/6) ≈ 0.18 clipped up to 1/min(100, 3 + 1)):
    /// a kernel's draw falls in its own half with P = (Φ(1.6) − Φ(−0.4)) / (Φ(3.6) − Φ(−0.4)) ≈ 0.917 per axis, so both
    /// values fall in the same half with 0.917² + 0.083² ≈ 0.85, where values drawn per axis independently would with 0.5.
    /// </summary>
    [Fact]
    public void A_draw_keeps_the_values_of_one_observation_together()
    {
        var estimator = new MultivariateParzenEstimator([[0.1, 0.1], [0.9, 0.9]], [0.5, 0.5, 0], [Unit, Unit]);
        var random = new SeededRandom(7);

        var together = Enumerable.Range(0, 4000).Select(_ => estimator.Sample(random)).Count(x => x[0] < 0.5 == x[1] < 0.5) / 4000.0;

        Assert.InRange(together, 0.82, 0.88);
    }

    [Fact]
    public void Draws_on_a_stepped_axis_are_its_steps_within_its_range()
    {
        var estimator = new MultivariateParzenEstimator([[0, 0.5], [4, 0.5]], [0.4, 0.4, 0.2], [new Axis(0, 4, 1), Unit]);
        var random = new SeededRandom(3);

        var draws = Enumerable.Range(0, 500).Select(_ => estimator.Sample(random)).ToList();

        Assert.All(draws, x => Assert.Contains(x[0], new double[] { 0, 1, 2, 3, 4 }));
        Assert.All(draws, x => Assert.InRange(x[1], 0, 1));
    }
}
