"""Common nouns for public bodies out of ``doc.ents`` (component ``finnews_institution_nouns``).

German news names the government, a ministry or the prosecutors by a common noun:
``die Bundesregierung``, ``das Wirtschaftsministerium``, ``die Staatsanwaltschaft``,
``die Polizei``. finnews keeps them as organisation mentions (they are sources of
quotes and claims, and its gold annotates them), but they are no named entities by
the convention of GermEval 2014, whose labels the NER follows: there
``Bundesregierung`` (13 of 13 in its dev and test files), ``Landesregierung`` (5 of 5),
``Staatsanwaltschaft`` (4 of 4) and ``Polizei`` are ``O``, and ``EU-Kommission`` is
``ORGpart`` (also ``O`` to the evaluation).

So this component, at the end of the spaCy stage, moves such organisations out of
``doc.ents`` into ``doc.spans["institution_nouns"]``, as
:mod:`pipeline.nlp.compound_names` does for names inside compound words. The
components before it read them as entities; the records read both
(:func:`pipeline.nlp.extensions.entity_mentions`) and mark each such mention
``institution_noun``.

An ``ORG`` span is such a noun when its last word ends in one of the configured heads
(``regierung``, ``ministerium``, ``staatsanwaltschaft``, ``finanzamt``, …; inflected forms count:
``des Wirtschaftsministeriums``, ``des Senats``) and the words before it are

* none: ``Bundesregierung``, ``Verteidigungsministerium``;
* a name joined by a hyphen: ``EU-Kommission``, ``US-Regierung``;
* a place adjective: ``die Hamburger Mordkommission``, ``des Bremer Senats``.

Not a name with other words: ``Europäische Kommission``, ``Bundesministerium der
Finanzen``, ``Staatsanwaltschaft München`` stay in ``doc.ents``.
"""

from __future__ import annotations

from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.compound_names import HYPHENS
from pipeline.nlp.extensions import INSTITUTION_NOUNS_KEY

DEFAULT_HEADS = ("regierung", "ministerium", "staatsanwaltschaft", "senat", "polizei", "feuerwehr",
                 "kommission", "gemeinderat", "stadtrat", "amtsgericht", "landgericht", "verwaltungsgericht",
                 # local offices: "des Sozialamtes", "des Finsterwalder Finanzamtes" (not "Bundesamt für …": a name)
                 "finanzamt", "sozialamt", "jugendamt", "ordnungsamt", "gesundheitsamt", "landratsamt", "arbeitsamt")
# Inflection endings a head may carry: "Ministeriums", "Senates", "Regierungen".
INFLECTIONS = ("", "s", "es", "en", "n")


def _place_adjective(word: str) -> bool:
    """A capitalised place adjective in ``-er``: ``Hamburger``, ``Bremer``, ``Berliner``."""
    return word[:1].isupper() and word.isalpha() and word.endswith("er") and len(word) > 4


class InstitutionNouns:
    """spaCy component ``finnews_institution_nouns``: see the module docstring."""

    def __init__(self, heads: Iterable[str] = DEFAULT_HEADS, name: str = "finnews_institution_nouns",
                 spans_key: str = INSTITUTION_NOUNS_KEY) -> None:
        self.name = name
        self.spans_key = spans_key
        self.endings = tuple(head.casefold() + ending for head in heads for ending in INFLECTIONS)

    def is_institution_noun(self, span: Span) -> bool:
        """Whether an ``ORG`` span is a common noun for a public body (module docstring).

        Examples: ``Bundesregierung``, ``EU-Kommission``, ``Hamburger Mordkommission``; not
        ``Europäische Kommission`` or ``Senator``.
        """
        last = span[-1]
        if span.label_ != "ORG" or not last.is_alpha or last.is_upper or not last.lower_.endswith(self.endings):
            return False
        before = span[:-1]
        if len(before) == 0:
            return last.text[:1].isupper()
        if len(before) == 2 and before[1].text in HYPHENS and not before[0].whitespace_ and not before[1].whitespace_:
            return True  # "EU-Kommission": a name joined to the noun
        return len(before) == 1 and _place_adjective(before[0].text)

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        nouns = [ent for ent in ents if self.is_institution_noun(ent)]
        # The moved spans keep their extensions (entity id, name, org kind): spaCy keys them by offsets.
        doc.spans[self.spans_key] = nouns
        if nouns:
            moved = {(n.start, n.end) for n in nouns}
            doc.ents = [ent for ent in ents if (ent.start, ent.end) not in moved]
        return doc


@Language.factory("finnews_institution_nouns",
                  default_config={"heads": list(DEFAULT_HEADS), "spans_key": INSTITUTION_NOUNS_KEY},
                  assigns=["doc.ents", "doc.spans"], requires=["doc.ents"])
def make_institution_nouns(nlp: Language, name: str, heads: list[str], spans_key: str) -> InstitutionNouns:
    """Build the component (config: ``heads``, the noun endings; ``spans_key``, the span group)."""
    return InstitutionNouns(heads=heads, name=name, spans_key=spans_key)
