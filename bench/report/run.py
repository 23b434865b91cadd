#!/usr/bin/python3
"""Runs SerSweep's benchmarks beside their Python peers, one after the other on this machine, and writes one JSON-lines
file per measurement under .cache/bench/ (then render.py makes docs/benchmarks.md from them). Called by deploy/bench.

Each measurement reuses the existing bench (bench/SerSweep.Bench.*, deploy/bench-train, the peers in
shared/bench/peers) through its command line; only the sweep-throughput, worker-memory and cache-reload
measurements are driven from here, on the loopback process cluster of deploy/cluster and the `sersweep` CLI.
A record: {"id", "measure", "label", "unit", "better": "higher"|"lower", "sersweep": {"median", "min", "max", "runs"},
"peer": {"name", "median", "min", "max"} | null, "goal_value": number (default the median), "command", "extra"}.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.abspath(os.environ.get("SERSWEEP_SHARED") or os.path.join(REPO, "..", "shared"))
RAVDESS = os.path.join(SHARED, "ravdess")
PEERS = os.path.join(SHARED, "bench", "peers")
OUT = os.path.join(REPO, ".cache", "bench")
PYTHON = "/usr/bin/python3"  # Debian's, with python3-torch etc.; a pyenv python3 on PATH lacks them
TORCH_RUNTIME = os.path.join(REPO, "deploy", "torch-runtime")
# Ports of the loopback clusters started here: away from deploy/cluster's defaults (6390, 11111, 5080).
REDIS_PORT, SILO_PORT, HTTP_PORT = 6590, 13111, 5280

# Sizes per mode. Full: about an hour on a quiet 2-core machine (3406 s on 2026-12-08 with four turns of the sweep measurement; 2653 s on 2026-12-06; 1531 s on 2026-11-24, before the e2e, serve, pareto and scale measurements); quick: a smoke check of every path.
PROFILES = {
    "full": dict(feature_repeats=5, train_runs=3, search_runs=5, pareto_seeds=10, overhead_runs=3, overhead_sweeps=8, overhead_trials=50,
                 dashboard_iterations=20, sweep_trials=8, sweep_repeats=4, sweep_epochs=40, rss_epochs=50, cache_reloads=7,
                 e2e_repeats=5, e2e_trials=None, e2e_epochs=None, timeline_runs=3, serve_clients=32, serve_requests=2000,
                 scale=dict(workers=32, slots=4, sweeps=8, trials=20000, epochs=10, warmup=1000), scale_runs=3, scale_peer_seconds=30,
                 scale_ceiling_trials=3000, scale_ceiling=[(8, 4, 8, 1, False), (16, 4, 8, 1, False), (64, 4, 8, 1, False), (32, 4, 1, 1, False), (32, 4, 32, 1, False),
                                                       (32, 4, 8, 1, True)]),
    "quick": dict(feature_repeats=1, train_runs=1, search_runs=1, pareto_seeds=2, overhead_runs=1, overhead_sweeps=2, overhead_trials=10,
                  dashboard_iterations=3, sweep_trials=2, sweep_repeats=1, sweep_epochs=1, rss_epochs=5, cache_reloads=2,
                  e2e_repeats=1, e2e_trials=2, e2e_epochs=2, timeline_runs=1, serve_clients=8, serve_requests=100,
                  scale=dict(workers=4, slots=2, sweeps=2, trials=400, epochs=3, warmup=50), scale_runs=1, scale_peer_seconds=3,
                  scale_ceiling_trials=200, scale_ceiling=[(2, 2, 1, 2, False), (2, 2, 1, 1, True)]),
}
MEASUREMENTS = ["features", "training", "search", "pareto", "overhead", "dashboard", "sweep", "rss", "cache", "timeline", "e2e", "serve", "scale"]


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def run(cmd, env=None, quiet=False, ok=(0,)):
    """Runs cmd, stderr passed through (progress), and returns stdout; fails loudly on an exit code not in ok."""
    if not quiet:
        log("$ " + " ".join(cmd))
    done = subprocess.run(cmd, cwd=REPO, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, text=True)
    if done.returncode not in ok:
        sys.stderr.write(done.stdout)
        raise RuntimeError(f"{cmd[0]} exited with {done.returncode}")
    return done.stdout


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def summary(values):
    values = sorted(values)
    return {"median": statistics.median(values), "min": values[0], "max": values[-1], "runs": values}


def from_stats(stats):
    """A {median, min, max, runs?} summary from a bench's own summary object."""
    return {k: stats[k] for k in ("median", "min", "max", "runs") if k in stats}


def shown(cmd):
    return " ".join(os.path.relpath(c, REPO) if os.path.isabs(c) and c.startswith(REPO) else c for c in cmd)


def record(id, measure, label, unit, better, sersweep, peer=None, command="", **extra):
    return {"id": id, "measure": measure, "label": label, "unit": unit, "better": better, "sersweep": sersweep,
            "peer": peer, "command": command, **extra}


def build(project, out):
    run(["dotnet", "build", os.path.join(REPO, "bench", project), "-c", "Release", "-nologo", "-v", "quiet", "-o", out])
    return os.path.join(out, project + ".dll")


# ---------------------------------------------------------------- measurements

def features(p):
    dll = build("SerSweep.Bench.Features", os.path.join(REPO, ".cache", "bench-features"))
    rows = []
    for files in ("240", "1440"):
        cs_cmd = [TORCH_RUNTIME, "dotnet", dll, "--data", RAVDESS, "--set", files, "--repeats", str(p["feature_repeats"])]
        py_cmd = [PYTHON, os.path.join(PEERS, "features.py"), "--data", RAVDESS, "--set", files, "--threads", "1",
                  "--repeats", str(p["feature_repeats"])]
        cs = json_lines(run(cs_cmd))[-1]
        py = json_lines(run(py_cmd))[-1]
        rows.append(record(f"features-{files}", "features", f"{files} files, log-mel 64x300", "files/s", "higher",
                           from_stats(cs["files_per_s"]), {"name": "torchaudio (1 thread)", **from_stats(py["files_per_s"])},
                           f"{shown(cs_cmd)}\n{shown(py_cmd)}", extra={"sersweep_wall_s": cs["wall_s"]["median"], "peer_wall_s": py["wall_s"]["median"]}))
    return rows


def training(p):
    cmd = [os.path.join(REPO, "deploy", "bench-train"), "--runs", str(p["train_runs"])]
    lines = json_lines(run(cmd))
    sharp = {r["threads"]: r for r in lines if r.get("side") == "torchsharp"}
    torch = {r["threads"]: r for r in lines if r.get("side") != "torchsharp"}
    rows = []
    for t in sorted(sharp):
        s, py = sharp[t], torch.get(t, {})
        for key, id, label, unit, better in [
                ("train_random_samples_per_s", f"train-{t}t", "train, batch 32", "samples/s", "higher"),
                ("infer_b32_samples_per_s", f"infer-{t}t", "inference, batch 32", "samples/s", "higher"),
                ("latency_b1_ms_mean", f"latency-b1-{t}t", "latency, batch 1", "ms", "lower"),
                ("train_random_minflt_per_step", f"faults-{t}t", "minor page faults per train step", "faults", "lower")]:
            peer = {"name": "PyTorch", **from_stats(py[key])} if key in py else None
            rows.append(record(id, "training", f"{t} thread(s): {label}", unit, better, from_stats(s[key]), peer, shown(cmd)))
        if "predict_file_ms" in s:
            rows.append(record(f"predict-{t}t", "training", f"{t} thread(s): warm predict, one WAV (decode + features + forward)",
                               "ms", "lower", from_stats(s["predict_file_ms"]), None, shown(cmd),
                               extra={"stage_ms": s["predict_stage_ms"]}))
    return rows


