"""Shallow German grammar for quotation attribution: noun phrases, Konjunktiv, clauses.

No German parser is available offline, so these rules work on tokens,
capitalisation, punctuation and the cue lexicon
(:class:`pipeline.nlp.speech_verbs.SpeechLexicon`). Each function takes a
``Doc`` and token indices and returns indices; none of them changes the ``Doc``.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from contextlib import contextmanager
from typing import Iterator, Optional, Sequence

from spacy.lang.de.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.speech_verbs import SpeechLexicon


# -- doc.ents, read once per document ------------------------------------------
# spaCy rebuilds the ``doc.ents`` tuple from the tokens on every read: reading it per quotation
# and per phrase made the quotes stage quadratic in long documents. Within
# :func:`cached_ents` the entities are read once and looked up by start offset (they are
# sorted and disjoint).

class _EntIndex:
    def __init__(self, ents: Sequence[Span]):
        self.ents = tuple(ents)
        self.starts = [e.start for e in self.ents]


_CACHE = threading.local()


@contextmanager
def cached_ents(doc: Doc) -> Iterator[None]:
    """Within the block, :func:`doc_ents` and friends read ``doc.ents`` of ``doc`` once;
    the block must not change ``doc.ents``."""
    previous = getattr(_CACHE, "entry", None)
    _CACHE.entry = (doc, _EntIndex(doc.ents))
    try:
        yield
    finally:
        _CACHE.entry = previous


def _ent_index(doc: Doc) -> _EntIndex:
    entry = getattr(_CACHE, "entry", None)
    if entry is not None and entry[0] is doc:
        return entry[1]
    return _EntIndex(doc.ents)


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents`` (cached within :func:`cached_ents`)."""
    return _ent_index(doc).ents


def ents_starting_in(doc: Doc, start: int, end: int) -> tuple[Span, ...]:
    """The entities with ``start <= ent.start < end``, in order."""
    index = _ent_index(doc)
    return index.ents[bisect_left(index.starts, start):bisect_left(index.starts, end)]


def ents_overlapping(doc: Doc, start: int, end: int) -> tuple[Span, ...]:
    """The entities sharing a token with ``[start, end)``, in order."""
    index = _ent_index(doc)
    if end <= start:
        return tuple(e for e in index.ents if e.start < end and start < e.end)
    lo, hi = bisect_left(index.starts, start), bisect_left(index.starts, end)
    if lo > 0 and index.ents[lo - 1].end > start:
        lo -= 1  # the one entity that starts before and reaches in
    return index.ents[lo:hi]

CLAUSE_PUNCT = {",", ";", ":", "(", ")", "–", "—", "-", "."}
FINAL_PUNCT = {".", "!", "?", "…", "...", "?!", "!?"}
QUOTE_TOKENS = set("„“”\"»«‚‘’‹›")
ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
# Heads after which "für" goes on naming an institution or office ("Max-Planck-Institut für
# Kernphysik", "Bundesamt für Statistik", "EU-Kommissar für Kultur").
FUER_HEADS = ("institut", "zentrum", "amt", "ministerium", "kommissar", "kommissarin", "beauftragte", "beauftragter",
              "stiftung", "akademie", "agentur", "center", "centre", "minister", "ministerin", "fakultät", "lehrstuhl")
COMMON_NOUN_SUFFIXES = ("ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften", "tion", "tionen", "nis", "nisse", "tät", "täten", "ismus", "gewinn", "verlust", "umsatz", "prognose")
# Words that continue a name only inside an apposition ("Chef ... bei Aletheia Capital in Singapur").
APPOSITION_CONNECTORS = {"in", "im", "bei", "beim", "für", "of", "at"}
# "der"/"des" continue a noun phrase as a genitive only after a common noun ("Sprecher der Firma").
GENITIVE_CONNECTORS = {"der", "des", "eines", "einer"}
# Prepositions that continue a noun phrase only after a common noun ("Bundesagentur für Arbeit").
COMMON_HEAD_CONNECTORS = {"für"}
NAME_PARTICLES = {"von", "van", "de", "zu", "du", "da", "dos", "del", "la", "le", "of", "den", "der", "ter", "ten", "bin", "al", "el"}
COMPLEMENTIZERS = {"dass", "ob"}
# Nouns after a number that are a quantity, not part of a name ("13 Prozent").
MEASURE_NOUNS = {"Prozent", "Euro", "Dollar", "Franken", "Pfund", "Millionen", "Milliarden", "Jahre", "Jahren", "Menschen",
                 "Tote", "Toten", "Kilometer", "Meter", "Grad", "Stunden", "Tage", "Tagen", "Minuten", "Mal", "Punkte"}
