using SerSweep.Core;
using SerSweep.Search.MultiObjective;

namespace SerSweep.Search.Strategies;

/// <summary>
/// Multi-objective TPE (Ozaki et al. 2020) after Optuna 3.1's <c>MOTPESampler</c>: after <c>tpe.n_startup_trials</c> random
/// trials, the completed trials are split into the good ⌊γ·n⌋ and the rest by <see cref="MotpeSplit.Good"/> (non-dominated
/// ranks, the last cut by hypervolume contribution); the good trials' kernels are weighted by their hypervolume
/// contribution (<see cref="MotpeSplit.Weights"/>), the others' all alike; of <c>tpe.n_ei_candidates</c> draws from the
/// good density the one with the best l(x)/g(x) wins. Two departures from Optuna 3.1, each measured on ZDT1's tuning
/// seeds (bench/report/notes/pareto.md): the unconditional numeric parameters are drawn jointly
/// (<see cref="ParzenProposal.ProposeJoint"/>, Optuna's later <c>multivariate=True</c>: a good trial's values stay
/// together), the rest one at a time (<see cref="ParzenProposal.Propose"/>, the outermost kernels' bandwidths looking
/// to the range's ends); and γ is 0.3, not 0.1 (<see cref="TpeSettings.MotpeGamma"/>). Only completed trials with every
/// objective's value count, as for NSGA-II: a pruned trial was judged on the first objective at one epoch, a failed one
/// has no values. Each trial draws from its own generator (sweep seed, index), so the history is the whole state.
/// Why beside NSGA-II: a model proposes where the good trials are from the tenth trial on, where NSGA-II spends its first
/// generation at random and then moves a generation at a time; so MOTPE for small budgets and numeric axes, NSGA-II for
/// large populations (docs/sweep-yaml.md, Strategies).
/// </summary>
public sealed class MotpeSearch(SweepDefinition sweep) : SearchStrategy(sweep)
{
    private readonly Direction[] directions = [.. sweep.Search.AllObjectives.Select(o => o.Direction)];

    public override int Budget => Sweep.Search.MaxTrials ?? 0;

    protected override Dictionary<string, double> Suggest(int index)
    {
        var random = TrialSeeds.Sampler(Sweep.Seed, index);
        var scored = Finished.Where(t => t.Status == TrialState.Completed && Point(t) is not null).ToList();
        var tpe = Sweep.Search.Tpe;
        if (scored.Count < tpe.NStartupTrials) return Space.SamplePrior(random);

        var points = scored.Select(t => (IReadOnlyList<double>)Point(t)!).ToList();
        var goodIndices = MotpeSplit.Good(points, directions, (int)Math.Floor(tpe.MotpeGamma * scored.Count));
        var isGood = goodIndices.ToHashSet();
        var good = new ParzenProposal.Kernels(
            [.. goodIndices.Select(i => scored[i].Params)], MotpeSplit.Weights([.. goodIndices.Select(i => points[i])], directions));
        var rest = scored.Where((_, i) => !isGood.Contains(i)).ToList();
        var bad = new ParzenProposal.Kernels([.. rest.Select(t => t.Params)], [.. rest.Select(_ => 1.0)]);
        var joint = tpe.MotpeMultivariate ? Space.SamplingOrder.Where(p => p.Conditions.Count == 0 && !p.IsCategorical && p.Kind != ParameterKind.Constant).ToList() : [];
        var encoded = joint.Count > 1 ? ParzenProposal.ProposeJoint(joint, good, bad, tpe.NEiCandidates, random) : [];
        foreach (var p in Space.SamplingOrder)
        {
            if (encoded.ContainsKey(p.Path) || (p.Conditions.Count > 0 && !p.IsActive(Space.Decode(encoded)))) continue;
            encoded[p.Path] = p.Kind == ParameterKind.Constant ? 0
                : ParzenProposal.Propose(p, good, bad, tpe.NEiCandidates, random, considerEndpoints: true);
        }
        return encoded;
    }

    /// <summary>A trial's objective values, or null when it lacks one (of a single-objective sweep, its value).</summary>
    private double[]? Point(Suggested trial) =>
        trial.Values is { } values && values.Length == directions.Length ? values
        : directions.Length == 1 && trial.Value is { } value ? [value]
        : null;
}
