"""Pair predictions with gold documents, and compare entity names.

Predictions are matched to gold documents by id: a :class:`~pipeline.records.Document`
whose ``article.article_id`` equals the gold ``id``, or ends in ``#id`` (a
``finnews run`` over a gold JSONL file names its records ``FILE#id``). A gold
document without a prediction is scored against an empty prediction, so all
its annotations count as misses.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Optional

from pipeline.evaluate.gold import GoldDocument, gold_to_article
from pipeline.records import Document, Entity, EntitySentiment

log = logging.getLogger(__name__)


@dataclass
class DocPair:
    """A gold document and the pipeline's prediction for it."""

    gold: GoldDocument
    pred: Document
    found: bool = True  # False: no prediction existed, ``pred`` is empty
    entity_sentiment: Optional[list[EntitySentiment]] = field(default=None)

    def entity_of(self, entity_id: str) -> Optional[Entity]:
        """Return the predicted entity with ``entity_id`` (``None`` when unknown)."""
        return self.pred.entity(entity_id) if entity_id else None


def article_key(article_id: str) -> str:
    """Return the gold id a prediction's ``article_id`` refers to (``fixtures.jsonl#sap-q1`` → ``sap-q1``)."""
    return article_id.rsplit("#", 1)[-1]


def pair_documents(
    golds: list[GoldDocument],
    preds: Iterable[Document],
    entity_sentiment: Optional[dict[str, list[EntitySentiment]]] = None,
) -> list[DocPair]:
    """Pair every gold document with its prediction.

    Args:
        golds: the gold documents.
        preds: predicted documents, in any order; ids as described in the module docstring.
        entity_sentiment: optional predicted article-level sentiment rows keyed by
            the prediction's ``article_id``.

    Returns:
        One :class:`DocPair` per gold document, in gold order.
    """
    by_id: dict[str, Document] = {}
    by_key: dict[str, Document] = {}
    for doc in preds:
        by_id[doc.article.article_id] = doc
        by_key.setdefault(article_key(doc.article.article_id), doc)
    pairs = []
    missing = 0
    for gold in golds:
        pred = by_id.get(gold.id) or by_key.get(gold.id)
        if pred is None:
            missing += 1
            pairs.append(DocPair(gold, Document(article=gold_to_article(gold)), found=False, entity_sentiment=[]))
            continue
        rows = None
        if entity_sentiment is not None:
            rows = entity_sentiment.get(pred.article.article_id, [])
        pairs.append(DocPair(gold, pred, True, rows))
    if missing:
        log.warning("%d of %d gold documents have no prediction; they count as all misses", missing, len(golds))
    return pairs


_LEGAL_FORMS = {
    "ag", "se", "gmbh", "kgaa", "kg", "co", "inc", "corp", "corporation", "ltd", "plc", "nv", "sa", "spa",
    "holding", "group", "gruppe", "konzern", "company", "the",
}


def normalise_name(name: str) -> str:
    """Normalise an entity name for comparison across gold and prediction.

    Case-folds, drops punctuation and legal forms, and the genitive ``s`` of
    a single word: ``Nvidias`` → ``nvidia``, ``Siemens Energy AG`` → ``siemens energy``,
    ``NVIDIA Corp.`` → ``nvidia``.

    Args:
        name: the name as written or canonicalised.

    Returns:
        The comparison key (empty for an empty name).
    """
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = text.replace("&", " ")
    words = [w for w in re.split(r"[\W_]+", text) if w]
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def names_match(a: str, b: str) -> bool:
    """Return whether two entity names refer to the same entity by :func:`normalise_name`.

    A single-word name also matches with a genitive ``s`` (``Nvidia`` vs ``Nvidias``),
    but ``Siemens`` stays different from ``Siemen``-less names like ``Siemens Energy``.
    """
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    if " " not in na and " " not in nb:
        return na + "s" == nb or nb + "s" == na
    return False
