#!/usr/bin/python3
"""Optuna's cost of one suggestion with a given history, the same measurement as SerSweep.Bench.Search.

Same search space and objective as ../shared/bench/peers/optuna_overhead.py. A study (InMemoryStorage,
default TPESampler / RandomSampler, seeded) first completes --history trials; then --asks trials are asked
(study.ask + the three suggest calls) and never told, so the history the sampler learns from stays the same.
Prints one JSON line per run: {"sampler", "history", "asks", "ms_per_ask"}.
"""
import argparse
import json
import math
import time

import optuna

PENALTY = {"adam": 0.0, "sgd": 0.1, "adamw": 0.05}


def suggest(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 0.5)
    opt = trial.suggest_categorical("optimizer", ["adam", "sgd", "adamw"])
    return (math.log10(lr) + 3) ** 2 + (dropout - 0.3) ** 2 + PENALTY[opt]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sampler", choices=["tpe", "random"], default="tpe")
    ap.add_argument("--history", type=int, default=300)
    ap.add_argument("--asks", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for run in range(a.runs):
        sampler = optuna.samplers.TPESampler(seed=run) if a.sampler == "tpe" else optuna.samplers.RandomSampler(seed=run)
        study = optuna.create_study(sampler=sampler, direction="minimize")
        study.optimize(suggest, n_trials=a.history)
        t0 = time.perf_counter()
        for _ in range(a.asks):
            suggest(study.ask())
        dt = time.perf_counter() - t0
        print(json.dumps({"sampler": a.sampler, "history": a.history, "asks": a.asks, "ms_per_ask": 1000 * dt / a.asks}), flush=True)


if __name__ == "__main__":
    main()
