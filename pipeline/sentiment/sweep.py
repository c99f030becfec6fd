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

import logging
import sys
from functools import partial
from pathlib import Path
from typing import Optional

from pipeline.sweep import RunResult, load_sweep, report, selected_runs, sweep_arguments
from pipeline.sweep import run_sweep as run_commands

__all__ = ["SWEEP_CONFIG", "load_sweep", "read_result", "run_sweep", "train_command"]

SWEEP_CONFIG = Path("configs/sentiment_sweep.yaml")


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
    import json

    meta = model_dir / "finnews_sentiment.json"
    if not meta.is_file():
        return RunResult(name, "failed", wall_s=wall_s)
    m = json.loads(meta.read_text(encoding="utf-8"))
    best = m["history"][m["best_epoch"] - 1]
    parts = [best["dev_macro_f1"]] + ([best["finance_dev_accuracy"]] if "finance_dev_accuracy" in best else [])
    return RunResult(name, "done", round(sum(parts) / len(parts), 4), m["best_epoch"], m["history"], wall_s)


def run_sweep(runs: dict[str, list[str]], runs_dir: Path, device: str, parallel: int, budget_s: float,
              start_margin_s: float = 180, extra: list[str] = ()) -> list[RunResult]:
    """Train the named settings side by side (see :func:`pipeline.sweep.run_sweep`), best score first."""
    return run_commands(runs, runs_dir, partial(train_command, runs_dir=runs_dir, device=device, extra=extra),
                        lambda name, wall_s: read_result(name, runs_dir / name / "model", wall_s),
                        parallel, budget_s, start_margin_s)


def main(argv: Optional[list[str]] = None) -> int:
    parser = sweep_arguments(__doc__.split("\n\n")[0], SWEEP_CONFIG)
    parser.add_argument("extra", nargs="*", help="further `finnews train sentiment` arguments for every run (after --)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    runs = selected_runs(parser, args)
    results = run_sweep(runs, args.out, args.device, args.parallel, args.budget, args.start_margin, args.extra)
    return report(runs, results, args.out)


if __name__ == "__main__":
    sys.exit(main())
