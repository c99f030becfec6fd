"""Complete person names with a list of given names (component ``finnews_person_names``).

The NER finds many persons only in part, or not at all, where a name is
foreign or rare. With a list of given names (``configs/first_names.txt``, built
by :mod:`pipeline.ner.first_names`) these rules complete them:

1. Given names before a person join it: ``Lena`` + PER ``Brückner`` gives
   ``Lena Brückner``; also across a hyphen (``Jens-`` + PER ``Peter Kirchhoff``)
   and where the NER took the given name for something else (``Karl``/LOC
   ``-Heinz Brandl``).
2. A person made only of given names takes the surname after it: PER
   ``Alexander`` + ``Virgo`` gives ``Alexander Virgo``. A short hyphenated pair
   counts as a given name too (``Vey-Sern Ling``, ``Eun-Sun``), and so does a double
   given name (``Hans-Werner`` + ``Sinn``): two name-shaped words joined by a hyphen, one a
   given name, neither a common noun (``Frank-Walter``, not ``Hans-Böckler-Straße``). Rules 3
   and 5 read double given names the same way (``Bundespräsident Frank-Walter Steinmeier``;
   ``Laut Hans-Werner Sinn`` tagged ORG is the person).
3. Given names and a surname outside any entity are a person: ``erläutert Deborah
   Kessler``, ``Anna Katharina Elisabeth Ostermann``; also a double surname of two name-shaped
   words that are no common nouns or given names (``Bundesrätin Karin Keller-Sutter``; not
   ``Angela Merkel-Regierung``). After a noun for a kind of company they
   name the company (``die Digitalagentur Conrad Caine``).
4. A person of given names and one surname takes the second half of a double
   surname: ``Kristina Hauff`` + ``-Lenz`` (not ``Donald Trump-Regierung``).
5. An organisation the NER made of a role noun, given names and a surname is the
   person: ``US-Ökonom James Galbraith`` tagged ORG gives PER ``James Galbraith``; so is one of
   given names and a surname right after a role noun (``BZÖ-Geschäftsführer Arno Eccher``).
   Only NER spans: a name the gazetteer or a legal-form pattern found stays a company.
6. A word the article names a person by elsewhere is that person's surname, and a
   name-shaped word before it that is in no list is the given name, where a name is
   expected: after a verb of saying, or opening a sentence with a comma after the
   surname. ``Aiko Yamada, die bei der Fondsgesellschaft …`` where the article goes on
   with ``sagt Yamada``; ``sagt Nirgunan Tiruchelvam`` where the NER found
   ``Tiruchelvam``. Not ``im Fall Kampusch`` (no such place for a name), and not after a role
   noun or a title (``Fondsmanagerin Yamada``, ``Frau Yamada``), nor a word shaped like a
   German noun (``Kollege``, ``Händler``, ``Führung``), nor a preposition (``Laut Yamada``).
7. A lone word the NER took for an organisation is the person whose surname it is where the
   article names that person in full (``Aiko Yamada`` … ``Laut Yamada steigt der Yen``); a name the
   gazetteer knows stays the company (``Porsche``).
8. A lone name-shaped word between a verb of saying and a punctuation mark is the speaker, a
   person: ``, sagt Daum.``, ``ergänzte Pfeiffer, das Defizit …``, ``so Meier.``; not a German
   common noun (``sagt Studie.``; configs/common_nouns.txt.gz), a given name alone, a word of
   another entity (``sagte Siemens.``) or a compound (``sagte Bundesbank-Präsident``).

9. A council noun right before a person is the person's title, no organisation: Swiss federal
   councillors are called by their council (``Bundesrat Hans-Rudolf Merz``, ``Nationalrat Thomas
   Aeschi``), as a minister is by the office; ``bis der Bundesrat entschieden hat`` stays.

A surname is a capitalised word on the same line and in the same sentence. It is
not a function word, a month or weekday, or a word ending like a street, a building
or an institution (``Friedrich Ebert Straße``). It is not part of a hyphenated
compound (``Robert Koch-Institut``, ``Max-Planck-Gesellschaft``). The company
ruler runs first, so a company named after a person (``Hugo Boss``, ``Carl
Zeiss``) is already an entity and is left alone.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Iterable, Optional

import srsly
from spacy.lang.de.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from pipeline.config import PROJECT_ROOT
from pipeline.nlp.companies import DEFAULT_ORG_SUFFIXES, INSTITUTION_ENDINGS, PERSON_ROLE_ENDINGS, compound_before
from pipeline.nlp.speech_verbs import load_speech_lexicon

log = logging.getLogger(__name__)

MONTHS_AND_DAYS = {"januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
                   "oktober", "november", "dezember", "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
                   "samstag", "sonnabend", "sonntag"}
# Word endings of places, buildings and institutions named after people ("Friedrich Ebert Straße").
PLACE_ENDINGS = ("straße", "strasse", "platz", "allee", "gasse", "weg", "ring", "damm", "ufer", "brücke", "bahnhof",
                 "haus", "stiftung", "preis", "schule", "gymnasium", "universität", "institut", "kirche", "museum",
                 "halle", "stadion", "arena", "klinik", "krankenhaus", "zentrum", "center", "gesellschaft")
# Endings of nouns that head a compound with a person's name ("Trump-Regierung", "Merkel-Kritiker"),
# unlike the second half of a double surname ("Hauff-Lenz").
COMPOUND_NOUN_ENDINGS = ("ung", "heit", "keit", "schaft", "tion", "ismus", "ität", "ära", "kabinett", "lager", "partei",
                         "team", "plan", "effekt", "kurs", "kritiker", "anhänger", "fans", "gegner", "rede", "besuch",
                         "vertraute", "vertrauter", "sprecher", "sprecherin")
# Endings of role nouns before a person's name, besides those of the company ruler
# (pipeline.nlp.companies.PERSON_ROLE_ENDINGS: "analyst", "chef", "ökonom", ...).
ROLE_ENDINGS = PERSON_ROLE_ENDINGS + ("anwalt", "anwältin", "richter", "richterin", "professor", "professorin",
                                      "forscher", "forscherin", "politiker", "politikerin", "kanzler", "kanzlerin",
                                      "meister", "meisterin", "gründer", "gründerin", "investor", "investorin",
                                      "unternehmer", "unternehmerin", "berater", "beraterin", "vorsitzende",
                                      "vorsitzender", "abgeordnete", "abgeordneter", "geschäftsführer",
                                      "geschäftsführerin")
# Words that end organisation names ("Alix Partners", "Aletheia Capital"): no surname.
ORG_SUFFIX_WORDS = frozenset(w for suffix in DEFAULT_ORG_SUFFIXES for w in suffix.split())
# Titles before a surname ("Frau Yamada", "Sir Ove"): never a given name of rule 6.
TITLES = frozenset({"herr", "herrn", "frau", "dr", "prof", "sir", "lady", "lord", "mr", "mrs", "ms", "miss", "madame",
                    "monsieur", "graf", "gräfin", "fürst", "fürstin", "prinz", "prinzessin", "könig", "königin",
                    "kardinal", "bischof", "papst", "scheich", "emir", "sultan", "general", "kollege", "kollegin"})
# Prepositions and adverbs spaCy's stop words lack; capitalised at a sentence's start they stand where a
# given name could ("Laut Yamada …", "Zudem Müller …").
FUNCTION_WORDS = frozenset({
    "laut", "gemäß", "zufolge", "trotz", "seitens", "mittels", "samt", "nebst", "entgegen", "angesichts",
    "aufgrund", "infolge", "anlässlich", "bezüglich", "hinsichtlich", "inklusive", "exklusive", "abzüglich",
    "zuzüglich", "binnen", "innerhalb", "außerhalb", "oberhalb", "unterhalb", "jenseits", "diesseits", "anstatt",
    "ungeachtet", "unweit", "nahe", "via", "per", "pro", "kontra", "versus", "namens", "zwecks", "kraft", "mangels",
    "vorbehaltlich", "zudem", "sowohl", "weder", "womöglich", "vermutlich", "offenbar", "laut", "einst", "jetzt",
    "heute", "gestern", "morgen", "damals", "später", "zuletzt", "zuvor", "bislang", "bisher", "derzeit"})
# Endings of German nouns, which rule 6 does not take for an unknown given name ("Händler Yamada",
# "Führung", "Konzernchefin").
NOUN_ENDINGS = ("er", "in", "e", "ung", "heit", "keit", "schaft", "tion", "ät", "ismus", "ent", "ant", "ist", "eur",
                "or", "ör", "nis", "tum", "ling", "ei", "en", "chef", "s")
# Two short capitalised syllables joined by a hyphen: a romanised East Asian given name ("Vey-Sern", "Jae-Yong").
_SYLLABLE_PAIR = re.compile(r"^[A-Z][a-z]{1,4}-[A-Z][a-z]{1,4}$")
_NAME_WORD = re.compile(r"^[A-ZÄÖÜ][a-zäöüßéèáàíóúñç]+$")


def load_first_names(path: Path) -> frozenset[str]:
    """Read a first-name list: one name per line, ``#`` lines are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _hyphen_between(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is a hyphen glued to the words on both sides (``Jens-Holger``)."""
    return (0 < i < len(doc) - 1 and doc[i].text in ("-", "‑") and not doc[i - 1].whitespace_
            and not doc[i].whitespace_)


