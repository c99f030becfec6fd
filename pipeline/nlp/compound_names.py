"""Names inside compound words (component ``finnews_compound_names``).

German writes a company and what is said of it as one word: ``VW-Chef``,
``Siemens-Energy-Aktie``, ``Facebook- und Twitter-Einträge``. finnews needs those
names (the share of VW fell, not "the share"), and the entity components find
them. But they are not named entities in the NER sense: GermEval 2014 tags the
whole word ``VW-Chef`` as ``ORGpart``, which the NER evaluation maps to ``O``
(as in CoNLL, a compound is one token there and cannot hold a name).

So this component, at the end of the spaCy stage, moves such names out of
``doc.ents`` into the span group ``doc.spans["compound_names"]``. The components
before it (figures, quotes, claims) read them as entities; the records read both
(:func:`pipeline.nlp.extensions.entity_mentions`), and each such mention is marked
``in_compound``. A spaCy user gets ``doc.ents`` by the usual NER convention and the
compound names beside it.

A name is inside a compound word when a hyphen is glued to it and joins it to a
word that is no name of its own:

* before the hyphen: ``VW-Chef``, ``Ex-VW-Chef``, ``Coca-Cola-Aktie``;
* elided, before ``und``/``oder``: ``Facebook- und Twitter-Einträge``;
* after it: ``Anti-Apple`` (``Ex-`` + name + ``-`` + word is covered above).

Not ``Berlin-Hannover`` or ``Daimler-Chrysler`` where both sides are entities (a
pair of names), and not a name with the hyphen inside it (``Mercedes-Benz``).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.extensions import COMPOUND_NAMES_KEY

HYPHENS = {"-", "‐", "‑"}  # hyphen-minus, hyphen, non-breaking hyphen (not dashes: "SMI – Nestlé")
ELISION_JOINERS = {"und", "oder", "sowie", "bzw."}


def _is_glued_hyphen(token: Token) -> bool:
    return token.text in HYPHENS


def is_compound_part(span: Span, entity_tokens: set[int]) -> bool:
    """Whether ``span`` is a name inside a hyphenated compound word.

    Examples: ``VW`` in ``Die VW-Aktie fiel``, ``Facebook`` in ``Facebook- und
    Twitter-Einträge``; not ``Berlin`` in ``Berlin-Hannover`` (both are names).

    Args:
        span: an entity span of the doc.
        entity_tokens: indices of the tokens in any entity of the doc (a word among them is a name).
    """
    doc = span.doc
    if span.text[-1] in HYPHENS and span.end < len(doc) and doc[span.end].lower_ in ELISION_JOINERS:
        return True  # the tokenizer kept the hyphen on the name: "Facebook-" + "und"
    if span.end + 1 < len(doc) and not span[-1].whitespace_ and _is_glued_hyphen(doc[span.end]):
        after = doc[span.end + 1]
        if not doc[span.end].whitespace_:
            # "VW-Chef": the next word is the head of the compound, unless it is a name itself.
            return after.is_alpha and after.i not in entity_tokens
        # "Facebook- und Twitter-Einträge": the head is elided.
        return after.lower_ in ELISION_JOINERS
    if span.start >= 2 and _is_glued_hyphen(doc[span.start - 1]):
        before = doc[span.start - 2]
        if not before.whitespace_ and not doc[span.start - 1].whitespace_:
            return before.is_alpha and before.i not in entity_tokens
    return False


class CompoundNames:
    """spaCy component ``finnews_compound_names``: see the module docstring."""

    def __init__(self, name: str = "finnews_compound_names", spans_key: str = COMPOUND_NAMES_KEY) -> None:
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        entity_tokens = {i for ent in ents for i in range(ent.start, ent.end)}
        parts = [ent for ent in ents if is_compound_part(ent, entity_tokens)]
        # The moved spans keep their extensions (entity id, name, org kind): spaCy keys them by offsets.
        doc.spans[self.spans_key] = parts
        if parts:
            moved = {(p.start, p.end) for p in parts}
            doc.ents = [ent for ent in ents if (ent.start, ent.end) not in moved]
        return doc


@Language.factory("finnews_compound_names", default_config={"spans_key": COMPOUND_NAMES_KEY},
                  assigns=["doc.ents", "doc.spans"], requires=["doc.ents"])
def make_compound_names(nlp: Language, name: str, spans_key: str) -> CompoundNames:
    """Build the component (config: ``spans_key``, the span group for the moved names)."""
    return CompoundNames(name=name, spans_key=spans_key)
