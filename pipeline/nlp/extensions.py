"""The ``Doc``/``Span`` extensions that finnews components write and the exports read.

Registered once, idempotently, when :mod:`pipeline.nlp` is imported.

Contract (who writes what):

* ``doc.ents``: ORG, PER, LOC, MISC and INDEX spans (NER model + company ruler).
  ``span._.entity_id``: the in-article cluster id shared by all mentions of one
  entity (``Nvidia``, ``Nvidias``, ``NVIDIA Corp.``); ``span._.entity_name``:
  the cluster's canonical name; ``span._.link_candidates``: gazetteer ISINs
  with scores, consumed by :mod:`pipeline.link`. ``span._.org_kind`` (``ORG``
  spans only, else ``""``): ``company``, ``public_body`` (EZB, Bundeswehr, a
  ministry) or ``other`` (a union, association, party, university), from the
  gazetteer and the ``organisation_kinds`` lexicon (:mod:`pipeline.org_kinds`);
  figures are about companies and indices only.
* ``doc.spans["compound_names"]``: names inside compound words (``VW`` in
  ``VW-Chef``), moved out of ``doc.ents`` by the last component
  (:mod:`pipeline.nlp.compound_names`), with the same extensions;
  :func:`entity_mentions` gives both in text order.
* ``doc.spans["institution_nouns"]``: common nouns for public bodies
  (``Bundesregierung``, ``EU-Kommission``), moved out of ``doc.ents`` the same way
  (:mod:`pipeline.nlp.institution_nouns`); :func:`entity_mentions` keeps them.
* ``doc.spans["currency_names"]``: currencies the last component adds to
  ``doc.ents`` as ``MISC`` (``48 Euro``: GermEval's convention,
  :mod:`pipeline.nlp.currency_names`); :func:`entity_mentions` leaves them out.
* ``doc.spans["figures"]``: one span per percentage or money amount, label
  ``percent`` or ``money``; ``span._.figure`` holds a dict with ``value``,
  ``unit``, ``direction``, ``qualifier``, ``value_to``, ``is_target``;
  ``span._.about`` is a list of entity spans the figure is about.
* ``doc.spans["quotes"]``: one span per quotation, label ``direct``,
  ``indirect`` or ``reported``; ``span._.speaker`` (a span or ``None``),
  ``span._.speaker_name`` (resolved name, e.g. a pronoun replaced),
  ``span._.speaker_role``, ``span._.cue`` (a span or ``None``).
* ``doc.spans["claims"]``: one span per (entity, sentence) claim text;
  ``span._.target`` is the entity span, ``span._.figures`` the figure spans
  about that entity in it, ``span._.quote`` the quote span it sits in.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

COMPOUND_NAMES_KEY = "compound_names"
CURRENCY_NAMES_KEY = "currency_names"
INSTITUTION_NOUNS_KEY = "institution_nouns"

SPAN_EXTENSIONS = {
    "entity_id": "",
    "entity_name": "",
    "link_candidates": None,
    "org_kind": "",
    "figure": None,
    "about": None,
    "speaker": None,
    "speaker_name": "",
    "speaker_role": "",
    "cue": None,
    "target": None,
    "figures": None,
    "quote": None,
}
DOC_EXTENSIONS = {"article_id": ""}


def register_extensions() -> None:
    """Register every finnews extension (safe to call repeatedly)."""
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def entity_mentions(doc: Doc) -> list[Span]:
    """The entity mentions finnews reports, in text order: ``doc.ents``, the names inside
    compound words and the common nouns for public bodies, without the currency names (units
    of money figures to finnews)."""
    currencies = {(s.start, s.end) for s in doc.spans.get(CURRENCY_NAMES_KEY, [])}
    ents = [e for e in doc.ents if (e.start, e.end) not in currencies]
    moved = [*doc.spans.get(COMPOUND_NAMES_KEY, []), *doc.spans.get(INSTITUTION_NOUNS_KEY, [])]
    return sorted([*ents, *moved], key=lambda s: (s.start, s.end))