def search(p):
    dll = build("SerSweep.Bench.Search", os.path.join(OUT, "bin", "Search"))
    cmd = ["dotnet", dll, "--runs", str(p["search_runs"]), "--json"]
    result = json_lines(run(cmd))[-1]
    rows = []
    for r in result["rows"]:
        kind = "ask" if r["measure"].startswith("per ask") else "trial"
        stats = summary(r["wall_ms_runs"])
        peer = {"name": "Optuna (memory)", "median": r["optuna_ms"]} if r["optuna_ms"] is not None else None
        rows.append(record(f"search-{r['sampler']}-{kind}", "search", f"{r['sampler']}: {r['measure']}", "ms", "lower",
                           stats, peer, shown(cmd), extra={"cpu_ms": r["cpu_ms"]}))
    return rows


def pareto(p):
    dll = build("SerSweep.Bench.Search", os.path.join(OUT, "bin", "Search"))
    # NSGA-II's population 10 and mutation_prob 1 (every parameter takes a small step) were chosen on seeds 0-9 among populations
    # 6-14, mutation_prob 1/n-1 and mutation_scale 0-0.2; MOTPE's multivariate density and gamma 0.3 (its defaults) were chosen on
    # seeds 0-9 and 20-99 (bench/report/notes/pareto.md): the goal is measured on seeds 10-19.
    cmd = ["dotnet", dll, "--pareto", "--first-seed", "10", "--seeds", str(p["pareto_seeds"]), "--trials", "100",
           "--population", "10", "--mutation-prob", "1", "--json"]
    result = json_lines(run(cmd))[-1]
    runs = {(r["side"], r["sampler"]): r["hypervolume_runs"] for r in result["rows"]}
    # SerSweep's best multi-objective strategy, chosen on the tuning seeds (0-9 and 20-99: MOTPE 11.27 and 11.29, NSGA-II
    # 10.79 on 0-9), is what the goal rows compare with both of Optuna's samplers.
    ours = summary(runs[("SerSweep", "motpe")])
    extra = {k: result[k] for k in ("problem", "trials", "first_seed", "seeds", "population", "mutation_prob", "mutation_scale",
                                    "motpe_startup", "motpe_candidates", "motpe_gamma", "motpe_multivariate", "reference", "optimum", "hypervolume_check_max_abs_diff")}
    label = (f"{result['problem']}, {result['trials']} trials: hypervolume, median of seeds {result['first_seed']}-"
             f"{result['first_seed'] + result['seeds'] - 1}")
    rows = [record("pareto-random", "pareto", f"{label}; SerSweep random search (the floor)", "", "higher",
                   summary(runs[("SerSweep", "random")]), None, shown(cmd), extra=extra),
            record("pareto-sersweep-nsga2", "pareto", f"{label}; SerSweep NSGA-II (population 10, mutation_prob 1)", "", "higher",
                   summary(runs[("SerSweep", "nsga2")]), None, shown(cmd), extra=extra)]
    for sampler, name in (("nsga2", "Optuna NSGAIISampler, same population"), ("motpe", "Optuna MOTPESampler")):
        peer = {"name": name, **summary(runs[("Optuna 3.1", sampler)])}
        rows.append(record(f"pareto-{sampler}", "pareto", f"{label}; SerSweep MOTPE vs {name}", "", "higher", ours, peer, shown(cmd), extra=extra))
    return rows


def overhead(p):
    dll = build("SerSweep.Bench.Cluster", os.path.join(OUT, "bin", "Cluster"))
    cmd = [TORCH_RUNTIME, "dotnet", dll, "--sweeps", str(p["overhead_sweeps"]), "--trials", str(p["overhead_trials"]), "--json"]
    runs = [json_lines(run(cmd, env={"SERSWEEP_SHARED": SHARED}))[-1] for _ in range(p["overhead_runs"])]
    optuna = [r["optuna_sqlite_ms_per_trial"] for r in runs if r.get("optuna_sqlite_ms_per_trial") is not None]
    checks = {k: [r[k] for r in runs] for k in ("results_stored", "trials_expected", "duplicates", "database_locked")}
    return [
        record("overhead", "overhead", f"per trial, {p['overhead_sweeps']} concurrent sweeps x {p['overhead_trials']} trials (wall / trials)",
               "ms", "lower", summary([r["ms_per_trial"] for r in runs]),
               {"name": "Optuna + SQLite (random, 300 trials)", **summary(optuna)} if optuna else None, shown(cmd), extra=checks),
        record("overhead-cpu", "overhead", "CPU time per trial, same load run (every thread of the process)", "ms", "lower",
               summary([r["cpu_ms_per_trial"] for r in runs]),
               {"name": "Optuna + SQLite CPU", **summary(peer_cpu)} if (peer_cpu := [r["optuna_sqlite_cpu_ms_per_trial"] for r in runs
                                                                         if r.get("optuna_sqlite_cpu_ms_per_trial") is not None]) else None,
               shown(cmd)),
        record("overhead-sequential", "overhead", "per trial, one sweep, one trial at a time (full round trip)", "ms", "lower",
               summary([r["sequential_ms_per_trial"] for r in runs]), None, shown(cmd)),
    ]


def dashboard(p):
    dll = build("SerSweep.Bench.Dashboard", os.path.join(OUT, "bin", "Dashboard"))
    cmd = ["dotnet", dll, "--iterations", str(p["dashboard_iterations"]), "--json"]
    rows = []
    # Exit 1 = it ran and its own goal check failed: the figures are still the result.
    for i, r in enumerate(json_lines(run(cmd, ok=(0, 1)))):
        stats = {"median": r["median_ms"], "min": r["min_ms"], "max": r["max_ms"], "p95": r["p95_ms"]}
        rows.append(record("dashboard-first-page" if i == 0 else f"dashboard-{i}", "dashboard", r["measure"], "ms", "lower",
                           stats, None, shown(cmd), goal_value=r["p95_ms"], extra={"cpu_ms_per_run": r["cpu_ms_per_run"]}))
    return rows


