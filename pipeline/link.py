"""The link stage: every ORG entity -> a listed security (ISIN, ticker, exchange) or not listed.

Runs after sentiment, on :class:`~pipeline.records.Document` records. For each
entity it looks up its canonical name and every mention in the gazetteer
(:mod:`pipeline.gazetteer`) and keeps the best entry:

* a listed security with confidence >= ``link.min_confidence``: ``listed=True``
  with ISIN, ticker, exchange;
* a known unlisted company (DeepSeek, OpenAI) or no match: ``listed=False``,
  no ISIN (NIL); ``link_confidence`` is then how sure we are that it is *not* a
  listed security;
* a known public body (EZB, Fed, Bundesbank), or an organisation the
  ``organisation_kinds`` lexicon types as a public body or other non-company
  (``Bundeswehr``, ``die Gewerkschaft Verdi``, ``IG Metall``, a ministry, a
  university; :mod:`pipeline.org_kinds`): ``listed=None`` (listing does not
  apply, like PER/LOC/MISC/INDEX entities).

Confidence: the alias weight (1.0 curated or full name, 0.95 without legal form,
0.85 without a weak suffix like ``Technologies``, x0.97 for a genitive), divided
by the number of equally good rival entries; an alias that is also an ordinary
word (``Allianz``, ``Apple``) counts only when one of the mentions has a company
cue in its sentence (``Versicherer Allianz``, ``Allianz-Aktie``, ``... um 3 %``),
otherwise its confidence is that context score (< 0.5).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Optional

from pipeline.config import Config
from pipeline.gazetteer import Candidate, Gazetteer, load_gazetteer
from pipeline.home_market import HomeMarkets
from pipeline.records import Document, Entity

log = logging.getLogger(__name__)

HOME_CONFIDENCE = 0.9  # a home-market reading of a short name: sure, but less than a full name


@dataclass
class LinkResult:
    """What the linker decided for one entity (the fields it sets on :class:`Entity`)."""

    listed: Optional[bool]
    isin: Optional[str] = None
    ticker: Optional[str] = None
    exchange: Optional[str] = None
    confidence: Optional[float] = None
    entry_key: Optional[str] = None  # gazetteer entry, also for unlisted organisations and public bodies


class LinkStage:
    """Links the entities of documents to the gazetteer (see the module docstring)."""

    def __init__(self, gazetteer: Gazetteer, min_confidence: float = 0.5, min_context: float = 0.5,
                 home_markets: Optional[HomeMarkets] = None):
        self.gazetteer = gazetteer
        self.min_confidence = min_confidence
        self.min_context = min_context
        self.home_markets = home_markets

    @classmethod
    def from_config(cls, cfg: Config) -> "LinkStage":
        """Build the stage from ``cfg.link`` (overlay, reference CSVs, thresholds); the gazetteer is cached."""
        gazetteer = load_gazetteer(cfg.resolve(cfg.link.overlay), [cfg.resolve(p) for p in cfg.link.reference_csvs])
        markets = HomeMarkets.load(cfg.resolve(cfg.link.home_markets)) if cfg.link.home_markets else None
        return cls(gazetteer, cfg.link.min_confidence, cfg.link.min_context, markets)

    def _mention_score(self, candidates: list[Candidate], context: Optional[float]) -> tuple[Optional[Candidate], float]:
        best, confidence = self.gazetteer.resolve(candidates)
        if best is not None and best.alias.needs_context:
            ctx = 0.0 if context is None else context
            if ctx < self.min_context:
                confidence = min(confidence, ctx)
        return best, confidence

    def link_entity(self, entity: Entity, text: str, market: Optional[str] = None) -> LinkResult:
        """Decide the link of one entity (pure: the entity is not changed).

        Example: an ORG entity ``Siemens Energy`` with mention ``Siemens-Energy``
        gives ``LinkResult(listed=True, isin="DE000ENER6Y0", ticker="ENR.DE", ...)``;
        ``DeepSeek`` gives ``listed=False``; ``EZB`` gives ``listed=None``.

        In an article of another home market (``market``, see :mod:`pipeline.home_market`), an
        entity named only by a short name of that market links to its home company: ``Post``
        in a Vienna report gives the Österreichische Post (``AT0000APOST4``).

        Args:
            entity: the entity with its mentions (character offsets into ``text``).
            text: the article text.
            market: the article's home market (``HomeMarkets.market_of``); None: the default.

        Returns:
            The :class:`LinkResult`.
        """
        if entity.label != "ORG":
            return LinkResult(listed=None)
        gaz = self.gazetteer
        home = self._home_entry(entity, text, market)
        if home is not None:
            if home.kind == "security":
                return LinkResult(True, home.isin, home.ticker, home.exchange, HOME_CONFIDENCE, home.key)
            return LinkResult(False, confidence=HOME_CONFIDENCE, entry_key=home.key)
        scores: dict[str, tuple[float, Candidate]] = {}
        looked: list[tuple[str, Optional[float]]] = []
        for mention in entity.mentions:
            surface = text[mention.start:mention.end] if 0 <= mention.start < mention.end <= len(text) else mention.text
            looked.append((surface, None))
        # The canonical name counts only when no mention is found as written.
        if not any(gaz.lookup(surface) for surface, _ in looked):
            looked.append((entity.name, None))
        for index, (surface, _) in enumerate(looked):
            candidates = gaz.lookup(surface)
            if not candidates:
                continue
            context = None
            if candidates[0].alias.needs_context and index < len(entity.mentions):
                mention = entity.mentions[index]
                context = gaz.context_score(text, mention.start, mention.end)
            elif candidates[0].alias.needs_context:
                context = max((gaz.context_score(text, m.start, m.end) for m in entity.mentions), default=0.0)
            best, confidence = self._mention_score(candidates, context)
            if best is None:
                continue
            old = scores.get(best.entry.key)
            if old is None or old[0] < confidence:
                scores[best.entry.key] = (confidence, best)
        if not scores:
            if not self._is_company(entity, text):
                return LinkResult(listed=None)  # a union, ministry, court ...: listing does not apply
            return LinkResult(listed=False, confidence=1.0)
        ranked = sorted(scores.values(), key=lambda item: (-item[0], item[1].entry.key))
        confidence, best = ranked[0]
        if len(ranked) > 1 and ranked[1][0] >= confidence - 0.05:
            confidence /= 2  # two different entries fit the mentions equally well
        entry = best.entry
        confidence = round(confidence, 3)
        if entry.kind == "security":
            if confidence >= self.min_confidence:
                return LinkResult(True, entry.isin, entry.ticker, entry.exchange, confidence, entry.key)
            if not self._is_company(entity, text):
                return LinkResult(listed=None)
            return LinkResult(False, confidence=round(1 - confidence, 3))
        if entry.kind == "company":
            return LinkResult(False, confidence=confidence, entry_key=entry.key)
        return LinkResult(None, confidence=confidence, entry_key=entry.key)  # public body, other organisation or index

    def _home_entry(self, entity: Entity, text: str, market: Optional[str]):
        """The gazetteer entry of the home company a short-named entity stands for in ``market``, or None."""
        if not market or self.home_markets is None or market == self.home_markets.default:
            return None
        surfaces = [text[m.start:m.end] if 0 <= m.start < m.end <= len(text) else m.text for m in entity.mentions]
        key = self.home_markets.home_key(market, surfaces or [entity.name])
        entry = self.gazetteer.entries.get(key) if key else None
        candidates = self.gazetteer.lookup(surfaces[0]) if surfaces else []
        if entry is not None and candidates and candidates[0].alias.needs_context:
            # the same evidence the default reading needs ("die Post stellt Briefe zu" is no company)
            ctx = max((self.gazetteer.context_score(text, m.start, m.end) for m in entity.mentions), default=0.0)
            if ctx < self.min_context:
                return None
        if key and entry is None:
            log.warning("home market %s: %s names gazetteer key %s, which does not exist", market, entity.name, key)
        return entry if entry is not None and entry.kind in ("security", "company") else None

    def _is_company(self, entity: Entity, text: str) -> bool:
        """Whether an organisation no security matches is a company (unlisted) rather than a public body,
        union, association, party or university (the ``organisation_kinds`` lexicon; the same test as
        ``span._.org_kind`` in the spaCy stage: any mention with such evidence decides)."""
        if entity.org_kind:  # decided in the spaCy stage (span._.org_kind)
            return entity.org_kind == "company"
        gaz = self.gazetteer
        for mention in entity.mentions:
            if 0 <= mention.start < mention.end <= len(text):
                if gaz.organisation_kind(text, mention.start, mention.end) != "company":
                    return False
            elif gaz.org_kinds.kind_of_name(mention.text) not in (None, "company"):
                return False
        return gaz.org_kinds.kind_of_name(entity.name) in (None, "company")

    def link_document(self, document: Document) -> None:
        """Fill isin, ticker, exchange, listed, link_confidence of every Entity in document.entities.

        ORG -> listed True/False (None for public bodies such as the EZB);
        INDEX/PER/LOC/MISC -> listed None.
        """
        text = document.article.text
        market = self.home_markets.market_of(text) if self.home_markets else None
        for entity in document.entities:
            result = self.link_entity(entity, text, market)
            entity.listed = result.listed
            entity.isin = result.isin
            entity.ticker = result.ticker
            entity.exchange = result.exchange
            entity.link_confidence = result.confidence

    def describe(self) -> dict[str, Any]:
        """Data sources (pytickersymbols version, overlay and CSV hashes), counts and thresholds, for ``run.json``."""
        return {
            "gazetteer": self.gazetteer.describe(),
            "min_confidence": self.min_confidence,
            "min_context": self.min_context,
            "home_markets": sorted(self.home_markets.names) if self.home_markets else [],
        }
