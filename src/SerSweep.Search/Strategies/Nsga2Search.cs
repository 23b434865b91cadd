using SerSweep.Core;
using SerSweep.Search.MultiObjective;

namespace SerSweep.Search.Strategies;

/// <summary>
/// NSGA-II (Deb et al. 2002) as Optuna's <c>NSGAIISampler</c>: trials come in generations of <c>population_size</c>
/// (by index: trial i belongs to generation ⌊i / population_size⌋); the first generation is drawn from the priors.
/// The parents of generation g are the elite of generation g−1's completed trials together with generation g−1's
/// parents: whole non-dominated ranks while they fit, the rank that does not fit cut by crowding distance (the
/// most isolated first). A child takes two parents, each the winner of a binary tournament (of two random parents,
/// the first if it dominates the second, else the second); with probability <c>crossover_prob</c> it takes each
/// parameter from either parent (uniform crossover, the second parent's with <c>swapping_prob</c>), else it copies
/// one random parent; then each parameter mutates with <c>mutation_prob</c>, by default 1 / the number of parameters:
/// a choice is drawn afresh from its prior, a number takes a normal step of <c>mutation_scale</c> times its range (in log
/// space for a loguniform one, snapped to an integer's or a quantised range's step). Optuna 3.1 draws numbers afresh
/// from their prior too (<c>mutation_scale: 0</c> here); a local step refines a good parent instead of replacing its
/// value with a random one, which on ZDT1 reaches a larger hypervolume in 100 trials (docs/benchmarks.md).
/// Only completed trials breed (a pruned trial was judged on one objective at one epoch; a failed one has no
/// values). A warm start's earlier trials are the parents of the first generation (their elite), which is bred, not
/// drawn. A conditional parameter comes from the parent whose value is taken when that parent has it, else from the
/// other, else from its prior. Each trial draws from its own generator (sweep seed, index) and the history, so
/// a restored sweep continues as if it had never stopped.
/// Why NSGA-II: it fits no model, so it needs no kernel for categorical axes and no minimum number of trials; it
/// only compares finished trials, so it does not care how they were scored (ASHA judges the first objective of the
/// same trials); and it is the algorithm users of Optuna know for several objectives.
/// </summary>
public sealed class Nsga2Search(SweepDefinition sweep) : SearchStrategy(sweep)
{
    private readonly Direction[] directions = [.. sweep.Search.AllObjectives.Select(o => o.Direction)];

    public override int Budget => Sweep.Search.MaxTrials ?? 0;

    private Nsga2Settings Settings => Sweep.Search.Nsga2;

    protected override Dictionary<string, double> Suggest(int index)
    {
        var random = TrialSeeds.Sampler(Sweep.Seed, index);
        var parents = Parents(index / Settings.PopulationSize);
        if (parents.Count == 0) return Space.SamplePrior(random);

        Suggested first, second;
        var mix = random.NextDouble() < Settings.CrossoverProb;
        if (mix)
        {
            first = Tournament(parents, random);
            var others = parents.Where(p => p != first).ToList();
            second = others.Count > 0 ? Tournament(others, random) : first;
        }
        else first = second = parents[random.NextInt(parents.Count)];

        var searched = Space.SamplingOrder.Count(p => p.Kind != ParameterKind.Constant);
        var mutation = Settings.MutationProb ?? 1.0 / Math.Max(1, searched);
        var child = new Dictionary<string, double>();
        foreach (var p in Space.SamplingOrder)
        {
            if (p.Conditions.Count > 0 && !p.IsActive(Space.Decode(child))) continue;
            var (from, other) = mix && random.NextDouble() >= Settings.SwappingProb ? (second, first) : (first, second);
            child[p.Path] = p.Kind == ParameterKind.Constant ? 0
                : from.Params.TryGetValue(p.Path, out var x) ? x
                : other.Params.TryGetValue(p.Path, out var y) ? y
                : SearchSpace.SamplePrior(p, random);
        }
        foreach (var p in Space.SamplingOrder)
            if (p.Kind != ParameterKind.Constant && child.TryGetValue(p.Path, out var value) && random.NextDouble() < mutation)
                child[p.Path] = Mutate(p, value, random);
        // A mutated choice may switch a condition: drop what no longer applies, draw what newly does.
        foreach (var p in Space.SamplingOrder.Where(p => p.Conditions.Count > 0 && !child.ContainsKey(p.Path)))
            if (p.IsActive(Space.Decode(child))) child[p.Path] = SearchSpace.SamplePrior(p, random);
        return Space.DropInactive(child);
    }