class LoopbackCluster:
    """deploy/cluster on this machine's loopback (redis + coordinator + workers), in its own folder, stopped on exit."""

    def __init__(self, name, workers, threads):
        self.dir = os.path.join(OUT, "cluster", name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.workers, self.threads = workers, threads
        self.sweep_file = os.path.join(self.dir, "sweep.yaml")
        self.db = os.path.join(self.dir, "sersweep.db")

    def command(self, verb, *more):
        return [os.path.join(REPO, "deploy", "cluster"), verb, "--dir", self.dir, *more]

    def __enter__(self):
        # The coordinator needs the watched file to exist; this placeholder does not validate, so it starts nothing.
        with open(self.sweep_file, "w") as f:
            f.write("# deploy/bench writes the sweep here once every worker has joined\n")
        self.start = self.command("start", "--workers", str(self.workers), "--slots", "1", "--threads", str(self.threads),
                                  "--redis-port", str(REDIS_PORT), "--silo-port", str(SILO_PORT), "--http-port", str(HTTP_PORT),
                                  "--watch", self.sweep_file)
        try:
            run(self.start)
            deadline = time.time() + 300
            while self.active_workers() < self.workers:
                self.check_alive()
                if time.time() > deadline:
                    raise RuntimeError(f"the workers of {self.dir} did not join within 300 s (logs: {self.dir}/logs)")
                time.sleep(1)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        subprocess.run(self.command("stop"), cwd=REPO, stdout=subprocess.DEVNULL)

    def check_alive(self):
        dead = [line.split()[0] for line in run(self.command("status"), quiet=True).splitlines() if line.endswith(" dead")]
        if dead:
            raise RuntimeError(f"{', '.join(dead)} of {self.dir} died (logs: {self.dir}/logs)")

    def query(self, sql, *args):
        if not os.path.exists(self.db):
            return []
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30) as db:
            try:
                return db.execute(sql, args).fetchall()
            except sqlite3.OperationalError:  # schema not migrated yet
                return []

    def active_workers(self):
        rows = self.query("SELECT COUNT(*) FROM SiloSnapshots WHERE Role = 'worker' AND Status = 'Active'")
        return rows[0][0] if rows else 0

    def launch(self, yaml):
        """Saves the watched sweep.yaml (renamed into place: one change event) and returns once the sweep is stored."""
        temp = self.sweep_file + ".tmp"
        with open(temp, "w") as f:
            f.write(yaml)
        os.replace(temp, self.sweep_file)
        known = self.query("SELECT MAX(Id) FROM Sweeps")
        known = known[0][0] or 0 if known else 0
        deadline = time.time() + 60
        while not (rows := self.query("SELECT Id FROM Sweeps WHERE Id > ? ORDER BY Id DESC LIMIT 1", known)):
            if time.time() > deadline:
                raise RuntimeError(f"the coordinator did not start the sweep (log: {self.dir}/logs/coordinator.log)")
            time.sleep(0.2)
        return rows[0][0]

    def wait(self, sweep_id, timeout, on_poll=None, poll=0.1):
        deadline, next_check = time.time() + timeout, time.time() + 5
        while True:
            status = self.query("SELECT Status FROM Sweeps WHERE Id = ?", sweep_id)[0][0]
            if status in ("Completed", "Failed", "Stopped"):
                return status
            if time.time() > deadline:
                raise RuntimeError(f"sweep {sweep_id} not over after {timeout} s (logs: {self.dir}/logs)")
            if on_poll:
                on_poll()
            if time.time() > next_check:
                self.check_alive()
                next_check = time.time() + 5
            time.sleep(poll)

    def worker_pid(self, index=1):
        with open(os.path.join(self.dir, "pids", f"worker-{index}.pid")) as f:
            return int(f.read())

    def cpu_seconds(self):
        """CPU time (user + system) used so far by each process of the cluster: {"coordinator": s, "worker-1": s, ...}."""
        pids_dir = os.path.join(self.dir, "pids")
        result = {}
        for name in sorted(os.listdir(pids_dir)):
            with open(os.path.join(pids_dir, name)) as f:
                pid = int(f.read())
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            result[name.removesuffix(".pid")] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return result


def cpu_used(before, after, seconds):
    """Per process, the share of one core used between two cpu_seconds() samples, in %."""
    return {name: round(100 * (after[name] - before[name]) / seconds, 1) for name in before}


# The trial whose throughput is measured: sweep.yaml's default until session 5, a 2D CNN (4 blocks 16-128, batch 16)
# on 64 x 150 log-mels (hop 320, from 0.5 s), ~25 s of training. Kept so the figures compare across sessions: the
# 1D CNN that sweep.yaml now starts from trains in ~4 s, where trials/h would measure per-trial overhead more than training.
THROUGHPUT_TRIAL = dict(channels="[16, 32, 64, 128]", batch_size=16, features="features:\n  hop_length: 320\n  offset_seconds: 0.5\n")


def sweep_yaml(name, trials, epochs, channels, batch_size=32, features=""):
    """A grid of `trials` real TorchSharp trials on Actor_01..04 (same trials whatever the cluster), no early stopping."""
    rates = [1e-3 * 1.5 ** i for i in range(trials)]
    return f"""name: {name}
seed: 7
data:
  path: {RAVDESS}
  actors: "1-4"
{features}model:
  channels: {channels}
training:
  epochs: {epochs}
  batch_size: {batch_size}
search:
  method: grid
  max_trials: {trials}
  max_concurrent: 2
  objective:
    metric: val_accuracy
    direction: maximize
parameters:
  training.learning_rate:
    values: [{", ".join(f"{r:.6g}" for r in rates)}]
"""


def parse_time(text):
    date, _, fraction = text.partition(".")
    return datetime.datetime.fromisoformat(date + ("." + fraction[:6] if fraction else ""))


def sweep_once(label, key, workers, threads, yaml, p, idle_rows):
    """One measured sweep on a fresh cluster: (trials per hour, seconds, trial durations, CPU % per process, start command)."""
    with LoopbackCluster(f"sweep-{key}", workers, threads) as cluster:
        # Warm-up, not counted: one 1-epoch trial per worker computes the feature cache and warms each worker
        # (JIT, libtorch), so the measured sweep sees steady-state workers in every configuration.
        warm_up = cluster.launch(sweep_yaml("bench-warm-up", workers, 1, "[8, 16, 32]", features=THROUGHPUT_TRIAL["features"]))
        if cluster.wait(warm_up, timeout=600) != "Completed":
            raise RuntimeError(f"{label}: the warm-up sweep did not complete (logs: {cluster.dir}/logs)")
        if idle_rows is not None:
            idle_rows.extend(idle_cpu(cluster, shown(cluster.start)))
        cpu_before, began = cluster.cpu_seconds(), time.time()
        sweep_id = cluster.launch(yaml)
        # Polled once a second: the figure comes from the trials' own times, and with two workers every CPU second
        # this process spends is taken from a trial (one worker leaves it a free core).
        status = cluster.wait(sweep_id, timeout=1800, poll=1.0)
        cpu = cpu_used(cpu_before, cluster.cpu_seconds(), time.time() - began)
        times = cluster.query("SELECT StartedAt, FinishedAt, Status FROM Trials WHERE SweepId = ?", sweep_id)
    completed = [t for t in times if t[2] == "Completed"]
    if status != "Completed" or len(completed) != p["sweep_trials"]:
        raise RuntimeError(f"{label}: sweep {status} with {len(completed)} of {p['sweep_trials']} trials completed")
    seconds = (max(parse_time(t[1]) for t in completed) - min(parse_time(t[0]) for t in completed)).total_seconds()
    durations = [(parse_time(t[1]) - parse_time(t[0])).total_seconds() for t in completed]
    return len(completed) / seconds * 3600, seconds, durations, cpu, shown(cluster.start)


