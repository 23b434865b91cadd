#!/usr/bin/python3
"""Renders docs/benchmarks.md from the JSON lines deploy/bench wrote (one file per measurement plus machine.json) and the
hand-written notes (bench/report/notes/NAME.md: what is timed and why; NAME-miss.md: the profile of a missed goal).
The goals live here, and only here: every goal row is listed, measured or not, with PASS/MISS computed from the run.

Usage: render.py --results .cache/bench --notes bench/report/notes --out docs/benchmarks.md
"""
import argparse
import json
import os

# (id of the record it is checked on, goal, kind, threshold). kind: ratio_at_least = SerSweep vs the peer of the same
# run (> 1 = SerSweep better); at_most / at_least / below = the record's goal value (default its median).
GOALS = [
    ("features-240", "feature extraction >= 2x torchaudio, 240 files", "ratio_at_least", 2.0),
    ("features-1440", "feature extraction >= 2x torchaudio, 1440 files", "ratio_at_least", 2.0),
    ("train-1t", "training >= 1.0x PyTorch samples/s, 1 thread", "ratio_at_least", 1.0),
    ("train-2t", "training >= 1.0x PyTorch samples/s, 2 threads", "ratio_at_least", 1.0),
    ("infer-1t", "inference >= 1.0x PyTorch samples/s, 1 thread", "ratio_at_least", 1.0),
    ("infer-2t", "inference >= 1.0x PyTorch samples/s, 2 threads", "ratio_at_least", 1.0),
    ("predict-1t", "warm predict <= 10 ms, 1 thread", "at_most", 10.0),
    ("predict-2t", "warm predict <= 10 ms, 2 threads", "at_most", 10.0),
    ("overhead", "orchestration overhead <= 5 ms per trial", "at_most", 5.0),
    ("sweep-scaling", "sweep throughput: 2 workers >= 1.8x one worker", "at_least", 1.8),
    ("cache-reload", "feature-cache reload <= 0.2 s", "at_most", 0.2),
    ("rss-slope", "flat worker memory: RSS slope <= 1 MB per epoch over a 50-epoch trial", "at_most", 1.0),
    ("search-tpe-ask", "TPE suggestion <= 1 ms at 300 trials of history (search issue)", "at_most", 1.0),
    ("pareto-nsga2", "ZDT1 hypervolume at 100 trials, SerSweep MOTPE >= Optuna NSGA-II's (same population), median of 10 held-out seeds (issue 21)", "ratio_at_least", 1.0),
    ("pareto-motpe", "ZDT1 hypervolume at 100 trials, SerSweep MOTPE >= Optuna MOTPE's, median of 10 held-out seeds (issue 21)", "ratio_at_least", 1.0),
    ("dashboard-first-page", "leaderboard first page, 10 000 trials: p95 < 1 s (dashboard issue)", "below", 1000.0),
    ("timeline-wall", "one-hour recording's emotion timeline <= 10 s wall on 2 cores (issue 20)", "at_most", 10.0),
    ("e2e-per-epoch", "default sweep end to end: wall per trial-epoch >= 1.5x faster than Optuna + PyTorch", "ratio_at_least", 1.5),
    ("e2e-wall", "default sweep end to end: total wall time below Optuna + PyTorch's", "ratio_at_least", 1.0),
    ("serve-throughput", "prediction service: >= 2x the Python peer's requests/s (deploy issue)", "ratio_at_least", 2.0),
    ("serve-p99", "prediction service: p99 latency below the Python peer's", "ratio_at_least", 1.0),
    ("serve-errors", "prediction service: 0 errors under load", "at_most", 0.0),
    ("scale-completions", "scale: >= 500 trial completions/s into SQLite, >= 32 simulated workers (issue 24)", "at_least", 500.0),
    ("scale-reports", "scale: >= 5 000 epoch reports/s into SQLite, same run", "at_least", 5000.0),
    ("scale-lost", "scale: 0 trials lost or duplicated, epochs 1..N once each, same run", "at_most", 0.0),
]
SECTIONS = [
    ("features", "Feature extraction vs torchaudio"),
    ("training", "Reference CNN: TorchSharp vs PyTorch, and warm predict"),
    ("search", "Search: suggestion overhead vs Optuna"),
    ("pareto", "Several objectives: hypervolume on ZDT1 vs Optuna's NSGA-II and MOTPE"),
    ("overhead", "Cluster: orchestration overhead per trial vs Optuna + SQLite"),
    ("dashboard", "Dashboard: leaderboard of a 10 000-trial sweep"),
    ("sweep", "Sweep throughput: 1 vs 2 workers on the loopback process cluster"),
    ("rss", "Worker memory over a 50-epoch trial"),
    ("cache", "Feature-cache reload"),
    ("timeline", "Emotion timeline of a one-hour recording (`predict --timeline`)"),
    ("e2e", "End to end: the default sweep vs the same sweep in Optuna + PyTorch"),
    ("serve", "Prediction service under load: `sersweep serve` vs a Python/PyTorch HTTP server"),
    ("scale", "Scale: one coordinator, 32 simulated workers, 20 000 trials into SQLite vs Optuna's RDB storage"),
]


