"""German tokenizer rules for financial news.

Two changes to spaCy's German defaults, both so that company names and figures
line up with tokens:

* A hyphen between letters (or a letter and a digit) is its own token, so a
  company inside a compound is a token span of its own:
  ``Infineon-Papiere`` -> ``Infineon`` ``-`` ``Papiere``;
  ``Siemens-Energy-Aktie`` -> ``Siemens`` ``-`` ``Energy`` ``-`` ``Aktie``.
  (spaCy's German keeps such compounds whole, which would hide the company.)
* Abbreviations of finance text keep their period: ``3,2 Bill. Dollar``,
  ``5 Mill. US-Dollar``, ``Tsd.``, ``Mrd.``, ``Abs.``, ``Dr.``, ``Nr.``, so the
  period does not end a sentence; a legal form such as ``GmbH`` never takes one
  (``die Muster GmbH.`` -> ``GmbH`` ``.``).
"""

from __future__ import annotations

from typing import Callable

import spacy
from spacy.lang.char_classes import ALPHA
from spacy.language import Language
from spacy.symbols import NORM, ORTH
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex

# Abbreviation -> normalised form; the period belongs to the token.
FINANCE_ABBREVIATIONS: dict[str, str] = {
    "Tsd.": "Tausend",
    "Mio.": "Millionen",
    "Mill.": "Millionen",
    "Mrd.": "Milliarden",
    "Md.": "Milliarden",
    "Bill.": "Billionen",
    "Abs.": "Absatz",
    "Dr.": "Doktor",
    "Nr.": "Nummer",
    "Prof.": "Professor",
    "Hr.": "Herr",
    "Fr.": "Frau",
    "Co.": "Co.",
    "Bros.": "Brothers",  # "Warner Bros. Entertainment GmbH", "Lehman Bros."
    "Mag.": "Magister",  # Austrian title: "Mag. Andreas Treichl"
    "Corp.": "Corp.",
    "Inc.": "Inc.",
    "Ltd.": "Ltd.",
    "Bzw.": "beziehungsweise",
    "bzw.": "beziehungsweise",
    "ca.": "circa",
    "Ca.": "circa",
    "rd.": "rund",
    "Prozentp.": "Prozentpunkte",
    "Pkt.": "Punkte",
    "Quart.": "Quartal",
    # Report periods and places of company news: "ggü. Vj.", "im 1. Hj.", "Dt. Bank", "Ffm."
    "Vj.": "Vorjahr",
    "Vorj.": "Vorjahr",
    "Hj.": "Halbjahr",
    "Gj.": "Geschäftsjahr",
    "Dt.": "Deutsche",
    "Ffm.": "Frankfurt am Main",
    "Q1.": "Q1",
    "Jan.": "Januar",
    "Feb.": "Februar",
    "Aug.": "August",
    "Sept.": "September",
    "Sep.": "September",
    "Okt.": "Oktober",
    "Nov.": "November",
    "Dez.": "Dezember",
}

# Legal forms that end in a capital after small letters never take a period of their own, but
# spaCy's suffix rules keep one on them like on "U.S.": "die Muster GmbH." ends a sentence.
LEGAL_FORMS_BEFORE_PERIOD = ["GmbH", "KGaA", "mbH", "gGmbH", "UG"]

# A hyphen between letters, or between a letter and a digit, splits the token.
COMPOUND_HYPHEN_INFIXES = [
    rf"(?<=[{ALPHA}0-9])-(?=[{ALPHA}])",
    rf"(?<=[{ALPHA}])-(?=[0-9])",
]


def customize_tokenizer(tokenizer: Tokenizer) -> Tokenizer:
    """Add the finance rules to a German spaCy tokenizer in place and return it.

    Example: ``Infineon-Papiere fielen um 4 %`` tokenises as
    ``Infineon | - | Papiere | fielen | um | 4 | %``.
    """
    infixes = list(spacy.lang.de.German.Defaults.infixes) + COMPOUND_HYPHEN_INFIXES
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for abbreviation, norm in FINANCE_ABBREVIATIONS.items():
        tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation, NORM: norm}])
    for form in LEGAL_FORMS_BEFORE_PERIOD:
        tokenizer.add_special_case(f"{form}.", [{ORTH: form}, {ORTH: "."}])
    return tokenizer


@spacy.registry.tokenizers("finnews.GermanFinanceTokenizer.v1")
def create_german_finance_tokenizer() -> Callable[[Language], Tokenizer]:
    """Registered tokenizer for pipeline configs: ``@tokenizers = "finnews.GermanFinanceTokenizer.v1"``."""

    def make_tokenizer(nlp: Language) -> Tokenizer:
        base = spacy.blank("de").tokenizer
        tokenizer = Tokenizer(
            nlp.vocab,
            rules=base.rules,
            prefix_search=base.prefix_search,
            suffix_search=base.suffix_search,
            infix_finditer=base.infix_finditer,
            token_match=base.token_match,
            url_match=base.url_match,
        )
        return customize_tokenizer(tokenizer)

    return make_tokenizer
