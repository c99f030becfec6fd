"""Currency names as named entities of ``doc.ents`` (component ``finnews_currency_names``).

GermEval 2014, whose labels the NER follows (``OTH`` -> ``MISC``), tags every
currency as a name: ``Euro`` (135 of 135 in its dev and test files), ``Dollar``,
``US-Dollar``, ``Cent``, ``€``. finnews reads currencies as the unit of a money
figure, not as entities: the company ruler drops the NER's currency spans, and
no record lists them. So this component, after all others, adds them to
``doc.ents`` as ``MISC`` for users of the spaCy NER, and lists them in
``doc.spans["currency_names"]``; :func:`pipeline.nlp.extensions.entity_mentions`
(the mentions the records keep) leaves them out.

A currency name is tagged

* after an amount: ``48 Euro``, ``5,2 Mrd. Dollar``, ``rund 850 Millionen Euro``;
* alone, unless it is also an ordinary word or a place (``Mark``, ``Rand``,
  ``Real``, ``Franken``, ``Pfund``; the ``ambiguous`` list): ``Der Euro gab nach``,
  ``gegenüber dem Dollar``, but not ``in Franken`` or ``am Rand``;
* with a country part joined by a hyphen: ``US-Dollar``, ``Hongkong-Dollar``, ``D-Mark``.

Not inside a compound word (``Euro-Hilfsfonds``, ``Dollar-Kurs``: see
:mod:`pipeline.nlp.compound_names`), and never where an entity already is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.config import PROJECT_ROOT
from pipeline.nlp.compound_names import HYPHENS
from pipeline.nlp.extensions import CURRENCY_NAMES_KEY

DEFAULT_AMBIGUOUS = ("Mark", "Rand", "Real", "Franken", "Pfund", "Won", "Krone", "Kronen")
# Scale words between a number and the currency ("5,2 Mrd. Dollar"); numbers themselves are digits or like_num.
DEFAULT_SCALES = ("Tsd.", "Tausend", "tausend", "Mio.", "Mio", "Million", "Millionen", "Mrd.", "Mrd", "Md.",
                  "Milliarde", "Milliarden", "Bill.", "Billion", "Billionen")


def _glued(left: Token, right: Token) -> bool:
    return not left.whitespace_ and right.i == left.i + 1


def _is_amount(token: Token, scales: frozenset[str]) -> bool:
    return token.like_num or any(ch.isdigit() for ch in token.text) or token.text in scales


class CurrencyNames:
    """spaCy component ``finnews_currency_names``: see the module docstring."""

    def __init__(self, names: Iterable[str], ambiguous: Iterable[str] = DEFAULT_AMBIGUOUS,
                 scales: Iterable[str] = DEFAULT_SCALES, name: str = "finnews_currency_names",
                 spans_key: str = CURRENCY_NAMES_KEY) -> None:
        self.name = name
        self.spans_key = spans_key
        self.ambiguous = frozenset(ambiguous)
        self.scales = frozenset(scales)
        # One-token names; a listed hyphenated name ("US-Dollar", "D-Mark") is matched by its last part.
        self.names = frozenset(n.split("-")[-1] if n.split("-")[-1] else n for n in names)

    def find(self, doc: Doc) -> list[Span]:
        """The currency names of ``doc`` outside entities and compound words (pure)."""
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        taken |= {i for span in doc.spans.get("compound_names", []) for i in range(span.start, span.end)}
        found = []
        for token in doc:
            if token.text not in self.names:
                continue
            start, end = token.i, token.i + 1
            hyphen_before = start >= 2 and doc[start - 1].text in HYPHENS and _glued(doc[start - 1], token)
            prefixed = hyphen_before and _glued(doc[start - 2], doc[start - 1]) and doc[start - 2].text[:1].isupper()
            if prefixed:
                start -= 2  # "US-Dollar", "Hongkong-Dollar", "D-Mark"
            elif hyphen_before:
                continue
            if end < len(doc) and doc[end].text in HYPHENS and _glued(token, doc[end]):
                continue  # "Euro-Hilfsfonds": part of a compound word
            before = doc[start - 1] if start > 0 else None
            after_amount = before is not None and _is_amount(before, self.scales)
            if token.text in self.ambiguous and not (after_amount or prefixed):
                continue
            if any(i in taken for i in range(start, end)):
                continue
            found.append(Span(doc, start, end, label="MISC"))
        return found

    def __call__(self, doc: Doc) -> Doc:
        found = self.find(doc)
        doc.spans[self.spans_key] = found
        if found:
            doc.ents = sorted([*doc.ents, *found], key=lambda s: s.start)
        return doc


def load_currency_names(overlay: Optional[str]) -> list[str]:
    """The ``currencies`` list of the gazetteer overlay (path relative to the project root)."""
    if not overlay:
        return []
    path = Path(overlay)
    data = srsly.read_yaml(path if path.is_absolute() else PROJECT_ROOT / path) or {}
    return [str(c) for c in data.get("currencies") or []]


@Language.factory("finnews_currency_names",
                  default_config={"overlay": "configs/gazetteer_overlay.yaml", "ambiguous": list(DEFAULT_AMBIGUOUS),
                                  "spans_key": CURRENCY_NAMES_KEY},
                  assigns=["doc.ents", "doc.spans"], requires=["doc.ents"])
def make_currency_names(nlp: Language, name: str, overlay: Optional[str], ambiguous: list[str],
                        spans_key: str) -> CurrencyNames:
    """Build the component (config: ``overlay`` with the ``currencies`` list, ``ambiguous`` names, ``spans_key``)."""
    return CurrencyNames(load_currency_names(overlay), ambiguous=ambiguous, name=name, spans_key=spans_key)
