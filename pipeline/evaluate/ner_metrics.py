"""Named-entity scores under the four MUC/SemEval-2013 schemes, via ``nervaluate``.

Gold mentions (``GoldDocument.entities``) are compared with predicted mentions
(``Document.mentions``) by character offsets and label:

* **strict**: exact boundaries and the same label;
* **exact**: exact boundaries, any label;
* **partial**: overlapping boundaries count half (``(COR + 0.5 PAR) / ACT``), any label;
* **type** (nervaluate's ``ent_type``): overlapping boundaries and the same label.

Precision is ``COR / ACT`` and recall ``COR / POS`` with ``ACT`` the predicted
and ``POS`` the gold mentions, so the strict scheme equals spaCy's
``ents_p``/``ents_r``/``ents_f`` on the same data. Micro averages come from the
summed counts, macro averages are the unweighted means over labels that occur
in gold or prediction.

Labels: for the gold JSONL format the label set is ORG, PER, LOC, MISC,
INDEX. For imported corpora it is the set of gold labels, and a predicted
label outside it is renamed through ``evaluate.unknown_label_map`` (default
``INDEX`` → ``MISC``: GermEval tags stock indices ``OTH``, as in 13 of the 14
index mentions of its dev and test files: ``DAX``, ``TecDax``, ``Nasdaq``); a rename to
``""`` or ``O`` drops such predictions, and any other unknown label is kept and
counts as a false positive (as spaCy counts it).

Names inside compound words (``VW`` in ``VW-Chef``, mentions with
``in_compound``) are scored only against gold that can tag them
(``GoldDocument.annotates_compound_names``): not against GermEval or CoNLL
files, whose compounds are single tokens. Likewise common nouns for public bodies
(``Bundesregierung``, mentions with ``institution_noun``) are scored only against gold
that tags them (``GoldDocument.annotates_institution_nouns``): GermEval and CoNLL
leave them ``O``.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Optional

import numpy as np
from nervaluate import Evaluator

from pipeline.evaluate.align import DocPair
from pipeline.evaluate.gold import ENTITY_LABELS
from pipeline.evaluate.scores import ErrorItem, Headline, Section, Table, f1_score, safe_div, sentence_context

log = logging.getLogger(__name__)

SCHEMES = ("strict", "exact", "partial", "type")
_NERVALUATE_NAME = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


def f1_from_cor_act_pos(totals: np.ndarray) -> float:
    """F1 from summed ``[correct, actual, possible]`` (the strict-scheme bootstrap statistic)."""
    cor, act, pos = float(totals[0]), float(totals[1]), float(totals[2])
    return f1_score(safe_div(cor, act), safe_div(cor, pos))


def _spans(entities: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    # nervaluate takes inclusive ends.
    return [{"label": lab, "start": s, "end": e - 1} for s, e, lab in sorted(entities) if e > s]


def gold_mentions(pair: DocPair) -> list[tuple[int, int, str]]:
    """Return the gold ``(start, end, label)`` mentions of a pair."""
    return [(e.start, e.end, e.label) for e in pair.gold.entities or []]


def predicted_mentions(pair: DocPair, labels: set[str], unknown_label_map: dict[str, str]) -> list[tuple[int, int, str]]:
    """Return the predicted ``(start, end, label)`` mentions, labels mapped as the module docstring says."""
    out = []
    for m in pair.pred.mentions:
        if m.in_compound and not pair.gold.annotates_compound_names:
            continue
        if m.institution_noun and not pair.gold.annotates_institution_nouns:
            continue
        label = m.label
        if label not in labels:
            label = unknown_label_map.get(label, label)
        if label in {"", "O"}:
            continue
        out.append((m.start, m.end, label))
    return out


def _result_dict(result: Any) -> dict[str, Any]:
    return {
        "correct": result.correct, "incorrect": result.incorrect, "partial": result.partial,
        "missed": result.missed, "spurious": result.spurious, "actual": result.actual,
        "possible": result.possible, "precision": float(result.precision), "recall": float(result.recall),
        "f1": float(result.f1),
    }


def score_entities(
    pairs: list[DocPair], unknown_label_map: Optional[dict[str, str]] = None, context_chars: int = 240
) -> Section:
    """Score entity mentions over the documents whose gold annotates entities.

    Args:
        pairs: aligned gold/prediction documents.
        unknown_label_map: renames for predicted labels the gold set does not use.
        context_chars: longest error context.

    Returns:
        The ``entities`` section: per-label and micro/macro P/R/F1 under every
        scheme, headline strict micro F1, and the most frequent errors.
    """
    pairs = [p for p in pairs if p.gold.entities is not None]
    unknown_label_map = {"INDEX": "MISC"} if unknown_label_map is None else unknown_label_map
    if any(p.gold.linked for p in pairs):
        labels = set(ENTITY_LABELS)
    else:
        labels = {lab for p in pairs for _, _, lab in gold_mentions(p)}
    gold = [gold_mentions(p) for p in pairs]
    pred = [predicted_mentions(p, labels, unknown_label_map) for p in pairs]
    tags = sorted(labels | {lab for doc in pred for _, _, lab in doc})
    true_in = [_spans(d) for d in gold]
    pred_in = [_spans(d) for d in pred]
    if pairs:
        results = Evaluator(true_in, pred_in, tags=tags, loader="dict").evaluate()
    else:
        results = {"overall": {}, "entities": {}, "overall_indices": {}}

    metrics: dict[str, Any] = {"documents": len(pairs), "labels": tags, "micro": {}, "macro": {}, "per_label": {}}
    for scheme in SCHEMES:
        name = _NERVALUATE_NAME[scheme]
        overall = results["overall"].get(name)
        if overall is not None:
            metrics["micro"][scheme] = _result_dict(overall)
    present = sorted(results["entities"])
    for label in present:
        metrics["per_label"][label] = {
            scheme: _result_dict(results["entities"][label][_NERVALUATE_NAME[scheme]])
            for scheme in SCHEMES
        }
    for scheme in SCHEMES:
        rows = [metrics["per_label"][lab][scheme] for lab in present]
        metrics["macro"][scheme] = {
            key: float(np.mean([r[key] for r in rows])) if rows else 0.0 for key in ("precision", "recall", "f1")
        }

    table = Table(
        "Entities: P/R/F1 per label (strict), F1 under the other schemes",
        ["label", "gold", "pred", "strict P", "strict R", "strict F1", "exact F1", "partial F1", "type F1"],
    )

    def row(name: str, per_scheme: dict[str, dict[str, Any]], counts: bool = True) -> list[Any]:
        s = per_scheme["strict"]
        return [
            name, s["possible"] if counts else None, s["actual"] if counts else None,
            s["precision"], s["recall"], s["f1"],
            per_scheme["exact"]["f1"], per_scheme["partial"]["f1"], per_scheme["type"]["f1"],
        ]

    for label in present:
        table.rows.append(row(label, metrics["per_label"][label]))
    if metrics["micro"]:
        table.rows.append(row("micro", metrics["micro"]))
        table.rows.append(row("macro", metrics["macro"], counts=False))

    headlines = []
    if pairs:
        per_doc = np.zeros((len(pairs), 3))
        idx = results["overall_indices"]["strict"]
        for doc, _ in idx.correct_indices:
            per_doc[doc] += (1, 1, 1)
        for doc, _ in idx.incorrect_indices:
            per_doc[doc] += (0, 1, 1)
        for doc, _ in idx.partial_indices:
            per_doc[doc] += (0, 1, 1)
        for doc, _ in idx.spurious_indices:
            per_doc[doc] += (0, 1, 0)
        for doc, _ in idx.missed_indices:
            per_doc[doc] += (0, 0, 1)
        headlines.append(Headline("entities.strict.micro_f1", "NER micro F1 (strict)", per_doc, f1_from_cor_act_pos))

    errors = _entity_errors(pairs, gold, pred, context_chars)
    notes = []
    dropped = sum(1 for p in pairs for m in p.pred.mentions if unknown_label_map.get(m.label) in {"", "O"} and m.label not in labels)
    if dropped:
        notes.append(f"{dropped} predicted mentions with labels the gold set does not use were dropped")
    return Section("entities", "Entities (NER)", metrics, [table], headlines, errors, notes)


def _entity_errors(
    pairs: list[DocPair], gold: list[list[tuple[int, int, str]]], pred: list[list[tuple[int, int, str]]], context_chars: int
) -> list[ErrorItem]:
    """Classify every strict-scheme error and merge repeats: ``Nvidias`` missed 7 times is one item of cost 7."""
    found: dict[tuple[str, str, str], ErrorItem] = {}
    counts: Counter = Counter()

    def add(key: tuple[str, str, str], doc_id: str, text: str, start: int, end: int) -> None:
        counts[key] += 1
        if key not in found:
            found[key] = ErrorItem("entities", doc_id, key[0], key[1], key[2],
                                   sentence_context(text, start, end, context_chars), 0.0)

    for pair, g_doc, p_doc in zip(pairs, gold, pred):
        text = pair.gold.text
        exact = set(g_doc) & set(p_doc)
        for gs, ge, gl in g_doc:
            if (gs, ge, gl) in exact:
                continue
            overlap = [(ps, pe, pl) for ps, pe, pl in p_doc if ps < ge and pe > gs and (ps, pe, pl) not in exact]
            if not overlap:
                add((f"missed {gl}", f"{text[gs:ge]} ({gl})", "-"), pair.gold.id, text, gs, ge)
                continue
            ps, pe, pl = overlap[0]
            if (ps, pe) == (gs, ge):
                what = f"label {gl} predicted as {pl}"
            else:
                what = f"boundary of {gl}" + ("" if pl == gl else f" (predicted {pl})")
            add((what, f"{text[gs:ge]} ({gl})", f"{text[ps:pe]} ({pl})"), pair.gold.id, text, min(gs, ps), max(ge, pe))
        for ps, pe, pl in p_doc:
            if (ps, pe, pl) in exact:
                continue
            if not any(gs < pe and ge > ps for gs, ge, _ in g_doc):
                add((f"spurious {pl}", "-", f"{text[ps:pe]} ({pl})"), pair.gold.id, text, ps, pe)
    items = []
    for key, item in found.items():
        item.cost = float(counts[key])
        if counts[key] > 1:
            item.what = f"{item.what} ({counts[key]}×)"
        items.append(item)
    return items
