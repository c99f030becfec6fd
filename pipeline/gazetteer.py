"""Reference data -> securities, indices, known organisations and their aliases.

The gazetteer is built from three sources, strongest first:

1. the hand-written overlay (``configs/gazetteer_overlay.yaml``, config key
   ``link.overlay``): fixes to the package data (SoftBank Group/Corp sharing one
   ISIN, Suss Microtec and Kontron without symbols, wrong S&P 500 ISINs), curated
   short names (``VW``, ``Münchener Rück``, ``Softbank``), stock indices and
   well-known unlisted organisations;
2. the index constituents shipped in the PyPI package ``pytickersymbols`` (DAX,
   MDAX, SDAX, TecDAX, Euro Stoxx 50, S&P 500, Nasdaq 100, Nikkei 225, ...);
3. optional user CSVs (``link.reference_csvs``), see :func:`read_reference_csv`.

One :class:`GazetteerEntry` per security, keyed by ISIN (``TICKER:<symbol>`` when
the data has no ISIN). Every name gives aliases (:func:`name_aliases`): the full
name, the name without legal form (``Nvidia Corp.`` -> ``Nvidia``), without a weak
suffix (``Infineon Technologies`` -> ``Infineon``), all compared through
:func:`name_key`, which ignores case, diacritics, spaces, hyphens and dots
(``SÜSS MicroTec`` = ``Suss Microtec``; ``Süss`` also = ``Suess``). A lower
source never takes an alias that a stronger source already has, and an index
alias (``Nasdaq``, ``Dow``) is never a company alias.

Built lazily (never at import) and cached per set of input files; building
takes well under a second (``finnews gazetteer stats`` prints the time).
"""

from __future__ import annotations

import csv
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Literal, Optional

import yaml

from pipeline.hashing import file_sha256
from pipeline.org_kinds import OrgKindLexicon

log = logging.getLogger(__name__)

EntryKind = Literal["security", "index", "company", "public_body", "other"]

# Alias weights: how sure an alias alone makes us of its entry.
WEIGHT_CURATED = 1.0  # overlay alias or index alias
WEIGHT_NAME = 1.0  # the full name as in the data
WEIGHT_STRIPPED = 0.95  # legal form removed
WEIGHT_WEAK = 0.85  # weak suffix removed ("Technologies", "Group")
WEIGHT_WEAK_TWICE = 0.8  # two weak suffixes removed ("Mizuho Financial Group" -> "Mizuho"): needs context if one word
WEIGHT_REFERENCE = 0.8  # from a user CSV
GENITIVE_FACTOR = 0.97  # "Nvidias" found through "Nvidia"

ISIN_COUNTRIES = {
    "DE": "Germany", "US": "United States", "JP": "Japan", "NL": "Netherlands", "FR": "France",
    "GB": "United Kingdom", "CH": "Switzerland", "ES": "Spain", "IT": "Italy", "SE": "Sweden",
    "FI": "Finland", "BE": "Belgium", "AT": "Austria", "IE": "Ireland", "LU": "Luxembourg",
    "DK": "Denmark", "NO": "Norway", "CA": "Canada", "JE": "Jersey", "BM": "Bermuda",
    "PT": "Portugal", "KY": "Cayman Islands", "CW": "Curaçao", "PA": "Panama", "LR": "Liberia",
    "GG": "Guernsey", "IL": "Israel", "AU": "Australia", "RU": "Russia",
}
# Yahoo symbol suffix -> exchange; the home suffix of an ISIN country is preferred as primary ticker.
SUFFIX_EXCHANGES = {
    "DE": "XETRA", "F": "Frankfurt", "T": "Tokyo", "PA": "Euronext Paris", "AS": "Euronext Amsterdam",
    "BR": "Euronext Brussels", "L": "London", "MC": "Madrid", "SW": "SIX Swiss Exchange",
    "ST": "Nasdaq Stockholm", "HE": "Nasdaq Helsinki", "MI": "Borsa Italiana", "VI": "Vienna",
    "CO": "Nasdaq Copenhagen", "OL": "Oslo", "LS": "Euronext Lisbon", "IR": "Euronext Dublin",
}
HOME_SUFFIX = {
    "DE": "DE", "JP": "T", "FR": "PA", "NL": "AS", "GB": "L", "ES": "MC", "CH": "SW", "SE": "ST",
    "FI": "HE", "BE": "BR", "IT": "MI", "AT": "VI", "DK": "CO", "NO": "OL", "PT": "LS", "IE": "IR",
}
GOOGLE_EXCHANGES = {"NASDAQ": "NASDAQ", "NYSE": "NYSE", "NYSEAMERICAN": "NYSE American", "BATS": "Cboe"}

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_UMLAUT_CHARS = frozenset("äöüÄÖÜ")
_KEY_DROP = re.compile(r"[^0-9a-z&+]")
_SYMBOL_OK = re.compile(r"^[A-Z0-9][A-Z0-9\-]*(\.[A-Z]{1,2})?$")


