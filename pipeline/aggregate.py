"""Roll claims up into entity sentiment, per article and over the corpus.

Score of an entity = the mean of ``p_positive - p_negative`` over its claims,
weighted by each claim's confidence (the probability of its predicted label),
so a hesitant claim counts less than a clear one. The score lies in [-1, 1];
the label is ``positive`` when score >= ``aggregate.positive_threshold``
(default 0.15), ``negative`` when score <= ``aggregate.negative_threshold``
(default -0.15), else ``neutral``. An entity without scored claims has no score
and an empty label.

Claims where the entity only speaks or rates another company (``role`` ``source``:
``Analyst Tobias Reimer von Jefferies``, ``Bernstein stuft SAP ab``) say nothing
about it, nor do claims where it causes damage at others (``cause``: ``DeepSeek hat zu
Verwerfungen bei Technologieaktien geführt``): the score uses the entity's ``subject``
claims, and an entity without subject claims scores 0.0 (neutral). A claim whose percentages about its
company all move one way blends that direction into the model's polarity
(:func:`figure_polarity`, ``aggregate.figure_weight``).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from typing import Callable, Iterable, Optional

from pipeline.config import AggregateConfig
from pipeline.records import Claim, CorpusEntity, Document, Entity, EntitySentiment


Polarity = Callable[[Claim], float]


def model_polarity(claim: Claim) -> float:
    """The classifier's ``p_positive - p_negative`` (0 without a score)."""
    s = claim.sentiment
    return 0.0 if s is None else s.p_positive - s.p_negative


def figure_polarity(document: Document, cfg: AggregateConfig) -> Polarity:
    """The model's polarity, blended with the direction of the claim's percentage moves
    (or, without percentages, of a share move said in words: ``Aktie fällt``, ``Claim.move``).

    A claim whose percentages about its company all point one way (``Keyence fiel um
    6,7 %``, ``Bayer (-4,7 %)``) says so in numbers the figure rules read reliably; the
    classifier sometimes misses them in long lists. Blend: ``(1 - w) * model + w * sign``,
    ``w = aggregate.figure_weight``. Not where the claim names a metric whose fall is good
    news (``Die Kosten sanken um 5 %``: ``aggregate.inverse_metrics``).
    """
    figures = {f.figure_id: f for f in document.figures}
    inverse = tuple(m.casefold() for m in cfg.inverse_metrics)

    def polarity(claim: Claim) -> float:
        model = model_polarity(claim)
        if cfg.figure_weight <= 0:
            return model
        moves = {figures[i].direction for i in claim.figure_ids
                 if i in figures and figures[i].kind == "percent" and not figures[i].is_target
                 and claim.entity_id in figures[i].entity_ids}
        moves.discard("none")
        if not moves and claim.move in ("up", "down"):
            moves = {claim.move}  # "Merck kauft zu – Aktie fällt": a share move in words
        elif len(moves) != 1 or any(w.startswith(inverse) for w in claim.sentence.casefold().split()):
            return model
        if len(moves) != 1:
            return model
        sign = 1.0 if moves == {"up"} else -1.0
        return (1 - cfg.figure_weight) * model + cfg.figure_weight * sign

    return polarity


def weighted_score(claims: Iterable[Claim], polarity: Polarity = model_polarity) -> Optional[float]:
    """Confidence-weighted mean of the claims' polarity (default ``p_positive - p_negative``);
    ``None`` without scored claims."""
    total = weight = 0.0
    for claim in claims:
        s = claim.sentiment
        if s is None:
            continue
        total += s.score * polarity(claim)
        weight += s.score
    return round(total / weight, 6) if weight > 0 else None


def entity_score(claims: list[Claim], polarity: Polarity = model_polarity) -> Optional[float]:
    """:func:`weighted_score` of the subject claims; 0.0 when all scored claims are source or cause claims."""
    subject = weighted_score((c for c in claims if c.role == "subject"), polarity)
    if subject is not None:
        return subject
    return 0.0 if weighted_score(claims) is not None else None


