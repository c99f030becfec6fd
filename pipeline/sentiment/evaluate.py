"""Held-out evaluation of the sentiment classifier and its baselines.

``python -m pipeline.sentiment.evaluate [--model PATH] [--baselines] [--json OUT]``
scores, in the same way for the model and every baseline:

* ``gerntsa_test``: our stratified GerNTSA test split (by sentence; never
  trained on, nor used to pick settings);
* ``finance_mentions`` / ``finance_entities``: the gold entity sentiment of
  ``corpus/fixtures/*.jsonl`` when present, per mention (the sentence around it)
  and per entity (mention probabilities averaged, thresholds from ``aggregate``);
* ``deepseek``: article-level labels of the 16 companies named in
  ``../shared/articles/2025-01-27-deepseek-techwerte.txt`` (15 hit by the
  sell-off should come out negative, DeepSeek positive).

``--dev`` scores the development sets instead, the ones settings are chosen
on: the GerNTSA dev split and the hand-written finance dev articles
(``corpus/sentiment/finance_dev.jsonl``, per mention and per entity).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from pipeline.config import Config, load_config
from pipeline.sentiment.data import LABELS, Example, load_finance_fixtures, sentence_bounds
from pipeline.sentiment.metrics import classification_report
from pipeline.sentiment.targets import TargetItem

log = logging.getLogger(__name__)

ProbFn = Callable[[Sequence[TargetItem]], np.ndarray]

DEEPSEEK_ARTICLE = Path("articles/2025-01-27-deepseek-techwerte.txt")
# Entity -> (name pattern, expected article-level label). "Siemens" must not match "Siemens Energy".
DEEPSEEK_ENTITIES = {
    "DeepSeek": (r"DeepSeek", "positive"),
    "Nvidia": (r"Nvidia", "negative"),
    "Broadcom": (r"Broadcom", "negative"),
    "AMD": (r"AMD", "negative"),
    "Microsoft": (r"Microsoft", "negative"),
    "Tokyo Electron": (r"Tokyo Electron", "negative"),
    "Advantest": (r"Advantest", "negative"),
    "Softbank": (r"Softbank", "negative"),
    "Apple": (r"Apple", "negative"),
    "Aixtron": (r"Aixtron", "negative"),
    "Siltronic": (r"Siltronic", "negative"),
    "Suss Microtec": (r"Suss Microtec", "negative"),
    "Kontron": (r"Kontron", "negative"),
    "Infineon": (r"Infineon", "negative"),
    "Siemens": (r"Siemens(?! Energy)", "negative"),
    "Siemens Energy": (r"Siemens Energy", "negative"),
}


def items_of(examples: Sequence[Example]) -> list[TargetItem]:
    """Examples as model inputs."""
    return [TargetItem(e.text, e.target_start, e.target_end) for e in examples]


def entity_label(probs: np.ndarray, cfg: Config) -> tuple[float, str]:
    """Roll mention probabilities up to one label, as ``aggregate`` does for claims.

    The score is the mean of ``p_positive - p_negative`` weighted by each
    mention's confidence (the probability of its label), compared with the
    ``aggregate`` thresholds.
    """
    weights = probs.max(axis=1)
    polarity = probs[:, LABELS.index("positive")] - probs[:, LABELS.index("negative")]
    score = float((weights * polarity).sum() / weights.sum())
    if score >= cfg.aggregate.positive_threshold:
        return score, "positive"
    if score <= cfg.aggregate.negative_threshold:
        return score, "negative"
    return score, "neutral"


def score_examples(prob_fn: ProbFn, examples: Sequence[Example]) -> dict:
    """Mention-level report (see :func:`~pipeline.sentiment.metrics.classification_report`)."""
    probs = prob_fn(items_of(examples))
    return classification_report([e.label for e in examples], [LABELS[i] for i in probs.argmax(1)])


def score_entities(prob_fn: ProbFn, examples: Sequence[Example], cfg: Config) -> dict:
    """Entity-level report: mentions grouped by ``Example.group`` (article + entity)."""
    return entity_report(prob_fn(items_of(examples)), examples, cfg)


def entity_report(probs: np.ndarray, examples: Sequence[Example], cfg: Config) -> dict:
    """Entity-level report from mention probabilities (rows in ``examples`` order, :data:`LABELS` columns).

    Mentions sharing ``Example.group`` (article + entity) are rolled up by
    :func:`entity_label`; each group's gold label is its first mention's.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        groups[e.group].append(i)
    gold, pred = [], []
    for idx in groups.values():
        gold.append(examples[idx[0]].label)
        pred.append(entity_label(probs[idx], cfg)[1])
    return classification_report(gold, pred)


def deepseek_mentions(text: str) -> list[Example]:
    """One example per company mention in the DeepSeek article (label = expected article-level label)."""
    out = []
    for entity, (pattern, expected) in DEEPSEEK_ENTITIES.items():
        for m in re.finditer(rf"\b{pattern}", text):
            s, e = sentence_bounds(text, m.start(), m.end())
            out.append(Example(text[s:e], m.start() - s, m.end() - s, expected, "deepseek", group=entity))
    return out