def number(x):
    if x is None:
        return "-"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2 if abs(x) >= 1 else 3
    return f"{x:.{digits}f}"


def ratio(r):
    """SerSweep against the peer of the same run, > 1 = SerSweep better; None without a peer."""
    peer, ours = (r.get("peer") or {}).get("median"), r["sersweep"]["median"]
    if not peer or not ours:
        return None
    return ours / peer if r["better"] == "higher" else peer / ours


def goal_value(r, kind):
    return ratio(r) if kind == "ratio_at_least" else r.get("goal_value", r["sersweep"]["median"])


def verdict(r, kind, threshold):
    value = goal_value(r, kind)
    if value is None:
        return "NOT RUN"
    met = value < threshold if kind == "below" else value <= threshold if kind == "at_most" else value >= threshold
    return "PASS" if met else "MISS"


def goal_text(kind, threshold, unit):
    return {"ratio_at_least": f">= {threshold:g}x peer", "at_most": f"<= {threshold:g} {unit}",
            "at_least": f">= {threshold:g} {unit}", "below": f"< {threshold:g} {unit}"}[kind]


def load(results):
    runs, records = {}, {}
    for name, _ in SECTIONS:
        path = os.path.join(results, f"{name}.jsonl")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        for line in lines:
            if line.get("type") == "run":
                runs[name] = line
            else:
                records[line["id"]] = line
    machine_path = os.path.join(results, "machine.json")
    machine = json.load(open(machine_path)) if os.path.exists(machine_path) else {}
    return machine, runs, records


def note(notes, name):
    path = os.path.join(notes, name)
    return open(path).read().strip() if os.path.exists(path) else None


def spread(stats):
    return f"{number(stats['min'])} - {number(stats['max'])}" if "min" in stats else "-"


def previous_parts(text):
    """The goal rows ("| goal text |" -> line) and sections ("## title" -> text) of an earlier report."""
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ") and line.rstrip().endswith("|")}
    sections = {}
    for chunk in text.split("\n## ")[1:]:
        title = chunk.split("\n", 1)[0]
        sections[title] = "## " + chunk.rstrip()
    return rows, sections