def machine_scaling(yaml, folder):
    """
    The machine's own two-core scaling for the measured trial, no cluster: `sersweep train` of the trial alone, then
    two at once (training seconds as each reports them). A ratio of 2 x alone / together below 2 is what two trainings
    lose to each other on this VM (shared caches, the host), which no cluster can win back.
    """
    os.makedirs(folder, exist_ok=True)
    config = os.path.join(folder, "sweep.yaml")
    with open(config, "w") as f:
        f.write(yaml)

    def command(name):
        return [os.path.join(REPO, "deploy", "sersweep"), "train", "--config", config, "--set", "training.threads=1",
                "--cache", os.path.join(folder, "cache"), "--out", os.path.join(folder, name), "--json"]

    def seconds(process):
        out, _ = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"{shown(process.args)} exited with {process.returncode}")
        return json.loads(out)["elapsed_seconds"]

    start = lambda name: subprocess.Popen(command(name), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    alone = seconds(start("alone"))
    pair = [start("first"), start("second")]
    together = [seconds(process) for process in pair]
    return 2 * alone / statistics.mean(together), shown(command("alone"))


def sweep(p):
    configs = [("1 worker x 1 thread", "1w1t", 1, 1), ("2 workers x 1 thread", "2w1t", 2, 1), ("1 worker x 2 threads", "1w2t", 1, 2)]
    yaml = sweep_yaml("bench-throughput", p["sweep_trials"], p["sweep_epochs"], **THROUGHPUT_TRIAL)
    idle_rows, runs, machine = [], {key: [] for _, key, _, _ in configs}, []
    # The configurations take turns, repeat after repeat and in reverse order every other repeat, so a slow spell or
    # a drift of the machine hits all of them alike; each ratio is taken within one repeat.
    for repeat in range(p["sweep_repeats"]):
        for label, key, workers, threads in configs if repeat % 2 == 0 else configs[::-1]:
            log(f"sweep: repeat {repeat + 1}/{p['sweep_repeats']}, {label}")
            runs[key].append(sweep_once(label, key, workers, threads, yaml, p, idle_rows if key == "2w1t" and repeat == 0 else None))
        log(f"sweep: repeat {repeat + 1}/{p['sweep_repeats']}, the machine alone (two plain trainings against one)")
        machine.append(machine_scaling(yaml, os.path.join(OUT, "cluster", "machine")))
    rows = []
    for label, key, _, _ in configs:
        per_hour = [r[0] for r in runs[key]]
        seconds = ", ".join(f"{r[1]:.1f}" for r in runs[key])
        cpu = [r[3] for r in runs[key]]
        command = runs[key][0][4]
        rows.append(record(f"sweep-{key}", "sweep", f"{label}: trials per hour ({p['sweep_trials']} trials, first start to last end {seconds} s)",
                           "trials/h", "higher", summary(per_hour), None, command,
                           extra={"trial_seconds": [summary(r[2]) for r in runs[key]]}))
        rows.append(record(f"sweep-{key}-coordinator-cpu", "sweep", f"{label}: coordinator silo's CPU during the sweep (% of one core)",
                           "%", "lower", summary([c["coordinator"] for c in cpu]), None, command, extra={"per_process": cpu}))
    rows.extend(idle_rows)
    command = rows[0]["command"]
    for id, label, key in [("sweep-scaling", "2 workers x 1 thread / 1 worker x 1 thread", "2w1t"),
                           ("sweep-threads", "1 worker x 2 threads / 1 worker x 1 thread", "1w2t")]:
        ratios = [a[0] / b[0] for a, b in zip(runs[key], runs["1w1t"])]
        rows.append(record(id, "sweep", f"{label} (within each repeat)", "x", "higher", summary(ratios), None, command))
    rows.append(record("sweep-machine", "sweep", "the machine alone: two plain 1-thread trainings of the same trial at once / one "
                       "(2 x alone / together, training seconds; no cluster; after each repeat)", "x", "higher",
                       summary([m[0] for m in machine]), None, machine[0][1]))
    return rows


def idle_cpu(cluster, command, settle=20, window=60):
    """CPU that an idle cluster burns (no sweep running): whatever it takes is taken from the trainings of the next sweep."""
    time.sleep(settle)  # the warm-up sweep's last writes and tier-up
    before, began = cluster.cpu_seconds(), time.time()
    time.sleep(window)
    used = cpu_used(before, cluster.cpu_seconds(), time.time() - began)
    return [record(f"idle-{name}", "sweep", f"idle 2-worker cluster: {name}'s CPU over {window} s (% of one core)", "%", "lower",
                   {"median": value}, None, command) for name, value in used.items()]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def slope(points):
    """Least-squares slope of (x, y) points."""
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def rss(p):
    epochs = p["rss_epochs"]
    samples = {}
    with LoopbackCluster("rss", 1, 1) as cluster:
        sweep_id = cluster.launch(sweep_yaml("bench-rss", 1, epochs, "[16, 32, 64]"))
        pid = cluster.worker_pid()
        before = rss_mb(pid)

        def sample():
            done = cluster.query("SELECT MAX(e.Epoch) FROM EpochMetrics e JOIN Trials t ON t.Id = e.TrialId WHERE t.SweepId = ?", sweep_id)
            epoch = done[0][0] if done and done[0][0] else 0
            if epoch and epoch not in samples:
                samples[epoch] = rss_mb(pid)

        status = cluster.wait(sweep_id, timeout=1800, on_poll=sample)
        sample()
        command = shown(cluster.start)
    # Epochs are stored as their worker sends them (docs/cluster.md, "Epoch reports travel in batches"): a sample is
    # taken whenever a newer epoch appears, so some epochs share one.
    if status != "Completed" or len(samples) < epochs / 4:
        raise RuntimeError(f"rss: sweep {status}, {len(samples)} of {epochs} epochs sampled")
    points = sorted(samples.items())
    settled = [pt for pt in points if pt[0] > 5] or points  # first epochs: allocator and JIT warm-up
    values = [v for _, v in points]
    return [record("rss-slope", "rss", f"worker RSS slope per epoch, epochs {settled[0][0]}-{settled[-1][0]} of a {epochs}-epoch trial", "MB/epoch", "lower",
                   {"median": slope(settled) if len(settled) > 1 else 0.0}, None, command,
                   extra={"rss_mb_by_epoch": {str(e): round(v, 1) for e, v in points}}),
            # A leak keeps growing to the end; the allocator's high-water mark stops: the second half tells them apart.
            record("rss-slope-late", "rss", f"worker RSS slope per epoch, second half (epochs {points[len(points) // 2][0]}-{points[-1][0]})", "MB/epoch", "lower",
                   {"median": slope(points[len(points) // 2:]) if len(points) > 3 else 0.0}, None, command),
            record("rss-start", "rss", f"worker RSS after epoch {points[0][0]}", "MB", "lower", {"median": points[0][1]}, None, command,
                   extra={"before_trial_mb": before}),
            record("rss-end", "rss", f"worker RSS after epoch {points[-1][0]}", "MB", "lower", {"median": points[-1][1]}, None, command),
            record("rss-max", "rss", "worker RSS, max over the epochs", "MB", "lower", {"median": max(values)}, None, command)]


def cache(p):
    cache_dir = os.path.join(OUT, "features-cache")
    shutil.rmtree(cache_dir, ignore_errors=True)
    cmd = [os.path.join(REPO, "deploy", "sersweep"), "features", "--data", RAVDESS, "--actors", "1-4", "--cache", cache_dir, "--json"]

    def once():
        start = time.perf_counter()
        report = json.loads(run(cmd))
        return report, time.perf_counter() - start

    def checked_in_full():
        # Without the blob's check stamp (docs/audio.md) a load checks the XXH128 in full: the first load after a change.
        for stamp in glob.glob(os.path.join(cache_dir, "*.verified")):
            os.remove(stamp)
        return once()

    computed, computed_wall = once()
    # Settle the file-hash manifest (a reload from here on reads no audio) and the blob's check stamp (recorded only
    # by a check more than 2 s after the file was written: hence the pause).
    time.sleep(2)
    once()
    reloads = [once() for _ in range(p["cache_reloads"])]
    full_checks = [checked_in_full() for _ in range(p["cache_reloads"])]
    if computed["computed"] is not True or any(r["computed"] for r, _ in reloads + full_checks):
        raise RuntimeError("cache: the first run must compute and the others load")
    return [record("cache-reload", "cache", f"reload of the Actor_01..04 feature cache ({computed['files']} files), as `sersweep features` reports it",
                   "s", "lower", summary([r["seconds"] for r, _ in reloads]), None, shown(cmd)),
            record("cache-reload-process", "cache", "the same, whole `sersweep features` process (start-up included)", "s", "lower",
                   summary([w for _, w in reloads]), None, shown(cmd)),
            record("cache-reload-full-check", "cache", "reload with the blob's XXH128 checked in full (no check stamp: the first load after the file changed)",
                   "s", "lower", summary([r["seconds"] for r, _ in full_checks]), None, shown(cmd)),
            record("cache-compute", "cache", "first run: computing the cache", "s", "lower", {"median": computed["seconds"]}, None, shown(cmd),
                   extra={"process_s": computed_wall})]


E2E_DIR = os.path.join(OUT, "e2e")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The sweep the peer reproduces (one split, no cross-validation): bench/e2e/sweep.yaml says why it is not sweep.yaml.
def timeline(p):
    """`predict --timeline --csv` of one hour of real speech (Actor_01..04's mono 48 kHz files back to back, 1 s of
    silence after each, repeated up to 3600 s) with a small model (32 mels, hop 320, channels [16, 32, 64]), under
    /usr/bin/time: wall, CPU and peak RSS of the whole process, start-up included."""
    import wave
    folder = os.path.join(OUT, "timeline")
    os.makedirs(folder, exist_ok=True)
    recording = os.path.join(folder, "hour.wav")
    if not os.path.exists(recording):
        files = [os.path.join(RAVDESS, f"Actor_{a:02d}", f) for a in range(1, 5) for f in sorted(os.listdir(os.path.join(RAVDESS, f"Actor_{a:02d}")))]
        with wave.open(recording + ".tmp", "wb") as out:
            out.setnchannels(1), out.setsampwidth(2), out.setframerate(48000)
            frames = 0
            while frames < 3600 * 48000:
                for f in files:
                    with wave.open(f) as w:
                        if (w.getnchannels(), w.getframerate(), w.getsampwidth()) != (1, 48000, 2):
                            continue
                        out.writeframes(w.readframes(w.getnframes()) + b"\0\0" * 48000)
                        frames += w.getnframes() + 48000
                    if frames >= 3600 * 48000:
                        break
        os.replace(recording + ".tmp", recording)
    sersweep = os.path.join(REPO, "deploy", "sersweep")
    model = os.path.join(folder, "model.zip")
    if not os.path.exists(model):
        run([sersweep, "train", "--set", f"data.path={RAVDESS}", "--set", "data.actors=1-4", "--set", "features.n_mels=32",
             "--set", "features.hop_length=320", "--set", "features.offset_seconds=0.5", "--set", "model.channels=[16,32,64]",
             "--set", "training.epochs=2", "--out", folder, "--cache", os.path.join(REPO, ".cache", "features")])
    cmd = ["/usr/bin/time", "-v", sersweep, "predict", model, recording, "--timeline", "--csv"]
    wall, cpu, rss = [], [], []
    for _ in range(p["timeline_runs"]):
        log("$ " + shown(cmd))
        done = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
        stats = dict(line.strip().rsplit(": ", 1) for line in done.stderr.splitlines() if ": " in line)
        h_m_s = [float(x) for x in stats["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")]
        wall.append(sum(x * 60 ** i for i, x in enumerate(reversed(h_m_s))))
        cpu.append(float(stats["User time (seconds)"]) + float(stats["System time (seconds)"]))
        rss.append(int(stats["Maximum resident set size (kbytes)"]) / 1024)
    return [record("timeline-wall", "timeline", "one hour (3604 s, 48 kHz, 7208 windows): wall, start-up included", "s", "lower", summary(wall), None, shown(cmd)),
            record("timeline-cpu", "timeline", "the same: CPU (user + system)", "s", "lower", summary(cpu), None, shown(cmd)),
            record("timeline-rss", "timeline", "the same: peak RSS", "MB", "lower", summary(rss), None, shown(cmd))]


E2E_SWEEP = os.path.join(REPO, "bench", "e2e", "sweep.yaml")


def e2e_sweep_file(p, folder):
    """The sweep the peer runs (E2E_SWEEP); quick mode shrinks it (trials, epochs, ASHA's grace period) to a smoke check."""
    path = E2E_SWEEP
    if p["e2e_trials"] is None:
        return path
    text = open(path).read()
    for key, value in [("max_trials", p["e2e_trials"]), ("epochs", p["e2e_epochs"]), ("max_epochs", p["e2e_epochs"]), ("grace_period", 1)]:
        text = re.sub(rf"^(\s*{key}:)\s*\d+", rf"\g<1> {value}", text, flags=re.M)
    small = os.path.join(folder, "sweep.yaml")
    with open(small, "w") as f:
        f.write(text)
    return small


def utc(text):
    return parse_time(text).replace(tzinfo=datetime.timezone.utc).timestamp()


def e2e_sersweep(p, repeat, cache):
    """One `deploy/sersweep sweep sweep.yaml` (the user's command, a fresh database and artifacts folder, the warm feature
    cache): wall, trial-epochs, the best trial, and where each slot's time went (SERSWEEP_PROFILE + the database)."""
    folder = os.path.join(E2E_DIR, f"sersweep-{repeat}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    profile_file = os.path.join(folder, "profile.jsonl")
    cmd = [os.path.join(REPO, "deploy", "sersweep"), "sweep", e2e_sweep_file(p, folder), "--data", RAVDESS, "--cache", cache,
           "--db", os.path.join(folder, "sersweep.db"), "--artifacts", os.path.join(folder, "artifacts"), "--json",
           "--urls", f"http://127.0.0.1:{free_port()}", "--silo-port", str(free_port()), "--gateway-port", str(free_port())]
    began = time.time()
    report = json.loads(run(cmd, env={"SERSWEEP_PROFILE": profile_file}))
    ended = time.time()
    with sqlite3.connect(f"file:{report['database']}?mode=ro", uri=True) as db:
        trials = db.execute("SELECT Seed, StartedAt, FinishedAt FROM Trials WHERE SweepId = ?", (report["sweep_id"],)).fetchall()
        epochs = db.execute("SELECT COUNT(*) FROM EpochMetrics").fetchone()[0]
    spans = {seed: (utc(start), utc(end)) for seed, start, end in trials}
    phases = {}
    inside = 0.0
    with open(profile_file) as f:
        for line in f:
            run_profile = json.loads(line)
            inside += run_profile["total_s"]
            for phase, seconds in run_profile["seconds"].items():
                # The steps' wall split by the training thread's CPU time: time it waited for a core (the process's other
                # threads: JIT, GC, grain calls; another tenant of the machine) is not the kernels' time.
                cpu = run_profile.get("cpu_seconds", {}).get(phase) if phase == "step" else None
                parts = {"step: training thread on a core": cpu, "step: training thread waiting for a core": seconds - cpu} if cpu is not None else {phase: seconds}
                for part, value in parts.items():
                    phases[part] = phases.get(part, 0.0) + value
    first, last = min(s for s, _ in spans.values()), max(e for _, e in spans.values())
    slots = 2
    in_trials = sum(e - s for s, e in spans.values())
    # Slot-seconds: each of the 2 slots is charged for the whole wall, so the parts add up to 2 x wall.
    slot_seconds = {"start-up (process start to first trial)": slots * (first - began),
                    **{f"trainer: {k}": v for k, v in phases.items()},
                    "trial outside the trainer (features from the silo, outcome, bundle hash, commit)": in_trials - inside,
                    "slot idle between trials and at the end": slots * (last - first) - in_trials,
                    "shut-down (last trial to process exit: leaderboard, export)": slots * (ended - last)}
    best = report["leaderboard"][0] if report["leaderboard"] else {}
    return {"wall_s": ended - began, "trial_epochs": epochs, "test_accuracy": best.get("test_accuracy"),
            "test_macro_f1": best.get("test_macro_f1"), "objective": best.get("objective"), "slot_seconds": slot_seconds,
            "command": shown(cmd)}


def e2e_peer(p, repeat):
    """One sweep_peer.py --schedule queue (2 processes on one SQLite storage): its own figures and where its time went."""
    folder = os.path.join(E2E_DIR, f"peer-{repeat}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    out = os.path.join(folder, "peer.jsonl")
    cmd = [PYTHON, os.path.join(PEERS, "sweep_peer.py"), "--schedule", "queue", "--data", RAVDESS, "--db", os.path.join(folder, "optuna.db"),
           "--json", out]
    if p["e2e_trials"] is not None:
        cmd += ["--trials", str(p["e2e_trials"]), "--epochs", str(p["e2e_epochs"]), "--grace-period", "1"]
    began = time.time()
    run(cmd)
    ended = time.time()
    with open(out) as f:
        res = json.loads(f.read().splitlines()[-1])
    if res["errors"]:
        raise RuntimeError(f"sweep_peer.py: {res['errors']}")
    rows = [r for r in res["per_trial"] if r.get("epoch_s")]
    epoch_s = sum(sum(r["epoch_s"]) for r in rows)
    final_s = sum(r.get("final_eval_s") or 0 for r in rows)
    trial_s = sum(r.get("trial_s") or 0 for r in rows)
    workers = res["per_worker"]
    slot_seconds = {"start-up (process start to first trial: imports, features, hand-off, worker start)": sum(w["start"] - began for w in workers),
                    "epochs: training steps + validation": epoch_s,
                    "final evaluation (val + test of the kept weights)": final_s,
                    "trial set-up, keeping the best weights": trial_s - epoch_s - final_s,
                    "Optuna: sampling, report, should_prune, storage": sum(w["optuna_s"] for w in workers),
                    "slot idle at the end, shut-down": sum(ended - w["end"] for w in workers)}
    best = res["best"] or {}
    return {"wall_s": ended - began, "own_wall_s": res["wall_s"], "trial_epochs": res["epochs_total"], "test_accuracy": best.get("test_accuracy"),
            "test_macro_f1": best.get("test_macro_f1"), "objective": best.get("val_loss"), "slot_seconds": slot_seconds, "command": shown(cmd)}


def e2e(p):
    """The user's default sweep end to end beside the same sweep in Optuna + PyTorch, taking turns."""
    os.makedirs(E2E_DIR, exist_ok=True)
    cache = os.path.join(E2E_DIR, "features")
    # The feature cache is computed once, not timed: a user's second sweep on the same data finds it (the peer computes
    # its features in every run, about 1 s, which stays in its wall).
    run([os.path.join(REPO, "deploy", "sersweep"), "features", "--config", E2E_SWEEP, "--data", RAVDESS, "--cache", cache])
    ours, peers = [], []
    for repeat in range(p["e2e_repeats"]):
        log(f"e2e: repeat {repeat + 1}/{p['e2e_repeats']}, SerSweep")
        ours.append(e2e_sersweep(p, repeat, cache))
        log(f"e2e: repeat {repeat + 1}/{p['e2e_repeats']}, peer")
        peers.append(e2e_peer(p, repeat))
        for side, r in (("SerSweep", ours[-1]), ("peer", peers[-1])):
            log(f"e2e: {side}: {r['wall_s']:.1f} s, {r['trial_epochs']} trial-epochs, {r['wall_s'] / r['trial_epochs']:.4f} s per trial-epoch, test accuracy {r['test_accuracy']}")
    command = f"{ours[0]['command']}\n{peers[0]['command']}"
    peer_name = "Optuna + PyTorch, 2 processes, queue"

    def row(id, label, unit, better, key, **extra):
        mine, theirs = summary([key(r) for r in ours]), summary([key(r) for r in peers])
        return record(id, "e2e", label, unit, better, mine, {"name": peer_name, **theirs}, command, **extra)

    def profile(runs):
        """Median over the runs of each part's seconds per trial-epoch of wall (slot-seconds / 2 slots / trial-epochs)."""
        parts = runs[0]["slot_seconds"].keys()
        return {part: round(statistics.median(r["slot_seconds"].get(part, 0.0) / 2 / r["trial_epochs"] for r in runs), 5) for part in parts}

    return [
        row("e2e-per-epoch", "wall per trial-epoch (wall / epochs trained by all trials)", "s", "lower", lambda r: r["wall_s"] / r["trial_epochs"],
            extra={"profile_s_per_trial_epoch": {"sersweep": profile(ours), "peer": profile(peers)}}),
        row("e2e-wall", "wall time of the sweep (process start to exit)", "s", "lower", lambda r: r["wall_s"],
            extra={"peer_own_wall_s": [r["own_wall_s"] for r in peers]}),
        row("e2e-trial-epochs", "trial-epochs trained (ASHA stops trials at epochs 10 and 20)", "epochs", "lower", lambda r: r["trial_epochs"]),
        row("e2e-test-accuracy", "best trial's test accuracy (lowest val_loss, completed or pruned)", "", "higher", lambda r: r["test_accuracy"] or 0.0),
        row("e2e-test-f1", "best trial's test macro-F1", "", "higher", lambda r: r["test_macro_f1"] or 0.0),
    ]


SERVE_DIR = os.path.join(OUT, "serve")
SERVE_BENCH = os.path.join(REPO, "bench", "serve")


def three_second_wavs(folder, count=32):
    """Real RAVDESS files (Actor_05..08: voices the model never heard, mono) cut to their first 3.0 s with the stdlib."""
    import glob
    import wave
    os.makedirs(folder, exist_ok=True)
    written = []
    for source in sorted(glob.glob(os.path.join(RAVDESS, "Actor_0[5-8]", "*.wav"))):
        with wave.open(source) as w:
            if w.getnchannels() != 1 or w.getnframes() < 3 * w.getframerate():
                continue
            params, frames = w.getparams(), w.readframes(3 * w.getframerate())
        target = os.path.join(folder, os.path.basename(source))
        with wave.open(target, "wb") as out:
            out.setparams(params)
            out.writeframes(frames)
        written.append(target)
        if len(written) == count:
            return written
    raise RuntimeError(f"serve: fewer than {count} mono RAVDESS files of 3 s or more in Actor_05..08 under {RAVDESS}")


def serve_model():
    """The default sweep's model (sweep.yaml: 1D CNN 32-256 on 64 x 150 log-mels, speaker normalisation), 10 epochs on
    Actor_01..04; trained once and kept in .cache/bench/serve/model."""
    bundle = os.path.join(SERVE_DIR, "model", "model.zip")
    if not os.path.exists(bundle):
        run([os.path.join(REPO, "deploy", "sersweep"), "train", "--config", os.path.join(REPO, "sweep.yaml"), "--set", f"data.path={RAVDESS}",
             "--set", "training.epochs=10", "--out", os.path.dirname(bundle), "--cache", os.path.join(SERVE_DIR, "features"), "--json"])
    return bundle


def process_tree(root):
    """root and every process below it."""
    children = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(pid))
        except OSError:
            pass
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def process_tree_cpu_s(root):
    """CPU time (user + system) used so far by root's whole tree."""
    total = 0.0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def process_tree_rss_mb(root):
    """RSS of the process in root's tree that holds the most (the server itself, under deploy/sersweep's wrappers)."""
    sizes = []
    for pid in process_tree(root):
        try:
            sizes.append(rss_mb(pid))
        except (OSError, StopIteration):
            pass
    return max(sizes)


def serve_side(name, cmd, port, wavs, p):
    """Starts one server (its own process group), waits for /healthz, warms it, loads it: (load result, RSS before, RSS after)."""
    import signal
    import urllib.request
    log(f"serve: {name}: $ {shown(cmd)}")
    # The server's stderr goes to a file: an unread pipe fills up (libtorch warns on stderr at every forward on some
    # CPUs) and then blocks whichever server thread writes next.
    log_path = os.path.join(SERVE_DIR, f"{name.replace(' ', '-')}.log")
    with open(log_path, "w") as server_log:
        server = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=server_log, start_new_session=True)
    try:
        deadline = time.time() + 300
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"serve: {name} exited with {server.returncode} (log: {log_path})")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                    break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError(f"serve: {name} did not answer /healthz within 300 s")
                time.sleep(0.5)
        load_cmd = [PYTHON, os.path.join(SERVE_BENCH, "load.py"), "--url", f"http://127.0.0.1:{port}", "--clients", str(p["serve_clients"]),
                    "--requests", str(p["serve_requests"])]
        run(load_cmd + ["--requests", "4"] + wavs, quiet=True)  # warm-up: JIT, libtorch, first batches
        before, cpu = process_tree_rss_mb(server.pid), process_tree_cpu_s(server.pid)
        log(f"$ {shown(load_cmd)} WAV...")
        result = json_lines(run(load_cmd + wavs, quiet=True))[-1]
        result["server_cpu_ms_per_request"] = 1000 * (process_tree_cpu_s(server.pid) - cpu) / result["requests"]
        after = process_tree_rss_mb(server.pid)
        log(f"serve: {name}: {result['requests_per_s']:.1f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
            f"{result['errors']} errors, server CPU {result['server_cpu_ms_per_request']:.2f} ms per request, RSS {before:.0f} -> {after:.0f} MB")
        return result, before, after, shown(load_cmd) + " WAV..."
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def serve(p):
    """`sersweep serve` against the same model behind a minimal Python/PyTorch HTTP server, under the same load."""
    bundle = serve_model()
    wavs = three_second_wavs(os.path.join(SERVE_DIR, "wavs"))
    # The peer reads the bundle itself; its predictions are checked against SerSweep's before anything is timed.
    log(f"serve: predict {len(wavs)} WAVs with deploy/sersweep predict and with peer.py --predict")
    ours = json.loads(run([os.path.join(REPO, "deploy", "sersweep"), "predict", bundle, *wavs, "--json"], quiet=True))["predictions"]
    theirs = json_lines(run([PYTHON, os.path.join(SERVE_BENCH, "peer.py"), bundle, "--predict", *wavs], quiet=True))
    agree = sum(a["emotion"] == b["emotion"] for a, b in zip(ours, theirs))
    max_diff = max(abs(a["probabilities"][k] - b["probabilities"][k]) for a, b in zip(ours, theirs) for k in a["probabilities"])
    log(f"serve: the peer predicts the same emotion as SerSweep for {agree} of {len(wavs)} files; max |probability difference| {max_diff:.2e}")
    if agree < 0.9 * len(wavs):
        raise RuntimeError(f"serve: the peer agrees with SerSweep on only {agree} of {len(wavs)} files: not the same model")
    port = free_port()
    mine = serve_side("sersweep serve", [os.path.join(REPO, "deploy", "sersweep"), "serve", bundle, "--urls", f"http://127.0.0.1:{port}"], port, wavs, p)
    port = free_port()
    peer = serve_side("Python peer", [PYTHON, os.path.join(SERVE_BENCH, "peer.py"), bundle, "--port", str(port)], port, wavs, p)
    name = "PyTorch + http.server (no batching)"
    size = f"{p['serve_clients']} clients x {p['serve_requests']} requests of 3-s WAVs"
    command = f"{shown([os.path.join(REPO, 'deploy', 'sersweep'), 'serve', bundle])}\n{shown([PYTHON, os.path.join(SERVE_BENCH, 'peer.py'), bundle, '--port', 'PORT'])}\n{mine[3]}"
    extra = {"agreement": f"{agree}/{len(wavs)}", "max_probability_difference": max_diff, "sersweep": mine[0], "peer": peer[0]}

    def row(id, label, unit, better, ours_value, peer_value):
        return record(id, "serve", label, unit, better, {"median": ours_value}, {"name": name, "median": peer_value}, command, extra=extra)

    return [row("serve-throughput", f"{size}: throughput", "req/s", "higher", mine[0]["requests_per_s"], peer[0]["requests_per_s"]),
            row("serve-p50", f"{size}: latency p50", "ms", "lower", mine[0]["p50_ms"], peer[0]["p50_ms"]),
            row("serve-p99", f"{size}: latency p99", "ms", "lower", mine[0]["p99_ms"], peer[0]["p99_ms"]),
            row("serve-errors", f"{size}: errors (non-200 or broken connection)", "errors", "lower", mine[0]["errors"], peer[0]["errors"]),
            row("serve-cpu", "server CPU per request (the whole server process, over the timed load)", "ms", "lower",
                mine[0]["server_cpu_ms_per_request"], peer[0]["server_cpu_ms_per_request"]),
            row("serve-rss-before", "server RSS after warm-up, before the load", "MB", "lower", mine[1], peer[1]),
            row("serve-rss-after", "server RSS after the load", "MB", "lower", mine[2], peer[2])]


def scale_run(dll, workers, slots, sweeps, trials, epochs, warmup, processes=1, asha=False):
    cmd = ["dotnet", dll, "--workers", str(workers), "--slots", str(slots), "--processes", str(processes), "--sweeps", str(sweeps),
           "--trials", str(trials), "--epochs", str(epochs), "--warmup", str(warmup), "--json"] + (["--asha"] if asha else [])
    # Exit 1 = it ran and lost or duplicated something: the figures (and those counts) are still the result.
    return json_lines(run(cmd, ok=(0, 1)))[-1], cmd


def scale(p):
    """The scale simulation (issue 24): bench/SerSweep.Bench.Scale at full size beside Optuna's RDB storage with as many
    processes on one SQLite file, then smaller runs that vary workers, slots and sweeps to find the ceiling."""
    dll = build("SerSweep.Bench.Scale", os.path.join(OUT, "bin", "Scale"))
    size = p["scale"]
    # Whole runs of the same build vary by up to a third here (the box's state, not the code): the median of
    # scale_runs full-size runs is the figure, and its run gives the detail rows.
    full = sorted((scale_run(dll, **size) for _ in range(p["scale_runs"])), key=lambda rc: rc[0]["completions_per_s"])
    r, cmd = full[len(full) // 2]
    runs = lambda key: {"median": r[key], "runs": [x[key] for x, _ in full]}  # noqa: E731
    peer_cmd = [PYTHON, os.path.join(REPO, "bench", "SerSweep.Bench.Scale", "optuna_rdb.py"), "--processes", str(size["workers"]),
                "--epochs", str(size["epochs"]), "--seconds", str(p["scale_peer_seconds"]), "--json"]
    peer = json_lines(run(peer_cmd))[-1]
    both = f"{shown(cmd)}\n{shown(peer_cmd)}"
    run_text = f"{size['workers']} workers x {size['slots']} slots, {size['sweeps']} sweeps, {size['trials']} trials x {size['epochs']} epochs"
    optuna = f"Optuna RDB, {peer['processes']} processes on one SQLite"
    single = lambda value: {"median": value, "runs": [value]}  # noqa: E731 - one run of the full size
    rows = [
        record("scale-completions", "scale", f"{run_text}: trial completions/s", "trials/s", "higher", runs("completions_per_s"),
               {"name": optuna, "median": peer["completions_per_s"]}, both, extra={"run": {k: v for k, v in r.items() if k != "timeline"}, "peer": peer}),
        record("scale-reports", "scale", f"{run_text}: epoch reports/s", "reports/s", "higher", runs("epoch_reports_per_s"),
               {"name": optuna, "median": peer["reports_per_s"]}, both),
        record("scale-lost", "scale", f"lost + duplicated trials, invariant violations over {len(full)} runs (the median run stored {r['trials_stored']} results, {r['epochs_stored']} of "
               f"{r['epochs_expected']} epochs; peer: {peer['errors']} errors, {peer['completed_stored']} of {peer['completed']} trials stored)",
               "trials", "lower", single(sum(x["lost"] + x["duplicated"] + x["violations"] for x, _ in full)),
               {"name": "Optuna errors", "median": peer["errors"]}, both),
        record("scale-coordinator-cpu", "scale", "coordinator process's CPU during the run (all its threads)", "cores", "lower",
               single(r["coordinator_cpu_cores"]), None, shown(cmd)),
        record("scale-coordinator-rss", "scale", f"coordinator process's resident memory, max during the run (managed heap max {r['coordinator_heap_mb']:.0f} MB)",
               "MB", "lower", single(r["coordinator_rss_mb"]), None, shown(cmd)),
        record("scale-commit-p50", "scale", f"SQLite writer: transaction BEGIN..COMMIT p50 ({r['commits']} transactions, {r['writes_per_commit']:.1f} writes each)",
               "ms", "lower", single(r["commit_p50_ms"]), None, shown(cmd)),
        record("scale-commit-p99", "scale", f"SQLite writer: transaction BEGIN..COMMIT p99 (max {r['commit_max_ms']:.1f} ms)", "ms", "lower",
               single(r["commit_p99_ms"]), None, shown(cmd)),
        record("scale-writer-busy", "scale", "SQLite writer: share of the wall time inside transactions", "%", "lower",
               single(100 * r["writer_busy"]), None, shown(cmd)),
        record("scale-grain-busy", "scale", "each sweep coordinator grain: share of the wall time in its turns", "%", "lower",
               single(100 * r["coordinator_grain_busy"]), None, shown(cmd)),
        record("scale-workers-cpu", "scale", f"worker silos' process CPU (RSS {r['workers_rss_mb']:.0f} MB); redis {r['redis_cpu_cores']:.2f} cores",
               "cores", "lower", single(r["workers_cpu_cores"]), None, shown(cmd)),
        record("scale-cpu-per-trial", "scale", f"CPU per trial of {size['epochs']} epochs, coordinator + workers (coordinator "
               f"{r['coordinator_cpu_ms_per_trial']:.2f} ms, workers {r['workers_cpu_ms_per_trial']:.2f} ms; idle before the run: coordinator "
               f"{r['idle_coordinator_cores']:.2f} cores, workers {r['idle_workers_cores']:.2f} cores; coordinator silo's messages per trial "
               f"{r['coordinator_messages_sent'] / r['trials_stored']:.1f} sent, {r['coordinator_messages_received'] / r['trials_stored']:.1f} received)",
               "ms", "lower", single(r["coordinator_cpu_ms_per_trial"] + r["workers_cpu_ms_per_trial"]), None, shown(cmd)),
    ]
    for workers, slots, sweeps, processes, asha in p["scale_ceiling"]:
        v, vcmd = scale_run(dll, workers, slots, sweeps, p["scale_ceiling_trials"], size["epochs"], size["warmup"], processes, asha)
        where = f"{processes} processes" if processes > 1 else "one process"
        pruned = ", ASHA rungs at epochs 1, 3, 9 answered at once" if asha else ""
        rows.append(record(f"scale-ceiling-{workers}w{slots}s{sweeps}x{processes}p" + ("-asha" if asha else ""), "scale",
                           f"ceiling: {workers} workers x {slots} slots ({where}), {sweeps} sweep(s){pruned}, {v['trials']} trials: completions/s "
                           f"(reports/s {v['epoch_reports_per_s']:.0f}; coordinator {v['coordinator_cpu_cores']:.2f} cores, grain busy "
                           f"{100 * v['coordinator_grain_busy']:.0f}%, writer busy {100 * v['writer_busy']:.0f}%; lost + dup {v['lost'] + v['duplicated']}; "
                           f"joined in {v['startup_s']:.0f} s, workers' RSS {v['workers_rss_mb']:.0f} MB)",
                           "trials/s", "higher", single(v["completions_per_s"]), None, shown(vcmd), extra={"run": {k: x for k, x in v.items() if k != "timeline"}}))
    return rows


# ---------------------------------------------------------------- machine and main

def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def machine():
    def out(cmd):
        try:
            return subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
        except OSError:
            return ""
    cpu = next((line.split(":", 1)[1].strip() for line in out(["lscpu"]).splitlines() if line.startswith("Model name")), platform.processor())
    with open("/proc/meminfo") as f:
        ram_gib = int(f.readline().split()[1]) / 1024 ** 2
    os_name = next((line.split("=", 1)[1].strip().strip('"') for line in open("/etc/os-release") if line.startswith("PRETTY_NAME=")), platform.system())
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(ram_gib, 1), "os": f"{os_name}, kernel {platform.release()}",
            "commit": out(["git", "rev-parse", "--short", "HEAD"]) + (" (uncommitted changes)" if out(["git", "status", "--porcelain", "--untracked-files=no"]) else ""),
            "dotnet": out(["dotnet", "--version"]), "glibc_tunables": os.environ.get("GLIBC_TUNABLES", ""),
            "malloc": f"jemalloc, MALLOC_CONF={os.environ.get('MALLOC_CONF', '')}" if "jemalloc" in os.environ.get("LD_PRELOAD", "") else "glibc"}


def product_allocator_env():
    """The environment deploy/allocator-env gives every process that trains; applied to both sides of every bench."""
    dump = subprocess.run(["bash", "-c", f'source "{REPO}/deploy/allocator-env" && env -0'], stdout=subprocess.PIPE, check=True, text=True).stdout
    env = dict(item.split("=", 1) for item in dump.split("\0") if "=" in item)
    return {name: env[name] for name in ("GLIBC_TUNABLES", "LD_PRELOAD", "MALLOC_CONF") if env.get(name)}


def main():
    parser = argparse.ArgumentParser(prog="deploy/bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke check of every measurement (a few minutes)")
    parser.add_argument("--only", choices=MEASUREMENTS, action="append", help="run only this measurement (repeatable); the others' last results stay")
    args = parser.parse_args()
    if not os.path.isdir(RAVDESS):
        parser.error(f"{RAVDESS} not found (set SERSWEEP_SHARED to the shared folder holding ravdess/ and bench/peers/)")
    mode = "quick" if args.quick else "full"
    profile = PROFILES[mode]
    os.makedirs(OUT, exist_ok=True)
    os.environ.update(product_allocator_env())  # both sides, as deploy/torch-runtime and deploy/bench-train do
    os.environ["SERSWEEP_SHARED"] = SHARED
    started, load_before = datetime.datetime.now(datetime.timezone.utc), loadavg()
    failed = []
    for name in args.only or MEASUREMENTS:
        log(f"{name} ({mode}) ...")
        began, load = time.time(), loadavg()
        try:
            rows = globals()[name](profile)
        except Exception as e:  # one broken measurement must not lose the others
            log(f"{name} FAILED: {e}")
            failed.append(name)
            rows = []
        header = {"type": "run", "measure": name, "mode": mode, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                  "seconds": round(time.time() - began, 1), "load_before": load, "load_after": loadavg(),
                  "error": name in failed}
        with open(os.path.join(OUT, f"{name}.jsonl"), "w") as f:
            for line in [header, *rows]:
                f.write(json.dumps(line) + "\n")
    with open(os.path.join(OUT, "machine.json"), "w") as f:
        json.dump({**machine(), "mode": mode, "started": started.isoformat(timespec="seconds"), "load_before": load_before,
                   "load_after": loadavg(), "seconds": round((datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()),
                   "only": args.only}, f, indent=1)
    log(f"done in {(datetime.datetime.now(datetime.timezone.utc) - started).total_seconds():.0f} s" +
        (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
