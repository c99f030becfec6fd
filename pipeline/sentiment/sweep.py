"""Run many ``finnews train sentiment`` settings side by side and rank them by the dev selection score.

One training run of the classifier costs 25-50 minutes on two CPU cores, but
about three minutes on a GPU, where a dozen runs fit at once (each is small
and leaves the GPU mostly idle). ``python -m pipeline.sentiment.sweep``
starts the named settings of ``configs/sentiment_sweep.yaml`` as separate
``finnews train sentiment`` processes, at most ``--parallel`` at a time, stops
starting new ones when too little of ``--budget`` is left, kills what still
runs at the deadline, and writes ``summary.json`` (each run's per-epoch dev
scores) into ``--out``. Runs are ranked by the score training itself keeps
an epoch on: the mean of GerNTSA dev macro-F1 and finance dev accuracy.
Nothing here looks at held-out data; score the chosen run with
``python -m pipeline.sentiment.evaluate --model DIR``.

Example (the round-4 sweep of models/sentiment/README.md, on one H200)::

    python -m pipeline.sentiment.sweep --device cuda --parallel 12 --budget 420 --out runs/
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
from typing import Optional

import yaml

log = logging.getLogger(__name__)

SWEEP_CONFIG = Path("configs/sentiment_sweep.yaml")


@dataclass
class RunResult:
    """What one run of the sweep left behind."""

    name: str
    status: str  # done, failed, killed
    score: Optional[float] = None
    best_epoch: Optional[int] = None
    history: Optional[list] = None
    wall_s: float = 0.0


def load_sweep(path: Path) -> dict[str, list[str]]:
    """The named ``--set`` lists of a sweep file (``runs: {name: [key=value, ...]}``), in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    runs = data.get("runs") or {}
    if not isinstance(runs, dict) or not all(isinstance(v, list) for v in runs.values()):
        raise ValueError(f"{path}: expected 'runs:' mapping names to lists of key=value settings")
    return {str(name): [str(s) for s in sets] for name, sets in runs.items()}


def train_command(name: str, sets: list[str], runs_dir: Path, device: str, extra: list[str] = ()) -> list[str]:
    """The ``finnews train sentiment`` command line of one run (model in ``runs_dir/name/model``)."""
    cmd = [sys.executable, "-m", "pipeline", "train", "sentiment", "--out", str(runs_dir / name / "model"),
           "--work-dir", str(runs_dir / name / "work"), "--fresh", "--set", f"device={device}"]
    for s in sets:
        cmd += ["--set", s]
    return cmd + list(extra)


def read_result(name: str, model_dir: Path, wall_s: float) -> RunResult:
    """A finished run's result from its ``finnews_sentiment.json`` (``failed`` when there is none).

    The score is the one training keeps an epoch on: mean of GerNTSA dev macro-F1 and
    finance dev accuracy at the kept epoch (GerNTSA alone when the finance set was not scored).
    """
    meta = model_dir / "finnews_sentiment.json"
    if not meta.is_file():
        return RunResult(name, "failed", wall_s=wall_s)
    m = json.loads(meta.read_text(encoding="utf-8"))
    best = m["history"][m["best_epoch"] - 1]
    parts = [best["dev_macro_f1"]] + ([best["finance_dev_accuracy"]] if "finance_dev_accuracy" in best else [])
    return RunResult(name, "done", round(sum(parts) / len(parts), 4), m["best_epoch"], m["history"], wall_s)


def run_sweep(runs: dict[str, list[str]], runs_dir: Path, device: str, parallel: int, budget_s: float,
              start_margin_s: float = 180, extra: list[str] = ()) -> list[RunResult]:
    """Start the runs in order, ``parallel`` at a time, until ``budget_s`` seconds have passed.

    No run starts later than ``start_margin_s`` before the deadline (a run needs about that
    long on a GPU); runs still going at the deadline are killed and reported as ``killed``.

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
                procs[name] = (subprocess.Popen(train_command(name, sets, runs_dir, device, extra), stdout=out,
                                                stderr=subprocess.STDOUT, env={**os.environ, "OMP_NUM_THREADS": "2"}),
                               time.time())
            log.info("%5.0f s: started %s %s", time.time() - start, name, sets)
        for name, (proc, t0) in list(procs.items()):
            if proc.poll() is not None:
                del procs[name]
                results.append(read_result(name, runs_dir / name / "model", round(time.time() - t0)))
                log.info("%5.0f s: %s %s, score %s", time.time() - start, name, results[-1].status, results[-1].score)
        if time.time() > deadline:
            for name, (proc, t0) in procs.items():
                proc.kill()
                results.append(RunResult(name, "killed", wall_s=round(time.time() - t0)))
            if queue:
                log.warning("deadline: not started %s", [n for n, _ in queue])
            break
        time.sleep(2)
    return sorted(results, key=lambda r: -1 if r.score is None else r.score, reverse=True)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the runs, their logs and summary.json")
    parser.add_argument("--sweep", type=Path, default=SWEEP_CONFIG, help="named settings (default %(default)s)")
    parser.add_argument("--only", help="comma-separated run names to start (default: all, in file order)")
    parser.add_argument("--device", default="auto", help="sentiment.train.device of every run (default %(default)s)")
    parser.add_argument("--parallel", type=int, default=1, help="runs at a time (default %(default)s)")
    parser.add_argument("--budget", type=float, default=3600, help="seconds until running runs are killed")
    parser.add_argument("--start-margin", type=float, default=180, help="no run starts later than this before the deadline")
    parser.add_argument("extra", nargs="*", help="further `finnews train sentiment` arguments for every run (after --)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    runs = load_sweep(args.sweep)
    if args.only:
        unknown = set(args.only.split(",")) - set(runs)
        if unknown:
            parser.error(f"unknown run names {sorted(unknown)}; known: {', '.join(runs)}")
        runs = {n: s for n, s in runs.items() if n in args.only.split(",")}
    results = run_sweep(runs, args.out, args.device, args.parallel, args.budget, args.start_margin, args.extra)
    summary = {"settings": runs, "results": [r.__dict__ for r in results]}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    for r in results:
        sys.stdout.write(f"{r.name}\t{r.status}\t{r.score}\tbest epoch {r.best_epoch}\t{r.wall_s:.0f} s\n")
    return 0 if any(r.status == "done" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
