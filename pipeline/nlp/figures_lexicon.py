"""The word lists of the figures and claims components, and fast look-ups over a ``Doc``.

The lists live in ``configs/figures_lexicon.yaml`` (units, currencies, scale
words, number words, qualifiers, direction cues, clause words). Both
components load them in ``initialize()`` with :func:`load_lexicon` and build one
:class:`PhraseTable` per list, a case-insensitive spaCy ``PhraseMatcher`` whose
matches are indexed by start and end token, so the rules can ask "does a
currency name start at token 7?" in constant time.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from pipeline.config import PROJECT_ROOT

log = logging.getLogger(__name__)

DEFAULT_LEXICON = PROJECT_ROOT / "configs" / "figures_lexicon.yaml"


def resolve_lexicon_path(path: Optional[str | Path]) -> Path:
    """Return the lexicon file: ``path`` resolved against the project root, or the default.

    Args:
        path: a YAML path from the component config, or ``None``.

    Returns:
        An absolute :class:`Path`.
    """
    if not path:
        return DEFAULT_LEXICON
    path = Path(path).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def load_lexicon_data(path: Optional[str | Path] = None) -> dict[str, Any]:
    """Read the lexicon YAML into a plain dict (what ``to_disk`` stores).

    Args:
        path: the YAML file; ``None`` for ``configs/figures_lexicon.yaml``.

    Returns:
        The parsed mapping.
    """
    resolved = resolve_lexicon_path(path)
    data = yaml.safe_load(resolved.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"figures lexicon {resolved} must be a mapping")
    return data


def _lower_set(items: Iterable[str]) -> frozenset[str]:
    return frozenset(str(item).lower() for item in items)


@dataclass
class FiguresLexicon:
    """The lexicon with the structures the rules use; see the YAML file for each list."""

    data: dict[str, Any]
    number_words: dict[str, float] = field(init=False)
    level_qualifiers: frozenset[str] = field(init=False)
    change_nouns: dict[str, tuple[str, ...]] = field(init=False)
    percent_only_nouns: dict[str, tuple[str, ...]] = field(init=False)
    multipliers: dict[str, float] = field(init=False)
    target_words: frozenset[str] = field(init=False)
    target_window: int = field(init=False)
    analyst_words: frozenset[str] = field(init=False)
    relative_pronouns: frozenset[str] = field(init=False)
    relative_articles: frozenset[str] = field(init=False)
    relative_prepositions: frozenset[str] = field(init=False)
    contrast_conjunctions: frozenset[str] = field(init=False)
    contrast_openers: frozenset[str] = field(init=False)
    clause_openers: frozenset[str] = field(init=False)
    coordinators: frozenset[str] = field(init=False)
    percent_adjective_prefix: str = field(init=False)
    single_currencies: dict[str, str] = field(init=False)
    single_scales: dict[str, float] = field(init=False)
    separable_verbs: dict[str, list[tuple[tuple[str, ...], str]]] = field(init=False)
    not_direction_separable: dict[str, list[tuple[str, ...]]] = field(init=False)
    noun_classes: dict[str, str] = field(init=False)
    pronouns: frozenset[str] = field(init=False)
    demonstratives: frozenset[str] = field(init=False)
    lead_index_nouns: frozenset[str] = field(init=False)
    lead_indices: frozenset[str] = field(init=False)
    index_modifier_heads: frozenset[str] = field(init=False)
    rating_verbs: frozenset[str] = field(init=False)
    amount_verbs: frozenset[str] = field(init=False)
    money_direction_verbs: dict[str, str] = field(init=False)
    issuer_descriptors: tuple[str, ...] = field(init=False)
    tolerance_words: frozenset[str] = field(init=False)
    preposition_fillers: frozenset[str] = field(init=False)
    stake_words: frozenset[str] = field(init=False)
    exchange_names: tuple[str, ...] = field(init=False)
    news_agencies: frozenset[str] = field(init=False)
    media_outlets: frozenset[str] = field(init=False)
    media_endings: tuple[str, ...] = field(init=False)
    platforms: frozenset[str] = field(init=False)
    platform_cues: frozenset[str] = field(init=False)
    platform_nouns: frozenset[str] = field(init=False)
    venue_nouns: tuple[str, ...] = field(init=False)
    share_move_nouns: frozenset[str] = field(init=False)
    share_move_up: frozenset[str] = field(init=False)
    share_move_down: frozenset[str] = field(init=False)
    share_move_particles: dict[str, str] = field(init=False)
    venue_cues: frozenset[str] = field(init=False)
    cause_verbs: dict[str, str] = field(init=False)
    harm_nouns: tuple[str, ...] = field(init=False)
    harm_places: tuple[str, ...] = field(init=False)
    harm_place_compounds: tuple[str, ...] = field(init=False)
    harm_place_prepositions: frozenset[str] = field(init=False)
    cause_heads: tuple[str, ...] = field(init=False)
    market_session_words: frozenset[str] = field(init=False)
    market_session_verbs: frozenset[str] = field(init=False)
    consensus_verbs: frozenset[str] = field(init=False)
    consensus_nouns: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        d = self.data
        self.number_words = {str(k).lower(): float(v) for k, v in d.get("number_words", {}).items()}
        self.level_qualifiers = _lower_set(d.get("level_qualifiers", []))
        self.change_nouns = {k: tuple(s.lower() for s in v) for k, v in d.get("change_noun_suffixes", {}).items()}
        self.percent_only_nouns = {
            k: tuple(s.lower() for s in v) for k, v in d.get("percent_only_change_nouns", {}).items()
        }
        self.multipliers = {str(k).lower(): float(v) for k, v in d.get("multipliers", {}).items()}
        self.target_words = _lower_set(d.get("target_words", []))
        self.target_window = int(d.get("target_window", 8))
        self.analyst_words = _lower_set(d.get("analyst_words", []))
        self.relative_pronouns = _lower_set(d.get("relative_pronouns", []))
        self.relative_articles = _lower_set(d.get("relative_articles", []))
        self.relative_prepositions = _lower_set(d.get("relative_prepositions", []))
        self.contrast_conjunctions = _lower_set(d.get("contrast_conjunctions", []))
        self.contrast_openers = _lower_set(d.get("contrast_openers", []))
        self.clause_openers = _lower_set(d.get("clause_openers", []))
        self.coordinators = _lower_set(d.get("coordinators", []))
        self.percent_adjective_prefix = str(d.get("percent_adjective_prefix", "prozentig")).lower()
        # One-token currency and scale names, for tokens that glue them ("Mrd.€", "Mrd.-Euro").
        self.single_currencies = {
            name.lower(): code for code, names in d.get("currencies", {}).items() for name in names if " " not in name
        }
        self.single_scales = {name.lower(): float(scale) for scale, names in d.get("scales", {}).items() for name in names}
        # Verb form -> [(particle words, direction)]: "gaben" needs "nach" later in the clause.
        self.separable_verbs = {}
        for direction, pairs in d.get("separable_verbs", {}).items():
            for verb, particle in pairs:
                key = str(verb).lower()
                self.separable_verbs.setdefault(key, []).append((tuple(str(particle).lower().split()), direction))
        self.not_direction_separable = {}
        for verb, particle in d.get("not_direction_separable", []):
            self.not_direction_separable.setdefault(str(verb).lower(), []).append(tuple(str(particle).lower().split()))
        # Noun ending -> class ("company", "metric", "index", "macro"); the longest ending wins.
        self.noun_classes = {}
        for key, cls in (("metric_nouns", "metric"), ("market_nouns", "market"), ("company_nouns", "company"),
                         ("index_nouns", "index"), ("macro_nouns", "macro")):
            for ending in d.get(key, []):
                self.noun_classes[str(ending).lower()] = cls
        self.pronouns = _lower_set(d.get("pronouns", []))
        self.demonstratives = _lower_set(d.get("demonstratives", []))
        self.lead_index_nouns = _lower_set(d.get("lead_index_nouns", []))
        self.lead_indices = _lower_set(d.get("lead_indices", []))
        self.index_modifier_heads = _lower_set(d.get("index_modifier_heads", []))
        self.rating_verbs = _lower_set(d.get("rating_verbs", []))
        self.amount_verbs = _lower_set(d.get("amount_verbs", []))
        self.issuer_descriptors = tuple(str(w).lower() for w in d.get("issuer_descriptors", []))
        self.tolerance_words = _lower_set(d.get("tolerance_words", []))
        self.preposition_fillers = _lower_set(d.get("preposition_fillers", []))
        self.stake_words = _lower_set(d.get("stake_words", []))
        self.exchange_names = tuple(str(w).lower() for w in d.get("exchange_names", []))
        self.news_agencies = _lower_set(d.get("news_agencies", []))
        self.media_outlets = _lower_set(d.get("media_outlets", []))
        self.media_endings = tuple(str(w).lower() for w in d.get("media_endings", []))
        self.platforms = _lower_set(d.get("platforms", []))
        self.platform_cues = _lower_set(d.get("platform_cues", []))
        self.platform_nouns = _lower_set(d.get("platform_nouns", []))
        self.venue_nouns = tuple(str(w).lower() for w in d.get("venue_nouns", []))
        self.share_move_nouns = _lower_set(d.get("share_move_nouns", []))
        self.share_move_up = _lower_set(d.get("share_move_up", []))
        self.share_move_down = _lower_set(d.get("share_move_down", []))
        self.share_move_particles = {str(k).lower(): str(v).lower() for k, v in d.get("share_move_particles", {}).items()}
        self.venue_cues = _lower_set(d.get("venue_cues", []))
        self.cause_verbs = {str(k).lower(): str(v or "").lower() for k, v in d.get("cause_verbs", {}).items()}
        self.harm_nouns = tuple(str(w).lower() for w in d.get("harm_nouns", []))
        self.harm_places = tuple(str(w).lower() for w in d.get("harm_places", []))
        self.harm_place_compounds = tuple(str(w).lower() for w in d.get("harm_place_compounds", []))
        self.harm_place_prepositions = _lower_set(d.get("harm_place_prepositions", []))
        self.cause_heads = tuple(str(w).lower() for w in d.get("cause_heads", []))
        self.market_session_words = _lower_set(d.get("market_session_words", []))
        self.market_session_verbs = _lower_set(d.get("market_session_verbs", []))
        self.consensus_verbs = _lower_set(d.get("consensus_verbs", []))
        self.consensus_nouns = _lower_set(d.get("consensus_nouns", []))
        self.money_direction_verbs = {
            str(verb).lower(): direction for direction, verbs in d.get("money_direction_verbs", {}).items() for verb in verbs
        }

    def noun_class(self, word: str) -> str:
        """The class of a capitalised noun by its longest listed ending, or ``""``.

        ``"Rüstungskonzerns"`` -> ``"company"``, ``"Nettogewinn"`` -> ``"metric"``,
        ``"Wechselkurs"`` -> ``"macro"`` (longer than ``kurs``), ``"Leitindex"`` -> ``"index"``,
        ``"Kursgewinne"`` -> ``"market"``.
        """
        word = word.lower()
        best, best_len = "", 0
        for i in range(len(word)):
            cls = self.noun_classes.get(word[i:])
            if cls and len(word) - i > best_len:
                best, best_len = cls, len(word) - i
                break
        return best


class PhraseTable:
    """A case-insensitive phrase list, matched over a ``Doc`` and indexed by position.

    Example: a table of currencies built from ``{"USD": ["US-Dollar", "Dollar"]}``
    finds ``US - Dollar`` (three tokens) at token 7 of ``"... auf knapp 132
    US-Dollar ab"`` and returns ``(10, "USD")`` from ``starting_at(7)``.
    """

    def __init__(self, nlp: Language, phrases: Mapping[str, Iterable[str]]):
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[int, str] = {}
        for label, items in phrases.items():
            patterns = [nlp.make_doc(str(item)) for item in items]
            key = nlp.vocab.strings.add(f"finnews_figures:{label}")
            self.labels[key] = str(label)
            self.matcher.add(f"finnews_figures:{label}", patterns)

    def __call__(self, doc: Doc) -> "PhraseIndex":
        """Match the table over ``doc``; returns a :class:`PhraseIndex`."""
        return PhraseIndex([(start, end, self.labels[key]) for key, start, end in self.matcher(doc)])


class PhraseIndex:
    """Matches of one :class:`PhraseTable` in one ``Doc``, by start and by end token."""

    def __init__(self, matches: list[tuple[int, int, str]]):
        self.matches = sorted(matches)
        self._starts = [m[0] for m in self.matches]
        self._by_start: dict[int, tuple[int, str]] = {}
        self._by_end: dict[int, tuple[int, str]] = {}
        for start, end, label in self.matches:
            # Longest match wins at each position ("etwas mehr als" over "mehr als").
            if start not in self._by_start or end > self._by_start[start][0]:
                self._by_start[start] = (end, label)
            if end not in self._by_end or start < self._by_end[end][0]:
                self._by_end[end] = (start, label)

    def starting_at(self, i: int) -> Optional[tuple[int, str]]:
        """The longest match starting at token ``i``: ``(end, label)`` or ``None``."""
        return self._by_start.get(i)

    def ending_at(self, j: int) -> Optional[tuple[int, str]]:
        """The longest match ending at token ``j`` (exclusive): ``(start, label)`` or ``None``."""
        return self._by_end.get(j)

    def within(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """All matches lying inside tokens ``[start, end)``."""
        # Bisect to the first match at ``start``: a scan of all matches per call was quadratic
        # on long documents (one call per figure and clause).
        found = []
        for k in range(bisect_left(self._starts, start), len(self.matches)):
            m = self.matches[k]
            if m[0] > end:
                break
            if m[1] <= end:
                found.append(m)
        return found


def _as_table(mapping_or_list: Any, label: str = "x") -> dict[str, list[str]]:
    if isinstance(mapping_or_list, Mapping):
        return {str(k): list(v) for k, v in mapping_or_list.items()}
    return {label: list(mapping_or_list or [])}


@dataclass
class LexiconTables:
    """All phrase tables of the lexicon, built once per pipeline."""

    percent_units: PhraseTable
    currencies: PhraseTable
    subunits: PhraseTable
    currency_prefixes: PhraseTable
    scales: PhraseTable
    number_phrases: PhraseTable
    qualifiers: PhraseTable
    sign_words: PhraseTable
    direction_verbs: PhraseTable
    after_cues: PhraseTable
    level_prepositions: PhraseTable
    change_prepositions: PhraseTable
    frame_prepositions: PhraseTable
    source_before: PhraseTable
    source_after: PhraseTable
    issuer_prepositions: PhraseTable
    bank_prepositions: PhraseTable
    target_entity_prepositions: PhraseTable

    @classmethod
    def build(cls, nlp: Language, data: Mapping[str, Any]) -> "LexiconTables":
        """Build every table from the lexicon ``data`` with ``nlp``'s tokenizer.

        Args:
            nlp: the pipeline whose tokenizer the texts go through.
            data: the parsed lexicon YAML.

        Returns:
            The tables.
        """
        percent_units = {f"{v['unit']}|{v['factor']}": [] for v in data.get("percent_units", {}).values()}
        for phrase, v in data.get("percent_units", {}).items():
            percent_units[f"{v['unit']}|{v['factor']}"].append(phrase)
        number_phrases: dict[str, list[str]] = {}
        for phrase, value in data.get("number_phrases", {}).items():
            number_phrases.setdefault(str(float(value)), []).append(phrase)
        return cls(
            percent_units=PhraseTable(nlp, percent_units),
            currencies=PhraseTable(nlp, _as_table(data.get("currencies", {}))),
            subunits=PhraseTable(nlp, _as_table(data.get("subunits", {}))),
            currency_prefixes=PhraseTable(nlp, _as_table(data.get("currency_prefixes", {}))),
            scales=PhraseTable(nlp, _as_table(data.get("scales", {}))),
            number_phrases=PhraseTable(nlp, number_phrases),
            qualifiers=PhraseTable(nlp, _as_table(data.get("qualifiers", []), "qualifier")),
            sign_words=PhraseTable(nlp, _as_table(data.get("sign_words", {}))),
            direction_verbs=PhraseTable(nlp, _as_table(data.get("direction_verbs", {}))),
            after_cues=PhraseTable(nlp, _as_table(data.get("after_cues", {}))),
            level_prepositions=PhraseTable(nlp, _as_table(data.get("level_prepositions", []), "level")),
            change_prepositions=PhraseTable(nlp, _as_table(data.get("change_prepositions", []), "change")),
            frame_prepositions=PhraseTable(nlp, _as_table(data.get("frame_prepositions", []), "frame")),
            source_before=PhraseTable(nlp, _as_table(data.get("source_before", []), "source")),
            source_after=PhraseTable(nlp, _as_table(data.get("source_after", []), "source")),
            issuer_prepositions=PhraseTable(nlp, _as_table(data.get("issuer_prepositions", []), "issuer")),
            bank_prepositions=PhraseTable(nlp, _as_table(data.get("bank_prepositions", []), "bank")),
            target_entity_prepositions=PhraseTable(nlp, _as_table(data.get("target_entity_prepositions", []), "for")),
        )


@dataclass
class DocIndex:
    """The phrase matches of every table in one ``Doc`` (computed once per call)."""

    percent_units: PhraseIndex
    currencies: PhraseIndex
    subunits: PhraseIndex
    currency_prefixes: PhraseIndex
    scales: PhraseIndex
    number_phrases: PhraseIndex
    qualifiers: PhraseIndex
    sign_words: PhraseIndex
    direction_verbs: PhraseIndex
    after_cues: PhraseIndex
    level_prepositions: PhraseIndex
    change_prepositions: PhraseIndex
    frame_prepositions: PhraseIndex
    source_before: PhraseIndex
    source_after: PhraseIndex
    issuer_prepositions: PhraseIndex
    bank_prepositions: PhraseIndex
    target_entity_prepositions: PhraseIndex

    @classmethod
    def of(cls, doc: Doc, tables: LexiconTables) -> "DocIndex":
        """Match every table of ``tables`` over ``doc``."""
        return cls(**{name: getattr(tables, name)(doc) for name in cls.__dataclass_fields__})

    def memo(self) -> dict:
        """A per-document cache for results that depend only on the document and a token range
        (direction verbs of a segment, ...): on a long sentence every figure asks for the same."""
        return self.__dict__.setdefault("_memo", {})
