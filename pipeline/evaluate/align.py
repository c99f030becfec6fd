"""Pair predictions with gold documents, and compare entity names.

Predictions are matched to gold documents by id: a :class:`~pipeline.records.Document`
whose ``article.article_id`` equals the gold ``id``, or ends in ``#id`` (a
``finnews run`` over a gold JSONL file names its records ``FILE#id``). A gold
document without a prediction is scored against an empty prediction, so all
its annotations count as misses.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
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
    missing = realigned = 0
    for gold in golds:
        pred = by_id.get(gold.id) or by_key.get(gold.id)
        if pred is None:
            missing += 1
            pairs.append(DocPair(gold, Document(article=gold_to_article(gold)), found=False, entity_sentiment=[]))
            continue
        if pred.article.text != gold.text:
            realigned += 1
            pred = realign_to_gold(gold.text, pred)
        rows = None
        if entity_sentiment is not None:
            rows = entity_sentiment.get(pred.article.article_id, [])
        pairs.append(DocPair(gold, pred, True, rows))
    if missing:
        log.warning("%d of %d gold documents have no prediction; they count as all misses", missing, len(golds))
    if realigned:
        log.warning("%d predictions were made on a different text than the gold text; their offsets were mapped "
                    "onto the gold text (spans in text the gold lacks are dropped)", realigned)
    return pairs


def offset_map(source: str, target: str) -> list[int]:
    """Map every character offset of ``source`` to the same character in ``target`` (-1 where it has none).

    ``"Titel\n\nTitel\n\nText"`` (a headline added twice) maps onto
    ``"Titel\n\nText"`` by the longest common blocks.

    Args:
        source: the text the offsets refer to (the prediction's).
        target: the text to map them onto (the gold text).

    Returns:
        A list of length ``len(source) + 1`` (the last entry maps the end boundary).
    """
    mapping = [-1] * (len(source) + 1)
    index = source.find(target)
    if index >= 0:  # the common case: something was added before or after the gold text
        for k in range(len(target) + 1):
            mapping[index + k] = k
        return mapping
    matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            mapping[a + k] = b + k
    if mapping[len(source)] < 0:
        mapping[len(source)] = len(target)
    return mapping


def realign_to_gold(gold_text: str, pred: Document) -> Document:
    """Return a copy of ``pred`` whose offsets refer to ``gold_text`` instead of its own text.

    Spans whose first or last character has no counterpart in the gold text are dropped.

    Args:
        gold_text: the gold document's text.
        pred: a prediction made on a (slightly) different text.

    Returns:
        The realigned document, with ``article.text`` set to the gold text.
    """
    mapping = offset_map(pred.article.text, gold_text)

    def span(start: Optional[int], end: Optional[int]) -> Optional[tuple[int, int]]:
        if start is None or end is None:
            return None
        if not (0 <= start < end <= len(mapping) - 1):
            return None
        a, b = mapping[start], mapping[end - 1]
        return (a, b + 1) if a >= 0 and b >= a else None

    mentions = {}
    for m in pred.mentions:
        new = span(m.start, m.end)
        if new:
            mentions[id(m)] = replace(m, start=new[0], end=new[1], text=gold_text[new[0]:new[1]])
    entities = [replace(e, mentions=[mentions[id(m)] for m in e.mentions if id(m) in mentions]) for e in pred.entities]
    figures = []
    for f in pred.figures:
        new = span(f.start, f.end)
        if new:
            figures.append(replace(f, start=new[0], end=new[1], text=gold_text[new[0]:new[1]]))
    quotes = []
    for q in pred.quotes:
        new = span(q.start, q.end)
        if not new:
            continue
        speaker = span(q.speaker_start, q.speaker_end)
        cue = span(q.cue_start, q.cue_end)
        quotes.append(replace(
            q, start=new[0], end=new[1], text=gold_text[new[0]:new[1]],
            speaker_start=speaker[0] if speaker else None, speaker_end=speaker[1] if speaker else None,
            cue_start=cue[0] if cue else None, cue_end=cue[1] if cue else None,
        ))
    claims = []
    for c in pred.claims:
        new, target = span(c.start, c.end), span(c.target_start, c.target_end)
        if new and target:
            claims.append(replace(c, start=new[0], end=new[1], target_start=target[0], target_end=target[1]))
    return Document(
        article=replace(pred.article, text=gold_text),
        mentions=[mentions[id(m)] for m in pred.mentions if id(m) in mentions],
        entities=entities, figures=figures, quotes=quotes, claims=claims,
    )


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