# Heads of abstract nouns ("Äußerungen", "Anwendung", "Mehrheit"), and the heads of
# organisation names that look like them but speak ("Regierung", "Zeitung", "Kommission").
ABSTRACT_SUFFIXES = ("ung", "ungen", "heit", "heiten", "keit", "keiten", "tion", "tionen", "nis", "nisse", "tät", "täten", "ismus")
ORGANISATION_HEADS = ("regierung", "zeitung", "stiftung", "verwaltung", "vertretung", "leitung", "führung", "vereinigung",
                      "organisation", "kommission", "institution", "delegation", "opposition", "koalition", "fraktion",
                      "redaktion", "nation", "administration", "direktion", "universität")
QUANTIFIERS = {"rund", "etwa", "knapp", "gut", "fast", "mehr", "über", "bis", "zu", "ca.", "circa", "insgesamt"}
OBJECT_DETERMINERS = {"den", "dem", "einen", "einem", "ihren", "ihrem", "seinen", "seinem", "diesen", "diesem", "allen"}
SUBORDINATORS = {"wie", "als", "nachdem", "weil", "da", "obwohl", "während", "wenn", "bevor", "seit", "seitdem", "denn"}
FOCUS_PARTICLES = {"auch", "selbst", "sogar", "nur", "jedoch", "aber", "und", "doch", "zudem", "ebenso"}


def is_quote_token(token: Token) -> bool:
    """Whether the token is a quotation mark."""
    return token.text in QUOTE_TOKENS or token.text in {"''", "``"}


ADVERB_SUFFIXES = ("lich", "weise", "mals", "falls", "dings", "wärts", "hin", "dessen", "gemäß")


def is_cap(token: Token, lex: Optional[SpeechLexicon] = None) -> bool:
    """Whether a token can be part of a name or noun: it starts with an upper-case letter.

    A sentence-initial function word or adverb (``Die``, ``Dazu``, ``Am``,
    ``Ursprünglich``, ``Weiterhin``) is not one.
    """
    text = token.text
    if not text[:1].isupper():
        return False
    prev = token.doc[token.i - 1] if token.i > 0 else None
    if token.is_sent_start or prev is None or prev.is_space or prev.text == ":":
        # a sentence start, also after a colon ("…, scharf: So sagte Olli Rehn")
        low = text.lower()
        if low in STOP_WORDS or low.endswith(ADVERB_SUFFIXES) or (lex is not None and low in lex.adverbs):
            return False
        if len(low) >= 8 and low.endswith("end"):
            return False  # a participle used as an adverb: "Relativierend fügt Gall hinzu"
    return True


def is_lower_word(token: Token) -> bool:
    """Whether a token is a lower-case word (an adjective or verb candidate)."""
    return token.text[:1].islower() and token.text.isalpha()


def _consume_caps(doc: Doc, j: int, limit: int) -> int:
    """Return the end of a run of capitalised tokens starting at ``j``.

    The run goes on over a hyphen inside a word (``Vey-Sern Ling``), an ``&``
    (``Johnson & Johnson``) and a bracketed acronym (``Günther Oettinger (CDU)``).
    """
    while j < limit:
        tok = doc[j]
        if is_cap(tok):
            j += 1
            continue
        glued = j > 0 and not doc[j - 1].whitespace_ and not tok.whitespace_
        if tok.text == "-" and glued and j + 1 < limit and (doc[j + 1].is_alpha or doc[j + 1].text[:1].isdigit()):
            j += 2  # "Vey-Sern", "Neu-ödp-Mitglieder", "Formel-1"
            continue
        if tok.text.isdigit() and len(tok.text) <= 2 and j + 1 < limit and is_cap(doc[j + 1]) and j > 0 and is_cap(doc[j - 1]) and doc[j + 1].text not in MEASURE_NOUNS:
            j += 1  # "Bayer 04 Leverkusen", not "des Bundesamtes 13 Prozent"
            continue
        if tok.text in {"’", "'"} and glued and j + 1 < limit and doc[j + 1].text[:1].isupper():
            j += 2  # "Mark O’Keefe"
            continue
        if tok.like_num and j + 2 < limit and doc[j + 1].text == "/" and not tok.whitespace_ and j > 0 and is_cap(doc[j - 1]):
            j += 2  # "Bündnis 90/Die Grünen"
            continue
        if tok.text == "/" and glued and j + 1 < limit and doc[j + 1].text[:1].isupper():
            j += 2  # "CDU / CSU" when split
            continue
        if tok.text == "&" and j + 1 < limit and is_cap(doc[j + 1]):
            j += 2
            continue
        if tok.text == "(" and j + 2 < limit and doc[j + 2].text == ")" and doc[j + 1].text[:1].isupper():
            j += 3
            continue
        break
    return j


