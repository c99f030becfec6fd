"""Typed records that cross module borders.

Data flows one way: ``ingest -> nlp -> sentiment -> link -> aggregate -> export``.
Every stage reads and returns these dataclasses; the exports are written from
them in one place (:mod:`pipeline.export`). All character offsets (``start``,
``end``) refer to :attr:`Article.text`, the normalised text that
``documents.jsonl`` carries; ``end`` is exclusive, as in Python slices.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Optional

EntityLabel = Literal["ORG", "PER", "LOC", "MISC", "INDEX"]
QuoteKind = Literal["direct", "indirect", "reported"]
FigureKind = Literal["percent", "money"]
Direction = Literal["up", "down", "none"]
SentimentLabel = Literal["positive", "neutral", "negative"]


@dataclass
class Article:
    """One ingested article.

    ``text`` is the whole article after normalisation (NFC, soft hyphens removed,
    exotic spaces mapped to U+0020); its first paragraph is the headline, and
    paragraphs are separated by a blank line (``"\\n\\n"``).
    """

    article_id: str
    source_path: str
    title: str
    text: str
    sha256: str
    date: Optional[str] = None
    source: Optional[str] = None
    url: Optional[str] = None
    encoding: Optional[str] = None


@dataclass
class IngestError:
    """An input that could not become an :class:`Article` (or an article that could not become a document).

    ``record`` names the part of the file that failed (a JSON line number or
    record id), empty when the whole file failed. ``stage`` is empty for
    ingestion; for an article on which a later stage raised, it names the stage
    (``nlp``, ``sentiment``, ``link``) and ``record`` is the article id.
    """

    source_path: str
    record: str
    reason: str
    stage: str = ""


@dataclass
class EntityMention:
    """One mention of a named entity in the text.

    A company inside a compound token (``Infineon-Papiere``) is a mention whose
    ``text`` is only the name part (``Infineon``), with character offsets of that
    part; ``entity_id`` groups all mentions of one entity within an article
    (``Nvidia``, ``Nvidias``, ``NVIDIA Corp.``). ``in_compound`` marks such a
    name inside a compound word: a mention, but no named entity by the NER
    convention of GermEval or CoNLL (:mod:`pipeline.nlp.compound_names`);
    ``institution_noun`` marks a common noun for a public body (``Bundesregierung``),
    a mention but no named entity there either (:mod:`pipeline.nlp.institution_nouns`).
    """

    text: str
    label: EntityLabel
    start: int
    end: int
    entity_id: str = ""
    source: str = ""  # which component found it: "ner", "gazetteer", ...
    in_compound: bool = False
    institution_noun: bool = False


@dataclass
class Entity:
    """One entity of an article: a cluster of mentions, linked or not.

    ``listed`` is ``True`` with an ISIN for a listed company, ``False`` for a
    company that matches no security (DeepSeek, OpenAI), and ``None`` where
    listing does not apply (persons, places, indices, and organisations that are
    no company: ``org_kind`` ``public_body`` such as the EZB, or ``other`` such
    as a union). ``org_kind`` is set for ``ORG`` entities only.
    """

    entity_id: str
    name: str
    label: EntityLabel
    mentions: list[EntityMention] = field(default_factory=list)
    org_kind: str = ""  # ORG only: "company", "public_body" or "other"
    isin: Optional[str] = None
    ticker: Optional[str] = None
    exchange: Optional[str] = None
    listed: Optional[bool] = None
    link_confidence: Optional[float] = None


@dataclass
class Figure:
    """A percentage or money amount, and what it is about.

    ``value`` is signed and in the stated unit: ``-6,3 %`` gives ``-6.3`` with
    unit ``%``; ``3,2 Bill. Dollar`` gives ``3.2e12`` with unit ``USD``.
    A range (``18 Prozent bis 250 Prozent``) has ``value=18`` and
    ``value_to=250``. ``entity_ids`` lists every entity the figure is about (one
    export row each); empty when it is about none.
    """

    figure_id: str
    kind: FigureKind
    text: str
    start: int
    end: int
    value: float
    unit: str
    direction: Direction = "none"
    qualifier: str = ""
    value_to: Optional[float] = None
    is_target: bool = False  # a price target ("Kursziel", "ein Ziel von 80 Euro")
    entity_ids: list[str] = field(default_factory=list)


@dataclass
class Quote:
    """Direct, indirect or reported speech with its speaker and cue.

    ``speaker`` is the name as resolved (a pronoun ``er`` is replaced by the
    named speaker it refers to when that is safe); ``speaker_mention`` keeps the
    words in the text, with their offsets.
    """

    quote_id: str
    kind: QuoteKind
    text: str
    start: int
    end: int
    speaker: str = ""
    speaker_mention: str = ""
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    speaker_entity_id: str = ""
    speaker_role: str = ""  # "Managing Director bei Union Bancaire Privee"
    cue: str = ""
    cue_start: Optional[int] = None
    cue_end: Optional[int] = None


@dataclass
class SentimentScores:
    """Class probabilities for one claim, summing to 1."""

    label: SentimentLabel
    score: float  # probability of ``label``
    p_positive: float
    p_neutral: float
    p_negative: float


@dataclass
class Claim:
    """What one sentence says about one entity: the unit the sentiment model scores.

    ``start``/``end`` delimit the claim text, narrowed to the entity's clause
    when the sentence says opposite things about two companies. ``target_start``
    and ``target_end`` locate the entity mention inside the article text.
    """

    claim_id: str
    entity_id: str
    entity: str
    sentence: str
    start: int
    end: int
    target_start: int
    target_end: int
    figure_ids: list[str] = field(default_factory=list)
    quote_id: str = ""
    sentiment: Optional[SentimentScores] = None
    role: str = "subject"  # "source": only speaks or rates here; "cause": causes others' losses (claims.py, "Roles")
    move: str = ""  # "up"/"down": the sentence says the entity's shares moved, without a number ("Aktie fällt")


@dataclass
class Document:
    """Everything the pipeline knows about one article; one line of ``documents.jsonl``."""

    article: Article
    mentions: list[EntityMention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def entity(self, entity_id: str) -> Optional[Entity]:
        """Return the entity with ``entity_id``, or ``None``."""
        for ent in self.entities:
            if ent.entity_id == entity_id:
                return ent
        return None


@dataclass
class EntitySentiment:
    """One row of ``entity_sentiment.csv``: an entity rolled up over one article."""

    article_id: str
    entity_id: str
    entity: str
    entity_type: str
    ticker: Optional[str]
    isin: Optional[str]
    exchange: Optional[str]
    listed: Optional[bool]
    mentions: int
    claims: int
    positive: int
    neutral: int
    negative: int
    sentiment_score: Optional[float]
    sentiment_label: Optional[str]
    org_kind: str = ""


@dataclass
class CorpusEntity:
    """One row of ``corpus_entities.csv``: an entity rolled up over all articles.

    Entities are keyed by ISIN when listed, else by their normalised name.
    """

    key: str
    entity: str
    entity_type: str
    ticker: Optional[str]
    isin: Optional[str]
    listed: Optional[bool]
    articles: int
    mentions: int
    claims: int
    positive: int
    neutral: int
    negative: int
    mean_score: Optional[float]
    sentiment_label: Optional[str]


def to_dict(record: Any) -> dict[str, Any]:
    """Turn a record (and nested records) into plain JSON-ready dicts."""
    return asdict(record)