def score_label(score: Optional[float], cfg: AggregateConfig) -> str:
    """Map a score to ``positive``/``neutral``/``negative`` (``""`` for no score)."""
    if score is None:
        return ""
    if score >= cfg.positive_threshold:
        return "positive"
    if score <= cfg.negative_threshold:
        return "negative"
    return "neutral"


def _label_counts(claims: Iterable[Claim]) -> dict[str, int]:
    counts = {"positive": 0, "neutral": 0, "negative": 0}
    for claim in claims:
        if claim.sentiment is not None:
            counts[claim.sentiment.label] += 1
    return counts


def aggregate_document(document: Document, cfg: AggregateConfig) -> list[EntitySentiment]:
    """One :class:`EntitySentiment` row per entity of the document, in entity order."""
    claims_by_entity: dict[str, list[Claim]] = defaultdict(list)
    for claim in document.claims:
        claims_by_entity[claim.entity_id].append(claim)
    polarity = figure_polarity(document, cfg)
    rows = []
    for entity in document.entities:
        claims = claims_by_entity.get(entity.entity_id, [])
        counts = _label_counts(claims)
        score = entity_score(claims, polarity)
        rows.append(
            EntitySentiment(
                article_id=document.article.article_id,
                entity_id=entity.entity_id,
                entity=entity.name,
                entity_type=entity.label,
                ticker=entity.ticker,
                isin=entity.isin,
                exchange=entity.exchange,
                listed=entity.listed,
                mentions=len(entity.mentions),
                claims=len(claims),
                positive=counts["positive"],
                neutral=counts["neutral"],
                negative=counts["negative"],
                sentiment_score=score,
                sentiment_label=score_label(score, cfg),
                org_kind=entity.org_kind,
            )
        )
    return rows


def corpus_key(entity: Entity) -> str:
    """Key that identifies an entity across articles: its ISIN, else label and folded name.

    Example: ``Süss`` and ``SUSS`` of an unlisted company share ``ORG:suss``.
    """
    if entity.isin:
        return entity.isin
    folded = unicodedata.normalize("NFKD", entity.name.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return f"{entity.label}:{' '.join(folded.split())}"


def aggregate_corpus(documents: Iterable[Document], cfg: AggregateConfig) -> list[CorpusEntity]:
    """One :class:`CorpusEntity` per entity over all documents, most mentioned first."""
    groups: dict[str, list[tuple[Entity, list[Claim]]]] = defaultdict(list)
    polarities: dict[int, float] = {}
    for document in documents:
        claims_by_entity: dict[str, list[Claim]] = defaultdict(list)
        polarity = figure_polarity(document, cfg)
        for claim in document.claims:
            claims_by_entity[claim.entity_id].append(claim)
            polarities[id(claim)] = polarity(claim)
        for entity in document.entities:
            groups[corpus_key(entity)].append((entity, claims_by_entity.get(entity.entity_id, [])))
    rows = []
    for key, members in groups.items():
        entities = [e for e, _ in members]
        claims = [c for _, cs in members for c in cs]
        first = max(entities, key=lambda e: len(e.mentions))
        counts = _label_counts(claims)
        score = entity_score(claims, lambda c: polarities.get(id(c), model_polarity(c)))
        rows.append(
            CorpusEntity(
                key=key,
                entity=first.name,
                entity_type=first.label,
                ticker=first.ticker,
                isin=first.isin,
                listed=first.listed,
                articles=len(members),
                mentions=sum(len(e.mentions) for e in entities),
                claims=len(claims),
                positive=counts["positive"],
                neutral=counts["neutral"],
                negative=counts["negative"],
                mean_score=score,
                sentiment_label=score_label(score, cfg),
            )
        )
    rows.sort(key=lambda r: (-r.mentions, -r.articles, r.entity))
    return rows
