"""The work behind ``finnews evaluate``: load gold sets, get predictions, build scorecards."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from pipeline.config import Config
from pipeline.evaluate.align import pair_documents
from pipeline.evaluate.predict import (
    PredictionError,
    predict_entity_sentiment,
    predict_with_baseline,
    predict_with_nlp,
    predict_with_pipeline,
    read_run,
)
from pipeline.evaluate.scorecard import Scorecard, build_scorecard
from pipeline.evaluate.sources import GoldSource, load_gold_source

log = logging.getLogger(__name__)


def evaluate_source(
    source: GoldSource,
    cfg: Config,
    predictions: Optional[Path] = None,
    nlp_only: bool = False,
    baseline: Optional[str] = None,
    bootstrap_samples: Optional[int] = None,
    seed: Optional[int] = None,
    gold_entities: bool = False,
) -> Scorecard:
    """Score one gold set.

    Args:
        source: the loaded gold set.
        cfg: the loaded config (pipeline and ``evaluate`` settings).
        predictions: a ``finnews run`` output folder to score instead of running the pipeline.
        nlp_only: run only the spaCy stage.
        baseline: score the named baseline instead (see :mod:`pipeline.evaluate.baselines`).
        bootstrap_samples: resamples for intervals (``None``: from the config).
        seed: bootstrap seed (``None``: from the config).
        gold_entities: run the pipeline (or with ``nlp_only`` the spaCy stage) with the gold
            entity mentions in place of the entity components (:mod:`pipeline.evaluate.oracle`).

    Returns:
        The :class:`Scorecard`.

    Raises:
        pipeline.evaluate.predict.PredictionError: predictions cannot be produced or read, or
            ``gold_entities`` is asked for with ``predictions``/``baseline`` or a gold set without entities.
    """
    golds = source.documents
    layers: set[str] = set()
    for gold in golds:
        layers |= gold.layers
    if gold_entities:
        if predictions is not None or baseline:
            raise PredictionError("--gold-entities runs the pipeline; it cannot score --predictions or a --baseline")
        if "entities" not in layers:
            raise PredictionError(f"--gold-entities needs gold entity mentions, and {source.path} annotates none")
    entity_sentiment = None
    if predictions is not None:
        docs, entity_sentiment = read_run(predictions)
        label = str(predictions)
        if entity_sentiment is None and "sentiment" in layers:
            entity_sentiment = predict_entity_sentiment(docs, cfg)
    elif baseline:
        docs = predict_with_baseline(golds, baseline)
        label = f"baseline:{baseline}"
    elif nlp_only:
        docs = predict_with_nlp(golds, cfg, gold_entities=gold_entities)
        label = f"nlp stage ({cfg.nlp.model})"
    else:
        docs = predict_with_pipeline(golds, cfg, layers, gold_entities=gold_entities)
        label = "pipeline"
        if "sentiment" in layers:
            entity_sentiment = predict_entity_sentiment(docs, cfg)
    if gold_entities:
        label += " with gold entities"
    pairs = pair_documents(golds, docs, entity_sentiment)
    ev = cfg.evaluate
    card = build_scorecard(
        pairs,
        str(source.path),
        source.format,
        label,
        bootstrap_samples=ev.bootstrap_samples if bootstrap_samples is None else bootstrap_samples,
        seed=ev.bootstrap_seed if seed is None else seed,
        confidence=ev.confidence,
        options=scorer_options(cfg),
    )
    entities = card.section("entities")
    if gold_entities and entities is not None:
        entities.notes.append("--gold-entities: the entities are the gold mentions, so this section only shows "
                              "mentions lost on token boundaries or overlaps")
    return card


def scorer_options(cfg: Config) -> dict[str, dict]:
    """Keyword options for the section scorers, from the ``evaluate`` config section."""
    ev = cfg.evaluate
    return {
        "entities": {"unknown_label_map": dict(ev.unknown_label_map), "context_chars": ev.context_chars},
        "figures": {"rel_tolerance": ev.value_rel_tolerance, "context_chars": ev.context_chars},
        "linking": {"context_chars": ev.context_chars},
        "sentiment": {"context_chars": ev.context_chars},
        "claims": {"context_chars": ev.context_chars},
    }


def select_documents(source: GoldSource, tags: Optional[list[str]] = None, limit: Optional[int] = None) -> GoldSource:
    """Keep the documents that carry any of ``tags`` (all when none given), then the first ``limit``.

    Args:
        source: a loaded gold set.
        tags: document tags to keep (gold ``tags``; ``news``/``wikipedia`` for GermEval).
        limit: at most this many documents.

    Returns:
        The selected gold set.
    """
    docs = source.documents
    if tags:
        wanted = set(tags)
        docs = [d for d in docs if wanted & set(d.tags)]
    if limit is not None:
        docs = docs[:limit]
    return GoldSource(source.path, source.format, docs)


def evaluate_paths(
    paths: list[Path],
    cfg: Config,
    fmt: Optional[str] = None,
    limit: Optional[int] = None,
    tags: Optional[list[str]] = None,
    **kwargs,
) -> list[Scorecard]:
    """Load every GOLD path and score it (see :func:`evaluate_source` for ``kwargs``).

    Args:
        paths: gold files or folders.
        cfg: the loaded config.
        fmt: the gold format for all paths, or ``None`` to detect each.
        limit: score the first ``limit`` documents of each gold set (after the tag selection).
        tags: score only documents carrying any of these tags.

    Returns:
        One scorecard per path, in order.

    Raises:
        pipeline.evaluate.gold.GoldFormatError: a gold set is missing or invalid.
        pipeline.evaluate.predict.PredictionError: predictions cannot be produced or read.
    """
    label_map = dict(cfg.evaluate.label_map)
    # With a tag selection the limit applies to the selected documents, so everything is read first.
    sources = [
        select_documents(load_gold_source(p, fmt, None if tags else limit, label_map), tags, limit) for p in paths
    ]
    return [evaluate_source(s, cfg, **kwargs) for s in sources]
