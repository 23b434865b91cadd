namespace SerSweep.Search.Strategies;

/// <summary>
/// A joint Parzen estimator over several numeric axes, as Optuna's <c>multivariate=True</c>: each kernel is a product
/// of one truncated normal per axis centred on one observation (plus a prior kernel at the range's middle, as wide as
/// the range), so a draw keeps the values that went together in one trial together. Bandwidths follow Scott's rule, as
/// Optuna's: 0.2 · n^(−1/(d+4)) · range on every axis for every observation kernel, clipped ("magic clip") between
/// range/min(100, kernels + 1) and the range. Values live in the transformed space (log for loguniform); a stepped axis
/// is discrete: a value's mass is its bin's.
/// </summary>
internal sealed class MultivariateParzenEstimator
{
    private const double Sigma0Magnitude = 0.2;

    /// <summary>One axis in the transformed space: its lowest and highest value and its step (0: continuous).</summary>
    public readonly record struct Axis(double Low, double High, double Step)
    {
        public double TruncatedLow => Low - Step / 2;
        public double TruncatedHigh => High + Step / 2;
        public double Range => High - Low + Step;
    }

    private readonly Axis[] axes;
    private readonly double[] weights;
    /// <summary>[kernel][axis]: the centre, the bandwidth and the log of the kernel's truncation mass on that axis.</summary>
    private readonly double[][] mus, sigmas, logMasses;

    /// <param name="observations">One row per trial (oldest first), one value per axis, in the transformed space.</param>
    /// <param name="mixture">The kernels' weights, the prior's last (<see cref="TpeWeights"/>): one more than the observations.</param>
    public MultivariateParzenEstimator(IReadOnlyList<double[]> observations, double[] mixture, Axis[] axes)
    {
        if (mixture.Length != observations.Count + 1)
            throw new ArgumentException($"{mixture.Length} weights for {observations.Count} observations and the prior", nameof(mixture));
        this.axes = axes;
        weights = mixture;
        var kernels = observations.Count + 1;
        var scott = Sigma0Magnitude * Math.Pow(Math.Max(observations.Count, 1), -1.0 / (axes.Length + 4));
        mus = new double[kernels][];
        sigmas = new double[kernels][];
        logMasses = new double[kernels][];
        for (var k = 0; k < kernels; k++)
        {
            var isPrior = k == observations.Count;
            mus[k] = new double[axes.Length];
            sigmas[k] = new double[axes.Length];
            logMasses[k] = new double[axes.Length];
            for (var d = 0; d < axes.Length; d++)
            {
                var axis = axes[d];
                mus[k][d] = isPrior ? 0.5 * (axis.Low + axis.High) : observations[k][d];
                sigmas[k][d] = isPrior ? axis.Range : Math.Clamp(scott * axis.Range, axis.Range / Math.Min(100.0, 1.0 + kernels), axis.Range);
                logMasses[k][d] = NormalDistribution.LogMass((axis.TruncatedLow - mus[k][d]) / sigmas[k][d], (axis.TruncatedHigh - mus[k][d]) / sigmas[k][d]);
            }
        }
    }

    /// <summary>One point: a kernel drawn by weight, then each axis from that kernel's truncated normal (snapped to its step).</summary>
    public double[] Sample(SeededRandom random)
    {
        var k = random.NextWeighted(weights);
        var x = new double[axes.Length];
        for (var d = 0; d < axes.Length; d++)
        {
            var axis = axes[d];
            var value = mus[k][d];
            for (var attempt = 0; attempt < 100; attempt++)
            {
                value = mus[k][d] + sigmas[k][d] * random.NextGaussian();
                if (value >= axis.TruncatedLow && value <= axis.TruncatedHigh) break;
            }
            value = Math.Clamp(value, axis.TruncatedLow, axis.TruncatedHigh);
            x[d] = axis.Step > 0 ? Math.Clamp(axis.Low + Math.Round((value - axis.Low) / axis.Step) * axis.Step, axis.Low, axis.High)
                : Math.Clamp(value, axis.Low, axis.High);
        }
        return x;
    }

    /// <summary>log of the mixture's joint density at <paramref name="x"/> (a stepped axis contributes its bin's mass).</summary>
    public double LogDensity(ReadOnlySpan<double> x)
    {
        var terms = new double[mus.Length];
        for (var k = 0; k < mus.Length; k++)
        {
            var term = Math.Log(weights[k]);
            for (var d = 0; d < axes.Length; d++)
            {
                var (mu, sigma, step) = (mus[k][d], sigmas[k][d], axes[d].Step);
                term -= logMasses[k][d];
                if (step > 0)
                {
                    term += NormalDistribution.LogMass((x[d] - step / 2 - mu) / sigma, (x[d] + step / 2 - mu) / sigma);
                }
                else
                {
                    var z = (x[d] - mu) / sigma;
                    term -= 0.5 * z * z + Math.Log(sigma) + NormalDistribution.LogSqrt2Pi;
                }
            }
            terms[k] = term;
        }
        var max = terms.Max();
        return max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
    }
}
