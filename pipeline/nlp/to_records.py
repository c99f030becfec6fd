"""Turn an annotated spaCy ``Doc`` into a :class:`~pipeline.records.Document`.

This is the only place that reads the extensions documented in
:mod:`pipeline.nlp.extensions`; everything after the spaCy stage works on
records. Ids are assigned here, in text order, so they are stable between runs:
entities ``E1, E2, …`` (by first mention), figures ``F1, …``, quotes ``Q1, …``,
claims ``C1, …``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Optional

from spacy.tokens import Doc, Span

from pipeline.nlp.extensions import COMPOUND_NAMES_KEY, INSTITUTION_NOUNS_KEY, entity_mentions
from pipeline.records import Article, Claim, Document, Entity, EntityMention, Figure, Quote

FIGURE_KINDS = {"percent", "money"}
QUOTE_KINDS = {"direct", "indirect", "reported"}


def _cluster_key(span: Span) -> str:
    """The component's cluster id, or a fallback key from label and lower-cased text."""
    return span._.entity_id or f"{span.label_}:{span.text.lower()}"


def _offsets(span: Optional[Span]) -> tuple[Optional[int], Optional[int]]:
    return (span.start_char, span.end_char) if span is not None else (None, None)


def collect_entities(doc: Doc) -> tuple[list[EntityMention], list[Entity], dict[tuple[int, int], str]]:
    """Mentions and entity clusters (``doc.ents``, compound names and institution nouns), plus a map from (start_char, end_char) to entity id."""
    compound = {(s.start, s.end) for s in doc.spans.get(COMPOUND_NAMES_KEY, [])}
    institution = {(s.start, s.end) for s in doc.spans.get(INSTITUTION_NOUNS_KEY, [])}
    ids: dict[str, str] = {}
    mentions: list[EntityMention] = []
    grouped: dict[str, list[tuple[Span, EntityMention]]] = {}
    by_offsets: dict[tuple[int, int], str] = {}
    for span in entity_mentions(doc):
        key = _cluster_key(span)
        entity_id = ids.setdefault(key, f"E{len(ids) + 1}")
        mention = EntityMention(
            text=span.text,
            label=span.label_,
            start=span.start_char,
            end=span.end_char,
            entity_id=entity_id,
            source=span.kb_id_ or "",
            in_compound=(span.start, span.end) in compound,
            institution_noun=(span.start, span.end) in institution,
        )
        mentions.append(mention)
        grouped.setdefault(entity_id, []).append((span, mention))
        by_offsets[(span.start_char, span.end_char)] = entity_id
    entities = []
    for entity_id, members in grouped.items():
        spans = [s for s, _ in members]
        names = [s._.entity_name for s in spans if s._.entity_name]
        name = Counter(names).most_common(1)[0][0] if names else Counter(s.text for s in spans).most_common(1)[0][0]
        label = Counter(s.label_ for s in spans).most_common(1)[0][0]
        kinds = [s._.org_kind for s in spans if s._.org_kind]
        entities.append(Entity(entity_id=entity_id, name=name, label=label, mentions=[m for _, m in members],
                               org_kind=Counter(kinds).most_common(1)[0][0] if kinds and label == "ORG" else ""))
    return mentions, entities, by_offsets


def _entity_id_of(span: Optional[Span], by_offsets: dict[tuple[int, int], str]) -> str:
    if span is None:
        return ""
    found = by_offsets.get((span.start_char, span.end_char))
    if found:
        return found
    # A span that is not exactly an entity (e.g. a speaker "Vey-Sern Ling, Managing Director")
    # belongs to the entity it starts with.
    for (start, end), entity_id in by_offsets.items():
        if start <= span.start_char < end:
            return entity_id
    return ""


def _only(ids: Optional[set[str]]) -> str:
    return next(iter(ids)) if ids and len(ids) == 1 else ""


def collect_figures(doc: Doc, by_offsets: dict[tuple[int, int], str]) -> tuple[list[Figure], dict[tuple[int, int], str]]:
    figures: list[Figure] = []
    ids: dict[tuple[int, int], str] = {}
    spans = sorted(doc.spans.get("figures", []), key=lambda s: (s.start_char, s.end_char))
    for span in spans:
        info: dict[str, Any] = span._.figure or {}
        kind = span.label_ if span.label_ in FIGURE_KINDS else info.get("kind", "percent")
        about = [e for e in (_entity_id_of(a, by_offsets) for a in (span._.about or [])) if e]
        figure_id = f"F{len(figures) + 1}"
        figures.append(
            Figure(
                figure_id=figure_id,
                kind=kind,
                text=span.text,
                start=span.start_char,
                end=span.end_char,
                value=float(info.get("value", 0.0)),
                unit=str(info.get("unit", "%" if kind == "percent" else "")),
                direction=info.get("direction", "none") or "none",
                qualifier=info.get("qualifier", "") or "",
                value_to=info.get("value_to"),
                is_target=bool(info.get("is_target", False)),
                entity_ids=list(dict.fromkeys(about)),
            )
        )
        ids[(span.start_char, span.end_char)] = figure_id
    return figures, ids