def name_key(text: str) -> str:
    """Return the comparison key of a name: no case, diacritics, spaces or punctuation.

    Example: ``name_key("SÜSS MicroTec")`` and ``name_key("Suss Microtec")`` are both
    ``"sussmicrotec"``; ``name_key("Siemens-Energy")`` is ``"siemensenergy"``;
    ``&`` and ``+`` stay (``"AT&T"`` -> ``"at&t"``, ``"K+S"`` -> ``"k+s"``).

    Args:
        text: any name or piece of text.

    Returns:
        The key (possibly empty).
    """
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _KEY_DROP.sub("", text)


def name_keys(text: str) -> set[str]:
    """Return :func:`name_key` of ``text`` and of its umlaut transliteration (``Süss`` -> ``suss``, ``suess``)."""
    keys = {name_key(text), name_key(text.translate(_UMLAUTS))}
    keys.discard("")
    return keys


def lookup_key(text: str) -> str:
    """Return the key a mention is looked up by: :func:`name_key`, but an umlaut stays a letter of its own.

    German ``ü`` is not ``u``: sentence-initial ``Über`` (the preposition) must not
    find ``Uber``, nor ``Bär`` find ``Bar``. A mention with an umlaut is looked up by
    its transliteration (``Über`` -> ``ueber``), which every alias written with that
    umlaut also has (:func:`name_keys`); a data alias written without it (``Suss``
    for ``Süss``) needs a curated alias with the umlaut. Other diacritics still fold
    (``Nestle`` = ``Nestlé``), as news writes them both ways.
    """
    if any(ch in _UMLAUT_CHARS for ch in text):
        return name_key(text.translate(_UMLAUTS))
    return name_key(text)


def _glued_words(mention: str, alias: str) -> bool:
    """Whether a one-word common-noun mention only meets a multi-word alias because keys drop spaces.

    Example: ``Nationalbank`` (a German compound, the central bank) is not ``National
    Bank`` (Holdings); ``Hellobank`` is not ``Hello Bank``. A one-word mention with an
    inner capital may still be a name written together (``BlackRock`` for ``Black Rock``).
    """
    if " " not in alias.strip() or re.search(r"[\s\-]", mention.strip()):
        return False
    word = mention.strip()
    return word[:1].isupper() and word[1:].islower()


def inflected_forms(name: str) -> list[str]:
    """The name and its weak-declension form when it starts with an adjective in ``-e``.

    Example: ``"Deutsche Bank"`` -> ``["Deutsche Bank", "Deutschen Bank"]`` (``die Aktien der
    Deutschen Bank``); ``"Europäische Zentralbank"`` also gives ``"Europäischen Zentralbank"``.
    """
    words = name.split(" ")
    if len(words) > 1 and len(words[0]) > 3 and words[0][:1].isupper() and words[0].isalpha() and words[0].endswith("e"):
        return [name, " ".join([words[0] + "n"] + words[1:])]
    return [name]


def isin_is_valid(isin: str) -> bool:
    """Check an ISIN's form and its check digit (Luhn over the letters-as-numbers expansion).

    Example: ``isin_is_valid("DE0007236101")`` (Siemens) is ``True``.
    """
    if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{9}[0-9]", isin or ""):
        return False
    digits = "".join(str(int(ch, 36)) for ch in isin[:-1])
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return (10 - total % 10) % 10 == int(isin[-1])


@dataclass
class GazetteerEntry:
    """A security, stock index or known organisation the linker can point to.

    ``key`` is the ISIN for a security (``TICKER:<symbol>`` when unknown),
    ``INDEX:<name>`` for an index and ``ORG:<name>`` for an unlisted organisation.
    ``kind`` is ``security`` (listed), ``index``, ``company`` (known, not listed)
    , ``public_body`` (EZB, Fed) or ``other`` (a party, chamber or institute: ``SPÖ``, ``Wifo``),
    the last two not companies at all.
    """

    key: str
    kind: EntryKind
    name: str
    isin: Optional[str] = None
    ticker: Optional[str] = None
    exchange: Optional[str] = None
    country: Optional[str] = None
    indices: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def listed(self) -> bool:
        return self.kind == "security"

    @property
    def label(self) -> str:
        """spaCy entity label for mentions of this entry: ``INDEX`` or ``ORG``."""
        return "INDEX" if self.kind == "index" else "ORG"


@dataclass(frozen=True)
class Alias:
    """One way of writing an entry's name; ``weight`` is how sure the alias alone makes us."""

    text: str
    entry_key: str
    weight: float
    needs_context: bool = False  # also an ordinary word: needs a company cue nearby
    source: str = ""


