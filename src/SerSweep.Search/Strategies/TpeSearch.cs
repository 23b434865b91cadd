using SerSweep.Core;

namespace SerSweep.Search.Strategies;

/// <summary>
/// Tree-structured Parzen Estimator, as Optuna's default (independent, univariate) TPESampler: after
/// n_startup_trials random trials, finished trials are split into the best γ(n) = min(⌈0.1·n⌉, 25) and the
/// rest; per parameter a density l(x) is fitted to the good values and g(x) to the others; of
/// n_ei_candidates draws from l the one maximising l(x)/g(x) is suggested. Pruned trials rank after
/// completed ones, deeper first; failed trials are ignored. A conditional parameter learns from the trials
/// where it was active.
/// </summary>
public sealed class TpeSearch(SweepDefinition sweep) : SearchStrategy(sweep)
{
    public override int Budget => Sweep.Search.MaxTrials ?? 0;

    protected override Dictionary<string, double> Suggest(int index)
    {
        var random = TrialSeeds.Sampler(Sweep.Seed, index);
        var finished = Finished.ToList();
        if (finished.Count < Sweep.Search.Tpe.NStartupTrials) return Space.SamplePrior(random);

        var (good, bad) = Split(finished);
        var encoded = new Dictionary<string, double>();
        foreach (var p in Space.SamplingOrder)
        {
            if (p.Conditions.Count > 0 && !p.IsActive(Space.Decode(encoded))) continue;
            encoded[p.Path] = p.Kind == ParameterKind.Constant ? 0 : SuggestOne(p, good, bad, random);
        }
        return encoded;
    }

    private double SuggestOne(ParameterSpec p, List<Suggested> good, List<Suggested> bad, SeededRandom random)
    {
        var isLog = p.Kind == ParameterKind.LogUniform;
        double Transform(double x) => isLog ? Math.Log(x) : x;
        var goodValues = Observations(p, good, Transform);
        var badValues = Observations(p, bad, Transform);
        Func<SeededRandom, double> sample;
        Func<double, double> score;
        if (p.IsCategorical)
        {
            var l = new CategoricalEstimator(goodValues, p.Choices.Count);
            var g = new CategoricalEstimator(badValues, p.Choices.Count);
            sample = l.Sample;
            score = x => l.LogDensity(x) - g.LogDensity(x);
        }
        else
        {
            var (low, high) = (Transform(p.Low), Transform(p.Top));
            var l = new ParzenEstimator(goodValues, low, high, p.Step);
            var g = new ParzenEstimator(badValues, low, high, p.Step);
            sample = l.Sample;
            score = x => l.LogDensity(x) - g.LogDensity(x);
        }
        var best = double.NaN;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < Sweep.Search.Tpe.NEiCandidates; i++)
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

    private static double[] Observations(ParameterSpec p, List<Suggested> trials, Func<double, double> transform)
    {
        var values = new List<double>(trials.Count);
        foreach (var trial in trials)
            if (trial.Params.TryGetValue(p.Path, out var x)) values.Add(p.IsCategorical ? x : transform(x));
        return [.. values];
    }

    /// <summary>The γ best finished trials and the rest, each in trial order (the weights favour recent trials).</summary>
    private (List<Suggested> Good, List<Suggested> Bad) Split(List<Suggested> finished)
    {
        var sign = Sweep.Search.Objective.Direction == Direction.Maximize ? -1.0 : 1.0;
        var ranked = finished
            .OrderBy(t => t.Status == TrialState.Completed ? 0 : 1)
            .ThenBy(t => t.Status == TrialState.Completed ? 0 : -t.Epochs)
            .ThenBy(t => sign * t.Value!.Value)
            .ThenBy(t => t.Index)
            .ToList();
        var goodCount = Math.Min((int)Math.Ceiling(0.1 * finished.Count), 25);
        return ([.. ranked.Take(goodCount).OrderBy(t => t.Index)], [.. ranked.Skip(goodCount).OrderBy(t => t.Index)]);
    }
}
