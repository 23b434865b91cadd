namespace SerSweep.Search.Strategies;

/// <summary>The standard normal CDF and its log, accurate in the tails (where TPE compares tiny densities).</summary>
internal static class NormalDistribution
{
    private const double Sqrt2 = 1.4142135623730951;
    public const double LogSqrt2Pi = 0.91893853320467274;

    /// <summary>Φ(x).</summary>
    public static double Cdf(double x) => 0.5 * Erfc(-x / Sqrt2);

    /// <summary>log(Φ(b) − Φ(a)) for a &lt; b, computed on the side where it does not cancel.</summary>
    public static double LogMass(double a, double b)
    {
        // Both ends beyond 9 standard deviations: the mass is 1 to within 1e-18 (most kernels of a large history).
        if (a < -9 && b > 9) return 0;
        // Φ(b) − Φ(a) = Φ(−a) − Φ(−b): use the tail that keeps the values small and exact.
        var mass = a > 0 ? Cdf(-a) - Cdf(-b) : Cdf(b) - Cdf(a);
        return Math.Log(Math.Max(mass, 1e-300));
    }

    /// <summary>erfc with relative error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit).</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
