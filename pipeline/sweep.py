"""Run many training settings side by side and rank them by a dev score (one GPU, many small runs).

A fine-tuning run of a small model leaves a GPU mostly idle, so a dozen fit on
one at once. A sweep file names settings (``runs: {name: [key=value, ...]}``);
:func:`run_sweep` starts one training process per name, at most ``parallel`` at
a time, stops starting new ones when too little of the budget is left, kills
what still runs at the deadline, and ranks the runs by the score each one's
result reader returns. The trainers themselves keep their best epoch on dev
data, so nothing here looks at held-out data.

Users: :mod:`pipeline.sentiment.sweep` (``finnews train sentiment`` runs) and
:mod:`pipeline.ner.sweep` (``python -m pipeline.ner.finetune`` runs).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import yaml

log = logging.getLogger(__name__)

# name, settings -> the command line of that run
CommandFactory = Callable[[str, list[str]], list[str]]


@dataclass
class RunResult:
    """What one run of a sweep left behind."""

    name: str
    status: str  # done, failed, killed
    score: Optional[float] = None
    best_epoch: Optional[int] = None
    history: Optional[list] = None
    wall_s: float = 0.0


# name, seconds it ran -> its result
ResultReader = Callable[[str, float], RunResult]


def load_sweep(path: Path) -> dict[str, list[str]]:
    """The named ``--set`` lists of a sweep file (``runs: {name: [key=value, ...]}``), in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    runs = data.get("runs") or {}
    if not isinstance(runs, dict) or not all(isinstance(v, list) for v in runs.values()):
        raise ValueError(f"{path}: expected 'runs:' mapping names to lists of key=value settings")
    return {str(name): [str(s) for s in sets] for name, sets in runs.items()}


def run_sweep(runs: dict[str, list[str]], runs_dir: Path, command: CommandFactory, read_result: ResultReader,
              parallel: int, budget_s: float, start_margin_s: float = 180) -> list[RunResult]:
    """Start the runs in order, ``parallel`` at a time, until ``budget_s`` seconds have passed.

    Each run's output goes to ``runs_dir/NAME.log``. No run starts later than
    ``start_margin_s`` before the deadline (about what a run needs); runs still
    going at the deadline are killed and reported as ``killed``, with whatever
score their result reader finds (a trainer that saves its best epoch as it
goes leaves one).

    Returns:
        One :class:`RunResult` per started run, best score first.
    """
    runs_dir.mkdir(parents=True, exist_ok=True)
    start = time.time()
    deadline = start + budget_s
    queue = list(runs.items())
    procs: dict[str, tuple[subprocess.Popen, float]] = {}
    results: list[RunResult] = []
    while queue or procs:
        while queue and len(procs) < parallel and time.time() < deadline - start_margin_s:
            name, sets = queue.pop(0)
            with open(runs_dir / f"{name}.log", "w") as out:
                procs[name] = (subprocess.Popen(command(name, sets), stdout=out, stderr=subprocess.STDOUT,
                                                env={**os.environ, "OMP_NUM_THREADS": "2"}), time.time())
            log.info("%5.0f s: started %s %s", time.time() - start, name, sets)
        for name, (proc, t0) in list(procs.items()):
            if proc.poll() is not None:
                del procs[name]
                results.append(read_result(name, round(time.time() - t0)))
                log.info("%5.0f s: %s %s, score %s", time.time() - start, name, results[-1].status, results[-1].score)
        if time.time() > deadline:
            for name, (proc, t0) in procs.items():
                proc.kill()
                proc.wait()
                # What a killed run saved so far (its best epoch yet), if its trainer saves as it goes.
                partial = read_result(name, round(time.time() - t0))
                partial.status = "killed"
                results.append(partial)
            if queue:
                log.warning("deadline: not started %s", [n for n, _ in queue])
            break
        time.sleep(2)
    return sorted(results, key=lambda r: -1 if r.score is None else r.score, reverse=True)


def sweep_arguments(description: str, default_sweep: Path) -> argparse.ArgumentParser:
    """The options every sweep command shares (``--out``, ``--sweep``, ``--only``, ``--device``, ...)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, required=True, help="folder for the runs, their logs and summary.json")
    parser.add_argument("--sweep", type=Path, default=default_sweep, help="named settings (default %(default)s)")
    parser.add_argument("--only", help="comma-separated run names to start (default: all, in file order)")
    parser.add_argument("--device", default="auto", help="training device of every run: cpu, cuda, cuda:N, auto (default %(default)s)")
    parser.add_argument("--parallel", type=int, default=1, help="runs at a time (default %(default)s)")
    parser.add_argument("--budget", type=float, default=3600, help="seconds until running runs are killed")
    parser.add_argument("--start-margin", type=float, default=180, help="no run starts later than this before the deadline")
    return parser


def selected_runs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, list[str]]:
    """The runs of ``args.sweep``, narrowed to ``args.only`` (unknown names are a usage error)."""
    runs = load_sweep(args.sweep)
    if args.only:
        names = args.only.split(",")
        unknown = set(names) - set(runs)
        if unknown:
            parser.error(f"unknown run names {sorted(unknown)}; known: {', '.join(runs)}")
        runs = {n: s for n, s in runs.items() if n in names}
    return runs


def report(runs: dict[str, list[str]], results: Sequence[RunResult], out: Path) -> int:
    """Write ``summary.json`` into ``out``, one line per run to stdout; exit status 0 when any run finished."""
    summary = {"settings": runs, "results": [r.__dict__ for r in results]}
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    for r in results:
        sys.stdout.write(f"{r.name}\t{r.status}\t{r.score}\tbest epoch {r.best_epoch}\t{r.wall_s:.0f} s\n")
    return 0 if any(r.status == "done" for r in results) else 1
