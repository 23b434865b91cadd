using SerSweep.Core;
using SerSweep.Search.MultiObjective;

namespace SerSweep.Search.Strategies;

/// <summary>
/// Multi-objective TPE (Ozaki et al. 2020) as Optuna 3.1's <c>MOTPESampler</c>: after <c>tpe.n_startup_trials</c> random
/// trials, the completed trials are split into the good ⌊0.1·n⌋ and the rest by <see cref="MotpeSplit.Good"/> (non-dominated
/// ranks, the last cut by hypervolume contribution); then each parameter is proposed as TPE does
/// (<see cref="ParzenProposal"/>, <c>tpe.n_ei_candidates</c> draws), but the good trials' kernels are weighted by their
/// hypervolume contribution (<see cref="MotpeSplit.Weights"/>) and the others' all alike, and the outermost kernels take
/// the range's ends into account for their bandwidth (Optuna's MOTPE defaults). Only completed trials with every
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
        if (scored.Count < Sweep.Search.Tpe.NStartupTrials) return Space.SamplePrior(random);

        var points = scored.Select(t => (IReadOnlyList<double>)Point(t)!).ToList();
        var goodIndices = MotpeSplit.Good(points, directions, scored.Count / 10);
        var isGood = goodIndices.ToHashSet();
        var good = new ParzenProposal.Kernels(
            [.. goodIndices.Select(i => scored[i].Params)], MotpeSplit.Weights([.. goodIndices.Select(i => points[i])], directions));
        var rest = scored.Where((_, i) => !isGood.Contains(i)).ToList();
        var bad = new ParzenProposal.Kernels([.. rest.Select(t => t.Params)], [.. rest.Select(_ => 1.0)]);
        var encoded = new Dictionary<string, double>();
        foreach (var p in Space.SamplingOrder)
        {
            if (p.Conditions.Count > 0 && !p.IsActive(Space.Decode(encoded))) continue;
            encoded[p.Path] = p.Kind == ParameterKind.Constant ? 0
                : ParzenProposal.Propose(p, good, bad, Sweep.Search.Tpe.NEiCandidates, random, considerEndpoints: true);
        }
        return encoded;
    }

    /// <summary>A trial's objective values, or null when it lacks one (of a single-objective sweep, its value).</summary>
    private double[]? Point(Suggested trial) =>
        trial.Values is { } values && values.Length == directions.Length ? values
        : directions.Length == 1 && trial.Value is { } value ? [value]
        : null;
}
