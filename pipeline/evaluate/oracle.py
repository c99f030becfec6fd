"""Oracle entities for ``finnews evaluate --gold-entities``: the gold mentions in place of NER.

End to end, a figure tied to a company the entity recogniser missed counts
against the figures. With ``--gold-entities`` the components that find
entities (the NER model, ``finnews_companies``, ``finnews_entity_clusters``;
see :func:`entity_components`) are switched off and the component
``finnews_gold_entities`` (:class:`GoldEntitySetter`), inserted right after
them, sets ``doc.ents`` from the gold entity mentions of the document with the
same text. Everything after it (quotes, figures, claims, and in the full
pipeline sentiment and linking) runs as usual and is scored as usual, so the
scores measure those stages on their own.

Each gold mention becomes an entity span with its gold label, ``kb_id`` ``gold``,
``span._.entity_name`` its canonical gold ``name`` (``Nvidias`` → ``Nvidia``) and
``span._.entity_id`` one id per gold name (``g1``, ``g2``, … in order of first
mention), so all mentions of one gold entity form one cluster; a gold ``ORG``
gets ``span._.org_kind`` ``company`` when it has an ISIN or ``unlisted``, else
``other`` (EZB, a union), so figures and claims treat it as the pipeline would.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.evaluate.gold import GoldDocument, GoldEntity
from pipeline.nlp.extensions import register_extensions

log = logging.getLogger(__name__)

register_extensions()

COMPONENT = "finnews_gold_entities"
# What an entity component writes; a component declaring any of these is switched off.
ENTITY_ASSIGNS = ("doc.ents", "token.ent_iob", "token.ent_type", "span._.entity_id", "span._.entity_name", "span._.org_kind")
# Components that read entities; without entity components the oracle goes before the first of them.
ENTITY_READERS = ("finnews_quotes", "finnews_figures", "finnews_claims")
# Components that only bring doc.ents to the NER convention (names inside compound words and
# common nouns for public bodies out, currencies in) and change no finnews mention: they stay on,
# so that such gold mentions are marked as in a normal run.
NER_CONVENTION_COMPONENTS = ("finnews_compound_names", "finnews_institution_nouns", "finnews_currency_names")


@dataclass
class GoldMention:
    """One gold mention placed on a ``Doc``: token span, label and cluster."""

    start: int
    end: int
    label: str
    name: str
    entity_id: str
    org_kind: str = ""  # ORG: "company" with an ISIN or "unlisted", "other" with isin null (EZB, a union)


class GoldEntitySetter:
    """spaCy component ``finnews_gold_entities``: ``doc.ents`` from a gold lookup by text.

    The lookup is filled with :meth:`set_gold`; a document whose text is not in
    it gets no entities (and a warning at the end, see :attr:`unknown_texts`).
    """

    def __init__(self, nlp: Language, name: str = COMPONENT, *, kb_id: str = "gold", id_prefix: str = "g"):
        self.nlp = nlp
        self.name = name
        self.kb_id = kb_id
        self.id_prefix = id_prefix
        self.lookup: dict[str, list[GoldEntity]] = {}
        self.unknown_texts = 0

    def set_gold(self, golds: Iterable[GoldDocument]) -> int:
        """Remember the gold entity mentions of ``golds``, keyed by their text.

        Args:
            golds: gold documents; those without an entities layer are left out.

        Returns:
            The number of texts with gold entities.
        """
        self.lookup = {}
        for gold in golds:
            if gold.entities is None:
                continue
            known = self.lookup.get(gold.text)
            if known is not None and known != gold.entities:
                log.warning("gold documents with the same text have different entities; %s is used", gold.id)
            self.lookup[gold.text] = list(gold.entities)
        return len(self.lookup)

    def match(self, doc: Doc) -> list[GoldMention]:
        """Place the gold mentions of ``doc.text`` on its tokens.

        A mention that does not fall on token boundaries is widened to them; of
        overlapping mentions the longest is kept (as :func:`spacy.util.filter_spans`).

        Args:
            doc: the document.

        Returns:
            The mentions, in text order.
        """
        entities = self.lookup.get(doc.text)
        if entities is None:
            self.unknown_texts += 1
            return []
        ids: dict[str, str] = {}
        spans: list[Span] = []
        clusters: dict[tuple[int, int], tuple[str, str, str]] = {}
        for ent in sorted(entities, key=lambda e: (e.start, -e.end)):
            span = doc.char_span(ent.start, ent.end, label=ent.label, alignment_mode="expand")
            if span is None or len(span) == 0:
                log.warning("gold mention %r at %d-%d lies on no token", ent.text, ent.start, ent.end)
                continue
            name = ent.name or ent.text
            entity_id = ids.setdefault(name, f"{self.id_prefix}{len(ids) + 1}")
            spans.append(span)
            kind = ("company" if ent.isin is not None else "other") if ent.label == "ORG" else ""
            clusters.setdefault((span.start, span.end), (name, entity_id, kind))
        return [GoldMention(s.start, s.end, s.label_, *clusters[(s.start, s.end)]) for s in filter_spans(spans)]

    def set_annotations(self, doc: Doc, mentions: list[GoldMention]) -> None:
        """Replace ``doc.ents`` by the gold mentions and set their name and cluster id."""
        doc.ents = [Span(doc, m.start, m.end, label=m.label, kb_id=self.kb_id) for m in mentions]
        for span, mention in zip(doc.ents, mentions):
            span._.entity_name = mention.name
            span._.entity_id = mention.entity_id
            span._.org_kind = mention.org_kind

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory(
    COMPONENT,
    default_config={"kb_id": "gold", "id_prefix": "g"},
    assigns=["doc.ents", "span._.entity_id", "span._.entity_name", "span._.org_kind"],
)
def make_gold_entity_setter(nlp: Language, name: str, kb_id: str, id_prefix: str) -> GoldEntitySetter:
    """Factory of :class:`GoldEntitySetter` (``kb_id`` of the spans; cluster ids ``<id_prefix>1``, …)."""
    return GoldEntitySetter(nlp, name, kb_id=kb_id, id_prefix=id_prefix)


def entity_components(nlp: Language, names: Iterable[str] = ()) -> list[str]:
    """Return the components of ``nlp`` that find or cluster entities, in pipeline order.

    A component counts when its name or factory is in ``names`` or its factory
    declares that it assigns entities (:data:`ENTITY_ASSIGNS`, e.g. spaCy's
    ``ner`` and ``entity_ruler``, ``finnews_companies``).

    Args:
        nlp: the pipeline.
        names: component or factory names to count as well (``evaluate.gold_entity_components``).

    Returns:
        Component names.
    """
    wanted = set(names)
    found = []
    for name in nlp.component_names:
        meta = nlp.get_pipe_meta(name)
        if name == COMPONENT or meta.factory in NER_CONVENTION_COMPONENTS:
            continue
        if name in wanted or meta.factory in wanted or any(a in ENTITY_ASSIGNS for a in meta.assigns):
            found.append(name)
    return found


def use_gold_entities(nlp: Language, golds: Iterable[GoldDocument], names: Iterable[str] = ()) -> GoldEntitySetter:
    """Switch ``nlp`` to the gold entities of ``golds`` (changes ``nlp`` in place).

    The entity components (:func:`entity_components`) are disabled and
    ``finnews_gold_entities`` is added right after the last of them; without
    any, before the first component that reads entities (:data:`ENTITY_READERS`),
    else at the end.

    Args:
        nlp: a pipeline built by :func:`pipeline.nlp.build_nlp`.
        golds: the gold documents whose texts will be processed.
        names: extra component or factory names to switch off.

    Returns:
        The added component, with its lookup filled.
    """
    skipped = entity_components(nlp, names)
    if COMPONENT in nlp.component_names:
        setter = nlp.get_pipe(COMPONENT)
    else:
        order = nlp.component_names
        readers = [n for n in order if n in ENTITY_READERS]
        if skipped:
            place = {"after": max(skipped, key=order.index)}
        elif readers:
            place = {"before": readers[0]}
        else:
            place = {"last": True}
        setter = nlp.add_pipe(COMPONENT, **place)
    for name in skipped:
        if name not in nlp.disabled:
            nlp.disable_pipe(name)
    texts = setter.set_gold(golds)
    log.info("gold entities for %d texts in place of %s", texts, ", ".join(skipped) or "no entity component")
    return setter


def report_unknown(setter: Optional[GoldEntitySetter]) -> None:
    """Warn when documents were processed for which the oracle had no gold entities."""
    if setter is not None and setter.unknown_texts:
        log.warning("%d documents had no gold entity annotations and got no entities", setter.unknown_texts)
