"""Render scorecards: a plain-text table report for the terminal and a JSON document.

The text report prints, per gold set, a header, the headline numbers with
their bootstrap intervals, every section's tables, notes and (with
``--errors N``) the N worst misses of each section with their context.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, TextIO

from pipeline.evaluate.scorecard import Scorecard
from pipeline.evaluate.scores import ErrorItem, Table


def format_cell(value: Any) -> str:
    """Format a table cell: floats with three decimals, ``None`` as ``-``."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render_table(table: Table) -> str:
    """Render a :class:`Table` as aligned plain text (first column left, others right)."""
    cells = [[format_cell(c) for c in row] for row in table.rows]
    widths = [len(c) for c in table.columns]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))

    def line(row: list[str]) -> str:
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        return "  ".join(parts).rstrip()

    out = [table.title, line(table.columns), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    return "\n".join(out)


def worst_errors(errors: Iterable[ErrorItem], n: int) -> list[ErrorItem]:
    """Return the ``n`` costliest errors (ties keep document order)."""
    return sorted(errors, key=lambda e: -e.cost)[:n] if n > 0 else []


def render_scorecard(card: Scorecard, stream: TextIO, errors: int = 0) -> None:
    """Write one scorecard as readable text.

    Args:
        card: the scorecard.
        stream: where to write (stdout).
        errors: list this many worst misses per section (0: none).
    """
    w = stream.write
    title = f"Scorecard: {card.source} ({card.format}, {card.documents} documents, predictions: {card.predictions})"
    w(title + "\n" + "=" * min(len(title), 100) + "\n")
    if card.missing_predictions:
        w(f"note: {card.missing_predictions} gold documents had no prediction and count as misses\n")
    if not card.sections:
        w("no annotated layers to score\n\n")
        return
    headlines = card.headlines
    if headlines:
        rows = []
        for h in headlines:
            ci = f"[{h.ci[0]:.3f}, {h.ci[1]:.3f}]" if h.ci else "-"
            rows.append([h.label, h.value, ci])
        w(render_table(Table("Headline numbers (95 % bootstrap interval over documents)", ["metric", "value", "interval"], rows)))
        w("\n\n")
    for section in card.sections:
        w(f"## {section.title}\n")
        for table in section.tables:
            w(render_table(table) + "\n\n")
        for note in section.notes:
            w(f"note: {note}\n")
        if section.notes:
            w("\n")
        worst = worst_errors(section.errors, errors)
        if worst:
            w(f"Worst misses ({len(worst)} of {len(section.errors)}):\n")
            for e in worst:
                w(f"- [{e.doc_id}] {e.what}\n    gold: {e.gold}\n    pred: {e.predicted}\n    context: {e.context}\n")
            w("\n")


def scorecard_to_dict(card: Scorecard, errors: int = 0) -> dict[str, Any]:
    """Turn a scorecard into JSON-ready data.

    Args:
        card: the scorecard.
        errors: include this many worst misses per section.

    Returns:
        ``{"source", "format", "documents", "predictions", "missing_predictions",
        "headlines": {key: {label, value, ci_low, ci_high}}, "sections": {name: metrics}}``;
        each section's metrics gain ``"errors"`` when asked for.
    """
    sections = {}
    for section in card.sections:
        data = dict(section.metrics)
        if errors:
            data["errors"] = [e.to_dict() for e in worst_errors(section.errors, errors)]
        sections[section.name] = data
    return {
        "source": card.source,
        "format": card.format,
        "documents": card.documents,
        "predictions": card.predictions,
        "missing_predictions": card.missing_predictions,
        "headlines": {h.key: h.to_dict() for h in card.headlines},
        "sections": sections,
    }


def write_json(cards: list[Scorecard], stream: TextIO, errors: int = 0) -> None:
    """Write scorecards as one JSON document ``{"scorecards": [...]}``."""
    json.dump({"scorecards": [scorecard_to_dict(c, errors) for c in cards]}, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
