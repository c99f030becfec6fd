"""Article-level entity sentiment: accuracy, per-class and macro F1, confusion matrix.

Each gold ``sentiment`` item (an entity name and a label) is matched to one
predicted :class:`~pipeline.records.EntitySentiment` row of the same article
(``entity_sentiment.csv``): by ISIN when the gold entity is a listed company,
else by normalised name (:mod:`pipeline.evaluate.entity_match`). A gold item
without a matching row, or whose row has no label (no scored claims), counts
as predicted ``missing``: wrong for accuracy and a false negative of its
class, but no false positive of any class.

Macro-F1 averages the F1 of the classes that occur in gold or prediction.
Predicted rows for entities the gold does not label are not scored (the gold
labels only companies, the pipeline also rolls up persons and places).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from pipeline.evaluate.align import DocPair
from pipeline.evaluate.entity_match import entity_matches, gold_entity_key
from pipeline.evaluate.gold import SENTIMENT_LABELS
from pipeline.evaluate.scores import ErrorItem, Headline, Section, Table, f1_score, safe_div, sentence_context
from pipeline.records import EntitySentiment

PRED_COLUMNS = SENTIMENT_LABELS + ("missing",)


def confusion_scores(matrix: np.ndarray) -> dict[str, Any]:
    """Accuracy, per-class P/R/F1 and macro-F1 from a gold × (labels + missing) confusion matrix.

    Args:
        matrix: shape ``(3, 4)``: rows gold positive/neutral/negative, columns
            predicted positive/neutral/negative/missing.

    Returns:
        ``{"accuracy", "macro_f1", "per_class": {label: {precision, recall, f1, support}}}``.
    """
    m = np.asarray(matrix, dtype=float).reshape(len(SENTIMENT_LABELS), len(PRED_COLUMNS))
    total = m.sum()
    per_class = {}
    f1s = []
    for i, label in enumerate(SENTIMENT_LABELS):
        tp = m[i, i]
        predicted = m[:, i].sum()
        support = m[i, :].sum()
        p, r = safe_div(tp, predicted), safe_div(tp, support)
        per_class[label] = {"precision": p, "recall": r, "f1": f1_score(p, r), "support": int(support)}
        if predicted or support:
            f1s.append(f1_score(p, r))
    return {
        "accuracy": safe_div(float(np.trace(m[:, : len(SENTIMENT_LABELS)])), total),
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "per_class": per_class,
    }


def macro_f1_from_matrix(flat: np.ndarray) -> float:
    """Macro-F1 from a flattened confusion matrix (the bootstrap statistic)."""
    return confusion_scores(flat)["macro_f1"]


def match_row(pair: DocPair, name: str, rows: list[EntitySentiment], aliases: tuple[str, ...] = ()) -> Optional[EntitySentiment]:
    """Return the predicted row for the gold entity called ``name`` or one of its ``aliases``
    (``None`` when none matches)."""
    key = gold_entity_key(pair.gold, name)
    for row in rows:
        if entity_matches(key, row.entity, row.isin, row.listed):
            return row
    if key.isin is None:
        for alias in aliases:
            for row in rows:
                if entity_matches(gold_entity_key(pair.gold, alias), row.entity, row.isin, row.listed):
                    return row
    return None


def score_sentiment(pairs: list[DocPair], context_chars: int = 240) -> Section:
    """Score article-level entity sentiment over the documents whose gold labels it.

    Args:
        pairs: aligned gold/prediction documents; ``entity_sentiment`` holds the predicted rows.
        context_chars: longest error context.

    Returns:
        The ``sentiment`` section; headline: macro-F1.
    """
    pairs = [p for p in pairs if p.gold.sentiment is not None]
    per_doc = np.zeros((len(pairs), len(SENTIMENT_LABELS) * len(PRED_COLUMNS)))
    errors: list[ErrorItem] = []
    no_rows = 0
    for n, pair in enumerate(pairs):
        rows = pair.entity_sentiment
        if rows is None:
            no_rows += 1
            rows = []
        matrix = np.zeros((len(SENTIMENT_LABELS), len(PRED_COLUMNS)))
        for item in pair.gold.sentiment or []:
            row = match_row(pair, item.entity, rows, item.aliases)
            predicted = row.sentiment_label if row is not None and row.sentiment_label in SENTIMENT_LABELS else "missing"
            matrix[SENTIMENT_LABELS.index(item.label), PRED_COLUMNS.index(predicted)] += 1
            if predicted != item.label:
                mention = next((e for e in pair.gold.entities or [] if e.name == item.entity), None)
                start, end = (mention.start, mention.end) if mention else (0, 0)
                opposite = {item.label, predicted} == {"positive", "negative"}
                pred_text = "-" if row is None else f"{row.entity}: {row.sentiment_label or 'no label'} (score {row.sentiment_score})"
                errors.append(ErrorItem(
                    "sentiment", pair.gold.id,
                    f"{item.label} predicted as {predicted}" if row is not None else f"{item.label}: entity not found",
                    f"{item.entity}: {item.label}", pred_text,
                    sentence_context(pair.gold.text, start, end, context_chars), 2.0 if opposite else 1.0))
        per_doc[n] = matrix.reshape(-1)
    total = per_doc.sum(axis=0).reshape(len(SENTIMENT_LABELS), len(PRED_COLUMNS)) if len(pairs) else \
        np.zeros((len(SENTIMENT_LABELS), len(PRED_COLUMNS)))
    scores = confusion_scores(total)
    metrics: dict[str, Any] = {
        "documents": len(pairs),
        "items": int(total.sum()),
        "coverage": safe_div(float(total[:, : len(SENTIMENT_LABELS)].sum()), float(total.sum())),
        **scores,
        "confusion": {"rows_gold": list(SENTIMENT_LABELS), "columns_predicted": list(PRED_COLUMNS),
                      "matrix": total.astype(int).tolist()},
    }
    summary = Table("Sentiment (article level, per gold company): per class", ["class", "support", "P", "R", "F1"])
    for label in SENTIMENT_LABELS:
        c = scores["per_class"][label]
        summary.rows.append([label, c["support"], c["precision"], c["recall"], c["f1"]])
    summary.rows.append(["accuracy", int(total.sum()), None, None, scores["accuracy"]])
    summary.rows.append(["macro", None, None, None, scores["macro_f1"]])
    confusion = Table("Sentiment confusion matrix (rows gold, columns predicted)", ["gold \\ pred", *PRED_COLUMNS])
    for i, label in enumerate(SENTIMENT_LABELS):
        confusion.rows.append([label, *[int(x) for x in total[i]]])
    notes = [f"coverage (gold items with a predicted label): {metrics['coverage']:.3f}"]
    if no_rows:
        notes.append(f"{no_rows} documents had no entity sentiment rows (sentiment not computed for the predictions)")
    headline = Headline("sentiment.macro_f1", "Sentiment macro-F1", per_doc, macro_f1_from_matrix)
    return Section("sentiment", "Entity sentiment", metrics, [summary, confusion], [headline], errors, notes)
