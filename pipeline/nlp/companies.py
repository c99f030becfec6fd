"""Companies and indices in the ``Doc``: a gazetteer entity ruler and in-article clustering.

Two spaCy components, both placed after the NER (if any):

* ``finnews_companies`` (:class:`CompanyRuler`) finds every alias of the ticker
  gazetteer (:mod:`pipeline.gazetteer`): listed companies (ORG), stock indices
  (INDEX) and well-known unlisted organisations (ORG). It merges its spans into
  ``doc.ents`` with a named, registered overlap policy
  (``finnews.gazetteer_ents_filter.v1``, :func:`gazetteer_ents_filter`): the
  gazetteer wins for known companies and indices, also over descriptors the
  NER took into its span (``der Hamburger Wirkstoffforscher Evotec`` ->
  ``Evotec``), the NER keeps organisations in no list (DeepSeek, Aletheia
  Capital) and longer names that contain a known one (``Werner von Siemens``,
  ``Deutsche Bank Research``). Before merging it corrects NER spans
  (:meth:`CompanyRuler.ner_corrections`): ``ORG`` spans that name no
  organisation go (``Der Münchner Technologiekonzern``, ``des KI-Booms``,
  ``mit Retro-Turnschuhen``), market places become ``LOC`` (``Wall Street``),
  a name after an institution noun becomes ``ORG`` (``Das Start-up Helsing``).
  Optionally it also marks ``<Name> GmbH``/``<Name> Capital`` patterns as ORG
  (unlisted), for pipelines without NER.
* ``finnews_entity_clusters`` (:class:`EntityClusterer`) gives every entity span
  ``span._.entity_id`` (one id for all mentions of one entity: ``Nvidia``,
  ``Nvidias``, ``NVIDIA Corp.``), ``span._.entity_name`` (the canonical name,
  ``Nvidia``), ``span._.link_candidates`` (``[(isin_or_key, score), ...]``)
  and, on ``ORG`` spans, ``span._.org_kind`` (``company``, ``public_body`` or
  ``other``: ``Bundeswehr`` and ``die Gewerkschaft Verdi`` are organisations
  but no companies; :mod:`pipeline.org_kinds`).

German forms handled:

* Genitive: ``Nvidias``, ``DeepSeeks`` -> the span covers the whole word (with
  the ``s``), the entity name drops it (``Nvidia``).
* Hyphenated compounds: the finance tokenizer splits ``Infineon-Papiere`` into
  ``Infineon | - | Papiere``, so **a company inside a compound token is the token
  span of its name part only**: ``Infineon`` (characters 0-8), and
  ``Siemens-Energy-Aktie`` gives the 3-token span ``Siemens-Energy`` whose entity
  name is ``Siemens Energy``. The mention is an ordinary entity, so it is counted
  like any other (mentions, claims). ``iPhone-Konzern Apple`` gives ``Apple``.
* Legal suffixes are part of the span: ``Kontron AG``, ``NVIDIA Corp.``,
  ``Merck KGaA``.
* A missing comma between two names (``Nvidia , Broadcom AMD oder``) gives two
  spans, ``Broadcom`` and ``AMD``; an NER span ``Broadcom AMD`` made only of
  known companies is split into them.
* ``Siemens Energy`` is never split into ``Siemens``: the longest alias wins, and
  an NER ORG span that contains a known name plus other name words is kept whole.
* Aliases that are ordinary words (``Allianz``, ``Apple``, ``Puma``) are
  accepted only near a company cue (``Allianz-Aktie``, ``Versicherer Allianz``,
  ``... um 3 Prozent``) or when the same company is named clearly elsewhere in
  the article; ``eine strategische Allianz`` is never the insurer.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

import srsly
from spacy.lang.de.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans, registry

from pipeline.config import PROJECT_ROOT
from pipeline.gazetteer import Gazetteer, load_gazetteer, name_key
from pipeline.ner.common_nouns import load_common_nouns
from pipeline.nlp.currency_names import DEFAULT_SCALES
from pipeline.nlp.extensions import register_extensions

log = logging.getLogger(__name__)

register_extensions()

MAX_ALIAS_TOKENS = 10
JOINERS = {"-", "&", ".", "'", "’", "+", "/"}
DEFAULT_ORG_SUFFIXES = ["GmbH", "AG", "SE", "KGaA", "Inc.", "Corp.", "Ltd.", "plc", "LLC", "Capital", "Research",
                        "Partners", "Securities", "Ventures", "Asset Management", "Financial Services",
                        "Global Investors", "Investors", "Mobility", "Foundation", "Stiftung", "Company", "Corporation"]
DEFAULT_ORG_STOP_WORDS = ["Venture", "Private", "Equity", "Human", "Social", "Risiko", "Wagnis", "Eigen", "Fremd",
                          "Sozial", "Natur", "Kunden", "Mitarbeiter", "Laut", "So", "Wie", "Bei", "Von", "Nach",
                          "Trotz", "Seit", "Auch", "Dass", "Denn", "Doch"]
# Abbreviations that start common-noun compounds, never a company name on their own
# ("KI-Booms", "E-Autos", "US-Zölle", "EU-Gelder").
DEFAULT_COMMON_ABBREVIATIONS = ["KI", "AI", "E", "US", "USA", "EU", "UK", "IT", "CO2", "ESG", "ETF", "IPO", "PC", "TV",
                                "App", "Online", "Bio", "Öko", "Tech", "Krypto",
                                # economics and business terms ("BIP-Wachstum", "CEE-Raum", "KMU", "Lkw-Maut")
                                "BIP", "BSP", "CEE", "KMU", "EBIT", "EBITDA", "CEO", "CFO", "SUV", "Lkw", "LKW", "Pkw",
                                "PKW",
                                # English modifiers of German compounds ("Open-Source-Technologie", "Big-Tech-Werte")
                                "Open", "Big", "Cloud", "Social", "All", "Compliance",
                                # laws, treaties and studies an NER takes for organisations ("ASVG-Novelle", "Ceta")
                                "ASVG", "DSGVO", "CETA", "Ceta", "TTIP", "PISA", "Pisa", "TIMSS", "EVU"]
# Endings of social-media account names after the organisation's name ("@faznet", "@Telekom_hilft").
HANDLE_SUFFIXES = ("net", "news", "online", "info", "hilft", "presse", "aktuell", "official", "deutschland", "germany",
                   "de", "at", "ch")
# Common abbreviations that are places: "US-Dominanz" keeps "US" as a place.
PLACE_ABBREVIATIONS = {"US", "USA", "EU", "UK"}
# Tokens that make a span starting with a number a figure, not a name ("140 Mio. €").
FIGURE_UNITS = {"%", "€", "$", "euro", "dollar", "prozent", "mio.", "mrd.", "bill.", "millionen", "milliarden",
                "million", "milliarde", "us-dollar", "franken", "yen", "pfund"}
# Nouns for a person's role ("Marktanalyst Jonas Wendler", "Chefvolkswirt Felix Arendt"): a name
# starts after them, and on their own they name nobody.
PERSON_ROLE_ENDINGS = ("analyst", "analystin", "analysten", "stratege", "strategin", "ökonom", "ökonomin", "volkswirt",
                       "volkswirtin", "chef", "chefin", "sprecher", "sprecherin", "minister", "ministerin",
                       "präsident", "präsidentin", "direktor", "direktorin", "leiter", "leiterin", "manager",
                       "managerin", "experte", "expertin")
# Endings of compound common nouns that the NER takes for names ("Milliardenauftrag", "Leitzins").
BUSINESS_NOUN_ENDINGS = ("auftrag", "aufträge", "ziel", "ziele", "zins", "zinsen", "wert", "werte", "kunden", "hoch",
                         "tief", "umsatz", "gewinn", "gewinne", "quote", "preis", "preise", "kurs", "prognose",
                         "markt", "märkte", "geschäft", "sparte", "anleger", "aktie", "aktien")
# Last parts of a hyphenated compound that make it an event or a person, not the organisation named
# in it: "KTB-Affäre", "KTB-Kollaps", "Öbib-Pressesprecher", "Hypo-Zentrale" (the name is the first part).
COMPOUND_TAIL_ENDINGS = ("affäre", "skandal", "kollaps", "pleite", "krise", "debakel", "prozess", "verfahren", "zentrale",
                         "deal", "übernahme", "fusion", "streit")
# Analysts' ratings an NER may take for organisations ("auf „Neutral“ abgestuft").
# An exchange symbol with its market suffix: "VOW.ETR", "VOW3.DE", "SAP.DE".
TICKER_CODE = re.compile(r"[A-Z0-9]{1,6}\.[A-Z]{1,4}")
RATING_NAMES = {"neutral", "kaufen", "verkaufen", "halten", "overweight", "underweight", "equal weight", "equal-weight",
                "outperform", "underperform", "market perform", "sector perform", "buy", "sell", "hold", "strong buy",
                "accumulate", "reduce", "übergewichten", "untergewichten"}
# Articles and article-prepositions before a place adjective ("der Genfer Privatbank", "im Walldorfer Werk").
ADJECTIVE_ARTICLES = {"der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines", "einem", "einen",
                      "im", "beim", "vom", "zum", "zur", "am"}
# Lower-case words that never end an organisation's name: "die MTB Privatstiftung von Theresia Babler".
# Separators of feeds and bylines ("Haul SheIn | Dresslink", "Polizeipräsidium Konstanz / POL-KN"): spaced,
# they end an organisation's or a person's name (GermEval's never hold one; "JL/CSU" is unspaced). Places
# may: "Frankfurt / Main", "Böblingen / Sindelfingen" (SmartData).
NAME_SEPARATORS = {"/", "|", "•", "·"}
# What may come right before a news feed's label in capitals ("DJ PRESSEMITTEILUNG / MYNEWSDESK …").
FEED_LABEL_AFTER = frozenset(NAME_SEPARATORS | {":", "-", "–", "—"})
# Nouns for a kind of organisation that introduce a name which is also a common noun: "die
# Pilotenvereinigung Cockpit", "das Nachrichtenportal Bivol", "der Radiosender Athina".
ORGANISATION_DESCRIPTORS = ("vereinigung", "gewerkschaft", "verein", "verband", "partei", "firma", "marke", "verlag",
                            "club", "klub", "initiative", "portal", "sender", "magazin", "zeitung", "zeitschrift",
                            "netzwerk", "agentur", "unternehmen", "konzern", "gruppe", "bank", "kette", "startup",
                            "start-up", "stiftung", "institut", "bündnis", "plattform", "dienst", "label", "band")
QUOTE_OPENERS = {"„", "\"", "»", "«", "‚", "'", "“"}
# Articles, also inside a preposition ("vom", "beim"): a common noun has one, a name often not.
ARTICLES = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen", "vom", "zum",
            "zur", "im", "am", "beim", "ins", "ans", "aufs", "diese", "dieser", "dieses", "diesem", "diesen"}
# Marks that never end a name, and marks that never start one.
NAME_END_NEVER = {"(", "[", "{", "„", "‚", ",", ";", ":"}
NAME_START_NEVER = {")", "]", "}", ",", ";", ":"}
# Words that join the parts of a coordination ("Tech- und Energie-Aktien").
COORDINATORS = {"und", "oder", "sowie", "bzw."}
TRAILING_FUNCTION_WORDS = {"von", "vom", "der", "des", "die", "das", "und", "oder", "im", "am", "mit", "für", "bei",
                           "zu", "zur", "zum", "in", "aus", "an", "auf", "-", "‑"}
# Prepositions that take a bare plural noun ("mit Retro-Turnschuhen", "bei E-Autos").
BARE_PREPOSITIONS = {"mit", "bei", "von", "zu", "aus", "nach", "für", "über", "um", "gegen", "ohne", "unter", "vor",
                     "in", "an", "auf", "durch", "wie"}
# Nouns naming an institution, followed by its name: "der Privatbank Berenberg", "beim Bankhaus Metzler".
DEFAULT_ORG_DESCRIPTORS = ["Bankhaus", "Privatbank", "Investmentbank", "Großbank", "Landesbank", "Geschäftsbank",
                           "Vermögensverwalter", "Vermögensverwaltung", "Fondsgesellschaft", "Fondsanbieter",
                           "Analysehaus", "Researchhaus", "Research-Haus", "Investmenthaus", "Broker", "Onlinebroker",
                           "Beratungsfirma", "Beratungsgesellschaft", "Ratingagentur", "Finanzdienstleister",
                           "Vermögensverwalterin", "Fondshaus", "Anlagehaus", "Asset-Manager", "Marktforscher",
                           "Marktforschungsinstitut", "Marktforschungsunternehmen", "Beratungsunternehmen",
                           "Unternehmensberatung", "Datenanbieter", "Finanzinvestor", "Beteiligungsgesellschaft",
                           "Startup", "Start-up", "Finanz-Startup", "Fintech"]
# Sports clubs by their prefix (the gazetteer overlay's organisation_kinds make them kind "other").
# These open a club's name before any capitalised word: "VfL Bochum", "FC Bayern München".
CLUB_PREFIXES = ("FC", "VfL", "VfB", "VfR", "TSV", "SpVgg", "TuS", "SuS", "SSV", "FSV", "STV", "TSG", "MSV", "BSC",
                 "KSV", "SSC", "DJK", "ESV", "KFC", "SV", "SC")
# These mean other things as well ("TV Total", "RB 48" for a regional train): a club only before a
# place the NER found, or where the NER's organisation starts with them. (Not "AS" or "SK": "Aker AS",
# "SK Hynix" are companies.)
CLUB_PREFIXES_BEFORE_PLACE = ("TV", "SG", "SW", "BV", "RB")
# Words ending like this describe a company, they do not name it ("Analysehaus", "Chipkonzern").
DESCRIPTOR_ENDINGS = ("haus", "konzern", "bank", "gesellschaft", "firma", "investor", "fonds", "manager", "anbieter",
                      "house", "experten", "analysten", "chef")
# Nouns naming a kind of company (a compound's last part, inflected forms included): a run of
# words ending in one describes the company named after it ("der Chemikalienhändler Brenntag").
GENERIC_COMPANY_ENDINGS = ("konzern", "unternehmen", "hersteller", "händler", "riese", "rivale", "investor",
                           "anbieter", "versicherer", "zulieferer", "spezialist", "produzent", "konkurrent",
                           "betreiber", "entwickler", "forscher", "bauer", "firma", "tochter", "mutter", "holding",
                           "ausrüster", "dienstleister", "start-up", "startup", "gigant", "haus", "discounter",
                           "berater",
                           # "die Wiener Anwaltskanzlei Lansky", "krempelt die Frankfurter Institution um"
                           "kanzlei", "institution",
                           # kinds of bank, not a bank's name (unlike "Postbank"): "die Grossbank", "die Privatbank"
                           "großbank", "grossbank", "privatbank", "investmentbank", "regionalbank", "geschäftsbank",
                           "direktbank", "hausbank", "förderbank")
# For NER places and miscellany: "Oberhausen", "Burghausen" are towns; "-bauer" and "-mutter" end
# place names too ("Bauer" is also a surname, hence never applied to persons).
PLACE_SAFE_COMPANY_ENDINGS = tuple(e for e in GENERIC_COMPANY_ENDINGS if e not in ("haus", "bauer", "mutter", "tochter"))
TYPE_NOUN_ENDINGS = GENERIC_COMPANY_ENDINGS + ("bank", "gesellschaft", "fonds", "manager", "börse", "gruppe", "institut",
                                               "versicherung", "house", "chef")
# Nouns for an institution, never a person: a name right after one is a company whatever the NER
# labelled it ("Das Münchner Rüstungs-Start-up Helsing", "der Leasinggesellschaft AviLease").
INSTITUTION_ENDINGS = ("konzern", "unternehmen", "start-up", "startup", "firma", "holding", "hersteller",
                       "zulieferer", "anbieter", "discounter", "versicherer", "gesellschaft", "bank", "gruppe",
                       "betreiber", "produzent",
                       # "der dänische Branchenriese Maersk", "der Auftragsfertiger Foxconn", "der Billigflieger"
                       "riese", "fertiger", "reederei", "airline", "fluglinie", "billigflieger", "ausrüster",
                       "dienstleister", "versorger",
                       # "die Digitalagentur Conrad Caine", "der Verlag Weiss", "die Hotelkette Motel One", "der Sender
                       # RTL" (not a bare "-kette": "in der Lieferkette China")
                       "agentur", "verlag", "ferienflieger", "hotelkette", "handelskette", "supermarktkette",
                       "drogeriekette", "modekette", "baumarktkette", "restaurantkette", "kaffeehauskette", "sender",
                       "portal",
                       # other organisations: "der Weltraumbehörde Nasa", "des Arbeitgeberverbands Gesamtmetall",
                       # "die Gewerkschaft Cockpit", "sein Ensemble Trabuco"
                       "behörde", "verband", "gewerkschaft", "partei", "verein", "ensemble", "orchester")
# Kind nouns before a name the NER may have missed (CompanyRuler._kind_noun_names): companies only;
# "Gruppe" and "Gesellschaft" take genitive plurals too ("einer Gruppe Jugendlicher").
KIND_NOUN_ENDINGS = tuple(e for e in INSTITUTION_ENDINGS[:INSTITUTION_ENDINGS.index("behörde")]
                          if e not in ("gruppe", "gesellschaft"))
# Days and months, which the common-noun list leaves out as they are surnames and given names too
# ("Der Konzern meldete am Freitag", "Der Konzern Freitag" never names one).
DATE_NAMES = frozenset("Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonnabend Sonntag Januar Jänner Februar "
                       "März April Mai Juni Juli August September Oktober November Dezember Mitte".split())


@dataclass
class CompanyMatch:
    """A span the ruler found (token offsets), before it is written to the ``Doc``.

    ``candidates`` are ``(entry key, score)`` pairs, best first (empty for a
    pattern match, which is an unlisted organisation); ``accepted`` is false for
    an ambiguous alias without a company cue (it may still be accepted when the
    same entry is named clearly elsewhere in the article).
    """

    start: int
    end: int
    label: str
    candidates: list[tuple[str, float]] = field(default_factory=list)
    needs_context: bool = False
    context: float = 1.0
    accepted: bool = True
    source: str = "gazetteer"


def _resolve_path(path: str | Path) -> Path:
    path = Path(path).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


@functools.lru_cache(maxsize=4)
def _load_common_nouns(path: str) -> frozenset[str]:
    """The common-noun list, read once per process and path (250,000 forms, about 0.2 s)."""
    return load_common_nouns(Path(path))


# Last words of newspaper titles that start with a place ("Ostsee-Zeitung", "Ruhr Nachrichten").
NEWSPAPER_NOUNS = ("Zeitung", "Nachrichten", "Anzeiger", "Rundschau", "Tagblatt", "Kurier", "Morgenpost", "Abendblatt",
                   "Volksstimme", "Volkszeitung", "Allgemeine", "Presse")


def _newspaper_title_end(doc: Doc, end: int, taken: set[int]) -> int:
    """The end of a newspaper title that a place the NER found starts: ``Ostsee`` + ``-Zeitung``,
    ``Ruhr`` + `` Nachrichten``, ``Kölner`` + `` Stadt-Anzeiger``; ``end`` where none follows."""
    k = end + 1 if end < len(doc) and doc[end].text in {"-", "‑"} and _glued(doc[end - 1], doc[end]) else end
    if k >= len(doc) or k in taken or (k == end and not doc[end - 1].whitespace_):
        return end
    j = k
    # a compound in front of the noun joins ("Stadt-Anzeiger")
    while j + 2 < len(doc) and doc[j + 1].text in {"-", "‑"} and _glued(doc[j], doc[j + 1]) and _glued(doc[j + 1], doc[j + 2]):
        j += 2
    if doc[j].text not in NEWSPAPER_NOUNS or taken.intersection(range(k, j + 1)):
        return end
    # After a space, a plain place needs a title's noun: "Ruhr Nachrichten", not "in Hamburg Zeitung lesen"
    if k == end and j == k and not doc[end - 1].text.endswith("er") and doc[j].text in ("Zeitung", "Presse", "Kurier"):
        return end
    return j + 1


def _club_year(token: Token) -> bool:
    """A club's founding year or its short form: ``1860``, ``04``, ``96``."""
    return token.is_digit and len(token.text) in (2, 4)


