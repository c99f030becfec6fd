"""Linking scores over gold company mentions: ISIN accuracy and NIL (``unlisted``) precision/recall.

Counted per gold ``ORG`` mention that has an ``isin`` (a real ISIN or
``"unlisted"``); organisations with ``isin: null`` (public bodies such as the
EZB) are not part of linking. For each such mention the predicted mention that
overlaps it most is looked up, and its entity's link:

* **ISIN accuracy** = listed gold mentions whose predicted entity carries the
  gold ISIN / all listed gold mentions (a mention the NER missed counts as
  wrong); also reported over the listed mentions that were found.
* **NIL recall** = unlisted gold mentions predicted as not listed
  (``Entity.listed is False``) / all unlisted gold mentions.
* **NIL precision** = those / all found linking mentions predicted as not
  listed (i.e. plus listed gold mentions wrongly predicted as not listed).
* **Unlisted given a listed ISIN**: unlisted gold mentions whose predicted
  entity carries an ISIN (the costly error: a private company reported as a
  security), as a count.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Optional

import numpy as np

from pipeline.evaluate.align import DocPair
from pipeline.evaluate.gold import UNLISTED, GoldEntity
from pipeline.evaluate.scores import ErrorItem, Headline, Section, Table, ratio_from_array, safe_div, f1_score, sentence_context
from pipeline.records import Entity, EntityMention


def overlapping_mention(gold: GoldEntity, mentions: list[EntityMention]) -> Optional[EntityMention]:
    """Return the predicted mention sharing the most characters with ``gold`` (``None`` if none overlaps)."""
    best, best_overlap = None, 0
    for m in mentions:
        overlap = min(gold.end, m.end) - max(gold.start, m.start)
        if overlap > best_overlap:
            best, best_overlap = m, overlap
    return best


def _link_text(entity: Optional[Entity]) -> str:
    if entity is None:
        return "mention without entity"
    if entity.isin:
        return f"{entity.name} → {entity.isin}" + (f" ({entity.ticker})" if entity.ticker else "")
    if entity.listed is False:
        return f"{entity.name} → unlisted"
    return f"{entity.name} → not linked"


def score_linking(pairs: list[DocPair], context_chars: int = 240) -> Section:
    """Score entity linking over the documents whose gold carries ISIN annotations.

    Args:
        pairs: aligned gold/prediction documents.
        context_chars: longest error context.

    Returns:
        The ``linking`` section (see the module docstring); headline: ISIN accuracy.
    """
    pairs = [p for p in pairs if "linking" in p.gold.layers]
    keys = ("listed", "listed_found", "isin_right", "unlisted", "nil_tp", "nil_fp", "unlisted_given_isin")
    per_doc = np.zeros((len(pairs), len(keys)))
    found_errors: dict[tuple[str, str, str], ErrorItem] = {}
    repeats: Counter = Counter()

    def error(doc_id: str, what: str, gold: str, pred: str, text: str, start: int, end: int, cost: float) -> None:
        key = (what, gold, pred)
        repeats[key] += 1
        if key not in found_errors:
            found_errors[key] = ErrorItem("linking", doc_id, what, gold, pred, sentence_context(text, start, end, context_chars), cost)

    for n, pair in enumerate(pairs):
        row = dict.fromkeys(keys, 0)
        text = pair.gold.text
        for g in pair.gold.entities or []:
            if g.label != "ORG" or g.isin is None:
                continue
            m = overlapping_mention(g, pair.pred.mentions)
            entity = pair.entity_of(m.entity_id) if m else None
            gold_text = f"{g.text} → {g.isin} ({g.name})"
            if g.isin != UNLISTED:
                row["listed"] += 1
                if m is None:
                    error(pair.gold.id, "listed company not found", gold_text, "-", text, g.start, g.end, 1.0)
                    continue
                row["listed_found"] += 1
                if entity is not None and entity.isin == g.isin:
                    row["isin_right"] += 1
                elif entity is not None and entity.listed is False:
                    row["nil_fp"] += 1
                    error(pair.gold.id, "listed company predicted unlisted", gold_text, _link_text(entity), text, g.start, g.end, 1.5)
                else:
                    error(pair.gold.id, "wrong or no ISIN", gold_text, _link_text(entity), text, g.start, g.end, 2.0)
            else:
                row["unlisted"] += 1
                if m is None:
                    error(pair.gold.id, "unlisted organisation not found", gold_text, "-", text, g.start, g.end, 0.5)
                    continue
                if entity is not None and entity.listed is False:
                    row["nil_tp"] += 1
                elif entity is not None and (entity.isin or entity.listed):
                    row["unlisted_given_isin"] += 1
                    error(pair.gold.id, "unlisted organisation given a listed ISIN", gold_text, _link_text(entity),
                          text, g.start, g.end, 2.0)
                else:
                    error(pair.gold.id, "unlisted organisation not marked unlisted", gold_text, _link_text(entity),
                          text, g.start, g.end, 1.0)
        per_doc[n] = [row[k] for k in keys]

    t = dict(zip(keys, per_doc.sum(axis=0).tolist())) if len(pairs) else dict.fromkeys(keys, 0.0)
    nil_p = safe_div(t["nil_tp"], t["nil_tp"] + t["nil_fp"])
    nil_r = safe_div(t["nil_tp"], t["unlisted"])
    metrics: dict[str, Any] = {
        "documents": len(pairs),
        "listed_mentions": int(t["listed"]),
        "listed_found": int(t["listed_found"]),
        "isin_accuracy": safe_div(t["isin_right"], t["listed"]),
        "isin_accuracy_found": safe_div(t["isin_right"], t["listed_found"]),
        "unlisted_mentions": int(t["unlisted"]),
        "nil": {"tp": int(t["nil_tp"]), "fp": int(t["nil_fp"]), "fn": int(t["unlisted"] - t["nil_tp"]),
                "precision": nil_p, "recall": nil_r, "f1": f1_score(nil_p, nil_r)},
        "unlisted_given_listed_isin": int(t["unlisted_given_isin"]),
    }
    table = Table(
        "Linking: listed companies (ISIN) and unlisted organisations (NIL), per gold mention",
        ["measure", "value", "n"],
        [
            ["ISIN accuracy (all listed mentions)", metrics["isin_accuracy"], int(t["listed"])],
            ["ISIN accuracy (found listed mentions)", metrics["isin_accuracy_found"], int(t["listed_found"])],
            ["NIL precision", nil_p, int(t["nil_tp"] + t["nil_fp"])],
            ["NIL recall", nil_r, int(t["unlisted"])],
            ["unlisted organisations given a listed ISIN", int(t["unlisted_given_isin"]), int(t["unlisted"])],
        ],
    )
    headline = Headline("linking.isin_accuracy", "ISIN accuracy (listed mentions)", per_doc[:, [2, 0]].reshape(-1, 2),
                        ratio_from_array)
    errors = []
    for key, item in found_errors.items():
        item.cost *= repeats[key]
        if repeats[key] > 1:
            item.what = f"{item.what} ({repeats[key]}×)"
        errors.append(item)
    return Section("linking", "Linking (ISIN / unlisted)", metrics, [table], [headline], errors)