def _in_compound(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is glued by a hyphen to a word before or after it (``Koch-Institut``)."""
    return _hyphen_between(doc, i - 1) or _hyphen_between(doc, i + 1)


def _spaced(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is followed by one plain space (the next word is on the same line)."""
    return doc[i].whitespace_ == " " and i + 1 < len(doc) and not doc[i + 1].is_sent_start


COUNCIL_TITLE_ENDINGS = ("rat", "rätin")


def council_titles(ents: list[Span]) -> list[Span]:
    """Rule 9: the entities without a council noun that is the title of the person right after it.

    ``Bundesrat Hans-Rudolf Merz`` keeps the person only; ``Der Bundesrat hatte gefordert`` stays.
    """
    person_starts = {e.start for e in ents if e.label_ == "PER"}
    return [e for e in ents if not (e.label_ == "ORG" and len(e) == 1 and e.end in person_starts
                                    and e[0].whitespace_ and e[0].lower_.endswith(COUNCIL_TITLE_ENDINGS))]


class PersonNames:
    """The ``finnews_person_names`` component: see the module docstring."""

    def __init__(self, nlp: Language, name: str, first_names: str, speech_lexicon: str = "configs/quotes/lexicon.yaml",
                 common_nouns: Optional[str] = None):
        self.name = name
        self.first_names_path = first_names
        self.speech_lexicon_path = speech_lexicon
        self.common_nouns_path = common_nouns
        self._names: Optional[frozenset[str]] = None
        self._speech_forms: Optional[frozenset[str]] = None
        self._common_nouns: Optional[frozenset[str]] = None

    @property
    def speech_forms(self) -> frozenset[str]:
        """Forms of the verbs of saying (``sagt``, ``erklärte``) and ``so``, from the quotation lexicon."""
        if self._speech_forms is None:
            path = Path(self.speech_lexicon_path).expanduser()
            lex = load_speech_lexicon(path if path.is_absolute() else PROJECT_ROOT / path)
            self._speech_forms = frozenset(lex.finite_index) | frozenset(lex.joined_index) | frozenset(lex.markers_so)
        return self._speech_forms

    @property
    def names(self) -> frozenset[str]:
        if self._names is None:
            path = Path(self.first_names_path).expanduser()
            self._names = load_first_names(path if path.is_absolute() else PROJECT_ROOT / path)
        return self._names

    @property
    def common_nouns(self) -> frozenset[str]:
        """German common-noun forms (rule 8; empty when none is configured)."""
        if self._common_nouns is None:
            if not self.common_nouns_path:
                self._common_nouns = frozenset()
            else:
                from pipeline.ner.common_nouns import load_common_nouns

                path = Path(self.common_nouns_path).expanduser()
                self._common_nouns = load_common_nouns(path if path.is_absolute() else PROJECT_ROOT / path)
        return self._common_nouns

    def initialize(self, get_examples=None, *, nlp: Optional[Language] = None) -> None:
        self._names, self._speech_forms, self._common_nouns = None, None, None
        _ = self.names, self.speech_forms, self.common_nouns

    def is_given_name(self, token: Token) -> bool:
        return token.text in self.names

    def double_given_name_end(self, doc: Doc, i: int) -> Optional[int]:
        """The end of a double given name starting at token ``i`` (``Hans-Werner``, ``Frank-Walter``,
        ``Karl-Heinz``), or ``None``: two name-shaped words joined by a hyphen, one of them a given
        name and neither a German common noun, with nothing glued on (not ``Hans-Böckler-Straße``)."""
        if i + 2 >= len(doc) or not _hyphen_between(doc, i + 1) or _hyphen_between(doc, i - 1) \
                or _hyphen_between(doc, i + 3):
            return None
        left, right = doc[i], doc[i + 2]
        if not (_NAME_WORD.match(left.text) and _NAME_WORD.match(right.text)):
            return None
        if not (self.is_given_name(left) or self.is_given_name(right)):
            return None
        if left.text in self.common_nouns or right.text in self.common_nouns:
            return None
        return i + 3

    @staticmethod
    def is_surname(doc: Doc, i: int) -> bool:
        """A capitalised word that may be a surname here (see the module docstring)."""
        token = doc[i]
        text = token.text
        low = text.casefold()
        return (len(text) > 1 and text[:1].isupper() and token.is_alpha and not text.isupper()
                and not token.is_sent_start and low not in STOP_WORDS and low not in MONTHS_AND_DAYS
                and not low.endswith(PLACE_ENDINGS) and not _in_compound(doc, i))

    @staticmethod
    def _names_a_place(doc: Doc, end: int) -> bool:
        """Whether the word after a name at ``end`` makes it a place or building (``Friedrich Ebert Straße``)."""
        return end < len(doc) and doc[end].text.casefold().endswith(PLACE_ENDINGS)

    def _given_run(self, doc: Doc, start: int, taken: set[int]) -> int:
        """End of the run of free given names from ``start`` (``start`` itself when there is none)."""
        end = start
        while end < len(doc) and end not in taken and (end == start or _spaced(doc, end - 1)):
            double = self.double_given_name_end(doc, end)
            if double is not None and not taken.intersection(range(end, double)):
                end = double  # "Frank-Walter"
            elif self.is_given_name(doc[end]) and not _in_compound(doc, end):
                end += 1
            else:
                break
        return end

    def _double_surname_end(self, doc: Doc, i: int, taken: set[int]) -> Optional[int]:
        """The end of a double surname at token ``i`` (``Keller-Sutter``), or ``None``: two name-shaped
        words joined by a hyphen, neither a common noun nor a given name, the second no compound
        noun or place ending (``Merkel-Regierung``, ``Trump-Anhänger`` are no surnames)."""
        if i + 2 >= len(doc) or not _hyphen_between(doc, i + 1) or _hyphen_between(doc, i + 3) \
                or taken.intersection(range(i, i + 3)) or doc[i].is_sent_start:
            return None
        left, right = doc[i], doc[i + 2]
        if not (_NAME_WORD.match(left.text) and _NAME_WORD.match(right.text)):
            return None
        if any(t.text in self.common_nouns or self.is_given_name(t) for t in (left, right)):
            return None
        if right.text.casefold().endswith(COMPOUND_NOUN_ENDINGS + PLACE_ENDINGS) or self._names_a_place(doc, i + 3):
            return None
        return i + 3

    def _extend_left(self, doc: Doc, ent: Span, owner: dict[int, Span]) -> tuple[int, list[Span]]:
        """Rule 1: the new start of person ``ent`` and the entities it swallows."""
        start, swallowed = ent.start, []
        while start > 0:
            k = start - 1
            if _hyphen_between(doc, k):
                k -= 1  # "Jens-" + "Peter Kirchhoff"
                other = owner.get(k)
                # "Frank-" + "Walter Steinmeier": the double given name "Frank-Walter"; the NER may have
                # taken its first part for something else ("Frank"/LOC) or into the role before it
                # ("Kanzlerkandidat Frank"/ORG: the role goes too)
                if self.double_given_name_end(doc, k) == start + 1 and (other is None or (
                        other.end == k + 1 and not other.kb_id_
                        and (other.start == k or self._role_noun_before(doc, other.start, k)))):
                    if other is not None:
                        swallowed.append(other)
                    start = k
                    continue
            elif not _spaced(doc, k):
                break
            if not self.is_given_name(doc[k]) or _hyphen_between(doc, k - 1):
                break
            other = owner.get(k)
            if other is not None:
                # an entity of given names ending here: "Karl"/LOC, "Sven"/PER, "Jens-"/PER
                if other.end not in (k + 1, start) or not all(self.is_given_name(t) or t.text in ("-", "‑")
                                                              for t in other):
                    break
                swallowed.append(other)
                k = other.start
            start = k
        return start, swallowed

    def _role_noun_before(self, doc: Doc, start: int, end: int) -> bool:
        """Whether tokens ``start:end`` are one noun, hyphenated compound included, whose last part is a
        German common noun: the role the NER took into an organisation with a given name
        (``Kanzlerkandidat`` + ``Frank``, ``Bayern-Boss`` + ``Karl``)."""
        words = doc[start:end]
        if not words or any(t.whitespace_ for t in words[:-1]) or not words[-1].is_alpha:
            return False
        return words[-1].text in self.common_nouns and words[0].text[:1].isupper()

    def _extend_right(self, doc: Doc, ent: Span, owner: dict[int, Span]) -> int:
        """Rules 2 and 4: the new end of person ``ent``."""
        k = ent.end
        if (all(self.is_given_name(t) for t in ent) or _SYLLABLE_PAIR.match(ent.text)
                or self.double_given_name_end(doc, ent.start) == ent.end):
            if (k < len(doc) and k not in owner and _spaced(doc, k - 1) and self.is_surname(doc, k)
                    and not self._names_a_place(doc, k + 1)):
                return k + 1
        elif (len(ent) > 1 and all(self.is_given_name(t) for t in ent[:-1]) and ent[-2].whitespace_ == " "
              and _hyphen_between(doc, k)
              and k + 1 not in owner and doc[k + 1].is_alpha and doc[k + 1].text[:1].isupper()
              and not doc[k + 1].text.casefold().endswith(COMPOUND_NOUN_ENDINGS + PLACE_ENDINGS)
              and not _hyphen_between(doc, k + 2)):
            return k + 2  # a double surname: "Kristina Hauff-Lenz", not "Donald Trump-Regierung"
        return ent.end

    def _named_after_role(self, ent: Span) -> bool:
        """Whether NER organisation ``ent`` is given names and a surname right after a role noun
        (``gegen den ehemaligen BZÖ-Geschäftsführer Arno Eccher``): the person (rule 5)."""
        doc = ent.doc
        if ent.start == 0 or doc[ent.start - 1].whitespace_ != " ":
            return False
        role = doc[ent.start - 1].text.casefold()
        return (role.endswith(ROLE_ENDINGS) and doc[ent.start - 1].text[:1].isupper()
                and ent[-1].text not in ORG_SUFFIX_WORDS  # "der Unternehmensberater Alix Partners"
                and all(self.is_given_name(t) for t in ent[:-1]) and self.is_surname(doc, ent.end - 1)
                and all(t.whitespace_ == " " for t in ent[:-1]))

    def _person_in_organisation(self, ent: Span) -> Optional[Span]:
        """Rule 5: the person inside an NER organisation ``role noun + given names + surname``."""
        if ent.label_ != "ORG" or ent.kb_id_ or len(ent) < 2:
            return None
        doc = ent.doc
        if self._named_after_role(ent):
            return Span(doc, ent.start, ent.end, label="PER")
        if len(ent) == 4 and self.double_given_name_end(doc, ent.start) == ent.end - 1 \
                and ent[2].whitespace_ == " " and self.is_surname(doc, ent.end - 1):
            return Span(doc, ent.start, ent.end, label="PER")  # "Laut Hans-Werner Sinn" tagged ORG
        if len(ent) < 3:
            return None
        k = ent.end - 2  # the surname is the last token; given names run back from the one before it
        while k > ent.start and self.is_given_name(doc[k - 1]) and doc[k - 1].whitespace_ == " ":
            k -= 1
        if k - 2 >= ent.start and self.double_given_name_end(doc, k - 2) == k + 1:
            k -= 2  # "US-Ökonom Hans-Werner Sinn"
        if not (k < ent.end - 1 and self.is_given_name(doc[k]) and self.is_surname(doc, ent.end - 1)):
            return None
        role = doc[k - 1].text.casefold() if k > ent.start else ""
        if not role.endswith(ROLE_ENDINGS) or doc[k - 1].whitespace_ != " ":
            return None
        return Span(doc, k, ent.end, label="PER")

    def _new_persons(self, doc: Doc, owner: dict[int, Span]) -> list[Span]:
        """Rule 3: given names + surname outside any entity."""
        found, i = [], 0
        taken = set(owner)
        while i < len(doc):
            token = doc[i]
            double = self.double_given_name_end(doc, i)
            if i in taken or (double is None and (not self.is_given_name(token) or _in_compound(doc, i))) or (
                    i > 0 and doc[i - 1].text in ("St.", "Sankt", "Bad")):
                i += 1
                continue
            end = self._given_run(doc, i, taken)
            if end == i:
                i += 1
                continue
            double = self._double_surname_end(doc, end, taken) if end < len(doc) and _spaced(doc, end - 1) else None
            if double is not None:
                found.append(Span(doc, i, double, label="PER"))  # "Karin Keller-Sutter"
                i = double
                continue
            if (not _spaced(doc, end - 1) or end in taken or end >= len(doc) or not self.is_surname(doc, end)
                    or self._names_a_place(doc, end + 1)):
                i = end
                continue
            # After a noun for a kind of company the name is the company's: "die Digitalagentur Conrad Caine".
            noun = compound_before(doc, i)
            company = noun[:1].isupper() and noun.casefold().rstrip("s").endswith(INSTITUTION_ENDINGS)
            found.append(Span(doc, i, end + 1, label="ORG" if company else "PER"))
            i = end + 1
        return found

    def _unknown_given_name(self, doc: Doc, k: int, owner: dict[int, Span]) -> bool:
        """Whether token ``k`` may be a given name in no list (rule 6): a capitalised word of
        letters, spaced from the surname after it, that is no function word, title, role noun or
        German-noun shape and in no entity."""
        token = doc[k]
        low = token.text.casefold()
        return (k not in owner and token.is_alpha and token.text[:1].isupper() and not token.text.isupper()
                and len(token.text) >= 3 and doc[k].whitespace_ == " " and low not in STOP_WORDS
                and low not in FUNCTION_WORDS
                and low not in TITLES and low not in MONTHS_AND_DAYS and not _in_compound(doc, k)
                and not low.endswith(ROLE_ENDINGS + NOUN_ENDINGS + INSTITUTION_ENDINGS + PLACE_ENDINGS)
                and (k == 0 or doc[k - 1].text not in ("-", "‑")))

    def _known_surnames(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Rule 6: full names of persons the article names elsewhere by their surname."""
        surnames = {e[-1].text for e in ents if e.label_ == "PER" and not self.is_given_name(e[-1])
                    and len(e[-1].text) >= 3 and e[-1].is_alpha}
        if not surnames:
            return []
        owner = {t: e for e in ents for t in range(e.start, e.end)}
        found = []
        for i in range(1, len(doc)):
            if doc[i].text not in surnames or _in_compound(doc, i):
                continue
            here = owner.get(i)
            if here is not None and not (here.label_ == "PER" and (here.start, here.end) == (i, i + 1)):
                continue  # already a longer name, or another kind of entity
            k = i - 1
            if self.is_given_name(doc[k]) or not self._unknown_given_name(doc, k, owner):
                continue
            after_cue = k > 0 and doc[k - 1].lower_ in self.speech_forms  # "sagt Nirgunan Tiruchelvam"
            apposition = doc[k].is_sent_start and i + 1 < len(doc) and doc[i + 1].text == ","  # "Aiko Yamada, die …"
            if not (after_cue or apposition):
                continue
            found.append(Span(doc, k, i + 1, label="PER"))
        return found

    def _speakers_after_cue(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Rule 8: a lone name between a verb of saying and a punctuation mark (``, sagt Daum.``), also
        where the NER took it for a place (``, klagt Dumbreck.``)."""
        if not self.common_nouns_path:
            return []
        places = {e.start for e in ents if e.label_ == "LOC" and len(e) == 1 and not e.kb_id_}
        owner = {t for e in ents for t in range(e.start, e.end)} - places
        found = []
        for i in range(1, len(doc) - 1):
            token, after = doc[i], doc[i + 1]
            if (doc[i - 1].lower_ not in self.speech_forms or i in owner or not _spaced(doc, i - 1)
                    or not (after.is_punct and after.text not in ("-", "‑", "–", "—", "(", "„", "‚", "/"))):
                continue
            if i in places and after.text not in (".", "!", "?"):
                continue  # a place ends the sentence here ("sagte Peskow."), not a list ("meldeten Spanien, Litauen")
            low = token.text.casefold()
            if (token.is_alpha and token.text[:1].isupper() and not token.text.isupper() and len(token.text) >= 3
                    and not self.is_given_name(token) and token.text not in self.common_nouns
                    and low not in STOP_WORDS and low not in FUNCTION_WORDS and low not in TITLES
                    and low not in MONTHS_AND_DAYS and not low.endswith(ROLE_ENDINGS + INSTITUTION_ENDINGS + PLACE_ENDINGS)
                    and not _in_compound(doc, i)):
                found.append(Span(doc, i, i + 1, label="PER"))
        return found

    def __call__(self, doc: Doc) -> Doc:
        owner = {t: ent for ent in doc.ents for t in range(ent.start, ent.end)}
        replaced: dict[Span, Span] = {}
        dropped: set[Span] = set()
        for ent in doc.ents:
            if ent.label_ != "PER" or ent in dropped:
                continue
            start, swallowed = self._extend_left(doc, ent, owner)
            # the right end judged on the name as extended to the left ("Sabine" + "Leutheusser" + "-Schnarrenberger")
            end = self._extend_right(doc, Span(doc, start, ent.end, label="PER"), owner)
            if (start, end) != (ent.start, ent.end):
                replaced[ent] = Span(doc, start, end, label="PER", kb_id=ent.kb_id_)
                dropped.update(swallowed)
        for ent in doc.ents:
            person = self._person_in_organisation(ent)
            if person is not None:
                replaced[ent] = person
        ents = [replaced.get(e, e) for e in doc.ents if e not in dropped]
        owner = {t: ent for ent in ents for t in range(ent.start, ent.end)}
        ents = filter_spans(ents + self._new_persons(doc, owner))
        ents = filter_spans(ents + self._known_surnames(doc, ents))
        speakers = self._speakers_after_cue(doc, ents)
        taken = {t for sp in speakers for t in range(sp.start, sp.end)}  # a place the NER saw there goes
        ents = filter_spans([e for e in ents if not taken.intersection(range(e.start, e.end))] + speakers)
        doc.ents = council_titles(self._surnames_as_persons(ents))
        return doc

    def _surnames_as_persons(self, ents: list[Span]) -> list[Span]:
        """Rule 7: a lone word the NER took for an organisation is the person whose surname it is, where
        the article names that person in full: ``Aiko Yamada, die …`` … ``Laut Yamada steigt der Yen``.
        Only NER organisations (a name the gazetteer knows stays the company: ``Ferdinand Porsche`` …
        ``Porsche``)."""
        surnames = {e[-1].text for e in ents if e.label_ == "PER" and len(e) >= 2 and not self.is_given_name(e[-1])}
        out = []
        for ent in ents:
            word = ent.text
            if (ent.label_ == "ORG" and len(ent) == 1 and not ent.kb_id_
                    and (word in surnames or (word.endswith("s") and word[:-1] in surnames))):
                ent = Span(ent.doc, ent.start, ent.end, label="PER")
            out.append(ent)
        return out

    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg.json", {"first_names": self.first_names_path,
                                             "speech_lexicon": self.speech_lexicon_path,
                                             "common_nouns": self.common_nouns_path})

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> "PersonNames":
        cfg = srsly.read_json(Path(path) / "cfg.json")
        self.first_names_path = cfg["first_names"]
        self.speech_lexicon_path = cfg.get("speech_lexicon", self.speech_lexicon_path)
        self.common_nouns_path = cfg.get("common_nouns", self.common_nouns_path)
        self._names, self._speech_forms, self._common_nouns = None, None, None
        return self


@Language.factory("finnews_person_names",
                  default_config={"first_names": "configs/first_names.txt",
                                  "speech_lexicon": "configs/quotes/lexicon.yaml",
                                  "common_nouns": "configs/common_nouns.txt.gz"},
                  assigns=["doc.ents"], requires=["doc.ents"])
def make_person_names(nlp: Language, name: str, first_names: str, speech_lexicon: str,
                      common_nouns: Optional[str]) -> PersonNames:
    """Build the person-name completer.

    Args:
        first_names: the given-name list, one per line (relative to the project root).
        speech_lexicon: the quotation lexicon, whose verbs of saying show where a name is expected (rules 6, 8).
        common_nouns: German common-noun forms, never a speaker's name in rule 8 (``null`` turns rule 8 off).
    """
    return PersonNames(nlp, name, first_names, speech_lexicon, common_nouns)
