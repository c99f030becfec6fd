"""Names, roles and organisations inside a speaker's noun phrase.

Small pure functions on a ``Doc`` and token offsets, used by the quotation rules
(:mod:`pipeline.nlp.quotes_finder`) to fill ``span._.speaker_name`` and
``span._.speaker_role``:

* ``Marktanalyst Jonas Wendler von der DZ Bank`` → name ``Jonas Wendler``, role
  ``Marktanalyst von der DZ Bank``;
* ``die Experten um Stacy Rasgon von Analysehaus Bernstein Research`` → name
  ``Stacy Rasgon``, role ``Analysehaus Bernstein Research``;
* ``Analysten von Barclays`` → the organisation ``Barclays`` speaks.

``doc.ents`` (PER, ORG from the NER model or the company ruler) are used when
present; otherwise capitalisation decides.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Iterable, Optional

from spacy.tokens import Doc, Span

from pipeline.nlp.quotes_grammar import ents_starting_in, is_cap
from pipeline.nlp.speech_verbs import SpeechLexicon

# Locales whose given names the gender list takes from Faker: those of pipeline/ner/first_names.py and
# Japanese (romanised), whose names German business news quotes often ("Kenta Mori", "Aiko Yamada").
GENDER_LOCALES = ("de_DE", "de_AT", "de_CH", "en_US", "en_GB", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "tr_TR",
                  "pt_BR", "sv_SE", "da_DK", "cs_CZ", "hu_HU", "en_IN", "ja_JP")
GIVEN_NAMES_FILE = "given_names.txt"
# Nouns that describe an organisation before its name ("Großbank UBS", "Konkurrent Alphabet").
DESCRIPTOR_NOUNS = ("bank", "konzern", "konkurrent", "konkurrenten", "rivale", "rivalen", "hersteller", "versicherer",
                    "unternehmen", "gruppe", "firma", "tochter", "mutter", "anbieter", "händler", "institut",
                    "gesellschaft", "autobauer", "zulieferer", "ausrüster", "riese", "platzhirsch", "wettbewerber")

GENERIC_ORGANISATION_NOUNS = ("konzern", "unternehmen", "firma", "gruppe", "hersteller", "bank", "verband", "gesellschaft", "regierung", "behörde")
LEGAL_FORMS = {"AG", "SE", "GmbH", "KGaA", "Inc.", "Corp.", "Ltd.", "plc", "PLC", "SA", "S.A.", "NV", "N.V.", "Co.", "LLC", "AB", "ASA", "Oyj", "SpA", "S.p.A."}


# Heads of a phrase that names "the company" without its name ("der Konzern", "das Unternehmen aus
# Santa Clara", "des Chipkonzerns"), and spokespeople of it ("ein Unternehmenssprecher").
GENERIC_COMPANY_HEADS = ("konzern", "konzerns", "unternehmen", "unternehmens", "firma", "hersteller", "herstellers",
                         "autobauer", "autobauers")
COMPANY_SPOKESPERSONS = ("unternehmenssprecher", "unternehmenssprecherin", "konzernsprecher", "konzernsprecherin",
                         "firmensprecher", "firmensprecherin")


# Heads of a description that stands for an organisation named before, by the kind of organisation
# (``span._.org_kind``) it refers to: "wie die Grossbank mitteilte" (a company), "erklärte die Behörde"
# (a public body), "Die Gewerkschaft forderte" (another organisation). Lower-case endings, tried in this
# order ("Notenbank" is no company's "Bank").
ANAPHORIC_HEADS = {
    "public_body": ("notenbank", "zentralbank", "behörde", "behörden", "aufsicht"),
    "other": ("gewerkschaft", "verband", "verbands", "verbandes"),
    "company": GENERIC_COMPANY_HEADS + ("bank", "versicherer", "versicherers", "versorger", "versorgers", "zulieferer",
                                        "zulieferers", "anbieter", "anbieters", "betreiber", "betreibers", "discounter",
                                        "discounters", "reederei", "airline", "fluggesellschaft", "softwarehaus",
                                        "softwarehauses", "analysehaus", "analysehauses", "bankhaus", "bankhauses"),
}
# ... heads that stand for one only alone: a compound names the body itself ("die Regierung", but
# "die Bundesregierung"; "die Kammer", but "die Arbeiterkammer"; "Finanzministerium" is a name too) ...
BARE_ANAPHORIC_HEADS = {"regierung": "public_body", "kommission": "public_body", "nationalbank": "public_body",
                        "ministerium": "public_body", "ministeriums": "public_body", "gericht": "public_body",
                        "gerichts": "public_body", "partei": "other", "kammer": "other"}
# ... and endings that name a company only in a compound ("Anlagenbauer", "Onlinehändler", "Softwareriese";
# not "der Bauer", "ein Händler", "der Riese").
COMPOUND_COMPANY_HEADS = ("bauer", "bauers", "händler", "händlers", "riese", "riesen")


# Endings of nouns that name one institution by themselves ("das Verkehrsministerium", "das
# Finanzamt", "der Bundesgerichtshof"): the name is the noun without its article.
INSTITUTION_NAME_ENDINGS = ("ministerium", "ministeriums", "amt", "amts", "amtes", "gericht", "gerichts",
                            "gerichtshof", "gerichtshofs")
DEFINITE_ARTICLES = {"der", "die", "das", "des", "dem", "den"}


def institution_by_noun(doc: Doc, start: int, end: int) -> bool:
    """Whether ``doc[start:end]`` is an article and one noun or acronym that names an institution
    by itself: ``das Verkehrsministerium``, ``die SP``, ``des Finanzamts``; not ``das Ministerium``
    or ``die Behörde`` (descriptions), ``die EZB-Präsidentin`` (a role) or ``ein Händler``."""
    if end - start != 2 or doc[start].lower_ not in DEFINITE_ARTICLES:
        return False
    word = doc[start + 1].text
    if not word.isalpha() or not word[:1].isupper():
        return False
    acronym = word.isupper() and 2 <= len(word) <= 6
    lower = word.casefold()
    # a compound only: "das Ministerium" alone describes the one named before
    return acronym or (lower.endswith(INSTITUTION_NAME_ENDINGS) and lower not in INSTITUTION_NAME_ENDINGS)


POSSESSIVE_STEMS = ("sein", "ihr", "unser", "euer", "eur", "mein", "dein")


def _join_hyphens(words: list[str]) -> list[str]:
    """``["der", "mdax", "-", "konzern"]`` -> ``["der", "mdax-konzern"]`` (the tokenizer splits compounds)."""
    out: list[str] = []
    for w in words:
        if out and (w in {"-", "‑"} or out[-1].endswith(("-", "‑"))):
            out[-1] += w
        else:
            out.append(w)
    return out


def _kind_of_head(word: str) -> str:
    if word in BARE_ANAPHORIC_HEADS:
        return BARE_ANAPHORIC_HEADS[word]
    for kind, heads in ANAPHORIC_HEADS.items():
        if word.endswith(heads):
            return kind
    if word.endswith(COMPOUND_COMPANY_HEADS) and not any(word == h for h in COMPOUND_COMPANY_HEADS):
        return "company"
    return ""


def generic_organisation_kind(words: list[str], lex: SpeechLexicon) -> str:
    """The kind of organisation a speaker phrase stands for without its name, ``""`` if none
    (:func:`generic_organisation_head`)."""
    return generic_organisation_head(words, lex)[0]


def generic_organisation_head(words: list[str], lex: SpeechLexicon) -> tuple[str, str]:
    """The kind of organisation a speaker phrase stands for without its name, and its head noun;
    ``("", "")`` if none.

    ``das Unternehmen aus dem kalifornischen Santa Clara``, ``der Düsseldorfer Konzern``, ``des
    Chipkonzerns``, ``der MDax-Konzern``, ``die Grossbank``, ``der Anlagenbauer``, ``einem
    Unternehmenssprecher``, ``ein Sprecher des Konzerns``: ``company``; ``die Behörde``, ``die
    Notenbank``: ``public_body``; ``die Gewerkschaft``: ``other``. Not ``Chef des Konzerns``, ``ein
    Händler`` or a name.

    Args:
        words: the phrase's words, lower-cased.
        lex: the cue lexicon (its determiners).
    """
    words = _join_hyphens(words)
    if words and words[0].startswith(POSSESSIVE_STEMS):
        return "", ""  # "Seine Kammer sei dafür": the chamber of the person named before, not an organisation
    while words and words[0] in lex.determiners:
        words = words[1:]
    if not words:
        return "", ""
    first = words[0]
    if first in COMPANY_SPOKESPERSONS:
        return "company", ""
    if kind := _kind_of_head(first):
        return kind, first
    # one adjective before the head: "der Düsseldorfer Konzern", "das japanische Unternehmen"
    if len(words) >= 2 and first.endswith(("er", "e", "en", "es")) and (kind := _kind_of_head(words[1])):
        return kind, words[1]
    if first in ("sprecher", "sprecherin") and len(words) >= 3 and words[1] in ("des", "der"):
        kind = _kind_of_head(words[2])
        return kind, words[2] if kind else ""
    return "", ""


def feminine_role(role: str, lex: SpeechLexicon) -> bool:
    """Whether a role is a feminine role noun (``Finanzchefin``), so ``er`` cannot refer to it."""
    first = role.split()[0] if role.split() else ""
    return first.lower().endswith("in") and lex.is_role_word(first)


def strip_determiner(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> str:
    """The text of ``[start, end)`` without a leading determiner (``die Experten`` → ``Experten``)."""
    if start < end and doc[start].lower_ in lex.determiners:
        start += 1
    return doc[start:end].text


def cap_runs(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> list[list[tuple[int, int]]]:
    """Runs of capitalised words in ``[start, end)``; a word is a token range, so
    ``Dax-Konzern`` (three tokens) is one word."""
    runs: list[list[tuple[int, int]]] = []
    j = start
    while j < end:
        if not is_cap(doc[j], lex):
            j += 1
            continue
        run: list[tuple[int, int]] = []
        while j < end and is_cap(doc[j], lex):
            k = j + 1
            while k + 1 < end and doc[k].text == "-" and not doc[k - 1].whitespace_ and doc[k + 1].is_alpha:
                k += 2
            run.append((j, k))
            j = k
        runs.append(run)
    return runs


def name_in_phrase(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> tuple[Optional[tuple[int, int]], str]:
    """Split a speaker phrase without apposition into (name span or ``None``, role text).

    See :meth:`QuoteFinder._name_speaker` for examples.
    """
    ents = [e for e in ents_starting_in(doc, start, end) if start <= e.start and e.end <= end]
    for ent in ents:
        if ent.label_ == "PER":
            a, b = person_bounds(doc, ent.start, ent.end, end, lex)
            if a == b:
                continue  # "Analystin" tagged as a person: a role, no name
            role = doc[start:a].text if a > start else ""
            rest = doc[b:end]
            group = a > start and doc[a - 1].lower_ == "um"  # "die Experten um Stacy Rasgon von Bernstein"
            if (not role or group) and len(rest) and rest[0].lower_ in {"von", "vom", "bei", "beim", "aus"}:
                role = strip_determiner(doc, b + 1, end, lex)
            return (a, b), clean_role(role, lex)
    name, role = name_by_shape(doc, start, end, lex)
    org = organisation_after_descriptor(doc, name, ents, lex) if name is not None else None
    if org is not None:
        # "Die Schweizer Großbank UBS", "Konkurrent Alphabet": the organisation's name
        return (org.start, org.end), clean_role(doc[start : org.start].text, lex)
    if name is not None and not any(e.start <= name[0] < e.end for e in ents) and (
            name[1] - name[0] >= 2 or (role and lex.is_role_word(role))):
        # "Toyota-Finanzchef Kenta Mori", "Kontron-Chef Schuster": the person, not the company in the compound
        return name, role
    lead = start + 1 if doc[start].lower_ in lex.determiners else start
    for ent in ents:
        if ent.label_ == "ORG" and ent.start == lead and not _compound_modifier(doc, ent, end, lex):
            rest = doc[ent.end : end]
            role = strip_determiner(doc, ent.end + 1, end, lex) if len(rest) and rest[0].lower_ in {"von", "vom", "bei", "beim", "aus"} else ""
            return (ent.start, ent.end), role
    spokes = organisation_of_spokesperson(doc, start, end, lex, ents)
    if spokes is not None:
        return spokes, clean_role(doc[start : spokes[0]].text, lex)
    return name, role


def _compound_modifier(doc: Doc, ent: Span, end: int, lex: SpeechLexicon) -> bool:
    """Whether an entity only opens a hyphenated compound: ``die EZB-Präsidentin`` (the
    president speaks, not the EZB), ``Siemens-Chef``; not before a spokesperson noun, where the
    organisation speaks (``die Bernstein-Analysten``)."""
    return (ent.end + 1 < end and doc[ent.end].text in {"-", "‑"} and not doc[ent.end - 1].whitespace_
            and doc[ent.end + 1].is_alpha and doc[ent.end + 1].text not in lex.spokesperson_nouns)


def organisation_after_descriptor(
    doc: Doc, name: tuple[int, int], ents: list[Span], lex: SpeechLexicon
) -> Optional[Span]:
    """The organisation entity that ends a name found by shape after descriptive nouns:
    ``Großbank UBS`` → ``UBS``, ``Konkurrent Alphabet`` → ``Alphabet``, ``Chipkonzern Nvidia``;
    not ``Klaus Porsche`` (a given name before it) or ``Deutsche Bank`` (the entity is all of it)."""
    for ent in ents:
        if ent.label_ != "ORG" or ent.end != name[1] or ent.start <= name[0]:
            continue
        before = doc[name[0] : ent.start]
        if all(t.is_alpha and t.text[:1].isupper() and t.text not in lex.given_names for t in before) and any(
                lex.is_role_word(t.text) or t.lower_.endswith(DESCRIPTOR_NOUNS) for t in before):
            return ent
    return None


def person_bounds(doc: Doc, start: int, end: int, limit: int, lex: SpeechLexicon) -> tuple[int, int]:
    """The name inside a person entity, whatever the NER model included around it.

    ``Marktanalyst Jonas Wendler`` (a role word tagged with the name) gives
    ``Jonas Wendler``; ``Sabine`` tagged without its surname in ``Sabine Kraft``
    (a surname that is also a noun) gives ``Sabine Kraft``; ``Analystin`` alone
    gives an empty range.

    Args:
        doc: the document.
        start: the entity's first token.
        end: the entity's end.
        limit: the name may grow up to this token (the end of the speaker phrase).
        lex: the lexicon (role words).

    Returns:
        ``(start, end)`` of the name, empty when the entity is only a role.
    """
    a, b = start, end
    while a < b and (lex.is_role_word(doc[a].text) or doc[a].lower_ in lex.determiners or not doc[a].text[:1].isupper()):
        a += 1
    while b < limit and doc[b].text[:1].isupper() and doc[b].is_alpha and not lex.is_role_word(doc[b].text):
        b += 1
    return (a, b) if a < b else (a, a)


def organisation_of_spokesperson(
    doc: Doc, start: int, end: int, lex: SpeechLexicon, ents: list[Span]
) -> Optional[tuple[int, int]]:
    """``Ein Sprecher des Finanzministeriums``, ``Analysten von Barclays``, ``Analysten des Hauses
    Kepler Cheuvreux`` (``Kepler Cheuvreux``): the organisation speaks.

    Only for generic speakers (the lexicon's ``spokesperson_nouns``) followed by a
    genitive or ``von`` + the organisation; a named person is never replaced.
    """
    j = start + 1 if doc[start].lower_ in lex.determiners else start
    if j >= end or doc[j].text not in lex.spokesperson_nouns:
        return None
    k = j + 1
    if k < end and doc[k].lower_ in {"von", "vom", "des", "der", "bei", "beim"}:
        k += 1
        if k < end and doc[k].lower_ in lex.determiners:
            k += 1
        for ent in ents:
            if ent.start == k and ent.label_ in {"ORG", "LOC"}:
                return (ent.start, ent.end)
            # a descriptor before the name: "Analysten des Hauses Kepler Cheuvreux"
            if (ent.start == k + 1 and ent.label_ == "ORG" and k < end
                    and doc[k].lower_.endswith(("haus", "hauses", "bank", "instituts", "institut", "brokers"))):
                return (ent.start, ent.end)
        if k < end and is_cap(doc[k], lex) and not doc[k].lower_.startswith(GENERIC_ORGANISATION_NOUNS):
            return (k, end)  # "Finanzministeriums"; not "des Konzerns", which names no one
    return None


def name_by_shape(doc: Doc, start: int, end: int, lex: SpeechLexicon) -> tuple[Optional[tuple[int, int]], str]:
    """The name inside a speaker phrase by capitalisation alone (no NER)."""
    runs = cap_runs(doc, start, end, lex)
    if not runs:
        return None, ""
    has_det = doc[start].lower_ in lex.determiners
    first = runs[0]
    head = first[0]
    head_common = has_det or lex.is_role_word(doc[head[0] : head[1]].text)
    if head_common and len(first) == 2 and doc[first[1][0]].text in LEGAL_FORMS and not lex.is_role_word(doc[head[0]].text):
        return (head[0], first[1][1]), ""  # "Die Allianz SE"
    head_text = doc[head[0] : head[1]].text
    if has_det and len(first) >= 2 and head_text.isupper() and len(head_text) >= 2:
        return (head[0], first[-1][1]), ""  # "der AK Vorratsdatenspeicherung": an acronym starts the name
    if head_common and len(first) >= 2:
        # "Bundesverkehrsminister Manfred Stolpe" / "Die Betreiberfirma Vattenfall Europe"
        name = (first[1][0], first[-1][1])
        if len(first) == 2 and (lex.is_role_word(doc[name[0] : name[1]].text) or doc[name[1] - 1].lower_.endswith(GENERIC_COMPANY_HEADS)):
            return None, ""  # "ein Frankfurter Händler", "der Düsseldorfer Konzern": an adjective and a noun, no name
        role = doc[head[0] : head[1]].text
        rest = doc[name[1] : end]
        if len(rest) and rest[0].lower_ in {"von", "vom", "bei", "beim"}:
            role = f"{role} {rest.text}"
        return name, role
    if not head_common:
        if any(t.lower_ == "und" for t in doc[start:end]):
            return (start, end), ""  # "Rasgon und Kollegen", "Sonia und Willy Bogner"
        name_end = first[-1][1]
        rest = doc[name_end:end]
        role = ""
        if len(rest) and rest[0].lower_ in {"von", "vom", "bei", "beim", "aus"}:
            role = strip_determiner(doc, name_end + 1, end, lex)
        return (head[0], name_end), role
    # "die Experten um Stacy Rasgon von ...": a name after "um"/"von"
    for run in runs[1:]:
        a, b = run[0][0], run[-1][1]
        if len(run) >= 2 and doc[a - 1].lower_ in {"um", "von", "vom"}:
            role = ""
            if b < end and doc[b].lower_ in {"von", "vom", "bei", "beim"}:
                role = strip_determiner(doc, b + 1, end, lex)
            return (a, b), role
    return None, ""


def clean_role(role: str, lex: SpeechLexicon) -> str:
    """A role text without surrounding commas and a leading determiner."""
    words = role.strip(" ,").split()
    if words and words[0].lower() in lex.determiners:
        words = words[1:]
    return " ".join(words)


# ---------------------------------------------------------------- given names and gender


def faker_given_name_genders(locales: Iterable[str] = GENDER_LOCALES) -> dict[str, str]:
    """Given name → ``m`` or ``f`` from Faker's male and female name lists of ``locales``.

    A name that some locale lists as male and another as female (``Andrea``, ``Kim``, ``Jean``)
    is left out: its bearer's gender is unknown, so ``er`` and ``sie`` may both refer to them.
    """
    from pipeline.ner.first_names import NAME_SHAPE

    male: set[str] = set()
    female: set[str] = set()
    for locale in locales:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr, bucket in (("first_names_male", male), ("first_names_female", female),
                             ("first_romanized_names_male", male), ("first_romanized_names_female", female)):
            values = getattr(provider, attr, None) or ()
            bucket.update(values.keys() if isinstance(values, dict) else values)
    genders = {n: "m" for n in male - female} | {n: "f" for n in female - male}
    return {n: g for n, g in sorted(genders.items()) if NAME_SHAPE.match(n)}


def main(argv: Optional[list[str]] = None) -> int:
    """Write the given-name gender list the quotation rules resolve ``er``/``sie`` with.

    Command: ``python -m pipeline.nlp.quotes_speakers --out configs/quotes/given_names.txt``
    (needs Faker: ``pip install -e '.[lexicons]'``).
    """
    parser = argparse.ArgumentParser(description="Build the given-name gender list of the quotation component.")
    parser.add_argument("--out", type=Path, required=True, help="where to write the list (name<TAB>m|f per line)")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("faker") is None:
        print("Faker is not installed: pip install Faker", file=sys.stderr)
        return 2
    genders = faker_given_name_genders()
    header = ("# Given names and their gender (m/f), for resolving er/sie to a speaker (pipeline/nlp/quotes_finder.py).\n"
              "# Built by: python -m pipeline.nlp.quotes_speakers --out configs/quotes/given_names.txt\n"
              "# Source: Faker's person providers (MIT, https://github.com/joke2k/faker); names both male and female\n"
              "# in some locale are left out.\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(header + "".join(f"{n}\t{g}\n" for n, g in genders.items()), encoding="utf-8")
    print(f"wrote {len(genders)} names to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
