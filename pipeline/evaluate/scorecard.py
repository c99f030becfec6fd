"""Assemble the scorecard of one gold set: run every scorer the gold data has a layer for.

Sections and the gold layer each needs:

========== ============ =====================================================
section    gold layer   scorer
========== ============ =====================================================
entities   entities     :func:`pipeline.evaluate.ner_metrics.score_entities`
linking    linking      :func:`pipeline.evaluate.link_metrics.score_linking`
figures    figures      :func:`pipeline.evaluate.figure_metrics.score_figures`
quotes     quotes       :func:`pipeline.evaluate.quote_metrics.score_quotes`
sentiment  sentiment    :func:`pipeline.evaluate.sentiment_metrics.score_sentiment`
claims     claims       :func:`pipeline.evaluate.claim_metrics.score_claims`
========== ============ =====================================================
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from pipeline.evaluate.align import DocPair
from pipeline.evaluate.bootstrap import bootstrap_interval
from pipeline.evaluate.scores import Headline, Section

log = logging.getLogger(__name__)


@dataclass
class Scorecard:
    """All sections scored on one gold set."""

    source: str
    format: str
    documents: int
    predictions: str  # "pipeline", "nlp stage (MODEL)", either "+ with gold entities", a run folder, "baseline:NAME"
    missing_predictions: int = 0
    sections: list[Section] = field(default_factory=list)

    @property
    def headlines(self) -> list[Headline]:
        return [h for s in self.sections for h in s.headlines]

    def section(self, name: str) -> Optional[Section]:
        """Return the section called ``name`` (``None`` when the gold set has no such layer)."""
        return next((s for s in self.sections if s.name == name), None)


def _scorers() -> list[tuple[str, Callable[..., Section]]]:
    from pipeline.evaluate.claim_metrics import score_claims
    from pipeline.evaluate.figure_metrics import score_figures
    from pipeline.evaluate.link_metrics import score_linking
    from pipeline.evaluate.ner_metrics import score_entities
    from pipeline.evaluate.quote_metrics import score_quotes
    from pipeline.evaluate.sentiment_metrics import score_sentiment

    return [
        ("entities", score_entities),
        ("linking", score_linking),
        ("figures", score_figures),
        ("quotes", score_quotes),
        ("sentiment", score_sentiment),
        ("claims", score_claims),
    ]


def build_scorecard(
    pairs: list[DocPair],
    source: str,
    fmt: str,
    predictions: str,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    options: Optional[dict[str, Any]] = None,
) -> Scorecard:
    """Score aligned documents on every layer their gold annotates.

    Args:
        pairs: gold/prediction pairs (see :func:`pipeline.evaluate.align.pair_documents`).
        source: the gold path, for the header.
        fmt: the gold format name.
        predictions: where predictions came from, for the header.
        bootstrap_samples: resamples for the headline intervals (0: none).
        seed: bootstrap seed.
        confidence: interval coverage.
        options: keyword options passed to scorers that accept them, by section
            name (e.g. ``{"entities": {"label_map": {...}}}``).

    Returns:
        The :class:`Scorecard`.
    """
    layers: set[str] = set()
    for pair in pairs:
        layers |= pair.gold.layers
    card = Scorecard(source, fmt, len(pairs), predictions, sum(1 for p in pairs if not p.found))
    options = options or {}
    for layer, scorer in _scorers():
        if layer not in layers:
            continue
        section = scorer(pairs, **options.get(layer, {}))
        for headline in section.headlines:
            headline.ci = bootstrap_interval(headline.per_doc, headline.statistic, bootstrap_samples, seed, confidence)
        card.sections.append(section)
    return card
