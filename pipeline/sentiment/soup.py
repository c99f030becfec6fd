"""Average several training runs of one recipe into one model ("model soup").

``python -m pipeline.sentiment.soup OUT RUN_DIR RUN_DIR ... [--config FILE]``

Runs trained with the same ``init_seed`` start from the same head and adapters
and differ only in data order and dropout; averaging their weights smooths the
run-to-run noise of a small, noisily labelled training set at no inference
cost (one model, not an ensemble). For LoRA runs the average is exact and stays
an adapter: the mean of ``k`` updates ``(alpha / r) · B_i A_i`` is one adapter
of rank ``k · r`` with the ``A_i`` stacked, the ``B_i`` side by side divided by
``k`` and ``alpha`` multiplied by ``k``. The heads are averaged weight by
weight. The soup's temperature is fitted again on the GerNTSA dev split, as
training does for a single run.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from pipeline.config import Config, load_config

log = logging.getLogger(__name__)

ADAPTER_WEIGHTS = "adapter_model.safetensors"
ADAPTER_CONFIG = "adapter_config.json"


def average_adapters(run_dirs: Sequence[Path], out_dir: Path) -> Path:
    """Write the exact average of LoRA runs (same target modules, rank and alpha) as one adapter.

    Args:
        run_dirs: adapter directories written by ``finnews train sentiment``.
        out_dir: where the averaged adapter goes (its meta is copied from the first run).

    Returns:
        ``out_dir``.

    Raises:
        ValueError: fewer than two runs, or runs whose adapters do not match.
    """
    import torch
    from safetensors.torch import load_file, save_file

    if len(run_dirs) < 2:
        raise ValueError("a soup needs at least two runs")
    configs = [json.loads((Path(d) / ADAPTER_CONFIG).read_text()) for d in run_dirs]
    keys = ("r", "lora_alpha", "target_modules", "modules_to_save")
    if any(any(c[k] != configs[0][k] for k in keys) for c in configs):
        raise ValueError(f"runs differ in {keys}: cannot average them")
    weights = [load_file(str(Path(d) / ADAPTER_WEIGHTS)) for d in run_dirs]
    if any(set(w) != set(weights[0]) for w in weights):
        raise ValueError("runs have different adapter weights")
    k = len(weights)
    out: dict[str, torch.Tensor] = {}
    for name in weights[0]:
        parts = [w[name].float() for w in weights]
        if ".lora_A." in name:
            out[name] = torch.cat(parts, dim=0).contiguous()  # (k·r, in)
        elif ".lora_B." in name:
            out[name] = (torch.cat(parts, dim=1) / k).contiguous()  # (out, k·r)
        else:  # head (modules_to_save): plain mean
            out[name] = torch.stack(parts).mean(0).contiguous()
    shutil.rmtree(out_dir, ignore_errors=True)
    shutil.copytree(run_dirs[0], out_dir)
    save_file(out, str(out_dir / ADAPTER_WEIGHTS))
    config = dict(configs[0], r=configs[0]["r"] * k, lora_alpha=configs[0]["lora_alpha"] * k)
    (out_dir / ADAPTER_CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    return out_dir


def make_soup(cfg: Config, run_dirs: Sequence[Path], out_dir: Path) -> dict:
    """Average ``run_dirs`` into ``out_dir``, refit the temperature on GerNTSA dev, record the recipe.

    Returns:
        The soup's GerNTSA dev report (with calibration errors before and after).
    """
    from pipeline.sentiment.data import LABEL2ID, LABELS
    from pipeline.sentiment.evaluate import items_of
    from pipeline.sentiment.metrics import classification_report, expected_calibration_error, fit_temperature
    from pipeline.sentiment.model import ClassifierMeta, SentimentClassifier
    from pipeline.sentiment.train import _softmax, gerntsa_splits

    average_adapters(run_dirs, out_dir)
    metas = [ClassifierMeta.read(Path(d)) for d in run_dirs]
    meta = metas[0]
    meta.temperature = 1.0
    meta.write(out_dir)
    dev = gerntsa_splits(cfg)["dev"]
    clf = SentimentClassifier.from_config(cfg, str(out_dir))
    logits = np.log(np.clip(clf.probabilities(items_of(dev)), 1e-12, None))
    gold = np.array([LABEL2ID[e.label] for e in dev])
    temperature = fit_temperature(logits, gold)
    report = classification_report([e.label for e in dev], [LABELS[i] for i in logits.argmax(1)])
    report["ece_before"] = round(expected_calibration_error(_softmax(logits), gold), 4)
    report["ece_after"] = round(expected_calibration_error(_softmax(logits / temperature), gold), 4)
    meta.temperature = round(temperature, 4)
    meta.extra = dict(meta.extra, dev=report, soup={
        "runs": [{"seed": m.extra.get("train", {}).get("seed"), "best_epoch": m.extra.get("best_epoch"),
                  "dev_macro_f1": m.extra.get("dev", {}).get("macro_f1"),
                  "train_minutes": m.extra.get("train_minutes")} for m in metas],
        "method": "mean of the runs' weights (LoRA updates concatenated, exact)",
    })
    meta.extra.pop("history", None)
    meta.write(out_dir)
    log.info("soup of %d runs written to %s: GerNTSA dev macro-F1 %.4f, T=%.3f",
             len(run_dirs), out_dir, report["macro_f1"], temperature)
    return report


def main(argv: Optional[list[str]] = None) -> int:
    """Command line: ``OUT RUN_DIR RUN_DIR ...``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="model directory to write")
    parser.add_argument("runs", type=Path, nargs="+", help="adapter directories of the runs")
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("transformers", "datasets"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    report = make_soup(load_config(args.config), args.runs, args.out)
    print(json.dumps({"out": str(args.out), "dev_macro_f1": report["macro_f1"], "dev_accuracy": report["accuracy"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
