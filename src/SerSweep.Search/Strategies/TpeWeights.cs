namespace SerSweep.Search.Strategies;

internal static class TpeWeights
{
    private const double PriorWeight = 1.0;

    /// <summary>
    /// Mixture weights of n observation kernels (oldest first) and the prior kernel last, as Optuna's
    /// default_weights: flat for the 25 newest observations, a ramp from 1/n up for older ones; normalised.
    /// </summary>
    public static double[] Mixture(int observations)
    {
        var w = new double[observations];
        var ramp = Math.Max(0, observations - 25);
        for (var i = 0; i < observations; i++)
            w[i] = i >= ramp ? 1.0 : ramp == 1 ? 1.0 / observations : 1.0 / observations + (1 - 1.0 / observations) * i / (ramp - 1);
        return WithPrior(w);
    }

    /// <summary>The given observation weights with the prior kernel's weight (1) appended, normalised.</summary>
    public static double[] WithPrior(ReadOnlySpan<double> observationWeights)
    {
        var w = new double[observationWeights.Length + 1];
        observationWeights.CopyTo(w);
        w[^1] = PriorWeight;
        var total = w.Sum();
        for (var i = 0; i < w.Length; i++) w[i] /= total;
        return w;
    }
}
