"""Where predictions come from: the configured pipeline, an earlier run folder, or a baseline.

* :func:`predict_with_pipeline` builds an :class:`~pipeline.records.Article` per
  gold document (``article_id`` = gold ``id``) and runs
  :func:`pipeline.runner.process_articles` on them. Stages the gold set cannot
  score are switched off (no sentiment model run for an NER-only set).
* :func:`predict_with_nlp` runs only the spaCy stage (:class:`pipeline.nlp.NlpStage`):
  enough for entities, figures, quotes and claims, and much faster.
* Both take ``gold_entities=True`` for the oracle mode of
  :mod:`pipeline.evaluate.oracle`: the gold entity mentions replace the entity
  components' output, everything after them runs as usual.
* :func:`read_run` reads ``documents.jsonl`` (and ``entity_sentiment.csv`` if
  present) from a ``finnews run`` output folder.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Optional

from tqdm import tqdm

from pipeline.aggregate import aggregate_document
from pipeline.config import Config
from pipeline.evaluate.baselines import BASELINES
from pipeline.evaluate.gold import GoldDocument, gold_to_article
from pipeline.evaluate.oracle import report_unknown, use_gold_entities
from pipeline.export import read_documents
from pipeline.nlp import NlpStage
from pipeline.records import Document, EntitySentiment
from pipeline.runner import Stages, process_articles

log = logging.getLogger(__name__)


class PredictionError(RuntimeError):
    """Predictions cannot be produced or read (a missing run folder, an unknown baseline, an oracle without gold)."""


def config_for_layers(cfg: Config, layers: set[str]) -> Config:
    """Return ``cfg`` with the sentiment stage switched off when no gold layer needs it.

    Args:
        cfg: the loaded config.
        layers: the annotated layers of the gold set.

    Returns:
        The config to run the pipeline with.
    """
    if "sentiment" in layers or not cfg.sentiment.enabled:
        return cfg
    return cfg.model_copy(update={"sentiment": cfg.sentiment.model_copy(update={"enabled": False})})


def predict_with_pipeline(
    golds: list[GoldDocument],
    cfg: Config,
    layers: set[str],
    stages: Optional[Stages] = None,
    gold_entities: bool = False,
) -> list[Document]:
    """Run the configured pipeline (nlp → sentiment → link) on the gold texts.

    Args:
        golds: the gold documents.
        cfg: the loaded config.
        layers: the gold set's annotated layers (decides which stages run).
        stages: prebuilt :class:`pipeline.runner.Stages` to reuse (built from ``cfg`` when ``None``);
            with ``gold_entities`` their spaCy pipeline is switched to the gold entities in place.
        gold_entities: use the gold entity mentions instead of the entity components
            (:func:`pipeline.evaluate.oracle.use_gold_entities`).

    Returns:
        One predicted :class:`Document` per gold document, ``article_id`` = gold id.
    """
    cfg = config_for_layers(cfg, layers)
    stages = stages or Stages.from_config(cfg)
    setter = use_gold_entities(stages.nlp.nlp, golds, cfg.evaluate.gold_entity_components) if gold_entities else None
    articles = [gold_to_article(g) for g in golds]
    docs = list(process_articles(articles, cfg, stages=stages))
    report_unknown(setter)
    return docs


def predict_with_nlp(golds: list[GoldDocument], cfg: Config, gold_entities: bool = False) -> list[Document]:
    """Run only the spaCy stage on the gold texts (entities, figures, quotes, claims; no linking or sentiment).

    Args:
        golds: the gold documents.
        cfg: the loaded config.
        gold_entities: use the gold entity mentions instead of the entity components
            (:func:`pipeline.evaluate.oracle.use_gold_entities`).

    Returns:
        One predicted :class:`Document` per gold document.
    """
    stage = NlpStage.from_config(cfg)
    setter = use_gold_entities(stage.nlp, golds, cfg.evaluate.gold_entity_components) if gold_entities else None
    articles = [gold_to_article(g) for g in golds]
    docs = list(tqdm(stage.process(articles), total=len(articles), desc="nlp", unit="doc", disable=None))
    report_unknown(setter)
    return docs


def predict_with_baseline(golds: list[GoldDocument], name: str) -> list[Document]:
    """Predict with a named baseline from :data:`pipeline.evaluate.baselines.BASELINES`."""
    try:
        baseline = BASELINES[name]
    except KeyError as exc:
        raise PredictionError(f"unknown baseline {name!r} (known: {', '.join(sorted(BASELINES))})") from exc
    return [baseline(g) for g in golds]


def predict_entity_sentiment(docs: list[Document], cfg: Config) -> dict[str, list[EntitySentiment]]:
    """Roll claims up into article-level entity sentiment with :func:`pipeline.aggregate.aggregate_document`.

    Args:
        docs: predicted documents.
        cfg: the loaded config (aggregation thresholds).

    Returns:
        Rows per ``article_id``.
    """
    return {d.article.article_id: list(aggregate_document(d, cfg.aggregate)) for d in docs}


def _opt_bool(value: str) -> Optional[bool]:
    value = (value or "").strip().lower()
    if value in {"true", "1", "yes"}:
        return True
    if value in {"false", "0", "no"}:
        return False
    return None


def _opt_float(value: str) -> Optional[float]:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _unneutralise(value: str) -> str:
    """Undo the export's formula guard (``'=Foo`` was written for ``=Foo``)."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r") else value


def read_entity_sentiment_csv(path: Path) -> dict[str, list[EntitySentiment]]:
    """Read a run's ``entity_sentiment.csv`` back into rows per ``article_id``.

    Args:
        path: the CSV file (columns as :class:`~pipeline.records.EntitySentiment`).

    Returns:
        Rows per ``article_id``.
    """
    out: dict[str, list[EntitySentiment]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            get = lambda key: _unneutralise(row.get(key) or "")  # noqa: E731 - short accessor for optional columns
            rec = EntitySentiment(
                article_id=get("article_id"), entity_id=get("entity_id"), entity=get("entity"),
                entity_type=get("entity_type"), ticker=get("ticker") or None, isin=get("isin") or None,
                exchange=get("exchange") or None, listed=_opt_bool(get("listed")),
                mentions=int(_opt_float(get("mentions")) or 0), claims=int(_opt_float(get("claims")) or 0),
                positive=int(_opt_float(get("positive")) or 0), neutral=int(_opt_float(get("neutral")) or 0),
                negative=int(_opt_float(get("negative")) or 0), sentiment_score=_opt_float(get("sentiment_score")),
                sentiment_label=get("sentiment_label") or None,
            )
            out.setdefault(rec.article_id, []).append(rec)
    return out


def read_run(run_dir: Path) -> tuple[list[Document], Optional[dict[str, list[EntitySentiment]]]]:
    """Read the predictions of an earlier ``finnews run``.

    Args:
        run_dir: the run's output folder (or its ``documents.jsonl`` directly).

    Returns:
        The documents, and the entity sentiment rows from ``entity_sentiment.csv``
        (``None`` when the file is absent).

    Raises:
        PredictionError: there is no ``documents.jsonl``.
    """
    run_dir = Path(run_dir)
    docs_path = run_dir if run_dir.is_file() else run_dir / "documents.jsonl"
    if not docs_path.is_file():
        raise PredictionError(f"no documents.jsonl in {run_dir}")
    docs = list(read_documents(docs_path))
    sentiment_csv = docs_path.parent / "entity_sentiment.csv"
    rows = read_entity_sentiment_csv(sentiment_csv) if sentiment_csv.is_file() else None
    return docs, rows