def deepseek_check(prob_fn: ProbFn, cfg: Config) -> Optional[dict]:
    """Article-level label per company of the DeepSeek article, and how many match expectations."""
    path = cfg.data_dir.parent / DEEPSEEK_ARTICLE
    if not path.is_file():
        return None
    examples = deepseek_mentions(path.read_text(encoding="utf-8"))
    probs = prob_fn(items_of(examples))
    rows = {}
    for entity, (_, expected) in DEEPSEEK_ENTITIES.items():
        idx = [i for i, e in enumerate(examples) if e.group == entity]
        score, label = entity_label(probs[idx], cfg)
        rows[entity] = {"mentions": len(idx), "score": round(score, 3), "label": label, "expected": expected}
    return {"correct": sum(r["label"] == r["expected"] for r in rows.values()), "of": len(rows), "entities": rows}


def evaluate_all(prob_fn: ProbFn, cfg: Config) -> dict:
    """Every held-out measure for one predictor (sets that are absent are skipped)."""
    from pipeline.sentiment.train import gerntsa_splits

    out: dict = {}
    if (cfg.data_dir / "sentiment").exists():
        out["gerntsa_test"] = score_examples(prob_fn, gerntsa_splits(cfg)["test"])
    fixtures = load_finance_fixtures(cfg.resolve("corpus/fixtures"))
    if fixtures:
        out["finance_mentions"] = score_examples(prob_fn, fixtures)
        out["finance_entities"] = score_entities(prob_fn, fixtures, cfg)
    check = deepseek_check(prob_fn, cfg)
    if check:
        out["deepseek"] = check
    return out


def evaluate_dev(prob_fn: ProbFn, cfg: Config) -> dict:
    """The development measures used to choose settings: GerNTSA dev and the finance dev articles."""
    from pipeline.sentiment.data import load_finance_dev
    from pipeline.sentiment.train import FINANCE_DEV, gerntsa_splits

    out: dict = {}
    if (cfg.data_dir / "sentiment").exists():
        out["gerntsa_dev"] = score_examples(prob_fn, gerntsa_splits(cfg)["dev"])
    finance = load_finance_dev(cfg.resolve(FINANCE_DEV))
    if finance:
        out["finance_dev_mentions"] = score_examples(prob_fn, finance)
        out["finance_dev_entities"] = score_entities(prob_fn, finance, cfg)
    return out


def predictors(cfg: Config, model_ref: Optional[str], baselines: bool, model: bool = True) -> dict[str, ProbFn]:
    """The model and/or the three baselines (fitted on the GerNTSA train split)."""
    from pipeline.sentiment.model import SentimentClassifier

    out: dict[str, ProbFn] = {}
    if model:
        out["model"] = SentimentClassifier.from_config(cfg, model_ref).probabilities
    if baselines:
        from pipeline.sentiment.base import resolve_base
        from pipeline.sentiment.baselines import FrozenEncoderBaseline, LexiconBaseline, MajorityBaseline
        from pipeline.sentiment.data import load_bpw
        from pipeline.sentiment.train import gerntsa_splits

        train = gerntsa_splits(cfg)["train"]
        for baseline in (MajorityBaseline(), LexiconBaseline(load_bpw(cfg.data_dir)),
                         FrozenEncoderBaseline(resolve_base(cfg))):
            out[baseline.name] = baseline.fit(train).probabilities
    return out


def markdown(results: dict[str, dict]) -> str:
    """A compact Markdown table per held-out set, one row per predictor."""
    lines = []
    sets = sorted({s for r in results.values() for s in r if s != "deepseek"})
    for name in sets:
        lines += [f"**{name}**", "", "| predictor | n | macro-F1 | accuracy | F1 neg | F1 neu | F1 pos | confusion (rows gold neg/neu/pos) |",
                  "|---|---|---|---|---|---|---|---|"]
        for pred, res in results.items():
            r = res.get(name)
            if r:
                f1 = [r["per_class"][l]["f1"] for l in LABELS]
                lines.append(f"| {pred} | {r['n']} | {r['macro_f1']:.3f} | {r['accuracy']:.3f} | "
                             f"{f1[0]:.3f} | {f1[1]:.3f} | {f1[2]:.3f} | {r['confusion']} |")
        lines.append("")
    for pred, res in results.items():
        if "deepseek" in res:
            d = res["deepseek"]
            ents = ", ".join(f"{k} {v['label']} ({v['score']:+.2f})" for k, v in d["entities"].items())
            lines.append(f"DeepSeek article, {pred}: {d['correct']}/{d['of']} as expected: {ents}")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    """Command line: print the Markdown tables, optionally write the full JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="classifier path or hub id (default: sentiment.model)")
    parser.add_argument("--baselines", action="store_true", help="also fit and score the three baselines")
    parser.add_argument("--no-model", action="store_true", help="score only the baselines")
    parser.add_argument("--quantize", action="store_true", help="dynamic int8 quantisation of the model's Linear layers")
    parser.add_argument("--dev", action="store_true",
                        help="score the development sets (GerNTSA dev, finance dev articles) instead of the held-out ones")
    parser.add_argument("--json", type=Path, help="write all results here")
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("transformers", "datasets"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    cfg = load_config(args.config)
    if args.quantize:
        cfg = cfg.model_copy(update={"sentiment": cfg.sentiment.model_copy(update={"quantize": True})})
    measure = evaluate_dev if args.dev else evaluate_all
    results = {name: measure(fn, cfg) for name, fn in predictors(cfg, args.model, args.baselines or args.no_model, not args.no_model).items()}
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