def _name_in_marks_end(doc: Doc, j: int, limit: int) -> Optional[int]:
    """The end of a short name in quotation marks starting at ``j`` (``„New York Times“``), or ``None``."""
    if j >= limit or doc[j].text not in {"„", "“", '"', "»", "«"} or j + 1 >= limit or not doc[j + 1].text[:1].isupper():
        return None
    for k in range(j + 2, min(limit, j + 9)):
        tok = doc[k]
        if is_quote_token(tok):
            return k + 1
        if tok.text in FINAL_PUNCT or tok.text in {",", ":", ";"}:
            return None
    return None


def _skip_adjectives(doc: Doc, j: int, limit: int, lex: SpeechLexicon) -> int:
    """Skip up to three lower-case attributive words (``neue``, ``britische``, ``wissenschaftlicher``)."""
    k = j
    while k < limit and k - j < 3:
        tok = doc[k]
        low = tok.lower_
        if k + 2 < limit and doc[k + 1].text == "-" and not tok.whitespace_ and not doc[k + 1].whitespace_ and (tok.like_num or tok.text[:1].isupper()):
            # "der 23-jährige Sportler", "der US-amerikanische Außenminister"
            adj = doc[k + 2]
            if is_lower_word(adj) and adj.lower_.endswith(ADJECTIVE_ENDINGS):
                k += 3
                j += 2  # a compound adjective counts as one word
                continue
        if tok.like_num and not tok.text[:1].isalpha() and k + 1 < limit and is_lower_word(doc[k + 1]):
            k += 1  # "der 13 beteiligten Feuerwehrmänner"
            continue
        if not is_lower_word(tok) or low in lex.speaker_pronouns or low in COMPLEMENTIZERS:
            break
        if low in lex.finite_index or low in lex.joined_index or low in lex.konjunktiv1 or low in lex.konjunktiv2:
            break
        before_number = low in QUANTIFIERS and k + 1 < limit and doc[k + 1].like_num
        if not (low.endswith(ADJECTIVE_ENDINGS) or tok.like_num or low in lex.determiners or before_number):
            break
        k += 1
    return k


PARTICIPLE_ENDINGS = tuple(stem + case for stem in ("end", "en", "t") for case in ("e", "en", "er", "es", "em"))
# Finite auxiliaries and modals: a clause's verb, never inside an attribute ("Die taz hat heute über geplante …").
FINITE_AUXILIARIES = {"hat", "hatte", "hatten", "haben", "habe", "ist", "war", "waren", "sind", "sei", "seien", "wird",
                      "wurde", "wurden", "werden", "werde", "kann", "konnte", "könne", "soll", "sollte", "solle", "will",
                      "wollte", "wolle", "muss", "musste", "müsse", "darf", "durfte", "dürfe", "mag", "möchte"}


def _participial_attribute_end(doc: Doc, j: int, limit: int, lex: SpeechLexicon) -> Optional[int]:
    """The end of an extended participial attribute between an article and its noun, or ``None``.

    ``Die das Unglück überlebende Alice Kakamara``, ``der sich selbst als Gegner Thaksins
    inszenierende Medienunternehmer``, ``die in New York City geborene Lopez``: the attribute
    starts with a lower-case word (``das``, ``sich``, ``in``) and ends with a participle used
    as an adjective right before a capitalised word; it holds no punctuation, quotation
    mark, verb of saying or finite auxiliary (``Die taz hat heute über geplante Änderungen
    berichtet`` has none), and at most ten words.

    Args:
        doc: the document.
        j: the token after the article.
        limit: the phrase ends at or before this index.
        lex: the lexicon.

    Returns:
        The index of the participle's noun, or ``None``.
    """
    if j >= limit or not is_lower_word(doc[j]) or (doc[j].lower_.endswith(ADJECTIVE_ENDINGS) and j + 1 < limit and is_cap(doc[j + 1], lex)):
        return None  # no attribute, or a plain adjective ("die neue Chefin"), which _skip_adjectives reads
    for k in range(j + 1, min(limit - 1, j + 10)):
        tok = doc[k]
        if (tok.is_punct and tok.text != "-") or is_quote_token(tok) or tok.is_space:
            return None
        low = tok.lower_
        if low in lex.finite_index or low in lex.joined_index or low in COMPLEMENTIZERS or low in FINITE_AUXILIARIES:
            return None
        if is_lower_word(tok) and len(low) >= 6 and low.endswith(PARTICIPLE_ENDINGS) and is_cap(doc[k + 1], lex):
            return k + 1
    return None


