"""Figure scores: detection, value accuracy, and value-and-entity P/R/F1, for percent and money apart.

Three levels, each per kind (``percent``, ``money``) and over both (``all``):

1. **Found** (span level): gold and predicted figures of the same kind are
   paired one-to-one by the Hungarian algorithm on character overlap; a pair
   needs at least one shared character. TP = pairs, FP/FN = the unpaired.
2. **Accuracy over found figures**: the share of span-paired figures whose
   *value* is right (``value`` and ``value_to`` equal within the relative
   tolerance ``evaluate.value_rel_tolerance``, 1e-6, and the same ``unit``, so
   ``%`` vs ``pp`` and ``EUR`` vs ``USD`` are value errors), whose
   ``direction`` is right, whose ``qualifier`` is right (lower-cased, spaces
   collapsed) and whose ``is_target`` flag is right.
3. **Value and entity** (the headline): every figure yields one item per
   entity it is about (gold ``about`` names; predicted ``entity_ids``), or one
   item without entity when it is about none. A predicted item matches a gold
   item when the spans overlap, the kind is equal, the value is right (as in 2)
   and the entity is the same (:mod:`pipeline.evaluate.entity_match`: by ISIN
   for listed companies, else by normalised name). Items are matched
   one-to-one; P/R/F1 come from the matched, predicted and gold item counts.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from pipeline.evaluate.align import DocPair
from pipeline.evaluate.entity_match import GoldEntityKey, entity_matches, gold_entity_key
from pipeline.evaluate.gold import GoldFigure
from pipeline.evaluate.scores import (Counts, ErrorItem, Headline, Section, Table, pair_one_to_one, prf_from_array,
                                      safe_div, sentence_context)
from pipeline.records import Entity, Figure

KINDS = ("percent", "money")
VIEWS = KINDS + ("all",)
ATTRIBUTES = ("value", "direction", "qualifier", "is_target")


def values_equal(a: Optional[float], b: Optional[float], rel_tolerance: float) -> bool:
    """Compare two optional figure values with a relative tolerance (``None`` equals only ``None``)."""
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=rel_tolerance, abs_tol=1e-12)


def normalise_qualifier(value: str) -> str:
    """Lower-case a hedge word and collapse spaces: ``"Etwas  mehr als"`` → ``"etwas mehr als"``."""
    return " ".join((value or "").lower().split())


def value_right(gold: GoldFigure, pred: Figure, rel_tolerance: float) -> bool:
    """Whether a predicted figure has the gold value, range end and unit."""
    return (
        values_equal(gold.value, pred.value, rel_tolerance)
        and values_equal(gold.value_to, pred.value_to, rel_tolerance)
        and gold.unit.strip().lower() == (pred.unit or "").strip().lower()
    )


def pair_figures(gold: list[GoldFigure], pred: list[Figure]) -> list[tuple[int, int]]:
    """Pair gold and predicted figures one-to-one by character overlap (Hungarian).

    Args:
        gold: gold figures (one kind).
        pred: predicted figures (same kind).

    Returns:
        ``(gold index, predicted index)`` pairs that share at least one character.
    """
    return pair_one_to_one(gold, pred, lambda g, p: max(0, min(g.end, p.end) - max(g.start, p.start)))


def _describe_gold(f: GoldFigure) -> str:
    about = ", ".join(f.about) or "no entity"
    extra = f" {f.qualifier}" if f.qualifier else ""
    rng = f"–{f.value_to:g}" if f.value_to is not None else ""
    target = " target" if f.is_target else ""
    return f"'{f.text}' = {f.value:g}{rng} {f.unit} {f.direction}{extra}{target} about [{about}]"


def _describe_pred(f: Figure, entities: list[Optional[Entity]]) -> str:
    about = ", ".join(e.name if e else "?" for e in entities) or "no entity"
    extra = f" {f.qualifier}" if f.qualifier else ""
    rng = f"–{f.value_to:g}" if f.value_to is not None else ""
    target = " target" if f.is_target else ""
    return f"'{f.text}' = {f.value:g}{rng} {f.unit} {f.direction}{extra}{target} about [{about}]"


class _DocFigures:
    """Counts of one document: found/attributes/value-and-entity per kind."""

    def __init__(self) -> None:
        self.found = {k: Counts() for k in KINDS}
        self.attr_right = {k: {a: 0 for a in ATTRIBUTES} for k in KINDS}
        self.items = {k: Counts() for k in KINDS}
        self.errors: list[ErrorItem] = []


def _score_document(pair: DocPair, rel_tolerance: float, context_chars: int) -> _DocFigures:
    out = _DocFigures()
    gold_doc, pred_doc = pair.gold, pair.pred
    text = gold_doc.text
    for kind in KINDS:
        gold = [f for f in gold_doc.figures or [] if f.kind == kind]
        pred = [f for f in pred_doc.figures if f.kind == kind]
        pairs = pair_figures(gold, pred)
        out.found[kind] += Counts(len(pairs), len(pred) - len(pairs), len(gold) - len(pairs))
        pred_entities = [[pair.entity_of(eid) for eid in f.entity_ids] for f in pred]
        for i, j in pairs:
            g, p = gold[i], pred[j]
            checks = {
                "value": value_right(g, p, rel_tolerance),
                "direction": g.direction == p.direction,
                "qualifier": normalise_qualifier(g.qualifier) == normalise_qualifier(p.qualifier),
                "is_target": g.is_target == p.is_target,
            }
            for name, ok in checks.items():
                out.attr_right[kind][name] += int(ok)
            wrong = [name for name, ok in checks.items() if not ok]
            if wrong:
                cost = 2.0 * (not checks["value"]) + (not checks["direction"]) + 0.5 * (not checks["qualifier"]) + (not checks["is_target"])
                out.errors.append(ErrorItem(
                    "figures", gold_doc.id, f"{kind}: wrong {', '.join(wrong)}", _describe_gold(g),
                    _describe_pred(p, pred_entities[j]),
                    sentence_context(text, min(g.start, p.start), max(g.end, p.end), context_chars), cost))
        paired_g = {i for i, _ in pairs}
        paired_p = {j for _, j in pairs}
        for i, g in enumerate(gold):
            if i not in paired_g:
                out.errors.append(ErrorItem("figures", gold_doc.id, f"missed {kind}", _describe_gold(g), "-",
                                            sentence_context(text, g.start, g.end, context_chars), 2.0))
        for j, p in enumerate(pred):
            if j not in paired_p:
                out.errors.append(ErrorItem("figures", gold_doc.id, f"spurious {kind}", "-",
                                            _describe_pred(p, pred_entities[j]),
                                            sentence_context(text, p.start, p.end, context_chars), 1.0))
        # Value-and-entity items.
        g_items: list[tuple[GoldFigure, Optional[GoldEntityKey]]] = []
        for g in gold:
            if g.about:
                g_items += [(g, gold_entity_key(gold_doc, name)) for name in g.about]
            else:
                g_items.append((g, None))
        p_items: list[tuple[Figure, Optional[Entity], bool]] = []
        for j, p in enumerate(pred):
            if p.entity_ids:
                p_items += [(p, pair.entity_of(eid), True) for eid in p.entity_ids]
            else:
                p_items.append((p, None, False))
        used: set[int] = set()
        matched = 0
        for g, key in g_items:
            for n, (p, ent, has_entity) in enumerate(p_items):
                if n in used or not (p.start < g.end and p.end > g.start) or not value_right(g, p, rel_tolerance):
                    continue
                if key is None:
                    ok = not has_entity
                else:
                    ok = ent is not None and entity_matches(key, ent.name, ent.isin, ent.listed)
                if ok:
                    used.add(n)
                    matched += 1
                    break
        out.items[kind] += Counts(matched, len(p_items) - matched, len(g_items) - matched)
        # A figure found with the right value but not tied to the right entities: say so.
        for i, j in pairs:
            g, p = gold[i], pred[j]
            if not value_right(g, p, rel_tolerance):
                continue
            keys = [gold_entity_key(gold_doc, name) for name in g.about]
            ents = pred_entities[j]
            right = all(any(e is not None and entity_matches(k, e.name, e.isin, e.listed) for e in ents) for k in keys) and all(
                e is not None and any(entity_matches(k, e.name, e.isin, e.listed) for k in keys) for e in ents
            )
            if not right:
                out.errors.append(ErrorItem(
                    "figures", gold_doc.id, f"{kind}: wrong entity", _describe_gold(g), _describe_pred(p, pred_entities[j]),
                    sentence_context(text, min(g.start, p.start), max(g.end, p.end), context_chars), 1.5))
    return out


def score_figures(pairs: list[DocPair], rel_tolerance: float = 1e-6, context_chars: int = 240) -> Section:
    """Score percentages and money amounts over the documents whose gold annotates figures.

    Args:
        pairs: aligned gold/prediction documents.
        rel_tolerance: relative tolerance for value comparison.
        context_chars: longest error context.

    Returns:
        The ``figures`` section (see the module docstring), with headlines
        value-and-entity F1 for percent and for money.
    """
    pairs = [p for p in pairs if p.gold.figures is not None]
    docs = [_score_document(p, rel_tolerance, context_chars) for p in pairs]
    found = {v: Counts() for v in VIEWS}
    items = {v: Counts() for v in VIEWS}
    attr = {v: {a: 0 for a in ATTRIBUTES} for v in VIEWS}
    errors: list[ErrorItem] = []
    for d in docs:
        for k in KINDS:
            for v in (k, "all"):
                found[v] += d.found[k]
                items[v] += d.items[k]
                for a in ATTRIBUTES:
                    attr[v][a] += d.attr_right[k][a]
        errors += d.errors

    metrics: dict[str, Any] = {"documents": len(pairs)}
    table = Table(
        "Figures: found (span overlap), accuracy over found, value-and-entity P/R/F1",
        ["kind", "gold", "pred", "found F1", "value acc", "direction acc", "qualifier acc", "target acc",
         "v+e P", "v+e R", "v+e F1"],
    )
    for v in VIEWS:
        n_found = found[v].tp
        accuracy = {a: safe_div(attr[v][a], n_found) for a in ATTRIBUTES}
        metrics[v] = {
            "gold": found[v].tp + found[v].fn,
            "predicted": found[v].tp + found[v].fp,
            "found": found[v].to_dict(),
            "accuracy_over_found": {**accuracy, "n": n_found},
            "value_and_entity": items[v].to_dict(),
        }
        table.rows.append([
            v, int(found[v].tp + found[v].fn), int(found[v].tp + found[v].fp), found[v].f1,
            accuracy["value"] if n_found else None, accuracy["direction"] if n_found else None,
            accuracy["qualifier"] if n_found else None, accuracy["is_target"] if n_found else None,
            items[v].precision, items[v].recall, items[v].f1,
        ])
    headlines = [
        Headline(f"figures.{k}.f1", f"Figure value+entity F1 ({k})",
                 np.array([d.items[k].as_array() for d in docs], dtype=float).reshape(-1, 3), prf_from_array)
        for k in KINDS
    ]
    return Section("figures", "Figures (percentages and money)", metrics, [table], headlines, errors)
