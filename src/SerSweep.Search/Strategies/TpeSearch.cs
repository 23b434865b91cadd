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
        ParzenProposal.Kernels goodKernels = new([.. good.Select(t => t.Params)]), badKernels = new([.. bad.Select(t => t.Params)]);
        var encoded = new Dictionary<string, double>();
        foreach (var p in Space.SamplingOrder)
        {
            if (p.Conditions.Count > 0 && !p.IsActive(Space.Decode(encoded))) continue;
            encoded[p.Path] = p.Kind == ParameterKind.Constant ? 0 : ParzenProposal.Propose(p, goodKernels, badKernels, Sweep.Search.Tpe.NEiCandidates, random);
        }
        return encoded;
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