NAME_PARTICLES = {"von", "van", "de", "di", "da", "du", "del", "dos", "ten", "ter", "zu"}


def _particle_name_end(doc: Doc, i: int, limit: int, lex: SpeechLexicon) -> Optional[int]:
    """A surname that starts with a capitalised particle at the start of a sentence, when the
    article writes it elsewhere after a first name: ``Von der Leyen betonte`` (after ``Ursula
    von der Leyen``), ``Van der Bellen sagte``. ``Von der Regierung hieß es`` is no name."""
    tok = doc[i]
    if not (tok.text[:1].isupper() and tok.lower_ in NAME_PARTICLES):
        return None
    k = i + 1
    while k < limit and doc[k].text.islower() and doc[k].lower_ in lex.name_connectors:
        k += 1
    if k >= limit or not is_cap(doc[k], lex):
        return None
    end = k + 1
    surname = [t.lower_ for t in doc[i:end]]
    for start in range(1, len(doc) - len(surname) + 1):
        if start != i and [t.lower_ for t in doc[start:start + len(surname)]] == surname \
                and doc[start].text.islower() and is_cap(doc[start - 1], lex):
            return end
    return None


def noun_phrase_end(
    doc: Doc,
    i: int,
    limit: int,
    lex: SpeechLexicon,
    apposition: bool = False,
    pronouns: bool = True,
    common_head: bool = False,
    locative: bool = False,
) -> Optional[int]:
    """Return the end of a speaker noun phrase starting at token ``i``, or ``None``.

    Accepts a pronoun (``er``), a name (``Vey-Sern Ling``), a noun with
    determiner and adjectives (``die britische Königin``), joined by name
    connectors (``die Experten um Stacy Rasgon von Analysehaus Bernstein
    Research``, ``Der Sprecher der Firma``), and stops before anything else.
    Appositions are handled by :func:`speaker_phrase`.

    Args:
        doc: the document.
        i: the first token.
        limit: the phrase must end at or before this token index.
        lex: the lexicon.
        apposition: allow the connectors of appositions (``in``, ``bei``).
        pronouns: accept a personal pronoun as a phrase.
        common_head: the first noun is a common noun even without determiner
            (``Angaben der Polizei``), so a genitive may follow.
        locative: ``in``/``im`` with a place may follow any head (``Das Nobelkomitee im
            norwegischen Oslo``); for a phrase that must fill the space before its verb.

    Returns:
        The exclusive end index, or ``None`` when no noun phrase starts at ``i``.
    """
    if i >= limit:
        return None
    tok = doc[i]
    if pronouns and tok.lower_ in lex.speaker_pronouns:
        return i + 1
    particle_name = _particle_name_end(doc, i, limit, lex)
    if particle_name is not None:
        return particle_name
    j = i
    had_det = False
    if tok.lower_ in lex.determiners and not is_quote_token(tok):
        j += 1
        had_det = True
        j = _participial_attribute_end(doc, j, limit, lex) or j
    j = _skip_adjectives(doc, j, limit, lex)
    opening_title = _name_in_marks_end(doc, j, limit) if had_det else None
    if opening_title is not None:
        head_start, j = j + 1, opening_title  # "Der „Stadtanzeiger“", "Das „National Hurricane Centre“ der USA"
    elif j >= limit or not is_cap(doc[j], lex):
        return None
    else:
        head_start = j
        j = _consume_caps(doc, j, limit)
        titled = _name_in_marks_end(doc, j, limit) if had_det or lex.is_role_word(doc[head_start].text) else None
        if titled is not None:
            return titled  # "die Nachrichtenagentur „Xinhua“"
    if opening_title is None and (had_det or lex.is_role_word(doc[head_start].text)):
        # "das Unternehmen Verzögerungen bei ...": a second common noun starts a new phrase
        k = head_start + 1
        while k < j and not (is_cap(doc[k], lex) and doc[k].lower_.endswith(COMMON_NOUN_SUFFIXES) and doc[k - 1].text != "-"
                             and not (doc[k - 1].text.isupper() and len(doc[k - 1].text) >= 2)):
            k += 1  # (an acronym names with the word after it: "der AK Vorratsdatenspeicherung")
        j = k
    run_len = j - head_start
    head_is_common = common_head or had_det or lex.is_role_word(doc[head_start].text) or apposition
    del run_len
    connectors = set(lex.name_connectors) | COMMON_HEAD_CONNECTORS | {"in", "im"} | (APPOSITION_CONNECTORS if apposition else set())
    institution_seen = False
    while j < limit:
        low = doc[j].lower_
        titled = _name_in_marks_end(doc, j, limit) if head_is_common else None
        if titled is not None:
            j = titled  # "ein Vertreter der Umweltschutzorganisation „Inca“"
            if j + 2 < limit and doc[j].text == "(" and doc[j + 2].text == ")" and doc[j + 1].text[:1].isupper():
                j += 3  # "„Iceland Nature Conservation Association“ (Inca)"
            continue
        institution_fuer = (low == "für" and j > head_start and doc[j - 1].text[:1].isupper()
                            and doc[j - 1].lower_.endswith(FUER_HEADS))
        institution_seen = institution_seen or institution_fuer  # "… Institut für Kernphysik in Heidelberg"
        if not institution_fuer and (low not in connectors or doc[j].text[:1].isupper()):
            break
        if low in GENITIVE_CONNECTORS and (not head_is_common or (doc[j - 1].text.isupper() and len(doc[j - 1].text) >= 2)):
            break  # no genitive after a name or an acronym: "laut einer Mitteilung des BMI der Verbesserung dienen"
        if low == "zu" and not (
            j + 1 < limit and is_cap(doc[j + 1], lex) and (doc[j + 1].text.endswith("s") or (not head_is_common and j - head_start >= 2))
        ):
            break  # a name particle ("Karl-Theodor zu Guttenberg", "Der Doktorvater zu Guttenbergs"), not "Polizei zu Straftaten"
        if low in {"bei", "beim"} and not (apposition or lex.is_role_word(doc[j - 1].text) or head_is_common):
            break
        if low in COMMON_HEAD_CONNECTORS and not head_is_common and not institution_fuer:
            break
        if low == "im" and not locative and not (any(lex.is_role_word(t.text) for t in doc[head_start:j]) and j + 1 < limit and is_cap(doc[j + 1], lex)):
            break  # "die Sprecherin der Unionsfraktion im Bundestag", not "Gall im Interview"
        if low == "in" and not ((apposition or head_is_common or institution_seen) and j + 2 <= limit
                                and is_cap(doc[j + 1], lex) and doc[j + 1].lower_ not in lex.determiners) and not apposition and not locative:
            break  # "Der Einsatzleiter der Polizei in Dortmund"
        k = j + 1
        if k < limit and doc[k].lower_ in lex.determiners and doc[k].lower_ not in lex.speaker_pronouns:
            k += 1
        k = _skip_adjectives(doc, k, limit, lex)
        titled = _name_in_marks_end(doc, k, limit) if head_is_common or low in {"von", "vom"} else None
        if titled is not None:
            j = titled  # "ein Artikel der „New York Times“", "Moritz Wohlrab von der „Aktion Deutschland hilft“"
            continue
        if k >= limit or not is_cap(doc[k], lex):
            break
        if doc[k].text in lex.event_nouns:
            break  # "bei der Vorlage der Zahlen" says when, not who
        start = k
        j = _consume_caps(doc, k, limit)
        head_is_common = head_is_common or lex.is_role_word(doc[start].text) or doc[k - 1].lower_ in lex.determiners
    return j


