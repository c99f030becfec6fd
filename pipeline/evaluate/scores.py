"""Score containers shared by the metric modules: counts, tables, error items, sections, one-to-one pairing.

Every metric module turns aligned (gold, prediction) document pairs into one
:class:`Section`: JSON-ready ``metrics``, printable :class:`Table`\\ s, the
:class:`Headline` numbers that get bootstrap intervals, and :class:`ErrorItem`\\ s
for ``--errors``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

G = TypeVar("G")
P = TypeVar("P")


def safe_div(num: float, den: float) -> float:
    """Return ``num / den``, or 0.0 when ``den`` is 0 (the convention of spaCy and nervaluate)."""
    return num / den if den else 0.0


def f1_score(precision: float, recall: float) -> float:
    """Return the harmonic mean of precision and recall (0.0 when both are 0)."""
    return safe_div(2 * precision * recall, precision + recall)


@dataclass
class Counts:
    """True positives, false positives and false negatives, with P/R/F1."""

    tp: float = 0
    fp: float = 0
    fn: float = 0

    @property
    def precision(self) -> float:
        return safe_div(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return safe_div(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return f1_score(self.precision, self.recall)

    def __iadd__(self, other: "Counts") -> "Counts":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    def as_array(self) -> list[float]:
        return [self.tp, self.fp, self.fn]

    def to_dict(self) -> dict[str, float]:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
        }


def pair_one_to_one(gold: Sequence[G], pred: Sequence[P], score: Callable[[G, P], float]) -> list[tuple[int, int]]:
    """Pair gold and predicted items one-to-one, maximising the summed score (Hungarian algorithm).

    Figures are paired by shared characters, quotations by quote-token F1; a
    pair whose score is 0 (nothing shared) is no pair.

    Args:
        gold: the gold items of one document.
        pred: the predicted items of the same document.
        score: how well a gold and a predicted item go together (0 or more).

    Returns:
        ``(gold index, predicted index)`` pairs with a positive score, in gold order.
    """
    if not gold or not pred:
        return []
    scores = np.zeros((len(gold), len(pred)))
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            scores[i, j] = score(g, p)
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if scores[i, j] > 0]


def prf_from_array(totals: np.ndarray) -> float:
    """F1 from a summed ``[tp, fp, fn]`` vector (the statistic of bootstrap headlines)."""
    tp, fp, fn = float(totals[0]), float(totals[1]), float(totals[2])
    return f1_score(safe_div(tp, tp + fp), safe_div(tp, tp + fn))


def ratio_from_array(totals: np.ndarray) -> float:
    """``correct / total`` from a summed ``[correct, total]`` vector."""
    return safe_div(float(totals[0]), float(totals[1]))


@dataclass
class Table:
    """A printable table: a title, column names and rows of cells (numbers are formatted by the report)."""

    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class ErrorItem:
    """One miss worth looking at: what went wrong, gold vs prediction, and the sentence."""

    task: str
    doc_id: str
    what: str
    gold: str
    predicted: str
    context: str
    cost: float  # larger is worse; the report lists the highest first

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task, "doc_id": self.doc_id, "what": self.what, "gold": self.gold,
            "predicted": self.predicted, "context": self.context, "cost": self.cost,
        }


@dataclass
class Headline:
    """A headline number with the per-document counts its bootstrap interval is drawn from.

    ``per_doc`` has one row per gold document and additive columns;
    ``statistic`` turns the column sums into the number (so the number over all
    documents is ``statistic(per_doc.sum(axis=0))``).
    """

    key: str
    label: str
    per_doc: np.ndarray
    statistic: Callable[[np.ndarray], float]
    ci: Optional[tuple[float, float]] = None

    @property
    def value(self) -> float:
        return float(self.statistic(self.per_doc.sum(axis=0)))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "value": self.value}
        if self.ci is not None:
            out["ci_low"], out["ci_high"] = self.ci
        return out


@dataclass
class Section:
    """The scores of one task (NER, quotes, ...) on one gold set."""

    name: str
    title: str
    metrics: dict[str, Any] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    headlines: list[Headline] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_SENT_END = re.compile(r"(?<=[.!?…“”\"])\s+(?=[„\"»A-ZÄÖÜ0-9])|\n+")


def sentence_context(text: str, start: int, end: int, max_chars: int = 240) -> str:
    """Return the sentence(s) around ``text[start:end]`` with the span marked ``[[...]]``.

    ``Die Aktie fiel um 3 %. SAP stieg.`` with the span ``3 %`` gives
    ``Die Aktie fiel um [[3 %]].``. Long contexts are cut to about ``max_chars``
    around the span.

    Args:
        text: the article text.
        start: span start (character offset).
        end: span end (exclusive).
        max_chars: the longest context returned.

    Returns:
        One line of context (newlines replaced by spaces).
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = 0
    for m in _SENT_END.finditer(text, 0, start):
        left = m.end()
    m = _SENT_END.search(text, end)
    right = m.start() if m else len(text)
    span_len = end - start
    room = max(40, max_chars - span_len)
    left = max(left, start - room // 2)
    right = min(right, end + room // 2)
    inner = text[start:end]
    if len(inner) > max_chars:  # keep both ends of a long span: that is where boundaries go wrong
        inner = inner[: max_chars // 2 - 2] + " … " + inner[-(max_chars // 2 - 2):]
    out = text[left:start] + "[[" + inner + "]]" + text[end:right]
    out = out.replace("\n", " ")
    return ("…" if left > 0 and text[left - 1] not in "\n .!?" else "") + out.strip()


def shorten(value: str, max_chars: int = 120) -> str:
    """Cut a long string for a one-line display."""
    value = value.replace("\n", " ")
    return value if len(value) <= max_chars else value[: max_chars - 1] + "…"
