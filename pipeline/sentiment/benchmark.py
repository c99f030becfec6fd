"""Claims per second of the configured classifier on realistic claim texts.

``python -m pipeline.sentiment.benchmark [--n 512] [--threads 2] [--quantize] [--batch-size 32]``

Claims are single sentences around a target: every GerNTSA test target cut to
its sentence, plus every company mention of the DeepSeek article, repeated up to
``--n``. The model is loaded and warmed up first; the timed part is
:meth:`SentimentClassifier.predict` over all claims (tokenising, target marking,
length-sorted batching and the forward passes), as the pipeline runs it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Optional

from pipeline.config import Config, load_config
from pipeline.sentiment.data import sentence_bounds
from pipeline.sentiment.targets import TargetItem

log = logging.getLogger(__name__)


def claim_texts(cfg: Config, n: int) -> list[TargetItem]:
    """``n`` sentence-level claims with targets from GerNTSA test and the DeepSeek article."""
    from pipeline.sentiment.evaluate import DEEPSEEK_ARTICLE, deepseek_mentions
    from pipeline.sentiment.train import gerntsa_splits

    items: list[TargetItem] = []
    if (cfg.data_dir / "sentiment").exists():
        for e in gerntsa_splits(cfg)["test"]:
            s, t = sentence_bounds(e.text, e.target_start, e.target_end)
            items.append(TargetItem(e.text[s:t], e.target_start - s, e.target_end - s))
    article = cfg.data_dir.parent / DEEPSEEK_ARTICLE
    if article.is_file():
        items += [TargetItem(e.text, e.target_start, e.target_end)
                  for e in deepseek_mentions(article.read_text(encoding="utf-8"))]
    if not items:
        raise RuntimeError(f"no claim texts: neither GerNTSA nor the DeepSeek article under {cfg.data_dir.parent}")
    return [items[i % len(items)] for i in range(n)]


def benchmark(cfg: Config, n: int = 512, model_ref: Optional[str] = None, repeat: int = 3) -> dict:
    """Time ``predict`` over ``n`` claims, ``repeat`` times.

    The machine is shared, so one run can be slowed by other work; the median
    and the best of the runs are both reported (``claims_per_second`` is the median).

    Returns:
        ``{"claims", "seconds", "claims_per_second", "best_claims_per_second", "threads",
        "batch_size", "quantize", "mean_tokens"}``.
    """
    import torch

    from pipeline.sentiment.model import SentimentClassifier

    clf = SentimentClassifier.from_config(cfg, model_ref)
    items = claim_texts(cfg, n)
    clf.predict(items[:64])  # warm-up: allocator, kernels
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        clf.predict(items)
        runs.append(time.perf_counter() - started)
    seconds = sorted(runs)[len(runs) // 2]
    tokens = clf.encode(items)["input_ids"]
    return {
        "claims": n, "seconds": round(seconds, 2), "claims_per_second": round(n / seconds, 1),
        "best_claims_per_second": round(n / min(runs), 1),
        "threads": torch.get_num_threads(), "batch_size": cfg.sentiment.batch_size,
        "quantize": cfg.sentiment.quantize, "mean_tokens": round(sum(map(len, tokens)) / len(tokens), 1),
    }


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=512, help="claims to score")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median and best are reported)")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--quantize", action="store_true", help="dynamic int8 quantisation of Linear layers")
    parser.add_argument("--model", help="classifier path or hub id (default: sentiment.model)")
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    cfg = load_config(args.config)
    update = {"threads": args.threads, "quantize": args.quantize or cfg.sentiment.quantize}
    if args.batch_size:
        update["batch_size"] = args.batch_size
    cfg = cfg.model_copy(update={"sentiment": cfg.sentiment.model_copy(update=update)})
    print(json.dumps(benchmark(cfg, args.n, args.model, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