def looks_like_name(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> bool:
    """Whether tokens ``[start, end)`` look like a person's or organisation's name.

    ``Vey-Sern Ling``, ``Aletheia Capital``: capitalised, no determiner, and not
    a role word alone (``Bundesverkehrsminister``).
    """
    if start >= end or doc[start].lower_ in lex.determiners:
        return False
    for ent in ents_overlapping(doc, start, start + 1):
        if ent.label_ in {"PER", "ORG"} and ent.start <= start < ent.end:
            return True
    caps = [t for t in doc[start:end] if is_cap(t, lex)]
    if not caps or any(lex.is_role_word(t.text) for t in caps):
        return False
    for k in range(start, end):
        t = doc[k]
        if is_cap(t, lex) or t.text in {"-", "&", "(", ")"} or t.like_num:
            continue
        if t.text in {"’", "'"} and k + 1 < end and not t.whitespace_ and doc[k + 1].text[:1].isupper():
            continue  # "Mark O’Brien"
        # Only name particles may stand between name parts ("Ursula von der Leyen"); "Kopf
        # einer Gruppe", "Managing Director bei Union Bancaire Privee" are roles.
        if t.lower_ in NAME_PARTICLES and k + 1 < end and (is_cap(doc[k + 1], lex) or doc[k + 1].lower_ in NAME_PARTICLES):
            if t.lower_ in {"der", "den"} and doc[k - 1].lower_ not in NAME_PARTICLES:
                return False
            continue
        return False
    return True


def is_role_like(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> bool:
    """Whether an apposition describes a role: ``der Verteidigungsminister Österreichs``,
    ``Managing Director bei Union Bancaire Privee``, ``Kopf einer Gruppe von Inspektoren``."""
    if start >= end:
        return False
    if doc[start].lower_ in lex.determiners or lex.is_role_word(doc[start].text):
        return True
    return not looks_like_name(doc, start, end, lex)


def speaker_phrase(
    doc: Doc, i: int, limit: int, lex: SpeechLexicon, common_head: bool = False, locative: bool = False
) -> Optional[tuple[int, int, Optional[tuple[int, int]]]]:
    """A speaker noun phrase at ``i`` with an apposition after a comma, if any.

    ``Vey-Sern Ling, Managing Director bei Union Bancaire Privee`` gives the
    name phrase and the apposition; ``Der Leiter des Programms, Klaus Stöhr,``
    gives the role phrase and the name as apposition.

    Args:
        doc: the document.
        i: the first token.
        limit: the phrase ends at or before this index.
        lex: the lexicon.

    Returns:
        ``(start, end, apposition)`` where ``apposition`` is ``(start, end)`` or
        ``None``; ``None`` when no noun phrase starts at ``i``.
    """
    end = noun_phrase_end(doc, i, limit, lex, common_head=common_head, locative=locative)
    if end is None:
        return None
    if doc[i].lower_ in lex.speaker_pronouns:
        return (i, end, None)
    if end < limit and doc[end].text == "," and end + 1 < limit:
        a_start = end + 1
        a_end = noun_phrase_end(doc, a_start, limit, lex, apposition=True, pronouns=False)
        if a_end is not None and a_end - a_start <= 14:
            closes = a_end >= limit or doc[a_end].text in {",", ".", ":", ";", "!", "?", ")"} or is_quote_token(doc[a_end])
            core_name = looks_like_name(doc, i, end, lex)
            # "der Oberkommandierende General der US-Streitkräfte, General George Casey": a name after its title
            app_name = looks_like_name(doc, a_start, a_end, lex) or (
                not core_name and lex.is_role_word(doc[a_start].text) and _ends_in_name(doc, a_start, a_end, lex))
            if not closes and app_name and not core_name and a_end - a_start >= 2 and is_lower_word(doc[a_end]) and doc[a_end].lower_ not in {"und", "sowie", "oder"}:
                closes = True  # the closing comma left out: "beurteilte der Geschäftsführer, Volker Beck das Pontifikat"
            connected = any(doc[k].lower_ in {"von", "vom", "bei", "beim", "des", "der", "für"} and doc[k].text.islower() for k in range(a_start + 1, a_end))
            if closes and (
                core_name != app_name
                or (not app_name and is_role_like(doc, a_start, a_end, lex) and _ends_in_name(doc, i, end, lex))
                or (core_name and app_name and connected and end - i >= 2)  # "Andreas Beck, Spieler von Hoffenheim,"
            ):
                return (i, end, (a_start, a_end))
    return (i, end, None)


def _ends_in_name(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> bool:
    """``Die Kernaussage von Jerry Larson``: the phrase ends in a name of two or more words."""
    k = end
    while k > start and is_cap(doc[k - 1], lex) and not lex.is_role_word(doc[k - 1].text):
        k -= 1
    return end - k >= 2 or (end - k == 1 and k > start and lex.is_role_word(doc[k - 1].text))  # "Senator Dodd"


def phrase_ending_at(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> Optional[tuple[int, int, Optional[tuple[int, int]]]]:
    """The speaker phrase that fills ``[start, end)`` exactly (a trailing comma allowed), or ``None``.

    Used for a subject before its verb: ``Der Leiter des Programms, Klaus
    Stöhr, sagte`` and ``Die Firma teilte mit``.
    """
    while start < end and doc[start].lower_ in FOCUS_PARTICLES:
        start += 1
    if start >= end or doc[start].lower_ in OBJECT_DETERMINERS:
        return None  # "Den Unmut der CDU äußerte ...": an object, not the subject
    last = end - 1 if doc[end - 1].text == "," else end
    for locative in (False, True):
        # "Das Nobelkomitee im norwegischen Oslo würdigte": a place may follow the head when
        # the phrase fills the space before the verb
        found = speaker_phrase(doc, start, last, lex, locative=locative)
        if found is None:
            return None
        s, e, app = found
        if (app[1] if app else e) == last:
            return found
    return None


def phrase_head(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> Optional[int]:
    """The first capitalised word of the noun phrase ``[start, end)``, after its determiner and adjectives.

    ``die gesundheitspolitische Sprecherin der Union`` gives the index of ``Sprecherin``.
    """
    j = start + 1 if start < end and doc[start].lower_ in lex.determiners else start
    j = _skip_adjectives(doc, j, end, lex)
    if j >= end or not is_cap(doc[j], lex):
        return None
    # a compound written with hyphens ("SPD-Vorsitzende") has its head at the end
    while j + 2 < end and doc[j + 1].text == "-" and not doc[j].whitespace_ and not doc[j + 1].whitespace_ and doc[j + 2].is_alpha:
        j += 2
    return j


def is_abstract_phrase(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> bool:
    """Whether a noun phrase before a verb is an object or a thing rather than its speaker.

    German puts the object first as often as the subject (``Den Unmut der CDU
    brachte die Sprecherin zum Ausdruck``, ``Die Äußerungen Hassemers bezeichnete
    Wiefelspütz als „Knaller“``): an accusative/dative determiner or an abstract
    head noun (``-ung``, ``-heit``, ``-keit``, ``-tion``) marks such a phrase;
    organisations (``die Regierung``, ``die Gewerkschaft``) do not count. Callers
    only use this to prefer a phrase after the verb that clearly names a speaker.
    """
    if start >= end:
        return False
    if doc[start].lower_ in OBJECT_DETERMINERS:
        return True
    head = phrase_head(doc, start, end, lex)
    if head is None or lex.is_role_word(doc[head].text) or doc[head].text in lex.spokesperson_nouns:
        return False
    low = doc[head].lower_
    return low.endswith(ABSTRACT_SUFFIXES) and not low.endswith(ORGANISATION_HEADS)


def _known_surname(doc: Doc, k: int, lex: SpeechLexicon) -> bool:
    """Whether the word at ``k`` is written elsewhere in the document after a first name
    (``Wiefelspütz`` after ``Dieter Wiefelspütz``), so it is a person's name."""
    text = doc[k].text
    for tok in doc:
        if tok.i != k and tok.text == text and tok.i > 0:
            prev = doc[tok.i - 1]
            if is_cap(prev, lex) and not lex.is_role_word(prev.text) and prev.lower_ not in lex.determiners:
                return True
    return False


def names_speaker(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> bool:
    """Whether a noun phrase names someone who can speak: a name, a role or a spokesperson.

    ``Wiefelspütz`` (named in full elsewhere), ``der SPD-Vorsitzende Franz
    Müntefering``, ``ein Sprecher`` do; ``die praktische Anwendung``, ``der
    Zeitung`` and ``Garantien`` do not.
    """
    if start >= end:
        return False
    for ent in ents_starting_in(doc, start, end):
        if ent.label_ in {"PER", "ORG"} and start <= ent.start < end:
            return True
    head = phrase_head(doc, start, end, lex)
    if head is None:
        return False
    if lex.is_role_word(doc[head].text) or doc[head].text in lex.spokesperson_nouns:
        return True
    if doc[head].lower_.endswith(COMMON_NOUN_SUFFIXES):
        return False
    # a name of two words or more ("Franz Müntefering", "die Ministerin Renate Künast");
    # a single capitalised word may as well be a plural noun ("Garantien")
    caps = 1
    for k in range(head + 1, end):
        if is_cap(doc[k], lex) and not lex.is_role_word(doc[k].text):
            caps += 1
        elif doc[k].text != "-":
            break
    return caps >= 2 or (head == start and _known_surname(doc, head, lex))


def skip_adverbials(doc: Doc, i: int, limit: int, lex: SpeechLexicon) -> list[int]:
    """Token indices after a verb of saying where its speaker may start.

    ``sagte dazu am Montag der Sprecher`` gives the positions of ``dazu``,
    ``am`` and ``der``: adverbs from the lexicon and prepositional phrases
    (``am Montag``, ``in einem Interview``, ``gegenüber der Zeitung``) are skipped.
    """
    out = []
    j = i
    for _ in range(4):
        if j >= limit:
            break
        out.append(j)
        tok = doc[j]
        low = tok.lower_
        if low in lex.skip_after_cue and not is_cap(tok, lex):
            j += 1
            continue
        if low in lex.adverbial_prepositions and not is_cap(tok, lex):
            k = j + 1
            if k < limit and doc[k].lower_ in lex.determiners:
                k += 1
            k = _skip_adjectives(doc, k, limit, lex)
            if k < limit and (is_cap(doc[k], lex) or doc[k].like_num):
                k = _consume_caps(doc, k, limit) if is_cap(doc[k], lex) else k + 1
                j = k
                continue
        break
    return out


def is_konjunktiv1(doc: Doc, i: int, lex: SpeechLexicon) -> bool:
    """Whether token ``i`` is a 3rd person Konjunktiv I form, the mark of reported speech.

    Listed forms (``sei``, ``seien``, ``habe``, ``könne``) count unless ``ich``
    is their subject (``ich habe`` is indicative); other lower-case words in
    ``-e`` count when they stand like a finite verb: not after a determiner,
    not before a noun (``die neue Firma``), not adjectival (``-ische``,
    ``-liche``, ``-ende``): ``Zudem überrasche die Effizienz nicht.``
    """
    tok = doc[i]
    low = tok.lower_
    if not is_lower_word(tok):
        return False
    prev = doc[i - 1] if i > 0 else None
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    near = {t.lower_ for t in doc[max(0, i - 3) : min(len(doc), i + 3)]}
    if "ich" in near or "wir" in near and low.endswith("en"):
        return False
    if low in lex.konjunktiv1:
        return True
    if low in lex.not_verbs or len(low) < 4 or not low.endswith("e"):
        return False
    if low.endswith(("te", "nde", "ische", "liche", "lichen", "ige", "ale", "ive", "ene", "ere", "ste", "weise", "ee", "ie")):
        return False
    if prev is not None and (prev.lower_ in lex.determiners or prev.lower_ in {"zu", "am", "im", "vom", "zum", "zur", "beim", "so", "sehr", "als"}):
        return False
    if prev is not None and is_lower_word(prev) and prev.lower_.endswith(ADJECTIVE_ENDINGS) and prev.lower_ not in STOP_WORDS:
        return False  # a run of adjectives: "die große neue Anlage"
    if nxt is not None and is_cap(nxt) and not nxt.is_sent_start:
        return False
    return True


def is_konjunktiv2(doc: Doc, i: int, lex: SpeechLexicon) -> bool:
    """Whether token ``i`` is a Konjunktiv II form that reported speech uses (``hätten``, ``würde``)."""
    tok = doc[i]
    return is_lower_word(tok) and tok.lower_ in lex.konjunktiv2


def konjunktiv_tokens(doc: Doc, start: int, end: int, lex: SpeechLexicon, mask: Sequence[bool]) -> tuple[int, int]:
    """Count Konjunktiv I and II forms in ``[start, end)`` outside quotation marks.

    Args:
        doc: the document.
        start: first token.
        end: end token (exclusive).
        lex: the lexicon.
        mask: ``mask[i]`` is true for tokens inside a direct quotation.

    Returns:
        ``(konjunktiv I count, konjunktiv II count)``.
    """
    k1 = k2 = 0
    for i in range(start, end):
        if mask[i]:
            continue
        if is_konjunktiv1(doc, i, lex):
            k1 += 1
        elif is_konjunktiv2(doc, i, lex):
            k2 += 1
    return k1, k2


def strip_punct(doc: Doc, start: int, end: int, keep_final: bool = False) -> tuple[int, int]:
    """Trim punctuation and spaces from both ends of ``[start, end)``.

    With ``keep_final`` a sentence-final ``.``/``!``/``?`` stays (reported
    speech that spans whole sentences keeps its period, as the Wikinews corpus does).
    A unit sign at the end stays: ``einen Gewinnrückgang um 25 %``.
    """
    while start < end and (doc[start].is_punct or doc[start].is_space) and not is_quote_token(doc[start]):
        start += 1
    while end > start:
        tok = doc[end - 1]
        if tok.text in UNIT_SIGNS:
            break  # "einen Gewinnrückgang um 25 %": a unit belongs to its number
        if tok.is_space or (tok.is_punct and not is_quote_token(tok) and not (keep_final and tok.text in FINAL_PUNCT)):
            end -= 1
            continue
        break
    return start, end


# Signs that spaCy counts as punctuation but that end a figure ("25 %", "3 €").
UNIT_SIGNS = {"%", "‰", "€", "$", "£", "¥"}
