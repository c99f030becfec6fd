"""The cue lexicon of the quotation component: verbs of saying, markers, role words.

The lexicon is data (``configs/quotes/lexicon.yaml``), loaded once by the
component's ``initialize()``. Verbs are listed by infinitive; their inflected
forms are generated here, because no German lemmatiser is available offline:

* weak verbs: ``sagen`` → ``sagt``, ``sagte``, ``sagten``, ``sage``, ``gesagt``;
  ``erklären`` → ``erklärt``, ``erklärte`` (no ``ge-`` after an inseparable
  prefix); ``berichten`` → ``berichtet``, ``berichtete`` (an ``e`` after ``t``/``d``);
* strong verbs give their present, past and participle stems:
  ``schreiben: [schreibt, schrieb, geschrieben]``;
* separable particle verbs are written ``an|merken``: in a main clause the
  particle closes the clause (``merkt Aletheia Capital an``), in a subordinate
  clause and in the participle it is joined (``anmerkte``, ``angemerkt``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

log = logging.getLogger(__name__)

INSEPARABLE_PREFIXES = ("be", "emp", "ent", "er", "ge", "miss", "ver", "zer", "wider", "hinter")


@dataclass(frozen=True)
class VerbEntry:
    """One verb of the lexicon with its generated forms.

    ``finite`` are forms that stand alone in a main clause (``sagt``, ``merkt``
    for ``an|merken``); ``joined`` are forms with the particle attached
    (``anmerkte``, ``angemerkt``, ``anzumerken``); for verbs without a particle
    both hold the same forms.
    """

    lemma: str
    particle: str
    finite: frozenset[str]
    joined: frozenset[str]


@dataclass
class SpeechLexicon:
    """Everything the quotation rules look up, as sets of lower-case strings.

    Build it with :func:`load_speech_lexicon`; the fields mirror the sections
    of ``configs/quotes/lexicon.yaml``.
    """

    verbs: dict[str, VerbEntry] = field(default_factory=dict)
    clause_only: set[str] = field(default_factory=set)  # lemmas
    reported: set[str] = field(default_factory=set)  # lemmas
    reported_prepositions: dict[str, set[str]] = field(default_factory=dict)  # "warnen vor" -> {"vor"}
    object_speaker: set[str] = field(default_factory=set)  # lemmas whose object is the one quoted
    impersonal: list[tuple[str, ...]] = field(default_factory=list)
    markers_before: set[str] = field(default_factory=set)
    markers_after: set[str] = field(default_factory=set)
    markers_so: set[str] = field(default_factory=set)
    according_nouns: set[str] = field(default_factory=set)
    anaphoric: set[str] = field(default_factory=set)
    konjunktiv1: set[str] = field(default_factory=set)
    konjunktiv2: set[str] = field(default_factory=set)
    not_verbs: set[str] = field(default_factory=set)
    title_nouns: set[str] = field(default_factory=set)
    ratings: set[str] = field(default_factory=set)
    role_suffixes: tuple[str, ...] = ()
    name_connectors: set[str] = field(default_factory=set)
    determiners: set[str] = field(default_factory=set)
    speaker_pronouns: set[str] = field(default_factory=set)
    skip_after_cue: set[str] = field(default_factory=set)
    adverbs: set[str] = field(default_factory=set)
    event_nouns: set[str] = field(default_factory=set)
    spokesperson_nouns: set[str] = field(default_factory=set)
    adverbial_prepositions: set[str] = field(default_factory=set)
    given_names: dict[str, str] = field(default_factory=dict)  # given name -> "m" / "f"
    given_names_path: Optional[Path] = None  # the file they were read from
    # form -> lemmas, built by ``index()``
    finite_index: dict[str, list[str]] = field(default_factory=dict)
    joined_index: dict[str, list[str]] = field(default_factory=dict)

    def index(self) -> "SpeechLexicon":
        """Build the form → lemma look-ups; returns ``self``."""
        self.finite_index, self.joined_index = {}, {}
        for lemma, entry in self.verbs.items():
            for form in entry.finite:
                if form not in self.not_verbs:
                    self.finite_index.setdefault(form, []).append(lemma)
            for form in entry.joined:
                if form not in self.not_verbs:
                    self.joined_index.setdefault(form, []).append(lemma)
        return self

    def is_role_word(self, word: str) -> bool:
        """Whether a capitalised word names a role (``Bundesverkehrsminister``, ``Analystin``)."""
        low = word.lower()
        return any(low.endswith(suffix) for suffix in self.role_suffixes)


def _weak_stem(infinitive: str) -> str:
    if infinitive.endswith(("eln", "ern")):
        return infinitive[:-1]
    if infinitive.endswith("en"):
        return infinitive[:-2]
    return infinitive[:-1]


def _needs_e(stem: str) -> bool:
    """``berichten`` → ``berichtet``; ``rechnen`` → ``rechnet``; ``sagen`` → ``sagt``."""
    if stem.endswith(("t", "d")):
        return True
    if len(stem) < 3 or stem[-1] not in "mn":
        return False
    vowels = "aeiouäöüy"
    before = stem[-2]
    if before == "h":  # "rechnen" -> "rechnet", but "wohnen" -> "wohnt"
        return stem[-3] not in vowels
    return before not in vowels + "lrmn"


def weak_forms(infinitive: str) -> tuple[set[str], str]:
    """Finite forms and the participle of a regular (weak) verb.

    Args:
        infinitive: the verb without particle, e.g. ``erklären``.

    Returns:
        ``(finite forms, participle)``: ``({"erklärt", "erklärte", "erklärten",
        "erkläre", "erklären", "erklärtest"...}, "erklärt")``.
    """
    stem = _weak_stem(infinitive)
    e = "e" if _needs_e(stem) else ""
    finite = {stem + e + "t", stem + e + "te", stem + e + "ten", stem + "e", infinitive}
    no_ge = infinitive.startswith(INSEPARABLE_PREFIXES) or infinitive.endswith("ieren")
    participle = (stem + e + "t") if no_ge else ("ge" + stem + e + "t")
    return finite, participle


def strong_forms(infinitive: str, stems: list[str]) -> tuple[set[str], str]:
    """Finite forms and the participle of a strong or irregular verb.

    Args:
        infinitive: the verb without particle, e.g. ``schreiben``.
        stems: ``[present 3sg, past 3sg, participle]``, e.g. ``[schreibt, schrieb, geschrieben]``.

    Returns:
        ``(finite forms, participle)``.
    """
    present, past, participle = stems
    past_plural = past + ("n" if past.endswith("e") else "en")
    konj1 = _weak_stem(infinitive) + "e"
    return {present, infinitive, past, past_plural, konj1}, participle


def _make_entry(spec: str, stems: Optional[list[str]]) -> VerbEntry:
    particle, _, base = spec.rpartition("|")
    finite, participle = strong_forms(base, stems) if stems else weak_forms(base)
    if not particle:
        forms = frozenset(finite | {participle})
        return VerbEntry(lemma=base, particle="", finite=forms, joined=forms)
    # A particle verb's participle puts "ge" between particle and stem only if the stem has it.
    joined = {particle + form for form in finite} | {particle + participle, particle + "zu" + base}
    return VerbEntry(lemma=particle + base, particle=particle, finite=frozenset(finite), joined=frozenset(joined))


def _lemma(spec: str) -> str:
    return spec.replace("|", "")


def _words(values: Optional[Iterable[Any]]) -> set[str]:
    return {str(v).lower() for v in values or []}


def load_given_name_genders(path: Path | str) -> dict[str, str]:
    """Read the given-name gender list (``name<TAB>m|f`` per line, ``#`` comments), as written by
    ``python -m pipeline.nlp.quotes_speakers --out configs/quotes/given_names.txt``."""
    genders: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, gender = line.partition("\t")
            if gender in ("m", "f"):
                genders[name] = gender
    return genders


def load_speech_lexicon(path: Path | str) -> SpeechLexicon:
    """Read the quotation lexicon YAML and generate all verb forms.

    Args:
        path: ``configs/quotes/lexicon.yaml`` or a file with the same sections.

    Returns:
        An indexed :class:`SpeechLexicon`.

    Raises:
        OSError: the file cannot be read.
        ValueError: a section has the wrong shape.
    """
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    verbs_raw = raw.get("speech_verbs") or {}
    lex = SpeechLexicon()
    for spec in verbs_raw.get("weak") or []:
        entry = _make_entry(str(spec), None)
        lex.verbs[entry.lemma] = entry
    for spec, stems in (verbs_raw.get("strong") or {}).items():
        if not isinstance(stems, list) or len(stems) != 3:
            raise ValueError(f"strong verb {spec!r} needs [present 3sg, past 3sg, participle], got {stems!r}")
        entry = _make_entry(str(spec), [str(s) for s in stems])
        lex.verbs[entry.lemma] = entry
    lex.clause_only = {_lemma(str(s)) for s in verbs_raw.get("clause_only") or []}
    for spec in verbs_raw.get("reported") or []:
        verb, *preps = str(spec).split()
        lex.reported.add(_lemma(verb))
        if preps:
            lex.reported_prepositions.setdefault(_lemma(verb), set()).update(p.lower() for p in preps)
    lex.object_speaker = {_lemma(str(s)) for s in verbs_raw.get("object_speaker") or []}
    unknown = (lex.clause_only | lex.reported | lex.object_speaker) - set(lex.verbs)
    if unknown:
        raise ValueError(f"lexicon lists verbs as clause_only/reported/object_speaker that are not speech verbs: {sorted(unknown)}")
    lex.impersonal = [tuple(str(p).lower().split()) for p in verbs_raw.get("impersonal") or []]
    markers = raw.get("markers") or {}
    lex.markers_before = _words(markers.get("before"))
    lex.markers_after = _words(markers.get("after"))
    lex.markers_so = _words(markers.get("so"))
    lex.according_nouns = {str(w) for w in markers.get("according_nouns") or []}
    lex.anaphoric = _words(markers.get("anaphoric"))
    lex.konjunktiv1 = _words(raw.get("konjunktiv1"))
    lex.konjunktiv2 = _words(raw.get("konjunktiv2"))
    lex.not_verbs = _words(raw.get("not_verbs"))
    lex.title_nouns = {str(w) for w in raw.get("title_nouns") or []}
    lex.ratings = {str(w).lower() for w in raw.get("ratings") or []}
    lex.role_suffixes = tuple(sorted(_words(raw.get("role_suffixes")), key=len, reverse=True))
    lex.name_connectors = _words(raw.get("name_connectors"))
    lex.determiners = _words(raw.get("determiners"))
    lex.speaker_pronouns = _words(raw.get("speaker_pronouns"))
    lex.skip_after_cue = _words(raw.get("skip_after_cue"))
    lex.adverbs = _words(raw.get("adverbs")) | lex.skip_after_cue
    lex.event_nouns = {str(w) for w in raw.get("event_nouns") or []}
    lex.spokesperson_nouns = {str(w) for w in raw.get("spokesperson_nouns") or []}
    lex.adverbial_prepositions = _words(raw.get("adverbial_prepositions"))
    if raw.get("given_names"):
        lex.given_names_path = Path(path).parent / str(raw["given_names"])
        lex.given_names = load_given_name_genders(lex.given_names_path)
    log.debug("quotation lexicon %s: %d verbs", path, len(lex.verbs))
    return lex.index()
