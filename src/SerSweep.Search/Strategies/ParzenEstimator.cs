using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    /// <param name="mixture">The kernels' weights, the prior's last (<see cref="TpeWeights"/>): one more than the observations.</param>
    /// <param name="considerEndpoints">
    /// Whether the outermost kernels also look outward to the range's ends for their bandwidth (Optuna's MOTPE default) or inward
    /// only (its TPE default).
    /// </param>
    public ParzenEstimator(ReadOnlySpan<double> observations, double[] mixture, double low, double high, double step, bool considerEndpoints = false)
    {
        if (mixture.Length != observations.Length + 1)
            throw new ArgumentException($"{mixture.Length} weights for {observations.Length} observations and the prior", nameof(mixture));
        this.low = low;
        this.high = high;
        this.step = step;
        truncatedLow = low - step / 2;
        truncatedHigh = high + step / 2;
        var n = observations.Length + 1;
        mus = new double[n];
        observations.CopyTo(mus);
        mus[^1] = 0.5 * (low + high);
        var sigmas = Bandwidths(mus, truncatedLow, truncatedHigh, high - low + step, considerEndpoints);
        weights = mixture;
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
        if (step > 0)
        {
            for (var k = 0; k < n; k++)
                terms[k] = logCoefficients[k] + NormalDistribution.LogMass((x - step / 2 - mus[k]) * inverseSigmas[k], (x + step / 2 - mus[k]) * inverseSigmas[k]);
        }
        else
        {
            ContinuousTerms(x, terms);
        }
        return LogSumExp(terms);
    }

    // log w_k - log Z_k - log(sigma_k sqrt(2 pi)) - z^2 / 2 for every kernel, four at a time: the hot loop of TPE.
    private void ContinuousTerms(double x, Span<double> terms)
    {
        ref var mu = ref MemoryMarshal.GetArrayDataReference(mus);
        ref var inverseSigma = ref MemoryMarshal.GetArrayDataReference(inverseSigmas);
        ref var coefficient = ref MemoryMarshal.GetArrayDataReference(logCoefficients);
        ref var term = ref MemoryMarshal.GetReference(terms);
        var vx = Vector256.Create(x);
        nuint k = 0, n = (nuint)terms.Length;
        for (; k + (nuint)Vector256<double>.Count <= n; k += (nuint)Vector256<double>.Count)
        {
            var z = (vx - Vector256.LoadUnsafe(ref mu, k)) * Vector256.LoadUnsafe(ref inverseSigma, k);
            (Vector256.LoadUnsafe(ref coefficient, k) - Vector256.Create(0.5) * z * z).StoreUnsafe(ref term, k);
        }
        for (; k < n; k++)
        {
            var z = (x - mus[k]) * inverseSigmas[k];
            terms[(int)k] = logCoefficients[k] - 0.5 * z * z;
        }
    }

    private static double LogSumExp(Span<double> terms)
    {
        ref var term = ref MemoryMarshal.GetReference(terms);
        nuint k = 0, n = (nuint)terms.Length, width = (nuint)Vector256<double>.Count;
        var maxima = Vector256.Create(double.NegativeInfinity);
        for (; k + width <= n; k += width) maxima = Vector256.Max(maxima, Vector256.LoadUnsafe(ref term, k));
        var max = double.NegativeInfinity;
        for (var lane = 0; lane < Vector256<double>.Count; lane++) max = Math.Max(max, maxima[lane]);
        for (var tail = k; tail < n; tail++) max = Math.Max(max, terms[(int)tail]);
        var vmax = Vector256.Create(max);
        var sums = Vector256<double>.Zero;
        for (k = 0; k + width <= n; k += width) sums += Vector256.Exp(Vector256.LoadUnsafe(ref term, k) - vmax);
        var sum = Vector256.Sum(sums);
        for (; k < n; k++) sum += Math.Exp(terms[(int)k] - max);
        return max + Math.Log(sum);
    }

    /// <summary>Each kernel's bandwidth: the wider gap to its sorted neighbours (the range ends count as neighbours), clipped.</summary>
    private static double[] Bandwidths(double[] mus, double lowEnd, double highEnd, double range, bool considerEndpoints)
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
        if (!considerEndpoints && n + 2 >= 4)
        {
            // As Optuna's consider_endpoints=False: the outermost kernels look inward only.
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
