#!/usr/bin/python3
"""Optuna's side of the Pareto benchmark (SerSweep.Bench.Search --pareto): ZDT1 with --dims variables in [0, 1],
both objectives minimised (f1 = x1, f2 = g (1 - sqrt(f1 / g)), g = 1 + 9 mean(x2..xn)), --trials trials per seed,
for NSGAIISampler (Optuna's defaults but --population, SerSweep's population_size, so the same algorithm runs with the
same generations on both sides) and MOTPESampler (its defaults), seeds --first-seed.. (--seeds of them).
Prints one JSON line per (sampler, seed): {"sampler", "seed", "hypervolume" (Optuna's own WFG against --reference),
"points": [[f1, f2], ...] of every completed trial}, so the caller can compute the hypervolume with its own code too.
"""
import argparse
import json
import math
import warnings

import numpy as np
import optuna
from optuna._hypervolume import WFG


def zdt1(trial, dims):
    x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(dims)]
    g = 1 + 9 * sum(x[1:]) / (dims - 1)
    return x[0], g * (1 - math.sqrt(x[0] / g))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dims", type=int, default=5)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--population", type=int, default=50)
    ap.add_argument("--reference", type=float, nargs=2, default=[1.1, 11.0])
    a = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")  # MOTPESampler and NSGAIISampler are "experimental" in 3.1
    samplers = {"nsga2": lambda s: optuna.samplers.NSGAIISampler(population_size=a.population, seed=s), "motpe": lambda s: optuna.samplers.MOTPESampler(seed=s)}
    for name, make in samplers.items():
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            study = optuna.create_study(directions=["minimize", "minimize"], sampler=make(seed))
            study.optimize(lambda t: zdt1(t, a.dims), n_trials=a.trials)
            points = [list(t.values) for t in study.trials if t.values is not None]
            inside = np.array([p for p in points if p[0] < a.reference[0] and p[1] < a.reference[1]])
            hv = WFG().compute(inside, np.array(a.reference)) if len(inside) else 0.0
            print(json.dumps({"sampler": name, "seed": seed, "hypervolume": hv, "points": points}), flush=True)


if __name__ == "__main__":
    main()