def collect_quotes(doc: Doc, by_offsets: dict[tuple[int, int], str]) -> tuple[list[Quote], dict[tuple[int, int], str]]:
    quotes: list[Quote] = []
    ids: dict[tuple[int, int], str] = {}
    spans = sorted(doc.spans.get("quotes", []), key=lambda s: (s.start_char, s.end_char))
    # A speaker resolved to a name ("wie der Konzern mitteilte" -> Volkswagen, "sagte er" -> Martin
    # Huber) belongs to the entity of that name, unless two entities share it.
    by_name: dict[str, set[str]] = {}
    for ent in entity_mentions(doc):
        entity_id = by_offsets.get((ent.start_char, ent.end_char))
        for name in {ent._.entity_name, ent.text} - {None, ""}:
            if entity_id:
                by_name.setdefault(name, set()).add(entity_id)
    for span in spans:
        speaker: Optional[Span] = span._.speaker
        cue: Optional[Span] = span._.cue
        speaker_start, speaker_end = _offsets(speaker)
        cue_start, cue_end = _offsets(cue)
        quote_id = f"Q{len(quotes) + 1}"
        quotes.append(
            Quote(
                quote_id=quote_id,
                kind=span.label_ if span.label_ in QUOTE_KINDS else "direct",
                text=span.text,
                start=span.start_char,
                end=span.end_char,
                speaker=span._.speaker_name or (speaker.text if speaker is not None else ""),
                speaker_mention=speaker.text if speaker is not None else "",
                speaker_start=speaker_start,
                speaker_end=speaker_end,
                speaker_entity_id=_entity_id_of(speaker, by_offsets) or _only(by_name.get(span._.speaker_name or "")),
                speaker_role=span._.speaker_role or "",
                cue=cue.text if cue is not None else "",
                cue_start=cue_start,
                cue_end=cue_end,
            )
        )
        ids[(span.start_char, span.end_char)] = quote_id
    return quotes, ids


def collect_claims(
    doc: Doc,
    by_offsets: dict[tuple[int, int], str],
    figure_ids: dict[tuple[int, int], str],
    quote_ids: dict[tuple[int, int], str],
) -> list[Claim]:
    from pipeline.nlp.claims import iter_claims

    claims: list[Claim] = []
    # iter_claims, not span._: extension values are keyed by offsets, and claims
    # about two companies in one sentence share their offsets.
    found = sorted(iter_claims(doc), key=lambda c: (c.span.start_char, c.span.end_char,
                                                    c.target.start_char if c.target is not None else -1))
    for span, target, figure_spans, quote, role, move in found:
        if target is None:
            continue
        entity_id = _entity_id_of(target, by_offsets)
        if not entity_id:
            continue
        figures = [figure_ids[(f.start_char, f.end_char)] for f in figure_spans if (f.start_char, f.end_char) in figure_ids]
        claims.append(
            Claim(
                claim_id=f"C{len(claims) + 1}",
                entity_id=entity_id,
                entity=target.text,
                sentence=span.text,
                start=span.start_char,
                end=span.end_char,
                target_start=target.start_char,
                target_end=target.end_char,
                figure_ids=figures,
                quote_id=quote_ids.get((quote.start_char, quote.end_char), "") if quote is not None else "",
                role=role,
                move=move,
            )
        )
    return claims


def doc_to_document(doc: Doc, article: Article) -> Document:
    """Build the :class:`Document` for ``article`` from its annotated ``doc``.

    Args:
        doc: the spaCy ``Doc`` of ``article.text`` after the whole pipeline ran.
        article: the ingested article.

    Returns:
        A :class:`Document` with mentions, entity clusters, figures, quotes and
        claims (sentiment and links are filled by later stages).
    """
    if doc.text != article.text:
        raise ValueError(f"doc text differs from the text of article {article.article_id}")
    mentions, entities, by_offsets = collect_entities(doc)
    figures, figure_ids = collect_figures(doc, by_offsets)
    quotes, quote_ids = collect_quotes(doc, by_offsets)
    claims = collect_claims(doc, by_offsets, figure_ids, quote_ids)
    names = {e.entity_id: e.name for e in entities}
    for claim in claims:
        claim.entity = names.get(claim.entity_id, claim.entity)
    return Document(article=article, mentions=mentions, entities=entities, figures=figures, quotes=quotes, claims=claims)
