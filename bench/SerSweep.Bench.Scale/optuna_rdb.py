#!/usr/bin/python3
"""Optuna's RDB storage beside the scale simulation, for scale (issue 24): --processes OS processes (default 32, as
many as the simulation's worker silos) share one SQLite file through optuna.storages.RDBStorage. Each asks a trial
(random sampler, the learning rate and dropout of the simulation's sweeps), reports --epochs intermediate values
(trial.report, one storage write each, as SerSweep's epoch reports) and tells an instant objective, again and again
for --seconds. Figures over the window (first start to last end): trial completions/s and reports/s; errors
("database is locked" counted apart, though SQLite's busy timeout is raised to 60 s so that writers wait rather than
fail); then the file is read back: completed trials and intermediate values stored against those counted.

The processes are forked after `import optuna` (interpreter start-up and imports are not timed) and start together
at a barrier; each opens its own storage (engine) after the fork.

Usage: /usr/bin/python3 optuna_rdb.py [--processes 32] [--epochs 10] [--seconds 30] [--db /tmp/x.db] [--json]
"""
import argparse
import json
import math
import multiprocessing
import os
import sqlite3
import tempfile
import time

import optuna

STUDY = "scale"


def storage(db):
    return optuna.storages.RDBStorage(f"sqlite:///{db}", engine_kwargs={"connect_args": {"timeout": 60}})


def worker(index, db, epochs, seconds, barrier, results):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name=STUDY, storage=storage(db), sampler=optuna.samplers.RandomSampler(seed=index))
    completed = reports = errors = locked = 0
    barrier.wait()
    start = time.time()
    while time.time() - start < seconds:
        try:
            trial = study.ask()
            lr = trial.suggest_float("learning_rate", 1e-5, 1e-1, log=True)
            dropout = trial.suggest_float("dropout", 0.0, 0.5)
            value = 0.0
            for epoch in range(1, epochs + 1):
                # the synthetic trainer's curve: rises with the epochs towards a ceiling set by the learning rate
                value = (0.9 - 0.15 * abs(math.log10(lr) + 3) - 0.1 * dropout) * (1 - math.exp(-epoch / 3.0))
                trial.report(value, epoch)
                reports += 1
            study.tell(trial, value)
            completed += 1
        except Exception as e:  # noqa: BLE001 - every failure is counted, the loop goes on
            errors += 1
            locked += "database is locked" in str(e)
    results.put((completed, reports, errors, locked, start, time.time()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--db", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    db = args.db or os.path.join(tempfile.mkdtemp(prefix="optuna-rdb-"), "optuna.db")
    if os.path.exists(db):
        os.remove(db)
    optuna.create_study(study_name=STUDY, storage=storage(db), direction="maximize")

    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(args.processes), context.Queue()
    processes = [context.Process(target=worker, args=(i, db, args.epochs, args.seconds, barrier, results)) for i in range(args.processes)]
    for p in processes:
        p.start()
    outcomes = [results.get(timeout=args.seconds + 600) for _ in processes]
    for p in processes:
        p.join(timeout=60)
    completed, reports, errors, locked = (sum(o[i] for o in outcomes) for i in range(4))
    wall = max(o[5] for o in outcomes) - min(o[4] for o in outcomes)
    with sqlite3.connect(db) as con:
        stored = con.execute("select count(*) from trials where state = 'COMPLETE'").fetchone()[0]
        stored_reports = con.execute("select count(*) from trial_intermediate_values").fetchone()[0]
    result = {"bench": "optuna_rdb", "processes": args.processes, "epochs": args.epochs, "wall_s": wall,
              "completed": completed, "reports": reports, "completions_per_s": completed / wall, "reports_per_s": reports / wall,
              "errors": errors, "database_locked": locked, "completed_stored": stored, "reports_stored": stored_reports}
    print(f"optuna RDB (SQLite), {args.processes} processes, {args.epochs} reports per trial: {completed} trials in {wall:.1f} s = "
          f"{result['completions_per_s']:.1f} completions/s, {result['reports_per_s']:.0f} reports/s; errors {errors} (locked {locked}); "
          f"stored {stored} completed trials, {stored_reports} intermediate values")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