def _glued(a: Token, b: Token) -> bool:
    """Whether token ``b`` directly follows ``a`` without whitespace."""
    return b.i == a.i + 1 and not a.whitespace_


@registry.misc("finnews.gazetteer_ents_filter.v1")
def make_gazetteer_ents_filter() -> Callable[[Iterable[Span], Iterable[Span]], list[Span]]:
    """Registered factory of :func:`gazetteer_ents_filter` (``{"@misc": "finnews.gazetteer_ents_filter.v1"}``)."""
    return gazetteer_ents_filter


def gazetteer_ents_filter(entities: Iterable[Span], spans: Iterable[Span]) -> list[Span]:
    """Merge gazetteer spans into existing (NER) entities.

    Policy, per existing entity that overlaps gazetteer spans:

    * words of an existing ``ORG`` (or ``MISC``, ``LOC``: ``beim Lemförder Aldi``) entity *before* the gazetteer
      name are a description when they are one (:func:`descriptive_prefix`):
      German news puts descriptors before a name, not name parts
      (``der Hamburger Wirkstoffforscher Evotec``, ``der Chemikalienhändler
      Brenntag``, ``Beim Leverkusener Bayer-Konzern``, ``Die Holding Porsche SE``,
      ``die Schweizer Großbank UBS``). They are trimmed off, and the rest is judged
      as below;
    * it strictly contains the gazetteer spans and its other words are name words,
      not a compound part, a descriptor or punctuation -> the existing entity stays
      and the gazetteer spans inside go: a longer name (NER ``Werner von Siemens``
      PER, ``Bank of America Merrill Lynch``, ``Deutsche Bank Research``,
      ``Siemens Gamesa`` ORG); a name before the gazetteer name that is no
      description also stays (``Rheinische Post``: ``Rheinische`` is an adjective
      but names the paper, ``Post`` is not DHL);
    * otherwise the gazetteer spans win (NER ``Nvidia-Aktie`` -> ``Nvidia``;
      NER ``Broadcom AMD`` -> ``Broadcom`` + ``AMD``; equal spans take the
      gazetteer label).

    Entities that overlap nothing are kept.

    Args:
        entities: the current ``doc.ents``.
        spans: the gazetteer's spans.

    Returns:
        Non-overlapping spans, sorted.
    """
    spans = sorted(spans)
    starts = [s.start for s in spans]
    # The largest end among spans[0..k]: walking back from the last span that starts before an
    # entity ends may stop once no earlier span reaches into it (linear, not all spans per entity).
    reach = list(itertools.accumulate((s.end for s in spans), max))
    dropped_new: set[int] = set()
    kept: list[Span] = []
    for ent in entities:
        k = bisect.bisect_left(starts, ent.end) - 1
        overlapping = []
        while k >= 0 and reach[k] > ent.start:
            if spans[k].end > ent.start:
                overlapping.append(k)
            k -= 1
        overlapping.reverse()
        if not overlapping:
            kept.append(ent)
            continue
        inside = all(ent.start <= spans[k].start and spans[k].end <= ent.end for k in overlapping)
        first = min(spans[k].start for k in overlapping)
        if inside and ent.label_ in ("ORG", "MISC", "LOC") and first > ent.start and descriptive_prefix(ent.doc[ent.start:first]):
            ent = Span(ent.doc, first, ent.end, label=ent.label_, kb_id=ent.kb_id_)
        covered = {i for k in overlapping for i in range(spans[k].start, spans[k].end)}
        extra = [t for t in ent if t.i not in covered]
        if inside and extra and _name_words(extra):
            kept.append(ent)
            dropped_new.update(overlapping)
    kept += [s for k, s in enumerate(spans) if k not in dropped_new]
    return sorted(filter_spans(kept))


def _name_words(tokens: list[Token]) -> bool:
    """Whether tokens outside a gazetteer match are more name (``Merrill Lynch``), not a compound or descriptor."""
    words = [t for t in tokens if not t.is_punct]
    if not words or any(t.text in {"-", "–"} for t in tokens):
        return False
    if words[0].lower_ in {"der", "die", "das", "den", "dem", "des"}:
        return False  # a sentence-initial article the NER took in: "Die Grünen" -> "Grünen"
    if any(t.text.casefold().endswith(DESCRIPTOR_ENDINGS) for t in words):
        return False
    return all(t.text[:1].isupper() or t.text.casefold() in {"von", "van", "de", "der", "of", "and", "&"} for t in words)


def _words(tokens: Iterable[Token]) -> list[str]:
    """Words of a token run, hyphenated compounds joined (``US``, ``-``, ``Chipriese`` -> ``US-Chipriese``)."""
    words: list[str] = []
    glue = False
    for token in tokens:
        if token.text in {"-", "‑"} and words and not glue:
            words[-1] += "-"
            glue = True
            continue
        if glue and words:
            words[-1] += token.text
        elif not token.is_punct:
            words.append(token.text)
        glue = False
    return [w.rstrip("-") for w in words if w.rstrip("-")]


def is_type_noun(word: str, endings: tuple[str, ...] = TYPE_NOUN_ENDINGS) -> bool:
    """Whether a capitalised word names a kind of company rather than one company.

    A hyphenated compound is judged by its last part; inflected forms count
    (``Konzerns``, ``Riesen``, ``Rivalen``). Example: ``Chemikalienhändler``,
    ``Wirkstoffforscher``, ``US-Chipriese``, ``Holding``, ``Technologiekonzern``.
    """
    lower = word.casefold()
    if lower.endswith("start-up") or lower.endswith("start-ups"):
        return "start-up" in endings
    head = lower.split("-")[-1]
    return any(form and form.endswith(endings) for form in (head, head[:-1], head[:-2]))


def compound_before(doc: Doc, i: int) -> str:
    """The word (hyphenated compound joined) that ends right before token ``i``, separated from it by
    whitespace: ``Rüstungs-Start-up`` before ``Helsing``; ``""`` at the start or after punctuation."""
    k = i - 1
    if k < 0 or not doc[k].whitespace_ or "\n" in doc[k].whitespace_ or doc[k].is_punct:
        return ""
    word = doc[k].text
    while k >= 2 and doc[k - 1].text in {"-", "‑"} and _glued(doc[k - 2], doc[k - 1]) and _glued(doc[k - 1], doc[k]):
        word, k = f"{doc[k - 2].text}-{word}", k - 2
    return word


def _starts_compound(doc: Doc, end: int) -> bool:
    """Whether a glued hyphen and a word follow position ``end`` (``Tech`` in ``Tech-Werten``)."""
    return (end + 1 < len(doc) and doc[end].text in {"-", "‑"} and not doc[end - 1].whitespace_
            and not doc[end].whitespace_ and doc[end + 1].is_alpha)


def _inflected_adjective(token: Token) -> bool:
    """A lower-case inflected adjective before a noun: ``der marktbeherrschenden Staatsbahn``."""
    return token.is_alpha and token.text.islower() and token.text.endswith(("e", "en", "er", "es", "em"))


