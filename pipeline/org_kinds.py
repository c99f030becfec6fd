"""What kind of organisation a name is: a company, a public body, or another organisation.

A figure, a listing and a stock-market claim only make sense for companies (and
indices). Organisations the NER finds that no security or known company matches
used to be reported as unlisted companies; many are not companies at all: the
Bundeswehr, the union Verdi, the EU-Kommission, a ministry, a court, a party, a
university. :class:`OrgKindLexicon` types such names from a small hand-written
lexicon (the ``organisation_kinds`` section of ``configs/gazetteer_overlay.yaml``)
with three kinds:

* ``company``: a business, listed or not (``DZ Bank``, ``Helsing``);
* ``public_body``: state bodies, central banks, ministries, authorities, courts,
  armed forces, parliaments, EU and international institutions (``EZB``,
  ``Bundeswehr``, ``Finanzministerium``, ``Bundeskartellamt``);
* ``other``: unions, associations, parties, universities, research institutes
  (``IG Metall``, ``Verdi``, ``Fruit-Union Suisse``, ``Ifo-Institut``).

Evidence, strongest first (:meth:`OrgKindLexicon.kind_in_text`):

1. a known name (``EZB``, ``Fed``, ``IG Metall``, ``Verdi``, ``SPD``);
2. a listed whole word of the name (``FC``, ``TU``), or a word of the name with a
   listed type ending, the longest ending winning, so
   that a more specific company ending overrides a general one
   (``Finanzministerium`` -> ``ministerium`` -> public body; ``Kreditinstitut``
   -> company although ``Institut`` -> other; ``Ratingagentur`` -> company,
   ``Bundesnetzagentur`` -> public body); in a hyphenated word the last part
   counts (``EU-Kommission``, ``Ifo-Institut``);
3. a listed name prefix (``Bundes``: ``Bundeswehr``, ``Bundesregierung``);
4. the noun right before the name (``die Gewerkschaft Verdi``, ``die
   Dienstleistungsgewerkschaft Verdi``, ``die Notenbank Fed``), judged by the
   same endings.

No evidence gives ``None``; callers treat such an organisation as a company
(the gazetteer, consulted first, knows the securities and known companies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

OrgKind = Literal["company", "public_body", "other"]
ORG_KINDS: tuple[str, ...] = ("company", "public_body", "other")
NON_COMPANY_KINDS = frozenset({"public_body", "other"})

_WORD = re.compile(r"[\w.&+-]+", re.UNICODE)


# Words that start an attribute after an organisation's head noun.
ATTRIBUTE_WORDS = {"der", "des", "für", "von", "vom", "zur", "zum"}


def _key(text: str) -> str:
    """Compare names case-insensitively, ignoring spaces, dots and hyphens (``ver.di`` = ``Verdi``)."""
    return re.sub(r"[\s.\-]+", "", text).casefold()


@dataclass
class OrgKindLexicon:
    """Typed word lists that say what kind of organisation a name is (see the module docstring).

    Attributes:
        names: known names (compared by :func:`_key`) -> kind.
        endings: word endings (lower case) -> kind; the longest matching ending wins.
        prefixes: word beginnings -> kind (``Bundes`` -> public body).
        words: whole words (case-insensitive) that mark the kind anywhere in a name
            (``FC`` in ``FC Augsburg``, ``TU`` in ``TU München``).
        min_prefix_rest: letters a word needs after a prefix (``Bundeswehr``, not ``Bundes``).
    """

    names: dict[str, OrgKind] = field(default_factory=dict)
    endings: dict[str, OrgKind] = field(default_factory=dict)
    prefixes: dict[str, OrgKind] = field(default_factory=dict)
    words: dict[str, OrgKind] = field(default_factory=dict)
    min_prefix_rest: int = 3

    @classmethod
    def from_overlay(cls, section: Optional[dict[str, Any]]) -> "OrgKindLexicon":
        """Build the lexicon from the overlay's ``organisation_kinds`` section.

        The section maps each kind to ``names``, ``endings`` and ``prefixes`` lists:
        ``{public_body: {names: [EZB], endings: [ministerium], prefixes: [Bundes]}, ...}``.

        Raises:
            ValueError: a key that is not one of :data:`ORG_KINDS`.
        """
        lexicon = cls()
        for kind, spec in (section or {}).items():
            if kind not in ORG_KINDS:
                raise ValueError(f"organisation_kinds: unknown kind {kind!r} (use one of {', '.join(ORG_KINDS)})")
            spec = spec or {}
            for name in spec.get("names", []):
                lexicon.names[_key(str(name))] = kind
            for ending in spec.get("endings", []):
                lexicon.endings[str(ending).casefold()] = kind
            for prefix in spec.get("prefixes", []):
                lexicon.prefixes[str(prefix).casefold()] = kind
            for word in spec.get("words", []):
                lexicon.words[str(word).casefold()] = kind
        return lexicon

    def kind_of_word(self, word: str) -> Optional[OrgKind]:
        """The kind one capitalised word names by its longest listed ending, or its prefix.

        Example: ``Finanzministeriums`` -> ``public_body`` (ending ``ministerium`` plus the
        genitive ``s``); ``Kreditinstitut`` -> ``company``; ``Gewerkschaft`` -> ``other``;
        ``Bundeswehr`` -> ``public_body`` (prefix ``Bundes``); ``Konzern`` -> ``company``.

        Args:
            word: one word; a hyphenated compound is judged as a whole (``Presse-Agentur``:
                company), then by its last part (``EU-Kommission``: public body).

        Returns:
            The kind, or ``None`` when no ending or prefix is listed.
        """
        word = word.strip(".,;:()'’\"„“»«")
        parts = [p for p in word.split("-") if p]
        if not parts:
            return None
        # The whole compound first ("Presse-Agentur" -> "presseagentur", a company), then its last part.
        for whole in dict.fromkeys(["".join(parts), parts[-1]]):
            kind = self._kind_by_ending(whole.casefold())
            if kind is not None:
                return kind
        word = parts[-1]
        lower = word.casefold()
        for prefix, kind in self.prefixes.items():
            if lower.startswith(prefix) and len(lower) - len(prefix) >= self.min_prefix_rest and word[:1].isupper():
                return kind
        return None

    def _kind_by_ending(self, lower: str) -> Optional[OrgKind]:
        """The kind of the longest listed ending of a lower-cased word, inflected forms included
        (``ministeriums``, ``behörden``, ``verbandes``, ``gewerkschaften``)."""
        for form in (lower, lower[:-1] if lower.endswith(("s", "n")) else "",
                     lower[:-2] if lower.endswith(("es", "en")) else ""):
            if len(form) < 3:
                continue
            for i in range(len(form)):
                kind = self.endings.get(form[i:])
                if kind is not None:
                    return kind
        return None

    def is_known_name(self, name: str) -> bool:
        """Whether ``name`` is one of the lexicon's known organisation names (``Wifo``, ``Verdi``, ``EZB``)."""
        key = _key(name.strip().rstrip("'’"))
        return key in self.names or (key.endswith("s") and key[:-1] in self.names)

    def kind_of_name(self, name: str) -> Optional[OrgKind]:
        """The kind a name itself shows: a known name, else its words.

        Example: ``IG Metall`` -> ``other`` (known); ``Statistisches Bundesamt`` ->
        ``public_body`` (``amt``); ``Universität Mannheim`` -> ``other``; ``Internationales
        Schiedsgericht der Weltbank`` -> ``public_body`` (the head before ``der``);
        ``Planwerk Digital`` -> ``None``.

        Args:
            name: a mention or canonical name.

        Returns:
            The kind, or ``None`` without evidence.
        """
        name = name.strip().rstrip("'’")
        key = _key(name)
        if key in self.names:
            return self.names[key]
        if key.endswith("s") and key[:-1] in self.names:  # genitive: "der IG Metalls", "Verdis"
            return self.names[key[:-1]]
        words = _WORD.findall(name)
        for word in words:
            kind = self.words.get(word.casefold().strip("."))
            if kind is None and "-" in word and self.kind_of_word(word) is None:
                # a listed whole word as the first part of a compound whose ending says nothing
                # ("AK-NÖ"), not where the ending does ("SV-Bank" is a bank)
                kind = self.words.get(word.split("-")[0].casefold())
            if kind is not None:
                return kind
        # The head comes before a genitive or prepositional attribute: "Internationales Schiedsgericht
        # der Weltbank" is a court, "Verband der Automobilindustrie" an association.
        cut = next((i for i, w in enumerate(words) if i and w in ATTRIBUTE_WORDS), len(words))
        for part in (words[:cut], words[cut:]):
            for word in reversed(part):
                if not word[:1].isupper():
                    continue
                kind = self.kind_of_word(word)
                if kind is not None:
                    return kind
        return None

    def kind_in_text(self, text: str, start: int, end: int) -> Optional[OrgKind]:
        """The kind of the organisation named at ``text[start:end]``, from its name or the noun before it.

        Example: in ``Die Gewerkschaft Verdi verlangt 12,5 %`` the span ``Verdi`` is
        ``other`` (known name, and ``Gewerkschaft`` before it); in ``die Notenbank
        Fed`` the span ``Fed`` is ``public_body``; in ``der Chipkonzern Nvidia``
        the noun before says ``company``.

        Args:
            text: the article text.
            start: first character of the mention.
            end: character after the mention.

        Returns:
            The kind, or ``None`` without evidence.
        """
        kind = self.kind_of_name(text[start:end])
        if kind is not None:
            return kind
        before = text[max(0, start - 60):start].rstrip()
        if not before or before.endswith((",", ";", ":", ".", "(", ")")):
            return None  # "Verband, Gewerkschaft, Siemens": a list, not a descriptor
        words = before.split()
        if not words:
            return None
        word = words[-1]
        if not word[:1].isupper() or not word.replace("-", "").isalpha():
            return None
        return self.kind_of_word(word)


def is_company_kind(kind: Optional[str]) -> bool:
    """Whether an ``org_kind`` value may be a company: ``company`` or unknown (``""``/``None``)."""
    return kind not in NON_COMPANY_KINDS
