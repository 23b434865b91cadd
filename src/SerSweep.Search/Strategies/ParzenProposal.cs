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
        double Transform(double x) => ToModel(p, x);
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
        return p.IsCategorical ? best : FromModel(p, best);
    }

    /// <summary>A numeric value in the space the densities model: log ranges in log space.</summary>
    private static double ToModel(ParameterSpec p, double x) => p.Kind == ParameterKind.LogUniform ? Math.Log(x) : x;

    /// <summary>A modelled value back on the parameter's range and step.</summary>
    private static double FromModel(ParameterSpec p, double x) => SearchSpace.Snap(p, p.Kind == ParameterKind.LogUniform ? Math.Exp(x) : x);

    /// <summary>
    /// The values of several numeric parameters at once (<see cref="MultivariateParzenEstimator"/>): of <c>candidates</c>
    /// joint draws from l the one maximising l(x)/g(x); only trials where every one of them was active count.
    /// </summary>
    public static Dictionary<string, double> ProposeJoint(IReadOnlyList<ParameterSpec> ps, Kernels good, Kernels bad, int candidates, SeededRandom random)
    {
        MultivariateParzenEstimator.Axis[] axes = [.. ps.Select(p => new MultivariateParzenEstimator.Axis(ToModel(p, p.Low), ToModel(p, p.Top), p.Step))];
        MultivariateParzenEstimator Estimator(Kernels kernels)
        {
            var rows = new List<double[]>(kernels.Trials.Count);
            var weights = new List<double>(kernels.Trials.Count);
            for (var i = 0; i < kernels.Trials.Count; i++)
            {
                var trial = kernels.Trials[i];
                if (!ps.All(p => trial.ContainsKey(p.Path))) continue;
                rows.Add([.. ps.Select(p => ToModel(p, trial[p.Path]))]);
                if (kernels.Weights is { } w) weights.Add(w[i]);
            }
            return new MultivariateParzenEstimator(rows, kernels.Weights is null ? TpeWeights.Mixture(rows.Count) : TpeWeights.WithPrior([.. weights]), axes);
        }
        var (l, g) = (Estimator(good), Estimator(bad));
        double[] best = [];
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < candidates; i++)
        {
            var candidate = l.Sample(random);
            var candidateScore = l.LogDensity(candidate) - g.LogDensity(candidate);
            if (candidateScore > bestScore || best.Length == 0) (best, bestScore) = (candidate, candidateScore);
        }
        return ps.Select((p, d) => (p.Path, Value: FromModel(p, best[d]))).ToDictionary(e => e.Path, e => e.Value);
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