def render(results, notes, previous=""):
    """previous: the report being replaced; a measurement with no results here keeps its goal rows and section from it
    (deploy/bench --only NAME on a machine that never ran the others rewrites only NAME's parts)."""
    machine, runs, records = load(results)
    kept_rows, kept_sections = previous_parts(previous)
    goals = {g[0]: g for g in GOALS}
    out = ["# Benchmarks", "",
           "Generated by `deploy/bench` from the raw results in `.cache/bench/*.jsonl` (renderer: `bench/report/render.py`).",
           "Do not edit the tables by hand: the explanations come from `bench/report/notes/NAME.md`, the analysis of a missed goal",
           "from `bench/report/notes/NAME-miss.md`.", "",
           "```bash",
           "SERSWEEP_SHARED=/path/to/shared deploy/bench            # everything, ~1 hour on a quiet 2-core machine",
           "SERSWEEP_SHARED=/path/to/shared deploy/bench --only rss # one measurement again (the others' last results stay)",
           "deploy/bench --quick                                    # smoke check of every path, sizes too small to mean anything",
           "```", ""]
    earlier_machine = next((line for line in previous.splitlines() if line.startswith("**Machine**")), None)
    if earlier_machine and any(name not in runs and title in kept_sections for name, title in SECTIONS):
        # Sections kept from the report being replaced were measured in the run this line describes.
        out += [earlier_machine.replace("**Machine**:", "**Machine** (sections not rerun since):", 1), ""]
    if machine:
        only = f" (`--only {' '.join(machine['only'])}`)" if machine.get("only") else ""
        out += [f"**Machine**{only}: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB RAM, {machine['os']}; "
                f".NET SDK {machine.get('dotnet', '?')}; commit {machine['commit']}; `GLIBC_TUNABLES={machine['glibc_tunables']}`{', malloc: ' + machine['malloc'] if machine.get('malloc') else ''} (both sides). "
                f"Last `deploy/bench{' --quick' if machine['mode'] == 'quick' else ''}` started {machine['started']}, took {machine['seconds']} s, "
                f"load average {' / '.join(map(str, machine['load_before']))} before, {' / '.join(map(str, machine['load_after']))} after.", ""]
    if any(run.get("mode") == "quick" for run in runs.values()):
        out += ["> **Quick mode** results below (`--quick`): smoke-check sizes, not measurements. Rerun without `--quick` on a quiet machine.", ""]

    out += ["## Goals", "", "| goal | SerSweep | peer (same run) | ratio | result |", "|---|---:|---:|---:|---|"]
    for id, text, kind, threshold in GOALS:
        r = records.get(id)
        if r is None:
            failed = runs.get(measure_of(id), {}).get("error")
            if not failed and measure_of(id) not in runs and text in kept_rows:
                out.append(kept_rows[text])
                continue
            out.append(f"| {text} | - | - | - | {'FAILED' if failed else 'NOT RUN'} |")
            continue
        peer = r.get("peer") or {}
        shown = r.get("goal_value", r["sersweep"]["median"])
        out.append(f"| {text} | {number(shown)} {r['unit']} | {number(peer.get('median'))} | "
                   f"{number(ratio(r)) + 'x' if ratio(r) else '-'} | **{verdict(r, kind, threshold)}** |")
    out += ["", "ratio: SerSweep / peer for throughput, peer / SerSweep for times (> 1 = SerSweep better).", ""]

    for name, title in SECTIONS:
        if name not in runs and title in kept_sections:
            out += [kept_sections[title], ""]
            continue
        out += [f"## {title}", ""]
        if text := note(notes, f"{name}.md"):
            out += [text, ""]
        run = runs.get(name)
        if run is None:
            out += ["Not run yet: `deploy/bench --only " + name + "`.", ""]
            continue
        out += [f"Run {run['date']} ({run['mode']}), {run['seconds']} s, load average {run['load_before'][0]} before, "
                f"{run['load_after'][0]} after." + (" **This measurement failed** (see the deploy/bench output)." if run.get("error") else ""), ""]
        rows = [r for r in records.values() if r["measure"] == name]
        missed = False
        if rows:
            out += ["| measurement | SerSweep median | spread (min - max) | peer median (same run) | ratio | goal | result |",
                    "|---|---:|---:|---:|---:|---|---|"]
            for r in rows:
                goal = goals.get(r["id"])
                result = verdict(r, goal[2], goal[3]) if goal else ""
                missed |= result == "MISS"
                peer = r.get("peer")
                peer_text = f"{number(peer['median'])} ({peer['name']})" if peer and peer.get("median") is not None else "-"
                goal_cell = goal_text(goal[2], goal[3], r["unit"]) + (" (p95)" if "goal_value" in r else "") if goal else ""
                out.append(f"| {r['label']} | {number(r['sersweep']['median'])} {r['unit']} | {spread(r['sersweep'])} | {peer_text} | "
                           f"{number(ratio(r)) + 'x' if ratio(r) else '-'} | {goal_cell} | {'**' + result + '**' if result else ''} |")
            out += profile_table(rows)
            if agreement := next((r["extra"] for r in rows if "agreement" in r.get("extra", {})), None):
                out += ["", f"Same model on both sides: the peer predicts the same emotion as SerSweep for {agreement['agreement']} WAVs "
                        f"(largest probability difference {agreement['max_probability_difference']:.1e}), checked before the load."]
            out += ["", "Produced by:", "", "```bash"]
            out += sorted({line for r in rows for line in r["command"].splitlines()})
            out += ["```", ""]
        if missed:
            out += ["**Goal missed: why, and what would close it.**", "",
                    note(notes, f"{name}-miss.md") or f"(No profile written yet: add `bench/report/notes/{name}-miss.md`.)", ""]
    return "\n".join(out).rstrip() + "\n"


def profile_table(rows):
    """Where a trial-epoch's wall time goes, per side (a record's extra.profile_s_per_trial_epoch), when the section has one."""
    profiles = next((r["extra"]["profile_s_per_trial_epoch"] for r in rows if "profile_s_per_trial_epoch" in r.get("extra", {})), None)
    if not profiles:
        return []
    out = ["", "Where the wall time per trial-epoch goes (each part: its median over the repeats, so the parts add up to about the median wall per trial-epoch):", ""]
    for side, parts in profiles.items():
        total = sum(parts.values()) or 1.0
        out += [f"| {side}: part | s per trial-epoch | share |", "|---|---:|---:|"]
        out += [f"| {part} | {seconds:.4f} | {100 * seconds / total:.0f}% |" for part, seconds in parts.items()]
        out += [f"| total | {total:.4f} | |", ""]
    return out[:-1]


def measure_of(goal_id):
    return next(name for name, _ in SECTIONS if goal_id.startswith(name) or
                (name == "training" and goal_id.split("-")[0] in ("train", "infer", "predict")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--notes", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    previous = open(args.out).read() if os.path.exists(args.out) else ""
    text = render(args.results, args.notes, previous)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
