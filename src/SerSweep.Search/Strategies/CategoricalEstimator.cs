namespace SerSweep.Search.Strategies;

/// <summary>
/// Optuna's TPE density over choices: each observation is a kernel putting weight 1 on its choice plus
/// prior_weight / kernels on every choice; the prior kernel is uniform; kernels are mixed with the TPE weights.
/// </summary>
internal sealed class CategoricalEstimator
{
    private readonly double[] probabilities;

    /// <param name="mixture">The kernels' weights, the prior's last (<see cref="TpeWeights"/>): one more than the observations.</param>
    public CategoricalEstimator(ReadOnlySpan<double> observations, double[] mixture, int choices)
    {
        probabilities = new double[choices];
        var kernels = observations.Length + 1;
        var spread = 1.0 / kernels; // prior_weight (1) / kernels on each choice
        for (var k = 0; k < kernels; k++)
        {
            var isPrior = k == observations.Length;
            var total = isPrior ? 1.0 : spread * choices + 1;
            for (var c = 0; c < choices; c++)
            {
                var kernel = isPrior ? 1.0 / choices : (spread + (c == (int)observations[k] ? 1 : 0)) / total;
                probabilities[c] += mixture[k] * kernel;
            }
        }
    }

    public double Sample(SeededRandom random) => random.NextWeighted(probabilities);

    public double LogDensity(double choice) => Math.Log(probabilities[(int)choice]);
}
