"""Score the figure and claim rules alone: gold entities in, figures and claims out.

``finnews evaluate`` scores the whole pipeline, so a figure attached to a
company the entity recogniser missed counts against the figures. This
diagnostic gives ``finnews_figures`` the gold entity mentions (with their
canonical names) instead, and reports the same value-and-entity F1, so the
figure rules can be judged on their own::

    python -m pipeline.nlp.figures_eval corpus/fixtures/gold.jsonl

It also checks claim narrowing on the gold ``claims`` (sentences that say
opposite things about two companies): each such company should get a claim
whose text holds its own mention and not the other company's.

Scoring follows ``finnews evaluate``: a predicted figure matches a gold one when
the spans overlap, the kind and unit agree and ``value``/``value_to`` agree
within a relative tolerance of 1e-6; for value-and-entity, every figure yields
one item per entity it is about (or one item about nothing), and items match
one to one when the figure matches and the entity name is the same.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from pipeline.config import load_config
from pipeline.nlp import build_nlp

log = logging.getLogger(__name__)

KINDS = ("percent", "money")
ENTITY_COMPONENTS = {"finnews_companies", "finnews_entity_clusters", "ner", "entity_ruler"}


@dataclass
class FigureItem:
    """One figure, gold or predicted, in character offsets."""

    start: int
    end: int
    kind: str
    value: float
    unit: str
    value_to: Optional[float]
    about: list[str]


def _close(a: Optional[float], b: Optional[float], rel: float = 1e-6) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def value_right(gold: FigureItem, pred: FigureItem) -> bool:
    """Same kind, unit, value and range end (relative tolerance 1e-6)."""
    return (
        gold.kind == pred.kind
        and gold.unit.lower() == pred.unit.lower()
        and _close(gold.value, pred.value)
        and _close(gold.value_to, pred.value_to)
    )


def overlap(a: FigureItem, b: FigureItem) -> bool:
    return a.start < b.end and b.start < a.end


def annotate_with_gold_entities(nlp: Language, record: dict[str, Any]) -> Doc:
    """Run the pipeline on ``record["text"]`` with the gold entities in place of predicted ones.

    Args:
        nlp: the configured pipeline (entity components are skipped).
        record: one gold JSONL record.

    Returns:
        The ``Doc`` after every non-entity component.
    """
    doc = nlp.make_doc(record["text"])
    gold_set = False
    for name, component in nlp.pipeline:
        if name in ENTITY_COMPONENTS:
            continue
        if not gold_set and name in {"finnews_figures", "finnews_quotes", "finnews_claims"}:
            _set_gold_entities(doc, record.get("entities") or [])
            gold_set = True
        doc = component(doc)
    if not gold_set:
        _set_gold_entities(doc, record.get("entities") or [])
    return doc


def _set_gold_entities(doc: Doc, entities: Iterable[dict[str, Any]]) -> None:
    spans = []
    names = {}
    for ent in entities:
        span = doc.char_span(ent["start"], ent["end"], label=ent["label"], alignment_mode="expand")
        if span is None:
            continue
        spans.append(span)
        names[(span.start, span.end)] = ent.get("name") or ent["text"]
    doc.ents = filter_spans(spans)
    for span in doc.ents:
        span._.entity_name = names.get((span.start, span.end), span.text)
        span._.entity_id = span._.entity_name


def predicted_figures(doc: Doc) -> list[FigureItem]:
    """The ``finnews_figures`` spans of ``doc`` as :class:`FigureItem` (about = entity names)."""
    items = []
    for span in doc.spans.get("figures", []):
        info = span._.figure or {}
        about = list(dict.fromkeys(e._.entity_name or e.text for e in (span._.about or [])))
        items.append(FigureItem(span.start_char, span.end_char, span.label_, float(info.get("value", 0.0)),
                                str(info.get("unit", "")), info.get("value_to"), about))
    return items


def gold_figures(record: dict[str, Any]) -> list[FigureItem]:
    """The gold figures of one record as :class:`FigureItem`."""
    return [
        FigureItem(f["start"], f["end"], f["kind"], float(f["value"]), f["unit"], f.get("value_to"), list(f.get("about") or []))
        for f in record.get("figures") or []
    ]


def score(pairs: Iterable[tuple[list[FigureItem], list[FigureItem]]]) -> dict[str, dict[str, float]]:
    """Found F1, value accuracy and value-and-entity P/R/F1 per kind over ``(gold, predicted)`` pairs.

    Args:
        pairs: per document, the gold and the predicted figures.

    Returns:
        ``{kind: {"gold", "pred", "found_f1", "value_acc", "ve_p", "ve_r", "ve_f1"}}``.
    """
    counts = {k: dict(gold=0, pred=0, found=0, value=0, items_gold=0, items_pred=0, items_tp=0) for k in KINDS}
    for gold, pred in pairs:
        for kind in KINDS:
            g = [f for f in gold if f.kind == kind]
            p = [f for f in pred if f.kind == kind]
            c = counts[kind]
            c["gold"] += len(g)
            c["pred"] += len(p)
            used: set[int] = set()
            for gf in g:
                match = next((j for j, pf in enumerate(p) if j not in used and overlap(gf, pf)), None)
                if match is not None:
                    used.add(match)
                    c["found"] += 1
                    c["value"] += int(value_right(gf, p[match]))
            g_items = [(gf, name) for gf in g for name in (gf.about or [None])]
            p_items = [(pf, name) for pf in p for name in (pf.about or [None])]
            c["items_gold"] += len(g_items)
            c["items_pred"] += len(p_items)
            taken: set[int] = set()
            for gf, name in g_items:
                for n, (pf, pname) in enumerate(p_items):
                    if n not in taken and overlap(gf, pf) and value_right(gf, pf) and pname == name:
                        taken.add(n)
                        c["items_tp"] += 1
                        break
    result = {}
    for kind, c in counts.items():
        found_p = c["found"] / c["pred"] if c["pred"] else 0.0
        found_r = c["found"] / c["gold"] if c["gold"] else 0.0
        ve_p = c["items_tp"] / c["items_pred"] if c["items_pred"] else 0.0
        ve_r = c["items_tp"] / c["items_gold"] if c["items_gold"] else 0.0
        result[kind] = {
            "gold": c["gold"],
            "pred": c["pred"],
            "found_f1": 2 * found_p * found_r / (found_p + found_r) if found_p + found_r else 0.0,
            "value_acc": c["value"] / c["found"] if c["found"] else 0.0,
            "ve_p": ve_p,
            "ve_r": ve_r,
            "ve_f1": 2 * ve_p * ve_r / (ve_p + ve_r) if ve_p + ve_r else 0.0,
        }
    return result


def misses(gold: list[FigureItem], pred: list[FigureItem], text: str) -> list[str]:
    """Gold figures whose value or entities the prediction gets wrong, one line each."""
    lines = []
    for gf in gold:
        pf = next((p for p in pred if overlap(gf, p) and p.kind == gf.kind), None)
        if pf is None:
            lines.append(f"missed {text[gf.start:gf.end]!r}")
        elif not value_right(gf, pf) or sorted(gf.about) != sorted(pf.about):
            context = text[max(0, gf.start - 90):gf.end + 30].replace("\n", " ")
            lines.append(f"{text[gf.start:gf.end]!r}: gold {gf.value:g} {gf.about} | pred {pf.value:g} {pf.about}"
                         f"\n    …{context}…")
    return lines


def check_claims(doc: Doc, record: dict[str, Any]) -> tuple[int, int, int]:
    """``(gold contrast claims, found, narrowed)`` for one record.

    A gold claim is found when a predicted claim targets a mention of the same
    entity inside the gold sentence; it is narrowed when that claim's text does
    not contain the target of the other gold claim(s) of the sentence.
    """
    from pipeline.nlp.claims import iter_claims

    gold = record.get("claims") or []
    predicted = [(span, target) for span, target, _, _ in iter_claims(doc)]
    found = narrowed = 0
    for claim in gold:
        mine = [
            span for span, target in predicted
            if claim["start"] <= target.start_char and target.end_char <= claim["end"]
            and (target._.entity_name or target.text) == claim["entity"]
        ]
        if not mine:
            continue
        found += 1
        others = [o for o in gold if o["start"] == claim["start"] and o["entity"] != claim["entity"]]
        span = mine[0]
        if not any(span.start_char <= o["target_start"] and o["target_end"] <= span.end_char for o in others):
            narrowed += 1
    return len(gold), found, narrowed


def evaluate_file(path: Path, config: Optional[Path] = None, show_misses: bool = False) -> dict[str, dict[str, float]]:
    """Score ``finnews_figures`` with gold entities on a gold JSONL file.

    Args:
        path: gold JSONL (the fixtures format).
        config: a finnews YAML config; ``None`` for ``configs/finnews.yaml``.
        show_misses: print each wrong or missed gold figure with its context.

    Returns:
        The output of :func:`score`, plus ``"claims"``: counts from :func:`check_claims`.
    """
    nlp = build_nlp(load_config(config))
    if "finnews_figures" not in nlp.pipe_names:
        raise SystemExit("the configured pipeline has no finnews_figures component")
    pairs = []
    claim_counts = [0, 0, 0]
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                if record.get("figures") is None:
                    continue
                doc = annotate_with_gold_entities(nlp, record)
                pairs.append((gold_figures(record), predicted_figures(doc)))
                if "finnews_claims" in nlp.pipe_names:
                    claim_counts = [a + b for a, b in zip(claim_counts, check_claims(doc, record))]
                if show_misses:
                    for line in misses(*pairs[-1], record["text"]):
                        print(f"[{record.get('id', '?')}] {line}")
    log.info("scored %d documents from %s", len(pairs), path)
    scores = score(pairs)
    scores["claims"] = {"gold": claim_counts[0], "found": claim_counts[1], "narrowed": claim_counts[2]}
    return scores


def main(argv: Optional[list[str]] = None) -> int:
    """Command line: print the scores as a table."""
    parser = argparse.ArgumentParser(description="Score finnews_figures with gold entities (value-and-entity F1).")
    parser.add_argument("gold", type=Path, help="gold JSONL file, e.g. corpus/fixtures/gold.jsonl")
    parser.add_argument("--config", "-c", type=Path, default=None, help="finnews YAML config")
    parser.add_argument("--misses", action="store_true", help="list the figures whose value or entities are wrong")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    scores = evaluate_file(args.gold, args.config, args.misses)
    print(f"Figures with gold entities: {args.gold}")
    print(f"{'kind':8} {'gold':>5} {'pred':>5} {'found F1':>9} {'value acc':>10} {'v+e P':>6} {'v+e R':>6} {'v+e F1':>7}")
    claims = scores.pop("claims")
    for kind, s in scores.items():
        print(f"{kind:8} {s['gold']:>5} {s['pred']:>5} {s['found_f1']:>9.3f} {s['value_acc']:>10.3f} "
              f"{s['ve_p']:>6.3f} {s['ve_r']:>6.3f} {s['ve_f1']:>7.3f}")
    print(f"Contrast claims (gold claims): {claims['gold']}, found {claims['found']}, "
          f"narrowed to their own clause {claims['narrowed']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