@dataclass(frozen=True)
class Candidate:
    """A possible entry for a piece of text, with its score in [0, 1]."""

    entry: GazetteerEntry
    score: float
    alias: Alias
    genitive: bool = False


@dataclass
class ContextRules:
    """Word lists that decide whether an ambiguous alias names a company here (from the overlay)."""

    company_cues: list[str] = field(default_factory=list)
    descriptor_suffixes: list[str] = field(default_factory=list)
    company_suffix_words: list[str] = field(default_factory=list)
    negative_before: dict[str, set[str]] = field(default_factory=dict)  # alias key -> words
    negative_after: dict[str, set[str]] = field(default_factory=dict)
    base: dict[str, float] = field(default_factory=dict)  # alias key -> score before cues (default 0.4)


_WORD = re.compile(r"[\w%&.]+(?:-[\w%&.]+)*|%")
_SENT_END = re.compile(r"(?<![A-ZÄÖÜ0-9][a-zäöü])(?<!\b[A-ZÄÖÜ])[.!?](?=\s)|\n")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the sentence around ``text[start:end]`` (line breaks and ``.!?`` end sentences)."""
    left = 0
    for m in _SENT_END.finditer(text, 0, start):
        left = m.end()
    m = _SENT_END.search(text, end)
    return left, (m.start() if m else len(text))


class Gazetteer:
    """Entries and an alias table keyed by :func:`name_key`.

    Build one with :func:`load_gazetteer`; look names up with :meth:`lookup`
    and judge ambiguous mentions with :meth:`context_score`.
    """

    def __init__(self, legal_forms: Iterable[str], context: ContextRules, never_aliases: Iterable[str] = ()):
        self.entries: dict[str, GazetteerEntry] = {}
        self.aliases: dict[str, list[Alias]] = {}
        self.legal_forms = sorted(set(legal_forms), key=len, reverse=True)
        self.legal_form_keys = {name_key(f) for f in self.legal_forms} - {""}
        self.context = context
        self.never_keys = {k for a in never_aliases for k in name_keys(a)}
        self.blocked_keys: set[str] = set()  # index aliases: never a company
        self.mixed_case_keys: set[str] = set()  # some alias is not all capitals ("Dax" as well as "DAX")
        self.sources: list[dict[str, Any]] = []
        # What kind of organisation a name in no list is (overlay section ``organisation_kinds``).
        self.org_kinds = OrgKindLexicon()
        self.place_keys: set[str] = set()  # market places, countries and regions (Wall Street, Japan, Europa)
        self.currency_keys: set[str] = set()  # currencies an NER takes for MISC names (Euro)
        self.benchmark_keys: set[str] = set()  # commodity benchmarks, MISC and never companies (Brent)
        self.commodity_keys: set[str] = set()  # commodities, no entity (Gold)
        self.vehicle_brand_keys: set[str] = set()  # car makers whose name is also a car ("ein Audi")
        self.build_seconds = 0.0
        self._max_chars: Optional[int] = None

    # -- building -------------------------------------------------------
    def add_entry(self, entry: GazetteerEntry) -> GazetteerEntry:
        """Add an entry, or merge it into the one with the same key (first values win)."""
        old = self.entries.get(entry.key)
        if old is None:
            self.entries[entry.key] = entry
            return entry
        for attr in ("ticker", "exchange", "country", "isin"):
            if getattr(old, attr) is None and getattr(entry, attr) is not None:
                setattr(old, attr, getattr(entry, attr))
        for index in entry.indices:
            if index not in old.indices:
                old.indices.append(index)
        return old

    def add_alias(self, text: str, entry_key: str, weight: float, *, needs_context: bool = False,
                  source: str = "", overrides_block: bool = False) -> None:
        """Add ``text`` as an alias of an entry (for each of its keys), unless it is a never-alias or blocked.

        A weaker source (a user CSV) never adds an alias key that another entry already holds.
        """
        self._max_chars = None
        for key in {k for form in inflected_forms(text) for k in name_keys(form)}:
            if len(key) < 2 or key in self.never_keys or key in self.legal_form_keys:
                continue
            if not text.isupper():
                self.mixed_case_keys.add(key)
            if key in self.blocked_keys and not overrides_block:
                continue
            hits = self.aliases.setdefault(key, [])
            if any(a.entry_key == entry_key and a.weight >= weight for a in hits):
                continue
            if source.startswith("csv:") and any(a.entry_key != entry_key for a in hits):
                continue
            hits[:] = [a for a in hits if a.entry_key != entry_key]
            hits.append(Alias(text, entry_key, weight, needs_context, source))

    def remove_alias(self, text: str, entry_key: str) -> None:
        """Remove an alias of one entry (``exclude_aliases`` in the overlay)."""
        for key in name_keys(text):
            if key in self.aliases:
                self.aliases[key] = [a for a in self.aliases[key] if a.entry_key != entry_key]
                if not self.aliases[key]:
                    del self.aliases[key]

    # -- lookup ---------------------------------------------------------
    def strip_legal_form(self, name: str) -> str:
        """Remove trailing legal forms and a leading ``The``: ``"SÜSS MicroTec SE"`` -> ``"SÜSS MicroTec"``."""
        name = re.sub(r"\s*\([^)]*\)", "", name).strip()
        name = re.sub(r"^The\s+", "", name)
        changed = True
        while changed:
            changed = False
            for form in self.legal_forms:
                pattern = r"[\s,]+" + re.escape(form) + r"$"
                stripped = re.sub(pattern, "", name)
                if stripped != name and stripped.strip():
                    name, changed = stripped.strip(" ,"), True
                    break
        # "Eli Lilly and Company" -> "Eli Lilly", not "Eli Lilly and".
        return re.sub(r"(\s+(and|und|&))+$", "", name)

    def lookup(self, text: str) -> list[Candidate]:
        """Return the entries whose alias is ``text``, best first.

        The text may carry a legal form (``NVIDIA Corp.``) or a German genitive
        ``s`` (``Nvidias``, ``Münchener Rücks``) or apostrophe (``Allianz'``).

        Args:
            text: a mention or name as written.

        Returns:
            Candidates sorted by score (highest first); empty when nothing matches.
        """
        found: dict[str, Candidate] = {}
        forms = [(text, False), (self.strip_legal_form(text), False)]
        stripped = text.rstrip("'’")
        if stripped != text:
            forms.append((stripped, True))
        elif len(text) > 3 and text.endswith("s") and not text[-2:].isupper():
            forms.append((text[:-1], True))
        for form, genitive in forms:
            key = lookup_key(form)
            for alias in self.aliases.get(key, []):
                if _glued_words(form, alias.text):
                    continue
                score = alias.weight * (GENITIVE_FACTOR if genitive else 1.0)
                old = found.get(alias.entry_key)
                if old is None or old.score < score:
                    found[alias.entry_key] = Candidate(self.entries[alias.entry_key], score, alias, genitive)
            if found and not genitive:
                break
        return sorted(found.values(), key=lambda c: (-c.score, c.entry.key))

    @staticmethod
    def resolve(candidates: list[Candidate]) -> tuple[Optional[Candidate], float]:
        """Pick the best candidate and its confidence, lowered when others are as good.

        Share classes of one company (same name) do not count as competitors;
        two different entries with the same top weight halve the confidence.

        Returns:
            ``(best, confidence)``, or ``(None, 0.0)`` when there is no candidate.
        """
        if not candidates:
            return None, 0.0
        best = candidates[0]
        rivals = [c for c in candidates[1:] if c.score >= best.score - 0.05
                  and name_key(c.entry.name) != name_key(best.entry.name)]
        return best, best.score / (1 + len(rivals))

    def context_score(self, text: str, start: int, end: int) -> float:
        """Score in [0, 1] how clearly ``text[start:end]`` names a company.

        Used for aliases that are ordinary words. Starts at 0.4 (or the alias's
        ``base`` in the overlay: 0.6 for ``Apple``, a company unless a negative
        neighbour says otherwise); a company cue in
        the sentence adds 0.3 (``Aktie``, ``Prozent``, ``Konzern``, ``Dax``...), a
        descriptor right before (``iPhone-Konzern Apple``, ``Versicherer Allianz``)
        or a company word right after (``Allianz-Aktie``, ``Apple Inc.``) adds 0.5,
        a negative neighbour listed for the alias subtracts 0.6
        (``eine strategische Allianz``, ``Allianz aus Grünen und ...``).

        Args:
            text: the whole article text.
            start, end: character offsets of the mention.

        Returns:
            The score; 0.5 or more counts as a company.
        """
        rules = self.context
        s_start, s_end = sentence_bounds(text, start, end)
        before = _WORD.findall(text[s_start:start])
        after_text = text[end:s_end]
        after = _WORD.findall(after_text)
        mention_key = name_key(text[start:end])
        keys = {mention_key, name_key(self.strip_legal_form(text[start:end]))}
        if mention_key.endswith("s"):
            keys.add(mention_key[:-1])
        score = max((rules.base.get(k, 0.4) for k in keys), default=0.4)
        if before and before[-1].casefold().split("-")[-1].endswith(tuple(rules.descriptor_suffixes)):
            score += 0.5
        suffix_words = {w.casefold() for w in rules.company_suffix_words}
        glued = re.match(r"-([\wÄÖÜäöü]+)", after_text)
        if glued and glued.group(1).casefold() in suffix_words:
            score += 0.5
        elif after and (after[0].casefold() in suffix_words or name_key(after[0]) in self.legal_form_keys):
            score += 0.5
        cues = tuple(c.casefold() for c in rules.company_cues)
        words = [w.casefold() for w in before + after]
        if any(part.startswith(cues) for w in words for part in w.split("-")) or "%" in text[s_start:s_end]:
            score += 0.3
        for key in keys:
            neg_before = rules.negative_before.get(key, set())
            neg_after = rules.negative_after.get(key, set())
            if (before and before[-1].casefold() in neg_before) or (len(before) > 1 and before[-2].casefold() in neg_before
                                                                     and before[-1][:1].islower()):
                score -= 0.6
            if after and after[0].casefold() in neg_after:
                score -= 0.6
        return max(0.0, min(1.0, score))

    def organisation_kind(self, text: str, start: int, end: int, entry_key: Optional[str] = None) -> str:
        """What kind of organisation ``text[start:end]`` names: ``company``, ``public_body`` or ``other``.

        A gazetteer entry decides first (``entry_key`` when the caller already linked
        the mention, else a lookup of the text): a security or known company is a
        company, a public body (EZB, Bundesbank) a public body. Otherwise the
        legal form at the end of the name makes a company (``Deutsche Presse-Agentur
        GmbH``); then the ``organisation_kinds`` lexicon (:class:`pipeline.org_kinds.OrgKindLexicon`):
        ``Die Gewerkschaft Verdi`` -> ``other``, ``der Bundeswehr`` ->
        ``public_body``; without evidence ``company`` (``Helsing``, ``DZ Bank``).

        Args:
            text: the article text.
            start, end: character offsets of the mention.
            entry_key: the gazetteer entry the mention links to, if known.

        Returns:
            One of ``company``, ``public_body``, ``other``.
        """
        entry = self.entries.get(entry_key) if entry_key else None
        if entry is None:
            best, _ = self.resolve(self.lookup(text[start:end]))
            entry = best.entry if best is not None else None
        if entry is not None and entry.kind != "index":
            return entry.kind if entry.kind in ("public_body", "other") else "company"
        name = text[start:end]
        if self.strip_legal_form(name) != name.strip():
            return "company"  # "Xolaris Verwaltungs GmbH", "Bremer Vulkan Verband AG"
        return self.org_kinds.kind_in_text(text, start, end) or "company"

    # -- inspection -----------------------------------------------------
    def max_alias_chars(self) -> int:
        """Length of the longest alias key (cached; the table is read-only once built)."""
        if self._max_chars is None:
            self._max_chars = max((len(k) for k in self.aliases), default=0)
        return self._max_chars

    def describe(self) -> dict[str, Any]:
        """Sources (with versions and hashes), entry and alias counts, build time, for ``run.json``."""
        kinds: dict[str, int] = {}
        for entry in self.entries.values():
            kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
        return {
            "sources": self.sources,
            "entries": kinds,
            "alias_keys": len(self.aliases),
            "build_seconds": round(self.build_seconds, 3),
        }


# -- sources ---------------------------------------------------------------
def name_aliases(name: str, gazetteer: Gazetteer, weak_suffixes: Iterable[str]) -> list[tuple[str, float]]:
    """Aliases derived from a security name, with weights.

    Example: ``"Infineon Technologies AG"`` gives ``("Infineon Technologies AG", 1.0)``,
    ``("Infineon Technologies", 0.95)`` and ``("Infineon", 0.85)``;
    ``"Tesla, Inc."`` gives ``("Tesla", 0.95)``.
    """
    out = [(name, WEIGHT_NAME)]
    stripped = gazetteer.strip_legal_form(name)
    if stripped and stripped != name:
        out.append((stripped, WEIGHT_STRIPPED))
    # Up to two weak suffixes: "Mizuho Financial Group" -> "Mizuho Financial" (0.85) -> "Mizuho" (0.8).
    current, weight = stripped, WEIGHT_WEAK
    for _ in range(2):
        for suffix in weak_suffixes:
            weak = gazetteer.strip_legal_form(re.sub(r"[\s-]+" + re.escape(suffix) + r"$", "", current))
            if weak != current and weak.strip():
                out.append((weak, weight))
                current, weight = weak, WEIGHT_WEAK_TWICE
                break
        else:
            break
    return out


def _pick_isin(isins: Iterable[str]) -> Optional[str]:
    for isin in isins or []:
        if isin_is_valid(isin):
            return isin
    return None


def _exchange_for(ticker: Optional[str], google: dict[str, str], indices: Iterable[str] = ()) -> Optional[str]:
    """Exchange of a ticker: from its Yahoo suffix, its Google prefix, or Nasdaq-100 membership; else ``None``."""
    if not ticker:
        return None
    if "." in ticker and not ticker.endswith((".A", ".B")):
        return SUFFIX_EXCHANGES.get(ticker.rsplit(".", 1)[1])
    prefix = google.get(ticker, "")
    if prefix in GOOGLE_EXCHANGES:
        return GOOGLE_EXCHANGES[prefix]
    return "NASDAQ" if "NASDAQ 100" in indices else None


def _pick_ticker(symbols: list[str], isin: Optional[str], shared: set[str]) -> Optional[str]:
    """Choose the primary ticker: well-formed, not shared with another ISIN, home exchange first."""
    home = HOME_SUFFIX.get((isin or "")[:2])
    good = [s for s in symbols if s and _SYMBOL_OK.match(s) and s not in shared]
    good = good or [s for s in symbols if s and _SYMBOL_OK.match(s)]
    if not good:
        return None
    if home:
        for s in good:
            if s.endswith("." + home):
                return s
    if (isin or "").startswith("US"):
        for s in good:
            if "." not in s or s.endswith((".A", ".B")):
                return s
    return good[0]


def _country(raw: Optional[str], isin: Optional[str]) -> Optional[str]:
    known = set(ISIN_COUNTRIES.values())
    if raw in known:
        return raw
    return ISIN_COUNTRIES.get((isin or "")[:2]) or (raw if raw and "," not in raw else None)


def _matches(rule: dict[str, Any], company: dict[str, Any]) -> bool:
    if "symbol" in rule and company.get("symbol") != str(rule["symbol"]):
        return False
    if "name" in rule and company.get("name") != rule["name"]:
        return False
    return True


def _add_pytickersymbols(gaz: Gazetteer, overlay: dict[str, Any]) -> None:
    """Add the package's index constituents, with the overlay's fixes applied per entry."""
    import pytickersymbols
    from pytickersymbols.indices_data import INDICES

    fixes = [f for f in overlay.get("securities", []) if f.get("match")]
    weak = overlay.get("weak_suffixes", [])
    prominent = set(overlay.get("prominent_indices", []))
    rows: list[dict[str, Any]] = []
    for index_name, index in INDICES.items():
        for company in index.get("companies", []) or []:
            row = {
                "index": index_name, "name": company.get("name"), "symbol": company.get("symbol"),
                "country": company.get("country"), "isin": _pick_isin(company.get("isins") or []),
                "yahoo": [s.get("yahoo") for s in company.get("symbols") or [] if s.get("yahoo") not in (None, "-")],
                "google": {s.get("yahoo"): (s.get("google") or "").split(":")[0] for s in company.get("symbols") or []},
                "ticker": None, "exchange": None, "aliases": [], "exclude": [],
            }
            for fix in fixes:
                if _matches(fix["match"], company):
                    for attr in ("isin", "name", "ticker", "exchange", "country"):
                        if attr in fix:
                            row[attr] = str(fix[attr])
                    row["aliases"] += fix.get("aliases", [])
                    row["exclude"] += fix.get("exclude_aliases", [])
            rows.append(row)
    # A symbol claimed by rows with different ISINs (FRE.DE for Fresenius and FMC) is doubtful.
    claims: dict[str, set] = {}
    for row in rows:
        if row["symbol"]:
            claims.setdefault(row["symbol"], set()).add(row["isin"])
    shared = {s for s, isins in claims.items() if len(isins) > 1}
    by_key: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = row["isin"] or (f"TICKER:{row['symbol']}" if row["symbol"] else None)
        if key:
            by_key.setdefault(key, []).append(row)
    needs_context: list[tuple[str, str, float]] = []
    for key, group in by_key.items():
        isin = group[0]["isin"]
        ticker = next((r["ticker"] for r in group if r["ticker"]), None)
        if not ticker:
            symbols = [r["symbol"] for r in group if r["symbol"]] + [y for r in group for y in r["yahoo"]]
            ticker = _pick_ticker(symbols, isin, shared)
        google = {k: v for r in group for k, v in r["google"].items() if k and v}
        exchange = next((r["exchange"] for r in group if r["exchange"]), None) or _exchange_for(
            ticker, google, {r["index"] for r in group})
        entry = gaz.add_entry(GazetteerEntry(
            key=key, kind="security", name=group[0]["name"], isin=isin, ticker=ticker, exchange=exchange,
            country=_country(next((r["country"] for r in group if r["country"]), None), isin),
            indices=sorted({r["index"] for r in group}), source="pytickersymbols",
        ))
        is_prominent = bool(prominent & set(entry.indices))
        for name in sorted({r["name"] for r in group if r["name"]}):
            for alias, weight in name_aliases(name, gaz, weak):
                one_word = not re.search(r"[\s\-&+.]", alias.strip())
                needs_context_here = one_word and (not is_prominent or weight <= WEIGHT_WEAK_TWICE)
                gaz.add_alias(alias, entry.key, weight, needs_context=needs_context_here, source="pytickersymbols")
        for row in group:
            for alias in row["aliases"]:
                gaz.add_alias(alias, entry.key, WEIGHT_CURATED, source="overlay")
        for row in group:
            for alias in row["exclude"]:
                gaz.remove_alias(alias, entry.key)
    gaz.sources.append({"name": "pytickersymbols", "version": pytickersymbols.__version__, "memberships": len(rows)})


def _add_overlay_entries(gaz: Gazetteer, overlay: dict[str, Any]) -> None:
    """Indices, organisations and overlay securities without ``match`` (added or completed by ISIN)."""
    for index in overlay.get("indices", []):
        entry = gaz.add_entry(GazetteerEntry(key=f"INDEX:{index['name']}", kind="index", name=index["name"],
                                             source="overlay"))
        for alias in [index["name"], *index.get("aliases", [])]:
            gaz.blocked_keys |= name_keys(alias)
            gaz.add_alias(alias, entry.key, WEIGHT_CURATED, source="overlay", overrides_block=True)
    for org in overlay.get("organisations", []):
        kind = org.get("kind", "company")
        if kind not in ("company", "public_body", "other"):
            raise ValueError(f"organisation {org['name']!r}: kind must be company, public_body or other, not {kind!r}")
        entry = gaz.add_entry(GazetteerEntry(key=f"ORG:{org['name']}", kind=kind, name=org["name"], source="overlay"))
        for alias in [org["name"], *org.get("aliases", [])]:
            gaz.add_alias(alias, entry.key, WEIGHT_CURATED, source="overlay")
    for sec in overlay.get("securities", []):
        if sec.get("match"):
            continue
        isin = str(sec["isin"])
        if not isin_is_valid(isin):
            raise ValueError(f"overlay security {sec.get('name')!r}: invalid ISIN {isin!r}")
        entry = gaz.entries.get(isin)
        if entry is None:
            entry = gaz.add_entry(GazetteerEntry(key=isin, kind="security", name=sec["name"], isin=isin, source="overlay"))
        entry.name = sec.get("name", entry.name)
        for attr in ("ticker", "exchange", "country"):
            if sec.get(attr):
                setattr(entry, attr, str(sec[attr]))
        for alias, weight in name_aliases(entry.name, gaz, overlay.get("weak_suffixes", [])):
            gaz.add_alias(alias, entry.key, weight, source="overlay")
        for alias in sec.get("aliases", []):
            gaz.add_alias(alias, entry.key, WEIGHT_CURATED, source="overlay")
        for alias in sec.get("exclude_aliases", []):
            gaz.remove_alias(alias, entry.key)


REFERENCE_COLUMNS = {
    "isin": ("isin",),
    "name": ("name",),
    "ticker": ("ticker", "symbol"),
    "exchange": ("exchange_name", "exchange", "mic"),
    "country": ("country",),
    "aliases": ("aliases",),
}


def read_reference_csv(path: Path) -> list[dict[str, Optional[str]]]:
    """Read a user reference CSV into rows with ``isin, name, ticker, exchange, country, aliases``.

    Columns (header names, case-insensitive): ``isin`` and ``name`` are required;
    ``ticker`` (or ``symbol``), ``exchange`` (or ``mic``), ``country`` and
    ``aliases`` (several separated by ``|``) are optional. FinanceDatabase files
    such as ``reference/financedatabase/GER.csv`` have this shape. Rows without a
    valid ISIN are skipped.

    Raises:
        ValueError: the file lacks an ``isin`` or ``name`` column.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = {h.lower().strip(): h for h in reader.fieldnames or []}
        columns = {}
        for target, options in REFERENCE_COLUMNS.items():
            columns[target] = next((header[o] for o in options if o in header), None)
        if not columns["isin"] or not columns["name"]:
            raise ValueError(f"reference CSV {path} needs 'isin' and 'name' columns (has: {', '.join(header)})")
        rows = []
        for raw in reader:
            row = {t: ((raw.get(c) or "").strip() or None) if c else None for t, c in columns.items()}
            if row["isin"] and isin_is_valid(row["isin"]) and row["name"]:
                rows.append(row)
    return rows


def _add_reference_csv(gaz: Gazetteer, path: Path, overlay: dict[str, Any]) -> None:
    rows = read_reference_csv(path)
    known_tickers = {e.ticker for e in gaz.entries.values() if e.ticker}
    added = 0
    for row in rows:
        if row["ticker"] in known_tickers and row["isin"] not in gaz.entries:
            continue  # a listing we know under another (e.g. ADR) ISIN
        exchange = row["exchange"] or _exchange_for(row["ticker"], {})
        entry = gaz.add_entry(GazetteerEntry(key=row["isin"], kind="security", name=row["name"], isin=row["isin"],
                                             ticker=row["ticker"], exchange=exchange,
                                             country=_country(row["country"], row["isin"]), source=f"csv:{path.name}"))
        added += 1
        names = [a for a, _ in name_aliases(row["name"], gaz, overlay.get("weak_suffixes", []))]
        names += [a.strip() for a in (row["aliases"] or "").split("|") if a.strip()]
        for alias in names:
            one_word = not re.search(r"[\s\-&+.]", alias.strip())
            gaz.add_alias(alias, entry.key, WEIGHT_REFERENCE, needs_context=one_word, source=f"csv:{path.name}")
    gaz.sources.append({"name": f"csv:{path}", "sha256": file_sha256(path), "rows": len(rows), "added": added})


def _context_rules(overlay: dict[str, Any]) -> ContextRules:
    rules = ContextRules(
        company_cues=list(overlay.get("company_cues", [])),
        descriptor_suffixes=[s.casefold() for s in overlay.get("descriptor_suffixes", [])],
        company_suffix_words=list(overlay.get("company_suffix_words", [])),
    )
    for alias, spec in (overlay.get("ambiguous_aliases") or {}).items():
        spec = spec or {}
        for key in name_keys(str(alias)):
            rules.negative_before[key] = {str(w).casefold() for w in spec.get("negative_before", [])}
            rules.negative_after[key] = {str(w).casefold() for w in spec.get("negative_after", [])}
            rules.base[key] = float(spec.get("base", 0.4))
    return rules


def build_gazetteer(overlay_path: Path, reference_csvs: Iterable[Path] = ()) -> Gazetteer:
    """Build the gazetteer from the overlay, ``pytickersymbols`` and user CSVs.

    Args:
        overlay_path: the overlay YAML (``configs/gazetteer_overlay.yaml``).
        reference_csvs: user CSVs, see :func:`read_reference_csv`.

    Returns:
        A new :class:`Gazetteer`.

    Raises:
        FileNotFoundError: the overlay or a CSV is missing.
        ValueError: the overlay holds an invalid ISIN or organisation kind.
    """
    started = time.perf_counter()
    overlay_path = Path(overlay_path)
    overlay = yaml.safe_load(overlay_path.read_text(encoding="utf-8")) or {}
    gaz = Gazetteer(overlay.get("legal_forms", []), _context_rules(overlay), overlay.get("never_aliases", []))
    gaz.org_kinds = OrgKindLexicon.from_overlay(overlay.get("organisation_kinds"))
    places = [p for key in ("places", "countries", "regions") for p in overlay.get(key, [])]
    gaz.place_keys = {k for place in places for k in name_keys(str(place))}
    gaz.currency_keys = {name_key(str(c)) or str(c) for c in overlay.get("currencies", [])}  # "€" has no name key
    gaz.benchmark_keys = {name_key(str(c)) for c in overlay.get("commodity_benchmarks", [])} - {""}
    gaz.commodity_keys = {name_key(str(c)) for c in overlay.get("commodities", [])} - {""}
    gaz.vehicle_brand_keys = {name_key(str(c)) for c in overlay.get("vehicle_brands", [])} - {""}
    gaz.sources.append({"name": "overlay", "path": str(overlay_path), "sha256": file_sha256(overlay_path)})
    # Index aliases first, so that no company takes "Nasdaq" or "Dow".
    _add_overlay_entries(gaz, {"indices": overlay.get("indices", [])})
    _add_pytickersymbols(gaz, overlay)
    _add_overlay_entries(gaz, {k: v for k, v in overlay.items() if k != "indices"})
    for path in reference_csvs:
        _add_reference_csv(gaz, Path(path), overlay)
    # Aliases listed as ordinary words need context whatever their source.
    ambiguous = {k for a in (overlay.get("ambiguous_aliases") or {}) for k in name_keys(str(a))}
    for key in ambiguous & set(gaz.aliases):
        gaz.aliases[key] = [Alias(a.text, a.entry_key, a.weight, True, a.source) for a in gaz.aliases[key]]
    gaz.build_seconds = time.perf_counter() - started
    log.info("gazetteer: %d entries, %d alias keys in %.2fs", len(gaz.entries), len(gaz.aliases), gaz.build_seconds)
    return gaz


@lru_cache(maxsize=4)
def _cached(overlay: str, csvs: tuple[str, ...], stamps: tuple[float, ...]) -> Gazetteer:
    return build_gazetteer(Path(overlay), [Path(p) for p in csvs])


def load_gazetteer(overlay_path: Path | str, reference_csvs: Iterable[Path | str] = ()) -> Gazetteer:
    """Return the gazetteer for these files, built once per process (rebuilt when a file changes).

    Args:
        overlay_path: the overlay YAML.
        reference_csvs: user reference CSVs.

    Returns:
        A shared :class:`Gazetteer`; treat it as read-only.
    """
    paths = [Path(overlay_path).resolve()] + [Path(p).resolve() for p in reference_csvs]
    stamps = tuple(p.stat().st_mtime for p in paths)
    return _cached(str(paths[0]), tuple(str(p) for p in paths[1:]), stamps)