    /// <summary>
    /// A choice, or any parameter when <c>mutation_scale</c> is 0, is drawn afresh from its prior; a number takes a normal step
    /// of <c>mutation_scale</c> times its range (in log space for loguniform), reflected at the bounds, then snapped to its step.
    /// </summary>
    private double Mutate(ParameterSpec p, double value, SeededRandom random)
    {
        if (p.IsCategorical || Settings.MutationScale == 0) return SearchSpace.SamplePrior(p, random);
        var log = p.Kind == ParameterKind.LogUniform;
        var (low, high, x) = log ? (Math.Log(p.Low), Math.Log(p.High), Math.Log(value)) : (p.Low, p.High, value);
        var stepped = x + Settings.MutationScale * (high - low) * random.NextGaussian();
        // Reflection keeps the density near a bound as high as inside, where clamping would pile mass on the bound itself.
        var width = high - low;
        var t = width == 0 ? 0 : (stepped - low) % (2 * width);
        if (t < 0) t += 2 * width;
        var folded = low + (t <= width ? t : 2 * width - t);
        return SearchSpace.Snap(p, log ? Math.Exp(folded) : folded);
    }

    /// <summary>
    /// The parent population of <paramref name="generation"/>: elitist selection over the generations before it, starting
    /// from the elite of a warm start's earlier trials (negative indices), so that a warm-started sweep breeds from the
    /// earlier front from its first trial.
    /// </summary>
    private List<Suggested> Parents(int generation)
    {
        var size = Settings.PopulationSize;
        var completed = Finished.Where(t => t.Status == TrialState.Completed).ToList();
        var earlier = completed.Where(t => t.Index < 0).ToList();
        var parents = earlier.Count > 0 ? Elite(earlier, size) : [];
        for (var g = 0; g < generation; g++)
        {
            var members = completed.Where(t => t.Index >= 0 && t.Index / size == g).ToList();
            if (members.Count > 0) parents = Elite([.. members, .. parents], size);
        }
        return parents;
    }

    /// <summary>Whole non-dominated ranks while they fit in <paramref name="size"/>, then the most isolated of the next rank.</summary>
    private List<Suggested> Elite(List<Suggested> population, int size)
    {
        var elite = new List<Suggested>();
        foreach (var rank in ParetoFront.Ranks([.. population.Select(Point)], directions))
        {
            var members = rank.Select(i => population[i]).ToList();
            if (elite.Count + members.Count <= size)
            {
                elite.AddRange(members);
                if (elite.Count == size) break;
                continue;
            }
            var distance = ParetoFront.CrowdingDistance([.. members.Select(Point)]);
            elite.AddRange(Enumerable.Range(0, members.Count).OrderByDescending(i => distance[i]).ThenBy(i => members[i].Index)
                .Take(size - elite.Count).Select(i => members[i]));
            break;
        }
        return elite;
    }

    private Suggested Tournament(List<Suggested> parents, SeededRandom random)
    {
        var a = parents[random.NextInt(parents.Count)];
        var b = parents[random.NextInt(parents.Count)];
        return ParetoFront.Dominates(Point(a), Point(b), directions) ? a : b;
    }

    private static double[] Point(Suggested trial) => trial.Values ?? [trial.Value!.Value];
}
