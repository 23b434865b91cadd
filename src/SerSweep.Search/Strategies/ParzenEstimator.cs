namespace SerSweep.Search.Strategies;

/// <summary>
/// A Parzen estimator as in Optuna's TPE: a weighted mixture of truncated normals, one per observation plus
/// a wide prior kernel, with each bandwidth the larger gap to its sorted neighbours, clipped ("magic clip")
/// between range/min(100, kernels + 1) and the range. Numbers live in the transformed space (log for
/// loguniform); stepped ranges (int_uniform, uniform with q) are discrete: a value's mass is its bin's.
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly double[] mus, inverseSigmas, weights, logCoefficients;
    private readonly double low, high, step, truncatedLow, truncatedHigh;

    /// <param name="observations">Values in the transformed space, oldest trial first.</param>
    public ParzenEstimator(ReadOnlySpan<double> observations, double low, double high, double step)
    {
        this.low = low;
        this.high = high;
        this.step = step;
        truncatedLow = low - step / 2;
        truncatedHigh = high + step / 2;
        var n = observations.Length + 1;
        mus = new double[n];
        observations.CopyTo(mus);
        mus[^1] = 0.5 * (low + high);
        var sigmas = Bandwidths(mus, truncatedLow, truncatedHigh, high - low + step);
        weights = TpeWeights.Mixture(observations.Length);
        inverseSigmas = new double[n];
        logCoefficients = new double[n];
        for (var k = 0; k < n; k++)
        {
            inverseSigmas[k] = 1 / sigmas[k];
            var logZ = NormalDistribution.LogMass((truncatedLow - mus[k]) * inverseSigmas[k], (truncatedHigh - mus[k]) * inverseSigmas[k]);
            // Continuous: the normal density's constant; discrete: only the truncation (the bin mass is computed per value).
            logCoefficients[k] = Math.Log(weights[k]) - logZ - (step > 0 ? 0 : Math.Log(sigmas[k]) + NormalDistribution.LogSqrt2Pi);
        }
    }

    public double Sample(SeededRandom random)
    {
        var k = random.NextWeighted(weights);
        var sigma = 1 / inverseSigmas[k];
        var x = mus[k];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            x = mus[k] + sigma * random.NextGaussian();
            if (x >= truncatedLow && x <= truncatedHigh) break;
        }
        x = Math.Clamp(x, truncatedLow, truncatedHigh);
        return step > 0 ? Math.Clamp(low + Math.Round((x - low) / step) * step, low, high) : Math.Clamp(x, low, high);
    }

    /// <summary>log of the mixture's density (or, for stepped ranges, of the mass of x's bin).</summary>
    public double LogDensity(double x)
    {
        var n = mus.Length;
        Span<double> terms = n <= 512 ? stackalloc double[n] : new double[n];
        var max = double.NegativeInfinity;
        for (var k = 0; k < n; k++)
        {
            double term;
            if (step > 0)
            {
                term = logCoefficients[k] + NormalDistribution.LogMass((x - step / 2 - mus[k]) * inverseSigmas[k], (x + step / 2 - mus[k]) * inverseSigmas[k]);
            }
            else
            {
                var z = (x - mus[k]) * inverseSigmas[k];
                term = logCoefficients[k] - 0.5 * z * z;
            }
            terms[k] = term;
            if (term > max) max = term;
        }
        var sum = 0.0;
        for (var k = 0; k < n; k++) sum += Math.Exp(terms[k] - max);
        return max + Math.Log(sum);
    }

    /// <summary>Each kernel's bandwidth: the wider gap to its sorted neighbours (the range ends count as neighbours), clipped.</summary>
    private static double[] Bandwidths(double[] mus, double lowEnd, double highEnd, double range)
    {
        var n = mus.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        var sortedMus = (double[])mus.Clone();
        Array.Sort(sortedMus, order);
        var withEnds = new double[n + 2];
        withEnds[0] = lowEnd;
        sortedMus.CopyTo(withEnds, 1);
        withEnds[^1] = highEnd;
        var sorted = new double[n];
        for (var i = 0; i < n; i++) sorted[i] = Math.Max(withEnds[i + 1] - withEnds[i], withEnds[i + 2] - withEnds[i + 1]);
        if (n + 2 >= 4)
        {
            // As Optuna (consider_endpoints=False): the outermost kernels look inward only.
            sorted[0] = withEnds[2] - withEnds[1];
            sorted[^1] = withEnds[^2] - withEnds[^3];
        }
        var minSigma = range / Math.Min(100.0, 1.0 + n);
        var sigmas = new double[n];
        for (var i = 0; i < n; i++) sigmas[order[i]] = Math.Clamp(sorted[i], minSigma, range);
        sigmas[^1] = range; // the prior kernel spans the whole range
        return sigmas;
    }
}
