"""Fine-tune the accurate profile's e5 tagger with many settings side by side and rank them by dev F1.

On two CPU cores one fine-tuning run takes about an hour; on a GPU a dozen
runs fit at once. The runs need no spaCy and no corpora, only the sentences
written by ``finnews train ner --accurate --export-sentences DIR`` and the e5
base (``finnews models build-base``):

    python -m pipeline.ner.sweep --data DIR --base .cache/e5-base --device cuda \\
        --parallel 12 --budget 420 --out runs/

Each named setting of ``configs/ner_sweep.yaml`` becomes one
``python -m pipeline.ner.finetune`` process writing ``runs/NAME/weights``;
runs are ranked by the strict span F1 of the epoch each kept on the dev split.
Nothing here looks at held-out data: turn the chosen run into a pipeline and
score it with ``finnews train ner --accurate --from-weights runs/NAME/weights --output DIR``.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

from pipeline.sweep import RunResult, report, run_sweep, selected_runs, sweep_arguments

SWEEP_CONFIG = Path("configs/ner_sweep.yaml")


def finetune_command(name: str, sets: list[str], runs_dir: Path, data: Path, base: Path, device: str,
                     extra: list[str] = ()) -> list[str]:
    """The ``python -m pipeline.ner.finetune`` command line of one run (weights in ``runs_dir/name/weights``)."""
    cmd = [sys.executable, "-m", "pipeline.ner.finetune", "--train", str(data / "train.jsonl.gz"),
           "--dev", str(data / "dev.jsonl.gz"), "--base", str(base), "--out", str(runs_dir / name / "weights"),
           "--set", f"device={device}"]
    for s in sets:
        cmd += ["--set", s]
    return cmd + list(extra)


def read_result(name: str, weights_dir: Path, wall_s: float) -> RunResult:
    """A finished run's result from its ``e5_ner.json``: dev F1 (all labels) of the kept epoch; ``failed`` without one.

    A run writes ``e5_ner.json`` after each epoch, so a run killed at the sweep's
    deadline is read too (its best epoch so far).
    """
    info_path = weights_dir / "e5_ner.json"
    if not info_path.is_file():
        return RunResult(name, "failed", wall_s=wall_s)
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a run killed while writing it
        return RunResult(name, "failed", wall_s=wall_s)
    history = info.get("history", [])
    best = info.get("best_epoch", 0)
    if not history or not 1 <= best <= len(history):
        return RunResult(name, "failed", wall_s=wall_s)
    return RunResult(name, "done", history[best - 1]["dev_f1"], best, history, wall_s)


def main(argv: Optional[list[str]] = None) -> int:
    parser = sweep_arguments(__doc__.split("\n\n")[0], SWEEP_CONFIG)
    parser.add_argument("--data", type=Path, required=True, help="folder of train.jsonl.gz and dev.jsonl.gz (--export-sentences)")
    parser.add_argument("--base", type=Path, default=Path(".cache/e5-base"), help="the e5 base (default %(default)s)")
    parser.add_argument("extra", nargs="*", help="further `python -m pipeline.ner.finetune` arguments for every run (after --)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    runs = selected_runs(parser, args)
    for needed in (args.data / "train.jsonl.gz", args.data / "dev.jsonl.gz", args.base / "config.json"):
        if not needed.is_file():
            parser.error(f"{needed} is missing")
    results = run_sweep(
        runs, args.out,
        lambda name, sets: finetune_command(name, sets, args.out, args.data, args.base, args.device, args.extra),
        lambda name, wall_s: read_result(name, args.out / name / "weights", wall_s),
        args.parallel, args.budget, args.start_margin)
    return report(runs, results, args.out)


if __name__ == "__main__":
    sys.exit(main())
