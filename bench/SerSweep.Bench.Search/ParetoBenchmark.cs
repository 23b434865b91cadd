using System.Globalization;
using System.Text.Json;
using SerSweep.Core;
using SerSweep.Search;
using SerSweep.Search.MultiObjective;
using SerSweep.Search.Strategies;

/// <summary>
/// Hypervolume after a fixed number of trials on ZDT1 (Zitzler, Deb and Thiele 2000), a 2-objective problem with a known
/// front (f2 = 1 − √f1 where x2..xn = 0): SerSweep's NSGA-II and MOTPE (and random search, as the floor) against Optuna 3.1's
/// NSGAIISampler and MOTPESampler (optuna_pareto.py) in the same run, each over the same seeds. Both sides' hypervolumes
/// are computed by SerSweep's <see cref="Hypervolume"/> from the points; Optuna's own WFG figure is checked against it.
/// </summary>
internal static class ParetoBenchmark
{
    /// <summary>The fixed reference point: beyond every ZDT1 value (f1 ≤ 1, f2 ≤ 10), so every trial counts.</summary>
    private static readonly double[] Reference = [1.1, 11.0];
    private static readonly Direction[] Minimize = [Direction.Minimize, Direction.Minimize];
    /// <summary>The hypervolume of the true front against <see cref="Reference"/>: r1·r2 − ∫₀¹ (1 − √a) da.</summary>
    private static double Optimum => Reference[0] * Reference[1] - 1.0 / 3;

    public static int Run(int firstSeed, int seeds, int trials, int dims, Nsga2Settings nsga2, TpeSettings tpe, bool withPython, bool json)
    {
        double[] Hypervolumes(SearchMethod method) =>
            [.. Enumerable.Range(firstSeed, seeds).Select(s => Hypervolume.Of(Study(method, s, trials, dims, nsga2, tpe), Reference, Minimize))];
        var rows = new List<(string Side, string Sampler, double[] Hypervolumes)>
        {
            ("SerSweep", "nsga2", Hypervolumes(SearchMethod.Nsga2)),
            ("SerSweep", "motpe", Hypervolumes(SearchMethod.Motpe)),
            ("SerSweep", "random", Hypervolumes(SearchMethod.Random)),
        };
        var largestDifference = 0.0;
        if (withPython)
        {
            var lines = PythonPeer.Run(Path.Combine(AppContext.BaseDirectory, "optuna_pareto.py"), "--dims", Text(dims), "--trials", Text(trials),
                "--first-seed", Text(firstSeed), "--seeds", Text(seeds), "--population", Text(nsga2.PopulationSize), "--reference", Text(Reference[0]), Text(Reference[1]));
            foreach (var sampler in new[] { "nsga2", "motpe" })
            {
                var ofSampler = lines.Where(l => l.GetProperty("sampler").GetString() == sampler).ToList();
                var ours = ofSampler.Select(l => Hypervolume.Of(
                    [.. l.GetProperty("points").EnumerateArray().Select(p => (IReadOnlyList<double>)[.. p.EnumerateArray().Select(v => v.GetDouble())])],
                    Reference, Minimize)).ToArray();
                largestDifference = Math.Max(largestDifference, ours.Zip(ofSampler, (h, l) => Math.Abs(h - l.GetProperty("hypervolume").GetDouble())).DefaultIfEmpty().Max());
                rows.Add(("Optuna 3.1", sampler, ours));
            }
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                bench = "pareto", problem = $"ZDT1, {dims} variables", trials, first_seed = firstSeed, seeds, population = nsga2.PopulationSize, mutation_scale = nsga2.MutationScale, mutation_prob = nsga2.MutationProb,
                motpe_startup = tpe.NStartupTrials, motpe_candidates = tpe.NEiCandidates, motpe_gamma = tpe.MotpeGamma, motpe_multivariate = tpe.MotpeMultivariate, reference = Reference, optimum = Optimum,
                hypervolume_check_max_abs_diff = largestDifference,
                rows = rows.Select(r => new { side = r.Side, sampler = r.Sampler, hypervolume_runs = r.Hypervolumes }),
            }));
            return 0;
        }
        Console.WriteLine(Text($"ZDT1 ({dims} variables), {trials} trials, seeds {firstSeed}..{firstSeed + seeds - 1}; hypervolume against ({Reference[0]}, {Reference[1]}), the true front's {Optimum:0.0000}; SerSweep NSGA-II population {nsga2.PopulationSize}, mutation_scale {nsga2.MutationScale}, mutation_prob {nsga2.MutationProb?.ToString(CultureInfo.InvariantCulture) ?? "1/n"}; SerSweep MOTPE n_startup_trials {tpe.NStartupTrials}, n_ei_candidates {tpe.NEiCandidates}, gamma {tpe.MotpeGamma}, {(tpe.MotpeMultivariate ? "multivariate" : "univariate")}"));
        Console.WriteLine("| side | sampler | median | min | max |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var (side, sampler, hv) in rows)
            Console.WriteLine(Text($"| {side} | {sampler} | {Timing.Median(hv):0.0000} | {hv.Min():0.0000} | {hv.Max():0.0000} |"));
        if (withPython) Console.WriteLine(Text($"Optuna's own WFG vs SerSweep's hypervolume of the same points: largest difference {largestDifference:0.0e0}"));
        return 0;
    }

    private static string Text(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Text(double x) => x.ToString(CultureInfo.InvariantCulture);

    /// <summary>The objective values of every trial of one study.</summary>
    private static List<IReadOnlyList<double>> Study(SearchMethod method, int seed, int trials, int dims, Nsga2Settings nsga2, TpeSettings tpe)
    {
        Objective[] objectives = [new("f1", Direction.Minimize), new("f2", Direction.Minimize)];
        var strategy = SearchStrategies.Create(new SweepDefinition
        {
            Name = "zdt1", Seed = seed, Base = new ExperimentConfig(),
            Search = new SearchSettings
            {
                Method = method, MaxTrials = trials, Objective = objectives[0], Objectives = objectives,
                Nsga2 = nsga2, Tpe = tpe,
            },
            Parameters = [.. Enumerable.Range(0, dims).Select(i => new ParameterSpec
            {
                Path = $"x{i}", Kind = ParameterKind.Uniform, ValueType = typeof(double), Low = 0, High = 1,
            })],
        });
        var points = new List<IReadOnlyList<double>>();
        while (strategy.Ask() is { } trial)
        {
            var x = Enumerable.Range(0, dims).Select(i => (double)trial.Parameters[$"x{i}"]!).ToArray();
            var g = 1 + 9 * x.Skip(1).Average();
            double[] values = [x[0], g * (1 - Math.Sqrt(x[0] / g))];
            strategy.Tell(FinishedTrial.WithValues(trial.Index, TrialState.Completed, values));
            points.Add(values);
        }
        return points;
    }
}