def _cut_at_separator(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """``doc[start:end]`` up to its first spaced separator, without one at the start.

    ``SheIn | Dresslink`` tagged as one name, or ``SheIn |``, -> ``SheIn``; ``Polizeipräsidium
    Konstanz /`` -> ``Polizeipräsidium Konstanz``; ``| Reuters`` -> ``Reuters``. Not ``JL/CSU`` (no space).
    """
    while start < end and doc[start].text in NAME_SEPARATORS:
        start += 1
    for k in range(start + 1, end):
        if doc[k].text in NAME_SEPARATORS and (doc[k - 1].whitespace_ or doc[k].whitespace_):
            return start, k
    return start, end


def _coordinated_compound_parts(doc: Doc, start: int, end: int) -> bool:
    """Whether ``doc[start:end]`` lists the first parts of compounds that share their last part.

    German leaves out the shared part after a hyphen: ``Deutsche Tech- und Energie-Aktien``
    are tech shares and energy shares, so ``Deutsche Tech- und Energie`` before ``-Aktien``
    names kinds of shares, not an organisation. A name ends in a whole word and stays
    (``die Volks- und Raiffeisenbanken``, ``Österreichische Bundes- und Industriebeteiligungen GmbH``).
    """
    if end + 1 >= len(doc) or doc[end].text not in {"-", "‑"} or doc[end - 1].whitespace_ \
            or not doc[end + 1].is_alpha:
        return False
    return any(len(doc[k].text) > 1 and doc[k].text[-1] in "-‑" and doc[k + 1].lower_ in COORDINATORS
               for k in range(start, end - 1))


def _feed_label(doc: Doc, i: int, gaz: Gazetteer, common_nouns: frozenset[str]) -> bool:
    """Whether ``doc[i]``, a word in capitals opening a line or following a separator, labels a
    news feed or a dateline before the name that follows it rather than starting that name.

    ``DJ PRESSEMITTEILUNG / MYNEWSDESK Seerene erhält …`` -> ``Seerene``; ``FRANKFURT Commerzbank
    streicht …`` -> ``Commerzbank``. Not a name the gazetteer lists in capitals (``FANUC Zentrix``),
    not before a legal form or a common noun (``DEUTZ AG``, ``ZENTRIX Gruppe``, ``HORNBACH
    Baumarkt``), not a short acronym (``BMW Group``, ``ADAC Stiftung``).
    """
    word, after = doc[i], doc[i + 1]
    if not (word.is_alpha and word.is_upper and len(word) >= 5):
        return False
    if i > 0 and doc[i - 1].text not in FEED_LABEL_AFTER and "\n" not in doc[i - 1].whitespace_ \
            and not doc[i - 1].is_space:
        return False
    if not (after.is_alpha and after.text[:1].isupper() and not after.is_upper) or is_type_noun(after.text) \
            or name_key(after.text) in gaz.legal_form_keys or after.text in common_nouns:
        return False
    # A name listed in capitals starts the name ("FANUC …"); "Mynewsdesk" written in capitals labels a feed.
    return not any(alias.text == word.text for alias in gaz.aliases.get(name_key(word.text), ()))


def _is_role_noun(token: Token) -> bool:
    """A capitalised noun for a person's role: ``Analystin``, ``Marktanalyst``, ``Chefvolkswirt``."""
    return token.is_alpha and token.text[:1].isupper() and token.lower_.endswith(PERSON_ROLE_ENDINGS)


def _business_noun(token: Token) -> bool:
    """A compound common noun of market news that the NER takes for a name: ``Milliardenauftrag``,
    ``Margenziel``, ``Leitzins``, ``Börsenwert``, ``Rekordhoch``, ``Mobilfunkkunden``."""
    lower = token.lower_
    return (token.is_alpha and token.text[:1].isupper()
            and any(lower.endswith(e) and len(lower) > len(e) + 2 for e in BUSINESS_NOUN_ENDINGS))


DATELINE_DASHES = {"–", "—", "-"}


def _dateline(doc: Doc, ent: Span) -> bool:
    """Whether ``ent`` is the place of a dateline: it opens a sentence that is not the article's first
    (a headline may be ``Zielpunkt – die Pleite``), a spaced dash follows, then a capitalised word.

    ``Die Autobauer zahlen. Detroit – Der größte US-Autohersteller General Motors …``,
    ``… Wien/Moskau – Die OMV …`` (APA and derStandard style).
    """
    end = ent.end
    while end + 1 < len(doc) and doc[end].text == "/" and doc[end + 1].text[:1].isupper():
        end += 2  # "Wien/Moskau"
    if ent.end != end and not all(t.text == "/" or t.is_alpha for t in doc[ent.start:end]):
        return False
    if not doc[ent.start].is_sent_start or doc[ent.start].sent.start == 0 or end + 1 >= len(doc):
        return False
    dash, nxt = doc[end], doc[end + 1]
    return (dash.text in DATELINE_DASHES and doc[end - 1].whitespace_ == " " and dash.whitespace_ == " "
            and (nxt.text[:1].isupper() or nxt.text[:1] in "„\"»"))


def _place_end(doc: Doc, i: int, keys: set[str]) -> Optional[int]:
    """End of the longest place name of ``keys`` starting at token ``i`` (up to three tokens), else None.

    One word may carry a genitive ``-s`` (``Japans``, ``Deutschlands``).
    """
    for end in range(min(len(doc), i + 3), i, -1):
        span = doc[i:end]
        if (any(t.is_space or t.is_punct and t.text not in JOINERS for t in span) or span[-1].is_punct
                or "\n" in span[:-1].text_with_ws):
            continue  # not over a line break, nor with a sentence's final period ("in Österreich.")
        key = name_key(span.text)
        if key in keys or (end == i + 1 and span.text.endswith("s") and key[:-1] in keys):
            return end
    return None


def _spacing_ok(span: Span, aliases: Iterable) -> bool:
    """Words apart in the text spell a one-word alias only as capitalised words: ``Euro Wings`` is
    ``Eurowings``, ``Denn er`` is not ``Denner``.

    Alias keys drop spaces and hyphens (``Siemens Energy`` = ``Siemens-Energy``), so two words
    of a sentence can spell a one-word alias.
    """
    if not any(t.whitespace_ for t in span[:-1]) or any(" " in a.text or "-" in a.text for a in aliases):
        return True
    return all(t.text[:1].isupper() or not t.is_alpha for t in span)


def _in_compound(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens ``start:end`` are joined to a hyphen before or after (``China-Geschäft``, ``Nord-Irland``)."""
    before = start > 0 and doc[start - 1].text in {"-", "‑"} and not doc[start - 1].whitespace_
    after = end < len(doc) and doc[end].text in {"-", "‑"} and not doc[end - 1].whitespace_
    return before or after


def _place_adjective(doc: Doc, i: int) -> bool:
    """``Genfer`` in ``der Genfer Privatbank``: a capitalised ``-er`` word between an article and a noun."""
    word = doc[i]
    return (word.is_alpha and word.text.endswith("er") and len(word.text) > 4 and i > 0
            and doc[i - 1].lower_ in ADJECTIVE_ARTICLES and i + 1 < len(doc)
            and doc[i + 1].is_alpha and doc[i + 1].text[:1].isupper())


# Titles of sports champions: before a country they name the country's team ("Europameister Spanien").
TITLE_HOLDER_ENDINGS = ("meister", "meisterin", "sieger", "siegerin")


def _acronym_before_people(acronym: Token, noun: Token, common_nouns: frozenset[str]) -> bool:
    """``SVP Wähler``, ``DDP Anhänger``: an organisation's acronym and a common noun for people (in
    ``-er``/``-ers``, ``-iers``) are the compound ``SVP-Wähler`` written apart; the organisation is
    the acronym alone. Not ``SAP Arena`` or ``RWE Energie`` (no noun for people)."""
    word = noun.text
    return (acronym.is_alpha and acronym.is_upper and 2 <= len(acronym.text) <= 6 and word in common_nouns
            and word[1:].islower() and word.endswith(("er", "ers")))


def _demonym_noun(doc: Doc, i: int, common_nouns: frozenset[str]) -> bool:
    """``Bayreuther`` in ``Der Bayreuther unterlag``, ``Emsländer`` in ``die Emsländer in``: a place word in
    ``-er`` used as a noun after a definite article names the people or the team of a place (GermEval:
    ``LOCderiv``, no entity), not an organisation. Not a common noun (``der Versicherer``) and not
    before a capitalised word (``der Genfer Privatbank``, judged by :func:`_place_adjective`)."""
    word = doc[i]
    if not _adjective_shaped(word.text) or word.text in common_nouns or i == 0:
        return False
    if doc[i - 1].lower_ not in ("der", "die", "den", "dem", "des"):
        return False
    after = doc[i + 1] if i + 1 < len(doc) else None
    return after is None or not (after.is_alpha and after.text[:1].isupper())


def _place_adjective_before_kind(doc: Doc, i: int) -> bool:
    """``Münchner`` in ``kauft Münchner Softwarehaus`` or ``Die beiden Münchner und Stuttgarter
    Oberklassehersteller``: a capitalised ``-er`` adjective before a noun for a kind of company
    (directly or through a coordinated second adjective) describes, it names nothing."""
    if not _adjective_shaped(doc[i].text):
        return False
    j = i + 1
    if j + 1 < len(doc) and doc[j].lower_ in ("und", "oder", ",") and _adjective_shaped(doc[j + 1].text):
        j += 2
    return j < len(doc) and doc[j].is_alpha and doc[j].text[:1].isupper() and is_type_noun(doc[j].text)


# Nouns for a product or business line: a name right after one is the product (MISC), not a company
# ("das Cloud-Geschäft Azure", "des Browsers „Firefox“", "der Chatbot ChatGPT").
PRODUCT_ENDINGS = ("geschäft", "geschäfts", "browser", "browsers", "betriebssystem", "betriebssystems", "software",
                   "modell", "modells", "app", "chip", "chips", "marke", "produkt", "produkts", "medikament",
                   "medikaments", "präparat", "präparats", "konsole", "smartphone", "chatbot", "chatbots", "programm",
                   "programms", "suchmaschine")


def _product_before(doc: Doc, i: int) -> bool:
    """Whether a product noun ends right before token ``i``, an opening quotation mark allowed between
    (``das Cloud-Geschäft Azure``, ``des Browsers „Firefox“``)."""
    k = i - 1 if i > 0 and doc[i - 1].text in OPENING_MARKS else i
    noun = compound_before(doc, k)
    return bool(noun) and noun[:1].isupper() and noun.casefold().endswith(PRODUCT_ENDINGS)


def _home_town(doc: Doc, i: int) -> bool:
    """Whether token ``i`` follows ``aus dem kalifornischen``, ``im schwäbischen``: a town after a
    regional adjective after a preposition of place (``Das Unternehmen aus dem kalifornischen Santa
    Clara``; not ``bei der niederländischen ING``)."""
    if i < 2:
        return False
    adjective = doc[i - 1]
    if not (adjective.is_lower and adjective.is_alpha and adjective.lower_.endswith(("ischen", "ischem"))):
        return False
    before = doc[i - 2].lower_
    return before in ("im", "ins") or (i >= 3 and doc[i - 3].lower_ in ("aus", "in", "nach") and before in ("dem", "der", "die"))


OPENING_MARKS = {"„", "\"", "»", "«", "‚", "'", "“"}


PLACE_INSTITUTIONS = ("Börse", "Sparkasse", "Stadtwerke", "Verkehrsbetriebe", "Flughafen", "Volksbank")


def _place_institution(doc: Doc, i: int) -> bool:
    """``Wiener`` of ``an der Wiener Börse``: a place adjective whose institution noun follows and ends
    the name (not ``die Pariser Bank Oddo BHF``, where a name follows)."""
    j = i + 1
    return (_adjective_shaped(doc[i].text) and j < len(doc) and doc[j].text in PLACE_INSTITUTIONS
            and not (j + 1 < len(doc) and doc[j + 1].text[:1].isupper() and doc[j + 1].is_alpha))


def _bare_kind_noun(word: str) -> bool:
    """Whether a word is a kind noun itself, not a compound ending in one: ``Bank``, ``Konzerns``, ``Gruppe``
    (not ``Privatbank``, ``Unternehmensberater``), which may start a name (``Bank Austria``). ``Firma``
    never does: ``der Firma PricewaterhouseCoopers AG`` is ``PricewaterhouseCoopers AG``."""
    lower = word.casefold()
    if lower in ("firma", "firmen"):
        return False
    return any(lower in (end, end + "s", end + "n", end + "en") for end in TYPE_NOUN_ENDINGS)


def _adjective_shaped(word: str) -> bool:
    """A capitalised place adjective or agent noun in ``-er`` (``Hamburger``, ``Leverkusener``, ``Schweizer``)."""
    return word[:1].isupper() and word.isalpha() and word.endswith("er") and len(word) > 4


def descriptive_prefix(tokens: Span) -> bool:
    """Whether the words before a gazetteer name inside an NER span describe it rather than name it.

    A description is (a) a run that ends in a noun naming a kind of company
    (:func:`is_type_noun`), whatever modifies it (``der Chemikalienhändler``,
    ``Hamburger Wirkstoffforscher``, ``die Schweizer Großbank``, ``Holding``), or
    (b) lower-case words and capitalised ``-er`` adjectives only
    (``Leverkusener``). Capitalised words of any other shape are names:
    ``Rheinische`` (``Rheinische Post``), ``Robert`` (``Robert Bosch``).

    Args:
        tokens: the tokens between the start of the NER span and the gazetteer name.

    Returns:
        ``True`` for a description.
    """
    words = _words(tokens)
    if not words:
        return False
    if words[-1][:1].isupper() and is_type_noun(words[-1]):
        return True
    return all(w[:1].islower() or _adjective_shaped(w) for w in words)


class CompanyRuler:
    """Entity ruler fed by the ticker gazetteer (factory ``finnews_companies``).

    ``match(doc)`` is pure and returns :class:`CompanyMatch` objects;
    ``set_annotations(doc, matches)`` writes ``doc.ents`` and
    ``span._.link_candidates``. The gazetteer loads in :meth:`initialize` (or at
    the first call), never at import.
    """

    def __init__(self, nlp: Language, name: str, overlay: str, reference_csvs: list[str],
                 ents_filter: Callable[[Iterable[Span], Iterable[Span]], list[Span]], min_context: float,
                 org_patterns: bool, org_suffixes: list[str], org_stop_words: list[str],
                 org_descriptors: Optional[list[str]] = None, ner_filter: bool = True,
                 common_abbreviations: Optional[list[str]] = None, common_nouns: Optional[str] = None,
                 club_prefixes: Iterable[str] = CLUB_PREFIXES,
                 club_prefixes_before_place: Iterable[str] = CLUB_PREFIXES_BEFORE_PLACE, spot_places: bool = True):
        self.nlp = nlp
        self.spot_places = spot_places
        self.common_nouns_path = common_nouns
        self._common_nouns: Optional[frozenset[str]] = None
        self.club_prefixes = list(club_prefixes)
        self.club_prefixes_before_place = list(club_prefixes_before_place)
        self.org_descriptors = list(org_descriptors or [])
        self.ner_filter = ner_filter
        self.common_abbreviations = set(DEFAULT_COMMON_ABBREVIATIONS if common_abbreviations is None
                                        else common_abbreviations)
        self.name = name
        self.overlay = overlay
        self.reference_csvs = list(reference_csvs)
        self.ents_filter = ents_filter
        self.min_context = min_context
        self.org_patterns = org_patterns
        self.org_suffixes = list(org_suffixes)
        self.org_stop_words = list(org_stop_words)
        self._gazetteer: Optional[Gazetteer] = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self.initialize()
        assert self._gazetteer is not None
        return self._gazetteer

    @property
    def common_nouns(self) -> frozenset[str]:
        """German common-noun forms (``configs/common_nouns.txt.gz``; empty when none is configured)."""
        if self._common_nouns is None:
            self._common_nouns = (_load_common_nouns(str(_resolve_path(self.common_nouns_path)))
                                  if self.common_nouns_path else frozenset())
        return self._common_nouns

    def initialize(self, get_examples: Optional[Callable] = None, *, nlp: Optional[Language] = None,
                   overlay: Optional[str] = None, reference_csvs: Optional[list[str]] = None) -> None:
        """Load the gazetteer (cached per process).

        Args:
            get_examples: unused (spaCy's signature).
            nlp: unused.
            overlay: overrides the configured overlay path.
            reference_csvs: override the configured user CSVs.
        """
        if overlay is not None:
            self.overlay = overlay
        if reference_csvs is not None:
            self.reference_csvs = list(reference_csvs)
        self._gazetteer = load_gazetteer(_resolve_path(self.overlay), [_resolve_path(p) for p in self.reference_csvs])

    # -- the pure half ---------------------------------------------------
    def match(self, doc: Doc) -> list[CompanyMatch]:
        """Find gazetteer aliases (longest first, left to right) and legal-form patterns.

        Example: in ``Die Siemens-Energy-Aktie und Nvidias Kurs fielen.`` the
        matches are ``Siemens-Energy`` (tokens 1-4) and ``Nvidias`` (a genitive).

        Args:
            doc: a tokenised ``Doc``.

        Returns:
            Non-overlapping matches in text order.
        """
        gaz = self.gazetteer
        text = doc.text  # spaCy joins all tokens on every read of doc.text: once per document
        matches: list[CompanyMatch] = []
        i, n = 0, len(doc)
        while i < n:
            found = self._match_at(doc, i, gaz, text)
            if found is None:
                i += 1
                continue
            matches.append(found)
            i = found.end
        taken = {t for m in matches for t in range(m.start, m.end)}
        matches += [m for m in self._handle_matches(doc, gaz) if m.start not in taken]
        matches.sort(key=lambda m: m.start)
        if self.org_patterns:
            for pattern in self._org_patterns(doc):
                overlapping = [m for m in matches if m.start < pattern.end and pattern.start < m.end]
                if not overlapping:
                    matches.append(pattern)
                elif pattern.source == "pattern-suffix" and len(overlapping) == 1 and (
                        overlapping[0].start == pattern.start and overlapping[0].end < pattern.end
                        and overlapping[0].label == "ORG"):
                    # A company name plus an organisation word is another organisation, usually a
                    # subsidiary: "Deutsche Bank Research", "Volkswagen Financial Services AG".
                    matches = [m for m in matches if m not in overlapping] + [pattern]
            matches.sort(key=lambda m: m.start)
        self._apply_discourse(doc, matches)
        return matches

    def _match_at(self, doc: Doc, i: int, gaz: Gazetteer, text: str) -> Optional[CompanyMatch]:
        first = doc[i]
        if first.is_punct or first.is_space or not (first.text[:1].isupper() or first.text[:1].isdigit()
                                                    or first.text[:1].islower()):
            return None
        key, best = "", None
        max_chars = gaz.max_alias_chars() + 1
        for j in range(i, min(len(doc), i + MAX_ALIAS_TOKENS)):
            tok = doc[j]
            if j > i:
                prev = doc[j - 1]
                if tok.is_space or "\n" in prev.whitespace_:
                    break
                if tok.text in JOINERS:
                    if tok.text == "-" and (prev.whitespace_ or tok.whitespace_):
                        break
                    key += name_key(tok.text)
                    continue
                if tok.is_punct or not name_key(tok.text):
                    break  # "SheIn | Dresslink": a symbol adds nothing to the name and ends it
            key += name_key(tok.text)
            if len(key) > max_chars:
                break
            hits, genitive = gaz.aliases.get(key), False
            if not hits and len(tok.text) > 3 and tok.text.endswith("s") and not tok.text.isupper():
                hits, genitive = gaz.aliases.get(key[:-1]), True
            if hits and self._case_ok(doc[i:j + 1], key[:-1] if genitive else key, gaz, genitive) \
                    and _spacing_ok(doc[i:j + 1], hits):
                best = (j + 1, hits, genitive)
        if best is None:
            return None
        end, hits, genitive = best
        # The genitive apostrophe ("Allianz'") and a trailing legal form belong to the mention.
        candidates = []
        for stop in dict.fromkeys([self._extend_legal_form(doc, end, gaz), end]):
            span = doc[i:stop]
            candidates = gaz.lookup(span.text) or gaz.lookup(span.text.replace("-", " "))
            if candidates:
                end = stop
                break
        if not candidates:
            return None
        top = candidates[0]
        needs_context = top.alias.needs_context
        context = gaz.context_score(text, span.start_char, span.end_char) if needs_context else 1.0
        accepted = (not needs_context) or context >= self.min_context
        return CompanyMatch(i, end, top.entry.label, [(c.entry.key, round(c.score, 3)) for c in candidates],
                            needs_context, round(context, 3), accepted)

    @staticmethod
    def _handle_matches(doc: Doc, gaz: Gazetteer) -> list[CompanyMatch]:
        """Social-media handles of known organisations: ``@Ryanair``, ``@faznet``, ``@Telekom_hilft``.

        A handle names its organisation when the handle, its part before ``_``, or the
        handle without a usual account suffix (``net``, ``news``, ``hilft``, ``de`` …) is an
        alias that needs no context. Handles of persons (``@Watchman78``) match nothing.
        """
        out = []
        for tok in doc:
            if not tok.text.startswith("@") or len(tok.text) < 3:
                continue
            handle = tok.text[1:]
            key = name_key(handle)
            keys = [key, name_key(handle.split("_")[0])]
            keys += [key[:-len(suffix)] for suffix in HANDLE_SUFFIXES if key.endswith(suffix) and len(key) > len(suffix) + 2]
            for candidate_key in dict.fromkeys(keys):
                aliases = [a for a in gaz.aliases.get(candidate_key, []) if not a.needs_context]
                candidates = gaz.lookup(aliases[0].text) if aliases else []
                if candidates:
                    top = candidates[0]
                    out.append(CompanyMatch(tok.i, tok.i + 1, top.entry.label,
                                            [(c.entry.key, round(c.score, 3)) for c in candidates], False, 1.0, True))
                    break
        return out

    @staticmethod
    def _case_ok(span: Span, key: str, gaz: Gazetteer, genitive: bool) -> bool:
        """Upper-case start (or the alias's own spelling, ``eBay``); short all-caps aliases only in capitals.

        Example: ``AMD`` and ``SAP`` match, ``Amd`` and ``sap`` do not; ``Dax`` and
        ``DAX`` both match because the overlay spells the index both ways.
        """
        text = span.text[:-1] if genitive else span.text
        if not text[:1].isupper() and not text[:1].isdigit():
            if not any(a.text[:1].islower() and a.text.replace(" ", "") == text.replace(" ", "")
                       for a in gaz.aliases.get(key, [])):
                return False
        if len(key) <= 4 and key not in gaz.mixed_case_keys and not text.isupper():
            return False
        # The head of a compound is a common noun, not a company: "Tech-Investor" is no "Investor" AB.
        if span.start > 0 and span.doc[span.start - 1].text == "-" and _glued(span.doc[span.start - 1], span[0]):
            after = span.doc[span.end] if span.end < len(span.doc) else None
            if after is None or not (after.text == "-" and _glued(span[-1], after)):
                return False
        return True

    @staticmethod
    def _extend_legal_form(doc: Doc, end: int, gaz: Gazetteer) -> int:
        """End of the mention including a legal form written right after the name, case as listed.

        Example: ``NVIDIA Corp. meldet`` -> the mention ends after ``Corp.``; in
        ``stuft SAP ab`` the verb particle ``ab`` is no Swedish ``AB``. A single line break may
        come before the form (``die Audi\nAG und``: text wrapped at a fixed width); a blank line
        never joins.
        """
        forms = {f.replace(" ", "") for f in gaz.legal_forms}
        best, written = end, ""
        for j in range(end, min(len(doc), end + 5)):
            tok = doc[j]
            if j == end and tok.text == "\n" and j + 1 < len(doc) and doc[j + 1].text in forms:
                continue  # one line break of hard-wrapped text: "gegen die Audi\nAG und die Porsche AG"
            if "\n" in doc[j - 1].whitespace_ or tok.is_space:
                break
            if tok.text == "," and j == end:
                continue
            written += tok.text
            if written in forms:
                best = j + 1
            elif not any(f.startswith(written) for f in forms):
                break
        return best

    def _org_patterns(self, doc: Doc) -> list[CompanyMatch]:
        """``Aletheia Capital``, ``Muster GmbH``, ``Meinl European Real Estate Ltd.``: 1-4 capitalised
        name words before an organisation suffix; an elliptic compound joined by ``und`` is one
        word (``Österreichische Bundes- und Industriebeteiligungen GmbH``)."""
        suffix_keys = {name_key(s): len(s.split()) for s in self.org_suffixes}
        stop = {w.casefold() for w in self.org_stop_words}
        known = self.gazetteer.aliases  # "Commerzbank" ends like a descriptor but is a name
        # A span's key is its tokens' keys joined (name_key drops spaces): one key per token, not per span.
        token_keys = [name_key(t.text) for t in doc]
        out = []
        for tok in doc:
            for key, width in suffix_keys.items():
                end = tok.i + width
                if end > len(doc) or "".join(token_keys[tok.i:end]) != key:
                    continue
                start, words = tok.i, 0
                while start > 0 and words < 4:
                    prev = doc[start - 1]
                    word = prev.text
                    if word in ("und", "&") and start >= 2 and len(doc[start - 2].text) > 2 \
                            and doc[start - 2].text.endswith("-") and doc[start - 2].text[:1].isupper():
                        start -= 2  # "Bundes- und Industriebeteiligungen": the elided compound joins in
                        continue
                    if (not word[:1].isupper() or prev.is_punct or "\n" in prev.whitespace_
                            or word.casefold() in STOP_WORDS or word.casefold() in stop
                            or (word.casefold().endswith(DESCRIPTOR_ENDINGS) and name_key(word) not in known)):
                        break
                    start -= 1
                    words += 1
                if start < tok.i:
                    out.append(CompanyMatch(start, end, "ORG", [], False, 1.0, True, "pattern-suffix"))
        out += self._descriptor_patterns(doc, stop)
        out += self._kind_noun_names(doc, stop)
        return sorted(out, key=lambda m: m.start)

    def _descriptor_patterns(self, doc: Doc, stop: set[str]) -> list[CompanyMatch]:
        """``Privatbank Berenberg``, ``Bankhaus Metzler``: 1-3 capitalised words after an institution noun."""
        endings = tuple(d.casefold() for d in self.org_descriptors)
        out = []
        for tok in doc:
            if not endings or not tok.whitespace_ or "\n" in tok.whitespace_:
                continue
            # The whole hyphenated compound ending here: "Rüstungs-Start-up", "KI-Startup".
            word, k = tok.text, tok.i
            while k >= 2 and doc[k - 1].text == "-" and _glued(doc[k - 2], doc[k - 1]) and _glued(doc[k - 1], doc[k]):
                word, k = f"{doc[k - 2].text}-{word}", k - 2
            if not word.casefold().endswith(endings):
                continue
            end = tok.i + 1
            while end < len(doc) and end - tok.i <= 3:
                word = doc[end]
                if (not word.text[:1].isupper() or word.is_punct or word.text.casefold() in STOP_WORDS
                        or word.text.casefold() in stop):
                    break
                end += 1
                if "\n" in word.whitespace_ or not word.whitespace_:
                    break
            if end > tok.i + 1:
                out.append(CompanyMatch(tok.i + 1, end, "ORG", [], False, 1.0, True, "pattern"))
        return out

    def _kind_noun_names(self, doc: Doc, stop: set[str]) -> list[CompanyMatch]:
        """A name right after a noun for a kind of company: ``Der indische Mutterkonzern Tata Motor``,
        ``Verlag Weiss muss Insolvenz beantragen``, ``der US-Bierkonzern Anheuser-Busch``.

        The name's first word must be no German common noun (``configs/common_nouns.txt.gz``):
        ``Derzeit baut der Hersteller Anlagen`` names nothing. At most three words; a hyphenated
        part joins the word before it. (Not after ``Gruppe`` or ``Gesellschaft``: ``einer Gruppe
        Jugendlicher``, ``die Gesellschaft Deutscher Chemiker``.)
        """
        nouns = self.common_nouns
        out: list[CompanyMatch] = []
        if not nouns:
            return out
        for tok in doc[:-1]:
            if not tok.whitespace_ or "\n" in tok.whitespace_ or not tok.text[:1].isupper():
                continue
            kind = compound_before(doc, tok.i + 1).casefold().rstrip("s")
            if not kind.endswith(KIND_NOUN_ENDINGS):
                continue
            first = doc[tok.i + 1]
            if (not first.is_alpha or not first.text[:1].isupper() or first.text in nouns
                    or first.lower_ in STOP_WORDS or first.lower_ in stop or first.text in DATE_NAMES):
                continue
            end, words = tok.i + 2, 1
            while end < len(doc) and words < 3:
                if (doc[end].text == "-" and _glued(doc[end - 1], doc[end]) and end + 1 < len(doc)
                        and _glued(doc[end], doc[end + 1]) and doc[end + 1].is_alpha and doc[end + 1].text[:1].isupper()):
                    end += 2  # "Anheuser-Busch"
                    continue
                word = doc[end]
                if (not doc[end - 1].whitespace_ or "\n" in doc[end - 1].whitespace_ or not word.is_alpha
                        or not word.text[:1].isupper() or word.lower_ in STOP_WORDS or word.lower_ in stop):
                    break
                end += 1
                words += 1
            out.append(CompanyMatch(tok.i + 1, end, "ORG", [], False, 1.0, True, "pattern"))
        return out

    @staticmethod
    def _apply_discourse(doc: Doc, matches: list[CompanyMatch]) -> None:
        """Accept an ambiguous alias when the article makes clear it is the company.

        One sense per article: its entry is named clearly elsewhere. Lists: it is
        coordinated with an accepted company (``Bei Novartis und Roche ...``,
        ``Nestlé, Novartis oder Roche``). A negative context (``eine Allianz``)
        is never overruled.
        """
        confirmed = {m.candidates[0][0] for m in matches if m.accepted and m.candidates}
        for m in matches:
            if not m.accepted and m.candidates and m.candidates[0][0] in confirmed and m.context > 0.2:
                m.accepted = True
        links = {",", "und", "oder", "sowie", "&", "bzw."}
        changed = True
        while changed:
            changed = False
            for a, b in zip(matches, matches[1:]):
                between = [t.text.casefold() for t in doc[a.end:b.start]]
                if not between or len(between) > 2 or not set(between) <= links:
                    continue
                for pending, anchor in ((a, b), (b, a)):
                    if (not pending.accepted and anchor.accepted and anchor.label == "ORG" and anchor.candidates
                            and pending.context >= 0.4):
                        pending.accepted = changed = True

    # -- the writing half ------------------------------------------------
    def set_annotations(self, doc: Doc, matches: list[CompanyMatch],
                        corrections: Iterable[tuple[int, int, str]] = ()) -> None:
        """Write accepted matches into ``doc.ents`` (through ``ents_filter``) with their link candidates.

        Args:
            doc: the document.
            matches: the output of :meth:`match`.
            corrections: NER spans to drop or relabel, as ``(start_char, end_char, reason)`` (the output of
                :meth:`ner_corrections`; character offsets survive the retokenisation here).
        """
        drop = {(start, end): reason for start, end, reason in corrections}
        if drop:
            # A market place is a place (LOC), a name after an institution noun a company (ORG);
            # anything else that names no organisation goes.
            relabel = {"place": "LOC", "company": "ORG", "person": "PER", "benchmark": "MISC", "product": "MISC"}
            doc.ents = [Span(doc, e.start, e.end, label=relabel[drop[key]]) if drop.get(key) in relabel else e
                        for e in doc.ents
                        for key in [(e.start_char, e.end_char)] if drop.get(key) in (None, *relabel)]
        self._split_final_periods(doc, matches)
        spans = []
        existing = {t for ent in doc.ents for t in range(ent.start, ent.end)}
        for m in matches:
            if not m.accepted:
                continue
            if m.source.startswith("pattern") and existing & set(range(m.start, m.end)) and not self._completes_ner_name(doc, m):
                continue  # an NER entity knows better than a suffix pattern
            # kb_id names the finder ("gazetteer" or "pattern"): EntityMention.source in the records.
            span = Span(doc, m.start, m.end, label=m.label, kb_id="pattern" if m.source.startswith("pattern") else "gazetteer")
            span._.link_candidates = list(m.candidates)
            spans.append(span)
        doc.ents = self.ents_filter(doc.ents, spans)

    @staticmethod
    def _completes_ner_name(doc: Doc, m: CompanyMatch) -> bool:
        """Whether a suffix pattern completes the NER's organisations at its end to the left:
        NER ``Investment Company`` in ``Ipic (International Petroleum Investment Company)``.
        Not where the pattern starts a sentence (a capitalised first word may be anything)."""
        if m.source != "pattern-suffix" or doc[m.start].is_sent_start:
            return False
        inside = [e for e in doc.ents if e.start < m.end and m.start < e.end]
        if not inside or not all(e.label_ == "ORG" and m.start < e.start and e.end <= m.end for e in inside) \
                or max(e.end for e in inside) != m.end:
            return False
        # not over a description: "des Finanzdienstleisters ETF Securities", "Tochter Zielpunkt"
        before = doc[m.start:min(e.start for e in inside)]
        return not descriptive_prefix(before) and not any(
            is_type_noun(t.text.rstrip("s")) or _is_role_noun(t) for t in before)

    @staticmethod
    def _split_final_periods(doc: Doc, matches: list[CompanyMatch]) -> None:
        """Split a sentence-final period off a name's last token (``im Nasdaq 100.``), shifting later matches.

        The German tokenizer keeps ``100.`` whole as an ordinal; the index is ``Nasdaq 100``.
        """
        shift = 0
        for m in matches:
            m.start += shift
            m.end += shift
            last = doc[m.end - 1]
            if not m.accepted or len(last.text) < 2 or not last.text.endswith(".") or not last.text[:-1].isdigit():
                continue
            with doc.retokenize() as retokenizer:
                retokenizer.split(last, [last.text[:-1], "."], heads=[(last, 0), (last, 0)])
            shift += 1

    def __call__(self, doc: Doc) -> Doc:
        if self.ner_filter:
            doc.ents = self.trimmed_ner_ents(doc)
        matches = self.match(doc)
        self.set_annotations(doc, matches, self.ner_corrections(doc, matches) if self.ner_filter else ())
        doc.ents = self.ents_filter(doc.ents, self.short_name_mentions(doc))
        doc.ents = self.national_subsidiaries(doc)
        doc.ents = self.vehicles(doc)
        doc.ents = self.sports_clubs(doc)
        if self.spot_places:
            doc.ents = self.untagged_places(doc)
        return doc

    def untagged_places(self, doc: Doc) -> list[Span]:
        """``doc.ents`` with the overlay's market places and countries that the NER left untagged as ``LOC`` (pure).

        ``Die Inflation im Euroraum lag bei 1,9 %`` and ``verloren an der Wall Street`` get a
        place where the NER found nothing or only a piece (``Wall``); a country in the genitive
        too (``Japans Konzerne``). Not a place inside another entity (``Wall Street Journal``),
        right after another name (``von Fanuc Deutschland``: the national company) or ending
        one with ``von`` (``am Horn von Afrika``), nor one
        that starts or ends a hyphenated compound (``das China-Geschäft``), which GermEval tags
        as no entity.
        """
        keys = self.gazetteer.place_keys
        ents = list(doc.ents)
        owner = {t: e for e in ents for t in range(e.start, e.end)}
        added: list[Span] = []
        i, n = 0, len(doc)
        while i < n:
            end = _place_end(doc, i, keys) if doc[i].text[:1].isupper() else None
            after_name = i > 0 and (i - 1) in owner and owner[i - 1].end == i
            # the end of a longer name: "am Horn von Afrika", "Vereinigte Staaten von Amerika"
            name_von = i > 1 and doc[i - 1].lower_ == "von" and doc[i - 2].text[:1].isupper()
            if end is None or _in_compound(doc, i, end) or after_name or name_von:
                i += 1
                continue
            inside = {owner[t] for t in range(i, end) if t in owner}
            # only over nothing, or over a shorter NER piece of the name ("Wall" of "Wall Street")
            if all(i <= e.start and e.end <= end and len(e) < end - i and e.kb_id_ == "" for e in inside):
                ents = [e for e in ents if e not in inside]
                added.append(Span(doc, i, end, label="LOC"))
            i = end
        return sorted(ents + added, key=lambda e: e.start) if added else list(doc.ents)

    def vehicles(self, doc: Doc) -> list[Span]:
        """``doc.ents`` with a car maker's name after an article or a possessive as the car (MISC; pure).

        German names a car by its maker with a masculine article: ``Ein Audi prallte gegen einen
        Baum``, ``mit seinem VW Polo``, ``Der Opel kam im Graben zum Stehen`` are vehicles, and a
        police report about them is no news about the company. Companies go without an article or
        with a company word: ``Audi meldet``, ``der VW-Konzern``, ``bei der Audi AG``,
        ``des Volkswagen Konzerns`` stay organisations. One adjective may stand between
        (``einem gebrauchten BMW``).
        """
        brands = self.gazetteer.vehicle_brand_keys
        out: list[Span] = []
        for ent in doc.ents:
            if ent.label_ == "ORG" and name_key(doc[ent.start].text) in brands and _vehicle_context(doc, ent):
                end = ent.end
                model = doc[end] if end < len(doc) and doc[end - 1].whitespace_ else None
                if model is not None and any(c.isdigit() for c in model.text) and model.text[:1].isalnum() \
                        and not (model.text.isdigit() and len(model.text) == 4):
                    end += 1  # the model: "ein BMW X1", "der neue Mazda 3" (not a year: "ein BMW 2019")
                out.append(Span(doc, ent.start, end, label="MISC"))
            else:
                out.append(ent)
        return out

    def sports_clubs(self, doc: Doc) -> list[Span]:
        """``doc.ents`` with sports clubs named by their prefix as one organisation each (pure).

        A club prefix, its capitalised name words (at most four) and the founding year in front of
        or after them: ``gegen den VfL Bochum``, ``der TSV München 1860``, ``1. FC Köln``, ``der
        TV Amberg`` (``TV`` only before a place or in an organisation the NER found: not ``TV
        Total``). A description the NER took in goes (``Double-Gewinner FC Chelsea`` -> ``FC
        Chelsea``); a prefix without a name stays as it was (``gab der FC die Einigung bekannt``),
        and so do the gazetteer's matches.
        """
        prefixes, before_place = set(self.club_prefixes), set(self.club_prefixes_before_place)
        if not prefixes and not before_place:
            return list(doc.ents)
        ents = list(doc.ents)
        places = {i for e in ents if e.label_ == "LOC" for i in range(e.start, e.end)}
        org_starts = {e.start for e in ents if e.label_ == "ORG"}
        clubs: list[Span] = []
        i = 0
        while i < len(doc):
            tok = doc[i]
            if tok.text not in prefixes and tok.text not in before_place:
                i += 1
                continue
            start = i - 1 if i > 0 and doc[i - 1].text == "1." else i  # "1. FC Köln"
            end = i + 1
            if end < len(doc) and _club_year(doc[end]) and tok.whitespace_:
                end += 1  # "TSV 1860 München"
            words = 0
            while end < len(doc) and words < 4 and doc[end - 1].whitespace_ and "\n" not in doc[end - 1].whitespace_:
                word = doc[end]
                if not (word.is_alpha and word.text[:1].isupper()) or word.lower_ in STOP_WORDS:
                    break
                end += 1
                words += 1
                # a hyphenated place: "TV Espelkamp-Mittwald"
                while (end + 1 < len(doc) and doc[end].text == "-" and _glued(doc[end - 1], doc[end])
                       and _glued(doc[end], doc[end + 1]) and doc[end + 1].text[:1].isupper()):
                    end += 2
            if words and end < len(doc) and _club_year(doc[end]) and doc[end - 1].whitespace_:
                end += 1  # "TSV München 1860", "FC Schalke 04"
            if not words or (tok.text in before_place and i + 1 not in places and i not in org_starts):
                i += 1
                continue
            clubs.append(Span(doc, start, end, label="ORG", kb_id="pattern"))
            i = end
        if not clubs:
            return ents
        out: list[Span] = []
        for club in clubs:
            inside = [e for e in ents if e.start < club.end and club.start < e.end]
            # keep the gazetteer's matches and a longer NER name that goes on after the club's
            if any(e.kb_id_ == "gazetteer" or e.end > club.end for e in inside):
                continue
            ents = [e for e in ents if e not in inside]
            out.append(club)
        return sorted(ents + out, key=lambda e: e.start)

    @staticmethod
    def national_subsidiaries(doc: Doc) -> list[Span]:
        """``doc.ents`` with an organisation and the country name right after it joined (pure).

        German business news names a national company by the group's name and the country:
        ``Ein Rekordergebnis verzeichnete Fanuc Deutschland``, ``bei Ikea Österreich`` are one
        company each, not an organisation and a place (and no listed parent: the national company
        is not the group). Not in a compound (``Mazda Österreich-Chef``), and not before an
        article, where the country is rather an object of its own (``warum Tesla Deutschland den
        Rücken kehrt``).
        """
        ents = list(doc.ents)
        out: list[Span] = []
        i = 0
        while i < len(ents):
            ent = ents[i]
            j = ent.end
            after = doc[j + 1] if j + 1 < len(doc) else None
            joined = (
                ent.label_ == "ORG" and j < len(doc) and doc[ent.end - 1].whitespace_
                and doc[j].lower_ in COUNTRY_QUALIFIERS and doc[j].text[:1].isupper()
                and not (after is not None and not doc[j].whitespace_ and after.text in {"-", "‑"})
                and not (after is not None and after.lower_ in COUNTRY_OBJECT_ARTICLES)
            )
            nxt = ents[i + 1] if i + 1 < len(ents) else None
            if joined and nxt is not None and nxt.start == j and not (nxt.end == j + 1 and nxt.label_ == "LOC"):
                joined = False  # the country starts another name ("Siemens Schweiz AG" is the NER's)
            if not joined:
                out.append(ent)
                i += 1
                continue
            out.append(Span(doc, ent.start, j + 1, label="ORG"))
            i += 2 if nxt is not None and nxt.start == j else 1
        return out

    def short_name_mentions(self, doc: Doc) -> list[Span]:
        """Later mentions of an unlisted company by the first word of its name.

        News introduce a company in full and go on with its first word: ``Nemetschek übernimmt
        die Planwerk Digital GmbH … Planwerk entwickelt Programme`` gives ``Planwerk`` an ``ORG``
        span (the entity clusters join it to ``Planwerk Digital GmbH``). Only for names with a
        legal form that the gazetteer does not list (``Kabinett Renzi`` is no company), not for a
        first word that is an adjective, a function word or a kind of company (``Deutsche``,
        ``Neue``, ``Bank``), a known alias, or a word inside a compound (``ÖBB-Infrastruktur``).

        Returns:
            New ``ORG`` spans (``kb_id`` ``pattern``, no link candidates).
        """
        gaz = self.gazetteer
        taken = {t for e in doc.ents for t in range(e.start, e.end)}
        out: list[Span] = []
        if gaz is None:
            return out
        for ent in doc.ents:
            if ent.label_ != "ORG" or len(ent) < 2 or ent._.link_candidates:
                continue
            if gaz is None or name_key(ent[-1].text) not in gaz.legal_form_keys:
                continue  # only a company named with its legal form ("Planwerk Digital GmbH"), not "Kabinett Renzi"
            first = ent[0]
            word = first.text
            low = word.lower()
            if (not word.isalpha() or not word[:1].isupper() or word.isupper() or len(word) < 4 or low in STOP_WORDS
                    or low.endswith(("e", "en", "er", "es", "isch")) or low.endswith(TYPE_NOUN_ENDINGS + DESCRIPTOR_ENDINGS)
                    or (gaz is not None and name_key(word) in gaz.aliases) or ent[1].text in JOINERS):
                continue
            for tok in doc[ent.end :]:
                if tok.i in taken or tok.text not in (word, word + "s"):
                    continue
                if (tok.i + 1 < len(doc) and doc[tok.i + 1].text in JOINERS | {"-"}) or (
                        tok.i > 0 and doc[tok.i - 1].text in JOINERS | {"-"} and not doc[tok.i - 1].whitespace_):
                    continue  # a compound ("Planwerk-Chef", "ÖBB-Infrastruktur"): the name is inside another word
                nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
                prev = doc[tok.i - 1] if tok.i > 0 else None
                if nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha:
                    continue  # part of a longer name: the full one again, or another ("Meinl European Real Estate")
                if prev is not None and prev.text[:1].isupper() and prev.is_alpha and not prev.is_sent_start \
                        and prev.lower_ not in STOP_WORDS:
                    continue  # after a first name: a person ("Julius Meinl")
                span = Span(doc, tok.i, tok.i + 1, label="ORG", kb_id="pattern")
                span._.link_candidates = []
                out.append(span)
                taken.add(tok.i)
        return out

    # -- NER organisations that are no organisation ------------------------
    def trimmed_ner_ents(self, doc: Doc) -> list[Span]:
        """``doc.ents`` with NER spans cut to the name (pure: returns new spans).

        * a role noun alone names nobody and goes (``Analystin``); before a person's
          name it is cut off (``Marktanalyst Jonas Wendler`` -> ``Jonas Wendler``);
        * a place adjective between an article and a noun is no place (``der Genfer
          Privatbank``; GermEval tags it ``LOCderiv``, i.e. no entity), nor one before a noun
          for a kind of company (``kauft Münchner Softwarehaus``, ``die Münchner und
          Stuttgarter Oberklassehersteller``), nor an organisation when it stands as a noun after an
          article (``Der Bayreuther unterlag``, ``die Emsländer``: people or a team of a place);
        * a one-word person, place or MISC that is a compound common noun of market
          news is none (``Milliardenauftrag``, ``Leitzins``, ``Börsenwert``);
        * ORG: a leading description that ends in a noun for a kind of company goes
          (``der New Yorker Unternehmensberater Alix Partners`` -> ``Alix Partners``;
          not ``Dresdner Bank``, where the rest would be a kind noun itself);
        * a place the NER cut at a hyphen goes on over a next part that is no common noun, or
          that the NER took for a place of its own (``Saudi`` -> ``Saudi-Arabien``; ``Baden`` and
          ``Württemberg`` -> ``Baden-Württemberg``; not ``Berlin-Reise``);
        * a place before a newspaper noun names the newspaper, an organisation (``der
          Ostsee-Zeitung``, ``der Ruhr Nachrichten``, ``Kölner Stadt-Anzeiger``);
        * line breaks at either end go (``BVG\n`` at the end of a news feed's line), and a spaced
          separator ends an organisation or a person (``SheIn |`` -> ``SheIn``,
          ``AMB Gebäudeservice KG / PR Agentur`` -> ``AMB Gebäudeservice KG``), and so does a feed's
          label in capitals before a headline's name (``/ MYNEWSDESK Seerene erhält`` -> ``Seerene``);
        * trailing function words go (``die MTB Privatstiftung von Theresia Babler``
          -> ``MTB Privatstiftung``; a person ``Rüdiger Kauf und`` -> ``Rüdiger Kauf``), and so does the last part of a compound that makes it an
          event or a person (``KTB-Affäre``, ``Öbib-Pressesprecher`` -> ``KTB``, ``Öbib``).
        """
        out = []
        taken = {i for e in doc.ents for i in range(e.start, e.end)}
        one_word_places = frozenset(e.start for e in doc.ents if e.label_ == "LOC" and len(e) == 1 and not e.kb_id_)
        joined_until = 0  # the end of a place that took in the next one ("Baden-Württemberg")
        for ent in self._joined_before_legal_form(doc):
            start, end = ent.start, ent.end
            if start < joined_until:
                continue
            if ent.kb_id_:
                out.append(ent)
                continue
            # a line break the NER took in ("BVG\n" at the end of a line of a news feed) is no part of a name
            while start < end and doc[start].is_space:
                start += 1
            while end > start and doc[end - 1].is_space:
                end -= 1
            # an opening bracket never ends a name, a closing one never starts one: "des Europäischen
            # Gerichtshofs (EuGH)" tagged "Europäischen Gerichtshofs ("
            while end > start and doc[end - 1].text in NAME_END_NEVER:
                end -= 1
            while start < end and doc[start].text in NAME_START_NEVER:
                start += 1
            if ent.label_ in ("ORG", "PER"):  # not LOC: "Frankfurt / Main", "Böblingen / Sindelfingen"
                start, end = _cut_at_separator(doc, start, end)
            if ent.label_ == "ORG" and end - start >= 2 and _feed_label(doc, start, self.gazetteer, self.common_nouns):
                start += 1  # "DJ PRESSEMITTEILUNG / MYNEWSDESK Seerene erhält": the feed's label goes
            if start == end:
                continue
            if _is_role_noun(doc[start]):
                if end - start == 1:
                    continue  # "Analystin" alone names nobody
                if ent.label_ == "PER" and doc[start + 1].text[:1].isupper() and doc[start + 1].is_alpha:
                    start += 1  # "Marktanalyst Jonas Wendler" -> "Jonas Wendler"
            if ent.label_ == "ORG" and end - start == 1 and _place_institution(doc, start):
                end += 1  # "an der Wiener Börse", "die Hamburger Sparkasse": the NER stopped at the adjective
            elif ent.label_ in ("LOC", "ORG") and end - start == 1 and _place_adjective(doc, start):
                continue  # "der Genfer Privatbank", "der Sofioter Justiz": an adjective (GermEval: deriv)
            elif ent.label_ in ("LOC", "ORG") and end - start == 1 and _place_adjective_before_kind(doc, start):
                continue  # "kauft Münchner Softwarehaus": an adjective before a kind of company
            elif ent.label_ == "ORG" and end - start == 1 and _demonym_noun(doc, start, self.common_nouns):
                continue  # "Der Bayreuther unterlag", "die Emsländer": people or a team of a place
            if ent.label_ in ("PER", "LOC", "MISC") and end - start == 1 and _business_noun(doc[start]):
                continue  # "Milliardenauftrag", "Leitzins", "Börsenwert": common nouns of market news
            if end - start == 1 and doc[start].text in DEFAULT_SCALES and start > 0 and doc[start - 1].like_num:
                continue  # "ein Umsatz von 48 Bill. Yen": the figure's scale, no name
            if ent.label_ == "ORG" and _coordinated_compound_parts(doc, start, end):
                continue  # "Deutsche Tech- und Energie-Aktien": kinds of shares
            label = ent.label
            if ent.label_ in ("ORG", "MISC"):
                place_end = self._place_cut_at_hyphen(doc, start, end)
                if place_end:
                    end, label = place_end, doc.vocab.strings["LOC"]  # "Silicon" of "Silicon-Valley-Riesen"
            if ent.label_ == "LOC":
                end = self._hyphenated_place_end(doc, end, taken, one_word_places)
                joined_until = end
                title_end = _newspaper_title_end(doc, end, taken)
                if title_end > end:
                    end, label = title_end, doc.vocab.strings["ORG"]  # "Ostsee-Zeitung", "Ruhr Nachrichten"
            if ent.label_ == "PER":
                end = self._name_before_employer(doc, start, end)
                while end - start > 1 and doc[end - 1].lower_ in TRAILING_FUNCTION_WORDS:
                    end -= 1  # "überzeugten Rüdiger Kauf und Björn Lindemann": "Rüdiger Kauf und"
            if ent.label_ == "ORG":
                while end - start > 1 and doc[end - 1].lower_ in TRAILING_FUNCTION_WORDS:
                    end -= 1
                if end - start == 2 and _acronym_before_people(doc[start], doc[start + 1], self.common_nouns):
                    end -= 1  # "die SVP Wähler", "DDP Anhänger": the compound "SVP-Wähler" written apart
                if end - start == 2 and doc[start].lower_.endswith(TITLE_HOLDER_ENDINGS) \
                        and self._known_place(doc[start + 1:end]):
                    start, label = start + 1, doc.vocab.strings["LOC"]  # "Europameister Spanien": the country
                # "KTB-Affäre", "Öbib-Pressesprecher": the organisation is the compound's first part
                if end - start >= 3 and doc[end - 2].text in {"-", "‑"} and (
                        _is_role_noun(doc[end - 1]) or _business_noun(doc[end - 1])
                        or doc[end - 1].lower_.endswith(COMPOUND_TAIL_ENDINGS)):
                    end -= 2
                for k in range(end - 1, start, -1):
                    head = doc[k]
                    if (head.is_alpha and head.text[:1].isupper() and not is_type_noun(head.text)
                            and doc[k - 1].text not in {"-", "‑"}):
                        words = _words(doc[start:k])
                        # A bare kind noun may start a name ("Bank Austria"); a compound describes.
                        if words and words[-1][:1].isupper() and is_type_noun(words[-1]) \
                                and not _bare_kind_noun(words[-1]):
                            start = k
                            break
            out.append(ent if (start, end, label) == (ent.start, ent.end, ent.label)
                       else Span(doc, start, end, label=label, kb_id=ent.kb_id))
        return out

    def ner_corrections(self, doc: Doc, matches: list[CompanyMatch]) -> list[tuple[int, int, str]]:
        """NER spans to correct before merging (the pure half): ``ORG`` spans that name no
        organisation, and persons that are companies.

        Only NER spans that no accepted gazetteer match overlaps are judged. An
        ``ORG`` span that the organisation lexicon types as a public body or other
        organisation stays (unlisted-or-not-a-company is decided later); any other
        is judged by :meth:`spurious_reason`. A ``PER``, ``LOC`` or ``MISC`` span
        right after a noun for an institution is a company (reason ``company``),
        a one-word ``LOC`` or ``MISC`` span that is a kind of company names nothing
        (``Bewertungen von Chipkonzernen``, reason ``description``; not ``Oberhausen``),
        and the article's other mentions of a company with its text are companies too:
        ``Das Münchner Rüstungs-Start-up Helsing``, ``der saudischen
        Leasinggesellschaft AviLease`` (persons follow role nouns such as
        ``Analyst``, never ``Start-up`` or ``Gesellschaft``).

        Example: in ``Der Münchner Technologiekonzern steigerte den Gewinn`` an NER
        span ``Münchner Technologiekonzern`` is a description: the figure rules then
        resolve ``Technologiekonzern`` to the article's company.

        Args:
            doc: the document with the NER's ``doc.ents``.
            matches: the output of :meth:`match` (its accepted gazetteer matches protect a span).

        Returns:
            ``(start_char, end_char, reason)`` per span: ``place`` is relabelled ``LOC``,
            ``company`` ``ORG``, ``person`` ``PER``, any other reason is dropped.
        """
        gaz = self.gazetteer
        text = doc.text  # once per document (spaCy joins the tokens on every read)
        taken = {i for m in matches if m.accepted and m.source == "gazetteer" for i in range(m.start, m.end)}
        # Surnames of the article's persons named in full ("Alexis Tsipras"): a lone surname the NER
        # took for an organisation is that person.
        surnames = {e[-1].text for e in doc.ents if e.label_ == "PER" and len(e) >= 2 and e[-1].text[:1].isupper()}
        out = []
        for ent in doc.ents:
            if ent.kb_id_ or taken.intersection(range(ent.start, ent.end)):
                continue
            key = name_key(ent.text)
            if key in gaz.benchmark_keys or key in gaz.commodity_keys:
                # "der Nordseesorte Brent" is MISC, "Gold verteuerte sich" no entity
                if not (key in gaz.benchmark_keys and ent.label_ == "MISC"):
                    out.append((ent.start_char, ent.end_char, "benchmark" if key in gaz.benchmark_keys else "commodity"))
                continue
            if ent.label_ in ("PER", "ORG") and _dateline(doc, ent):
                out.append((ent.start_char, ent.end_char, "place"))  # "Detroit – Der größte US-Autohersteller …"
                continue
            if ent.label_ in ("PER", "LOC", "MISC"):
                noun = compound_before(doc, ent.start)
                # Singular or genitive only: "gerettete Banken" ends a headline, it names nothing after it.
                if noun[:1].isupper() and noun.casefold().rstrip("s").endswith(INSTITUTION_ENDINGS) \
                        and not self._known_place(ent):  # "größter Landesenergieversorger Österreichs"
                    out.append((ent.start_char, ent.end_char, "company"))
                elif ent.label_ == "PER" and gaz.org_kinds is not None and gaz.org_kinds.is_known_name(ent.text):
                    out.append((ent.start_char, ent.end_char, "company"))  # "Wifo", "Verdi" as a person: an organisation
                elif (ent.label_ == "LOC" and len(ent) == 1 and ent.text in self.common_nouns
                      and not self._known_place(ent)):
                    # "in Schlangenlinien unterwegs", "im Moskito-Kampf": the CNN's places among common nouns
                    out.append((ent.start_char, ent.end_char, "common noun"))
                elif ent.label_ == "MISC" and self._currency(doc, ent):  # not the region "Franken" (LOC)
                    out.append((ent.start_char, ent.end_char, "currency"))  # "48 Euro", "40 Mrd. US-Dollar"
                elif ent.label_ == "MISC" and self._known_place(ent):
                    out.append((ent.start_char, ent.end_char, "place"))  # "an der Wall Street" as a product
                elif ent.label_ == "MISC" and ent.text.casefold() in RATING_NAMES:
                    out.append((ent.start_char, ent.end_char, "rating"))  # "von „Outperform“ auf …" as a product
                elif ent.label_ == "MISC" and len(ent) == 1 and ent.text.startswith("@") and len(ent.text) > 2:
                    # "@DHLPaket", "@RMVdialog": an account is no product; not a person's, the NER says
                    out.append((ent.start_char, ent.end_char, "company"))
                elif (len(ent) == 1 and ent.text in self.common_abbreviations and ent.text not in PLACE_ABBREVIATIONS
                      and _starts_compound(doc, ent.end)):
                    # "von Tech-Werten", "des KI-Booms" as a place or a name: the start of a common noun
                    out.append((ent.start_char, ent.end_char, "common-noun compound"))
                elif (ent.label_ != "PER" and len(ent) == 1 and is_type_noun(ent.text, PLACE_SAFE_COMPANY_ENDINGS)
                      and not gaz.aliases.get(name_key(ent.text)) and name_key(ent.text) not in gaz.place_keys):
                    # "Bewertungen von Chipkonzernen" as a place: a kind of company names nothing
                    # (persons keep such words: "Bauer", "Riese" are surnames)
                    out.append((ent.start_char, ent.end_char, "description"))
                continue
            if ent.label_ != "ORG":
                continue
            if self._currency(doc, ent):
                out.append((ent.start_char, ent.end_char, "currency"))  # "beim Euro-Hilfsfonds": "Euro"
                continue
            if len(ent) == 1 and _product_before(doc, ent.start):
                out.append((ent.start_char, ent.end_char, "product"))  # "das Cloud-Geschäft Azure"
                continue
            if self._product_of_maker(doc, ent):
                out.append((ent.start_char, ent.end_char, "description"))  # "den iPhone-Konzern Apple"
                continue
            word = ent[0].text
            if (len(ent) == 1 and (word in surnames or (word.endswith("s") and word[:-1] in surnames))
                    and not gaz.aliases.get(name_key(word))):
                out.append((ent.start_char, ent.end_char, "person"))  # "Alexis Tsipras … Tsipras": the person
                continue
            if gaz.organisation_kind(text, ent.start_char, ent.end_char) != "company":
                continue
            if _home_town(doc, ent.start) and not (ent.end < len(doc) and doc[ent.end].text in {"-", "‑"}):
                # "aus dem kalifornischen Santa Clara"; an organisation by its name stays ("im
                # parlamentarischen Hypo-U-Ausschuss")
                out.append((ent.start_char, ent.end_char, "place"))
                continue
            reason = self.spurious_reason(ent)
            if reason:
                out.append((ent.start_char, ent.end_char, reason))
        # One sense per article: the other mentions of a company the NER took for a person follow it.
        companies = {name_key(text[a:b]) for a, b, reason in out if reason == "company"}
        done = {(a, b) for a, b, _ in out}
        out += [(e.start_char, e.end_char, "company") for e in doc.ents
                if e.label_ in ("PER", "LOC", "MISC") and not e.kb_id_ and name_key(e.text) in companies
                and (e.start_char, e.end_char) not in done and not taken.intersection(range(e.start, e.end))]
        for start, end, reason in out:
            log.debug("NER correction %r: %s", text[start:end], reason)  # finnews -vv run ...
        return sorted(out)

    @staticmethod
    def _product_of_maker(doc: Doc, ent: Span) -> bool:
        """``iPhone`` in ``an den iPhone-Konzern Apple``: the first part of a maker noun that another
        organisation's name follows describes that one (not ``die VW-Tochter Audi``: a parent is a name)."""
        k = ent.end
        if k + 2 >= len(doc) or doc[k].text not in {"-", "‑"} or doc[k].whitespace_:
            return False
        head = doc[k + 1].lower_
        if not head.endswith(("konzern", "hersteller", "anbieter", "riese", "riesen", "entwickler", "spezialist")):
            return False
        return any(e.start == k + 2 and e.label_ == "ORG" for e in doc.ents)

    def _hyphenated_place_end(self, doc: Doc, end: int, taken: set[int], places: frozenset[int] = frozenset()) -> int:
        """The end of a place name the NER cut at a hyphen: ``Saudi`` in ``Saudi-Arabien`` goes on
        over ``-Arabien`` (no common noun, no other entity), ``Berlin`` in ``Berlin-Reise`` does not.
        A one-word place of the NER after the hyphen joins (``Baden`` + ``Württemberg``: one
        place, ``Baden-Württemberg``); ``places`` holds the token of each such place."""
        while (end + 1 < len(doc) and doc[end].text in {"-", "‑"} and _glued(doc[end - 1], doc[end])
               and _glued(doc[end], doc[end + 1]) and doc[end + 1].is_alpha and doc[end + 1].text[:1].isupper()
               and end not in taken and (end + 1 in places or (doc[end + 1].text not in self.common_nouns
                                                              and end + 1 not in taken))):
            end += 2
        return end

    def _place_cut_at_hyphen(self, doc: Doc, start: int, end: int) -> int:
        """The end of a known place that the NER cut at a hyphen and took for a name, or 0.

        ``die Silicon-Valley-Riesen`` tagged ``Silicon`` or ``Silicon-`` (ORG): with ``-Valley`` it is the
        region of the overlay, a place inside a compound word. Only the overlay's places join,
        so ``Siemens`` in ``Siemens-Energy-Aktie`` stays what it was.
        """
        found = 0
        k = end - 1 if end - start > 1 and doc[end - 1].text in {"-", "‑"} else end  # the NER took "Silicon-"
        while (k + 1 < len(doc) and doc[k].text in {"-", "‑"} and _glued(doc[k - 1], doc[k])
               and _glued(doc[k], doc[k + 1]) and doc[k + 1].is_alpha):
            k += 2
            if self._known_place(doc[start:k]):
                found = k
        return found

    def _known_place(self, ent: Span) -> bool:
        """A market place or country of the overlay, also in the genitive (``Österreichs``)."""
        key = name_key(ent.text)
        places = self.gazetteer.place_keys
        return key in places or (key.endswith("s") and key[:-1] in places)

    def _joined_before_legal_form(self, doc: Doc) -> list[Span]:
        """``doc.ents`` with two NER organisations side by side joined when the second ends in a legal form.

        ``Die Energie Steiermark AG investiert`` tagged ``Energie`` and ``Steiermark AG``: one
        name, ``Energie Steiermark AG``. Two companies named side by side keep a comma or ``und``
        between them, and one without a legal form stays apart (``Broadcom AMD``).
        """
        out: list[Span] = []
        for ent in doc.ents:
            prev = out[-1] if out else None
            if (prev is not None and ent.label_ == "ORG" and prev.label_ == "ORG" and prev.end == ent.start
                    and not prev.kb_id_ and not ent.kb_id_ and doc[prev.end - 1].whitespace_ == " "
                    and len(ent) > 1 and name_key(doc[ent.end - 1].text) in self.gazetteer.legal_form_keys):
                out[-1] = Span(doc, prev.start, ent.end, label="ORG")
            else:
                out.append(ent)
        return out

    def _name_before_employer(self, doc: Doc, start: int, end: int) -> int:
        """The end of a person span that the NER ran on over ``von`` and a company of the gazetteer.

        ``sagte Aktienstratege Kenji Watanabe von Nomura`` -> ``Kenji Watanabe`` (Nomura is the
        employer); at least two words must come before ``von``, so that a noble name stays whole
        (``Werner von Siemens``, ``Ursula von der Leyen``).
        """
        for k in range(start + 2, end - 1):
            if doc[k].lower_ in ("von", "vom", "bei") and doc[k - 1].text[:1].isupper():
                found = self.gazetteer.lookup(doc[k + 1:end].text)
                if found and found[0].entry.label == "ORG":
                    return k
        return end

    def _currency(self, doc: Doc, ent: Span) -> bool:
        """A currency (``48 Euro``, ``2,1 Mrd. Franken``, also with the scale the NER took in: ``Bill.
        Dollar``) or the country part of one (``US-Dollar``)."""
        keys = self.gazetteer.currency_keys
        if (name_key(ent.text) or ent.text) in keys:
            return True
        if len(ent) > 1 and (name_key(ent[-1].text) or ent[-1].text) in keys \
                and all(t.lower_ in FIGURE_UNITS or t.like_num for t in ent[:-1]):
            return True  # "3,2 Bill. Dollar" tagged "Bill. Dollar"
        return (ent.end + 1 < len(doc) and doc[ent.end].text in {"-", "‑"} and not doc[ent.end - 1].whitespace_
                and (name_key(doc[ent.end + 1].text) or doc[ent.end + 1].text) in keys)

    def spurious_reason(self, ent: Span) -> str:
        """Why an NER ``ORG`` span is no organisation name, or ``""`` when it may be one.

        * ``place``: a market place the overlay lists (``an der Wall Street``,
          ``auf Xetra``): relabelled ``LOC`` rather than dropped;
        * ``number``: it starts with a number and holds a unit (``140 Mio. €``; not
          ``1. FC Kaiserslautern``);
        * ``legal form``: a legal form alone (``AG`` of ``der Volksbanken AG``);
        * ``rating``: an analyst's rating (``stuft die Aktie auf „Neutral“ ab``, ``Overweight``);
        * ``description``: no word names anything: lower-case words, place
          adjectives in ``-er`` before a noun, nouns naming a kind of company and
          nouns after a lower-case adjective (``Der Münchner Technologiekonzern``,
          ``der Bonner Konzern``, ``des US-Konzerns``, ``die operative Marge``,
          ``die Silicon-Valley-Riesen für künstliche Intelligenz``); a single word
          counts only with a generic ending (``Technologiekonzern``), so that
          ``Postbank`` stays, and ``Bank``, ``Börse``, ``Gruppe`` describe only
          before a name (``der Pariser Bank Oddo BHF``, not ``die Dresdner Bank``);
        * ``common-noun compound``: a compound begun by a common abbreviation,
          or that abbreviation alone (``des KI-Booms``, ``bei E-Autos``, ``KI``);
        * ``compound part``: it starts inside a hyphenated word, so it is the head
          of a compound (``App-Store-Rankings`` -> ``Store-Rankings``);
        * ``elided compound``: it ends in a hyphen (``Wirtschaftsprüfungs-`` of ``Wirtschaftsprüfungs-
          und Steuerberatungsgesellschaft``); ``function word``: one word such as ``DER`` of ``DER
          STANDARD``;
        * ``plural compound``: a hyphenated compound in a plural or dative form
          (``-en``, ``-ern``) right after a preposition without article (``mit
          Retro-Turnschuhen``): company names do not inflect;
        * ``ticker code``: an exchange symbol in brackets after a name, as news agencies
          write them (``des Wolfsburger Konzerns <VOW.ETR>``, ``SAP (SAP.DE)``).

        Args:
            ent: an NER ``ORG`` span.

        Returns:
            The reason, or ``""``.
        """
        doc = ent.doc
        first = ent[0]
        if self._known_place(ent):
            return "place"
        if (first.like_num or first.text[:1].isdigit()) and any(t.lower_ in FIGURE_UNITS for t in ent):
            return "number"  # "140 Mio. €"; "1. FC Kaiserslautern" is a name
        if name_key(ent.text) in self.gazetteer.legal_form_keys:
            return "legal form"  # "AG" alone, cut off "der Volksbanken AG"
        if ent.text.casefold() in RATING_NAMES:
            return "rating"  # "stuft die Aktie auf „Neutral“ ab", "mit Overweight"
        if (len(ent) == 1 and TICKER_CODE.fullmatch(first.text) and 0 < ent.start and ent.end < len(doc)
                and (doc[ent.start - 1].text, doc[ent.end].text) in (("<", ">"), ("(", ")"))):
            return "ticker code"  # "Allianz <ALV.ETR>": the symbol after the name, no name itself
        words = _words(ent)
        if not words:
            return ""
        if ent.text.endswith(("-", "‑")) and not ent.text[:-1].isupper():
            return "elided compound"  # "der Wirtschaftsprüfungs- und ..."; an acronym stays ("im ZDF- „Morgenmagazin“")
        if len(ent) == 1 and ent.text.casefold() in {"der", "die", "das", "den", "dem", "des"}:
            return "function word"  # "DER" of "DER STANDARD" cut off by the NER (not "MAN", a stop word too)
        if (len(words) > 1 and words[0].isalpha() and words[0].islower()
                and any(w[:1].isupper() for w in words[1:])):
            return "description"  # "operative Marge": a lower-case adjective starts no name ("flattr" may)
        followed = ent.end < len(doc) and doc[ent.end].text[:1].isupper() and doc[ent.end].is_alpha
        if any(w[:1].isupper() for w in words) and all(self._descriptive(words, i, followed) for i in range(len(words))):
            return "description"
        parts = [p for p in words[0].split("-") if p]
        known = self.gazetteer.aliases
        supported = any(name_key(p) in known for p in parts) or name_key(words[0]) in known
        if len(words) == 1 and not supported:
            if parts[0] in self.common_abbreviations:
                return "common-noun compound"
            if ent.start >= 2 and doc[ent.start - 1].text in {"-", "‑"} and _glued(doc[ent.start - 2], doc[ent.start - 1]) \
                    and _glued(doc[ent.start - 1], first):
                return "compound part"
            head = parts[-1]
            before = doc[ent.start - 1] if ent.start > 0 else None
            if (len(parts) > 1 and head[:1].isupper() and head[1:].islower() and head.endswith(("en", "ern"))
                    and before is not None and before.lower_ in BARE_PREPOSITIONS):
                return "plural compound"
            if words[0] in self.common_nouns and not followed and not self._introduced_as_name(ent):
                return "common noun"  # "will das Filialnetz übernehmen", "dem Ausschuss zugewiesen"
            if (words[0].isupper() and len(words[0]) >= 8 and words[0].capitalize() in self.common_nouns
                    and not followed):
                return "common noun"  # "DJ PRESSEMITTEILUNG / …": a common noun in capitals, a feed's label
        return ""

    def _introduced_as_name(self, ent: Span) -> bool:
        """Whether a one-word ``ORG`` that is also a common noun is introduced as a name somewhere in
        the text: without an article (``bei Zielpunkt``, ``Zielpunkt bestätigt``), after a noun for a
        kind of organisation (``die Pilotenvereinigung Cockpit … Cockpit will streiken``, ``das
        Nachrichtenportal Bivol``), in quotation marks, before its abbreviation (``die Volksbank (VB)``)
        or as the start of a longer name (``Dialog Semiconductor … Dialog``); or whether the overlay
        knows it as an organisation (``Bild``, ``Union``, ``Bahn``). Not ``will das Filialnetz
        übernehmen``, ``der marktbeherrschenden Staatsbahn``."""
        doc = ent.doc
        gaz = self.gazetteer
        if gaz.org_kinds is not None and gaz.org_kinds.is_known_name(ent.text):
            return True
        if any(e.label_ == "ORG" and len(e) > 1 and e[0].text == ent.text for e in doc.ents):
            return True  # the short name of "Dialog Semiconductor"
        for t in doc:
            if t.text != ent.text:
                continue
            before = doc[t.i - 1] if t.i > 0 else None
            if before is None or not (before.lower_ in ARTICLES or _inflected_adjective(before)):
                return True  # bare, as names are and common nouns are not: "bei Zielpunkt", "Zielpunkt bestätigt"
            if before.text in QUOTE_OPENERS or before.lower_.endswith(ORGANISATION_DESCRIPTORS):
                return True
            if t.i + 1 < len(doc) and doc[t.i + 1].text == "(":
                return True  # with its abbreviation: "die Volksbank (VB)"
        return False

    @staticmethod
    def _descriptive(words: list[str], i: int, followed: bool = False) -> bool:
        """Whether word ``i`` of an NER span describes rather than names (see :meth:`spurious_reason`).

        ``followed``: a capitalised word follows the span. Nouns like ``Bank`` or ``Börse``
        describe only then (``der Pariser Bank Oddo BHF``); on their own they may end a name
        (``die Dresdner Bank``)."""
        word = words[i]
        if word[:1].islower() and word.replace("-", "").isalpha() and not any(c.isupper() for c in word):
            return True
        if is_type_noun(word, GENERIC_COMPANY_ENDINGS):
            return True
        if followed and (len(words) > 1 or "-" in word) and is_type_noun(word, TYPE_NOUN_ENDINGS):
            return True
        if _adjective_shaped(word) and i < len(words) - 1:
            return True
        previous = words[i - 1] if i > 0 else ""
        return bool(previous) and previous.islower() and previous.endswith(("e", "en", "er", "es", "em"))

    # -- serialisation ---------------------------------------------------
    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        """Save the settings (the gazetteer is rebuilt from its files on load)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg.json", {"overlay": str(self.overlay), "reference_csvs": self.reference_csvs,
                                             "min_context": self.min_context, "common_nouns": self.common_nouns_path})

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> "CompanyRuler":
        cfg = srsly.read_json(Path(path) / "cfg.json")
        self.overlay, self.reference_csvs = cfg["overlay"], cfg["reference_csvs"]
        self.min_context = cfg["min_context"]
        self.common_nouns_path = cfg.get("common_nouns", self.common_nouns_path)
        self._gazetteer, self._common_nouns = None, None
        return self


@Language.factory(
    "finnews_companies",
    default_config={
        "overlay": "configs/gazetteer_overlay.yaml",
        "reference_csvs": [],
        "ents_filter": {"@misc": "finnews.gazetteer_ents_filter.v1"},
        "min_context": 0.5,
        "org_patterns": True,
        "org_suffixes": DEFAULT_ORG_SUFFIXES,
        "org_stop_words": DEFAULT_ORG_STOP_WORDS,
        "org_descriptors": DEFAULT_ORG_DESCRIPTORS,
        "ner_filter": True,
        "common_abbreviations": DEFAULT_COMMON_ABBREVIATIONS,
        "common_nouns": "configs/common_nouns.txt.gz",
        "club_prefixes": list(CLUB_PREFIXES),
        "club_prefixes_before_place": list(CLUB_PREFIXES_BEFORE_PLACE),
        "spot_places": True,
    },
    assigns=["doc.ents", "span._.link_candidates"],
)
def make_company_ruler(nlp: Language, name: str, overlay: str, reference_csvs: list[str],
                       ents_filter: Callable[[Iterable[Span], Iterable[Span]], list[Span]], min_context: float,
                       org_patterns: bool, org_suffixes: list[str], org_stop_words: list[str],
                       org_descriptors: list[str], ner_filter: bool,
                       common_abbreviations: list[str], common_nouns: Optional[str], club_prefixes: list[str],
                       club_prefixes_before_place: list[str], spot_places: bool) -> CompanyRuler:
    """Build the gazetteer entity ruler.

    Args:
        overlay: overlay YAML, relative to the project root (same as ``link.overlay``).
        reference_csvs: user reference CSVs (same as ``link.reference_csvs``).
        ents_filter: overlap policy with existing entities.
        min_context: context score an ordinary-word alias needs (``Allianz``).
        org_patterns: also mark ``<Name> GmbH`` / ``<Name> Capital`` as unlisted ORG.
        org_suffixes: the words that end such a pattern.
        org_stop_words: capitalised words never part of such a name (``Venture Capital``).
        org_descriptors: word endings of institution nouns followed by a name (``Privatbank Berenberg``).
        ner_filter: drop NER ``ORG`` spans that name no organisation (:meth:`CompanyRuler.ner_corrections`).
        common_abbreviations: compound starts that make a common noun (``KI-Booms``, ``E-Autos``).
        common_nouns: German common-noun forms, one per line, gzip allowed (built by
            :mod:`pipeline.ner.common_nouns`); a one-word NER place among them is none
            (``in Schlangenlinien unterwegs``). ``null`` turns that off.
        club_prefixes: prefixes that open a sports club's name (``VfL Bochum``); ``[]`` turns clubs off.
        club_prefixes_before_place: prefixes that open a club's name only before a place (``TV Amberg``).
        spot_places: the overlay's market places and countries the NER left untagged become ``LOC``
            (:meth:`CompanyRuler.untagged_places`).
    """
    return CompanyRuler(nlp, name, overlay, reference_csvs, ents_filter, min_context, org_patterns,
                        org_suffixes, org_stop_words, org_descriptors, ner_filter, common_abbreviations, common_nouns,
                        club_prefixes, club_prefixes_before_place, spot_places)


# -- clustering -------------------------------------------------------------
# Words that make a company's name national without changing its short name: after
# "Telekom Austria" or "Österreichische Post", a later "Telekom" / "Post" is the same company,
# not Deutsche Telekom or Deutsche Post.
COUNTRY_QUALIFIERS = {"austria", "österreich", "schweiz", "suisse", "switzerland", "deutschland", "germany", "italia",
                      "italien", "france", "frankreich", "españa", "nederland", "polska", "ungarn", "hungary"}
VEHICLE_DETERMINERS = {"ein", "einen", "einem", "eines", "der", "den", "dem", "des", "sein", "seinen", "seinem",
                       "seines", "ihr", "ihren", "ihrem", "ihres", "mein", "meinen", "meinem", "dein", "deinen",
                       "deinem", "unser", "unseren", "unserem", "dessen", "deren", "jeder", "jeden", "jedem", "dieser",
                       "diesen", "diesem", "welcher", "welchen", "welchem"}
# Words after a maker's name that show the company: "der VW Konzern", "bei der Audi AG", "dem BMW Werk".
VEHICLE_COMPANY_WORDS = {"konzern", "konzerns", "group", "gruppe", "ag", "se", "holding", "werk", "werks", "werke",
                         "chef", "chefin", "vorstand", "aktie", "aktien", "bank", "motor", "motors", "financial",
                         "nutzfahrzeuge", "tochter", "zentrale", "händler", "sprecher", "sprecherin", "mitarbeiter",
                         "betriebsrat", "management", "belegschaft", "aktionäre", "ceo", "inc", "inc.", "corp", "corp."}


def _vehicle_context(doc: Doc, ent: Span) -> bool:
    """Whether a car maker's name stands where German names a car: after an article or a possessive,
    at most one adjective between, and no hyphen or company word after it (``Ein Audi prallte …``,
    ``mit seinem gebrauchten VW Polo``; not ``der VW-Konzern``, ``bei der Audi AG``)."""
    before = ent.start - 1
    if before >= 0 and doc[before].is_lower and doc[before].is_alpha and doc[before].lower_ not in VEHICLE_DETERMINERS \
            and doc[before].lower_.endswith(("e", "en", "er", "em", "es")) and before - 1 >= 0 \
            and doc[before - 1].lower_ in VEHICLE_DETERMINERS:
        before -= 1  # "einem gebrauchten BMW"
    if before < 0 or doc[before].lower_ not in VEHICLE_DETERMINERS:
        return False
    if not doc[ent.end - 1].whitespace_ and ent.end < len(doc) and doc[ent.end].text in {"-", "‑"}:
        return False  # "der VW-Konzern"
    words = [t.lower_ for t in ent] + [t.lower_ for t in doc[ent.end:ent.end + 1]]
    return not any(w in VEHICLE_COMPANY_WORDS or (w[:1].isalpha() and is_type_noun(w)) for w in words[1:])


# After "Tesla Deutschland" an article shows the country is an object: "warum Tesla Deutschland den Rücken kehrt".
COUNTRY_OBJECT_ARTICLES = {"den", "dem", "die", "das", "einen", "einem", "eine", "ein", "der"}
COUNTRY_ADJECTIVES = {"österreichische", "österreichischen", "österreichischer", "schweizerische", "schweizerischen",
                      "schweizer", "deutsche", "deutschen", "italienische", "französische", "ungarische"}


@dataclass
class Cluster:
    """Mentions of one entity in one article."""

    key: tuple
    label: str
    spans: list[Span] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # base form of each mention


class EntityClusterer:
    """Give all mentions of one entity one ``entity_id`` (factory ``finnews_entity_clusters``).

    Mentions share an entity when they link to the same gazetteer entry
    (``Nvidia``, ``Nvidias``, ``NVIDIA Corp.``), or, for names in no list, when
    their base forms match (``DeepSeek``/``DeepSeeks``); a lone surname joins
    the one person with that surname (``Stacy Rasgon`` ... ``Rasgon``), and a
    lone first word joins the one unlisted organisation it starts
    (``Aletheia Capital`` ... ``Aletheia``).
    """

    def __init__(self, nlp: Language, name: str, min_link_score: float, id_prefix: str):
        self.nlp = nlp
        self.name = name
        self.min_link_score = min_link_score
        self.id_prefix = id_prefix
        self._gazetteer: Optional[Gazetteer] = None
        self._looked = False

    def initialize(self, get_examples: Optional[Callable] = None, *, nlp: Optional[Language] = None) -> None:
        """Borrow the gazetteer of the pipeline's ``CompanyRuler``, if there is one."""
        nlp = nlp or self.nlp
        for _, component in nlp.pipeline:
            if isinstance(component, CompanyRuler):
                self._gazetteer = component.gazetteer
        self._looked = True

    @property
    def gazetteer(self) -> Optional[Gazetteer]:
        if not self._looked:
            self.initialize()
        return self._gazetteer

    def base_name(self, span: Span, siblings: set[str]) -> str:
        """The mention's name without genitive ``s``, apostrophe or legal form.

        Example: ``Nvidias`` -> ``Nvidia`` (when ``Nvidia`` is an alias or another
        mention); ``NVIDIA Corp.`` -> ``NVIDIA``; ``Siemens-Energy`` in
        ``Siemens-Energy-Aktie`` -> ``Siemens Energy``; the handle ``@Ryanair`` -> ``Ryanair Holdings plc``;
        ``Facebook-`` of ``Facebook- und Twitter-Einträge`` (one token, the compound elided) -> ``Facebook``.
        """
        text = span.text.rstrip("'’")
        if len(text) > 2 and text[-1] in "-‑" and text[-2].isalnum():
            text = text[:-1]
        gaz = self.gazetteer
        if text.startswith("@") and gaz is not None and span._.link_candidates:
            return gaz.entries[span._.link_candidates[0][0]].name  # a handle: "@faznet" -> the paper's name
        if len(text) > 3 and text.endswith("s") and not text[-2:].isupper():
            stem_key = name_key(text[:-1])
            if stem_key in siblings or (gaz and stem_key in gaz.aliases and name_key(text) not in gaz.aliases):
                text = text[:-1]
        if gaz is not None:
            # Strip a legal form only when it does not change who is meant ("Porsche SE" is not "Porsche").
            stripped = gaz.strip_legal_form(text)
            if stripped != text:
                full, short = gaz.resolve(gaz.lookup(text))[0], gaz.resolve(gaz.lookup(stripped))[0]
                if full is None or (short is not None and short.entry.key == full.entry.key):
                    text = stripped
        in_compound = (span.end < len(span.doc) and span.doc[span.end].text == "-" and _glued(span[-1], span.doc[span.end]))
        if in_compound and "-" in text:
            alias = self._alias_text(text)
            text = alias if alias else text.replace("-", " ")
        return text

    def _alias_text(self, text: str) -> Optional[str]:
        gaz = self.gazetteer
        if gaz is None:
            return None
        for alias in gaz.aliases.get(name_key(text), []):
            if "-" not in alias.text:
                return alias.text
        return None

    def clusters(self, doc: Doc) -> list[Cluster]:
        """Group ``doc.ents`` into clusters, in order of first mention (the pure half)."""
        gaz = self.gazetteer
        ents = list(doc.ents)
        text = doc.text  # once per document (spaCy joins the tokens on every read)
        plain_keys = {name_key(e.text.rstrip("'’")) for e in ents}
        by_key: dict[tuple, Cluster] = {}
        order: list[Cluster] = []
        for span in ents:
            candidates = span._.link_candidates
            if candidates is None and span.label_ == "ORG" and gaz is not None:
                candidates = self._lookup(span, gaz, text)
                span._.link_candidates = candidates
            base = self.base_name(span, plain_keys)
            group = "INDEX" if span.label_ == "INDEX" else span.label_
            if candidates and candidates[0][1] >= self.min_link_score:
                key: tuple = ("entry", candidates[0][0])
            else:
                key = ("name", group, name_key(base))
            cluster = by_key.get(key)
            if cluster is None:
                cluster = by_key[key] = Cluster(key, span.label_)
                order.append(cluster)
            cluster.spans.append(span)
            cluster.names.append(base)
        return self._merge_partial_names(order)

    def _lookup(self, span: Span, gaz: Gazetteer, text: str) -> list[tuple[str, float]]:
        found = gaz.lookup(span.text)
        best, _ = gaz.resolve(found)
        if best is None:
            return []
        if best.alias.needs_context and gaz.context_score(text, span.start_char, span.end_char) < 0.5:
            return []
        return [(c.entry.key, round(c.score, 3)) for c in found]

    @staticmethod
    def _merge_partial_names(clusters: list[Cluster]) -> list[Cluster]:
        """Join a lone surname to its person and a lone first word to its unlisted organisation.

        Example: ``Stacy Rasgon von Bernstein ... laut Rasgon`` -> one person;
        the lone word must fit exactly one longer name of the article.
        """
        absorbed: dict[int, Cluster] = {}
        for idx, cluster in enumerate(clusters):
            if cluster.key[0] != "name" or cluster.label not in ("PER", "ORG"):
                continue
            if any(len(n.split()) != 1 for n in cluster.names):
                continue
            word = name_key(cluster.names[0])
            position = -1 if cluster.label == "PER" else 0
            hits = [c for c in clusters if c is not cluster and c.label == cluster.label and c.key[0] == "name"
                    and any(len(n.split()) > 1 and name_key(n.split()[position]) == word for n in c.names)]
            if len(hits) == 1:
                absorbed[idx] = hits[0]
        for idx, cluster in enumerate(clusters):
            if idx in absorbed or cluster.label != "ORG" or any(len(n.split()) != 1 for n in cluster.names):
                continue
            national = EntityClusterer._national_name_of(clusters, cluster)
            if national is not None:
                absorbed[idx] = national
        for idx, target in absorbed.items():
            target.spans += clusters[idx].spans
            target.names += clusters[idx].names
        merged = [c for i, c in enumerate(clusters) if i not in absorbed]
        for cluster in merged:
            pairs = sorted(zip(cluster.spans, cluster.names), key=lambda p: p[0].start)
            cluster.spans, cluster.names = [p[0] for p in pairs], [p[1] for p in pairs]
        return sorted(merged, key=lambda c: c.spans[0].start)

    @staticmethod
    def _national_name_of(clusters: list[Cluster], short: Cluster) -> Optional[Cluster]:
        """The earlier company whose national name the lone word shortens.

        ``Telekom Austria … die Telekom`` and ``Österreichische Post … die Post``: the short
        form is that company, not the one the alias alone would name (Deutsche Telekom, Deutsche
        Post). ``Siemens Energy … Siemens`` stays apart: ``Energy`` is no country.
        """
        word = name_key(short.names[0])
        first = short.spans[0].start
        hits = []
        for c in clusters:
            if c is short or c.label != "ORG" or c.spans[0].start >= first:
                continue
            for name in c.names:
                parts = name.split()
                if len(parts) < 2:
                    continue
                if name_key(parts[0]) == word and all(p.lower() in COUNTRY_QUALIFIERS for p in parts[1:]):
                    hits.append(c)
                    break
                if name_key(parts[-1]) == word and all(p.lower() in COUNTRY_ADJECTIVES for p in parts[:-1]):
                    hits.append(c)
                    break
        return hits[0] if len(hits) == 1 else None

    @staticmethod
    def canonical_name(cluster: Cluster) -> str:
        """The most frequent base form; ties go to the longest, then the first."""
        counts: dict[str, int] = {}
        for name in cluster.names:
            counts[name] = counts.get(name, 0) + 1
        first = {name: i for i, name in reversed(list(enumerate(cluster.names)))}
        if cluster.label == "PER":  # a person's canonical name is the full one
            return max(counts, key=lambda n: (len(n.split()), counts[n], -first[n]))
        return max(counts, key=lambda n: (counts[n], len(n), -first[n]))

    def org_kind(self, cluster: Cluster, text: str) -> str:
        """``company``, ``public_body`` or ``other`` for an ``ORG`` cluster, ``""`` for other labels.

        The cluster's gazetteer entry decides when it has one; otherwise any mention
        with evidence of a public body or other organisation types the whole
        cluster (``Die Gewerkschaft Verdi ... Verdi``); see
        :meth:`pipeline.gazetteer.Gazetteer.organisation_kind`.
        """
        gaz = self.gazetteer
        if cluster.label != "ORG":
            return ""
        if gaz is None:
            return "company"
        entry_key = cluster.key[1] if cluster.key[0] == "entry" else None
        kinds = [gaz.organisation_kind(text, s.start_char, s.end_char, entry_key) for s in cluster.spans]
        return next((k for k in kinds if k != "company"), "company")

    def set_annotations(self, doc: Doc, clusters: list[Cluster]) -> None:
        """Write ``entity_id``, ``entity_name`` and (``ORG`` only) ``org_kind`` on every entity span."""
        text = doc.text
        for number, cluster in enumerate(clusters, start=1):
            name = self.canonical_name(cluster)
            kind = self.org_kind(cluster, text)
            for span in cluster.spans:
                span._.entity_id = f"{self.id_prefix}{number}"
                span._.entity_name = name
                span._.org_kind = kind

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.clusters(doc))
        return doc

    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> "EntityClusterer":
        return self


@Language.factory(
    "finnews_entity_clusters",
    default_config={"min_link_score": 0.5, "id_prefix": "e"},
    assigns=["span._.entity_id", "span._.entity_name", "span._.link_candidates", "span._.org_kind"],
)
def make_entity_clusterer(nlp: Language, name: str, min_link_score: float, id_prefix: str) -> EntityClusterer:
    """Build the clustering component.

    Args:
        min_link_score: a gazetteer candidate at least this good keys the cluster by its entry.
        id_prefix: entity ids are ``<prefix>1``, ``<prefix>2``, ... in order of first mention.
    """
    return EntityClusterer(nlp, name, min_link_score, id_prefix)

