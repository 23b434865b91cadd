namespace SerSweep.Search.Strategies;

/// <summary>
/// One parameter's value as TPE proposes it (and MOTPE, which only splits and weighs the trials differently): per
/// parameter a density l(x) fitted to the good trials' values and g(x) to the bad ones'; of <c>candidates</c> draws
/// from l the one maximising l(x)/g(x). Log ranges are modelled in log space, stepped ranges as bins, choices with
/// Optuna's categorical kernel; a trial where the parameter was inactive is left out of both densities.
/// </summary>
internal static class ParzenProposal
{
    /// <summary>Trials as one density sees them: each trial's encoded values and its kernel's weight, or null for TPE's ramp by age.</summary>
    public sealed record Kernels(IReadOnlyList<IReadOnlyDictionary<string, double>> Trials, IReadOnlyList<double>? Weights = null);

    public static double Propose(ParameterSpec p, Kernels good, Kernels bad, int candidates, SeededRandom random, bool considerEndpoints = false)
    {
        var isLog = p.Kind == ParameterKind.LogUniform;
        double Transform(double x) => isLog ? Math.Log(x) : x;
        var (goodValues, goodMixture) = Observations(p, good, Transform);
        var (badValues, badMixture) = Observations(p, bad, Transform);
        Func<SeededRandom, double> sample;
        Func<double, double> score;
        if (p.IsCategorical)
        {
            var l = new CategoricalEstimator(goodValues, goodMixture, p.Choices.Count);
            var g = new CategoricalEstimator(badValues, badMixture, p.Choices.Count);
            sample = l.Sample;
            score = x => l.LogDensity(x) - g.LogDensity(x);
        }
        else
        {
            var (low, high) = (Transform(p.Low), Transform(p.Top));
            var l = new ParzenEstimator(goodValues, goodMixture, low, high, p.Step, considerEndpoints);
            var g = new ParzenEstimator(badValues, badMixture, low, high, p.Step, considerEndpoints);
            sample = l.Sample;
            score = x => l.LogDensity(x) - g.LogDensity(x);
        }
        var best = double.NaN;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < candidates; i++)
        {
            var candidate = sample(random);
            var candidateScore = score(candidate);
            if (candidateScore > bestScore || double.IsNaN(best))
            {
                best = candidate;
                bestScore = candidateScore;
            }
        }
        return p.IsCategorical ? best : SearchSpace.Snap(p, isLog ? Math.Exp(best) : best);
    }

    /// <summary>The values of the trials where <paramref name="p"/> was active (transformed), and the mixture weights of their kernels and the prior's.</summary>
    private static (double[] Values, double[] Mixture) Observations(ParameterSpec p, Kernels kernels, Func<double, double> transform)
    {
        var values = new List<double>(kernels.Trials.Count);
        var weights = new List<double>(kernels.Trials.Count);
        for (var i = 0; i < kernels.Trials.Count; i++)
        {
            if (!kernels.Trials[i].TryGetValue(p.Path, out var x)) continue;
            values.Add(p.IsCategorical ? x : transform(x));
            if (kernels.Weights is { } w) weights.Add(w[i]);
        }
        return ([.. values], kernels.Weights is null ? TpeWeights.Mixture(values.Count) : TpeWeights.WithPrior([.. weights]));
    }
}
