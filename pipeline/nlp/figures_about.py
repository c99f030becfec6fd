"""What a figure is about: the company or index a percentage or amount describes.

Rules, tried in order for each figure (candidates are ``doc.ents`` with the
configured labels, minus sources and analyst houses):

1. **Brackets after a name**: ``Aixtron (-6,3 %)``, ``Nvidia (gut 3,2 Bill.
   Dollar)`` -> the name right before the bracket.
2. **Price targets** name their company with ``für``: ``hob das Kursziel für
   SAP auf 280 Euro`` -> SAP, even when the bank comes first.
3. **Relative clauses** are about their antecedent: ``Apple, dessen Aktien
   ... um etwas mehr als ein Prozent nachgaben`` and ``Microsoft, für dessen
   Papiere sich ein Minus von 3,5 % abzeichnete`` -> Apple, Microsoft.
4. **The nearest name before the figure in its clause**, skipping names
   inside other relative clauses and brackets, and names that only place the
   event (``Im Dax fielen Infineon und Siemens ...``: not Dax): ``Nvidia etwa
   sackten im vorbörslichen US-Handel um 7,5 % ab`` -> Nvidia; ``Für den
   Index Nasdaq 100 zeichneten sich Verluste von drei Prozent ab`` -> Nasdaq 100.
5. The nearest name after it in its clause (``Um 5 % legten die Papiere von
   BASF zu``), then the same two searches over the whole sentence.
6. **Coordination**: a chosen name brings the names coordinated with it by
   ``,``/``und``/``sowie``: ``Im Dax fielen Infineon und Siemens jeweils um
   mehr als 4 %`` -> Infineon and Siemens (one export row each).
7. **Carry-over**: a sentence without any name whose subject is a pronoun or
   ``die Aktie`` takes the company of the sentence before, in the same
   paragraph: ``Einer der größten Leidtragenden war Siemens Energy, die ...
   abstürzten. Seit Ende 2023 hatten sie sich gut verfünffacht.``
8. Otherwise the figure is about nothing (``Die Inflation lag bei 2 %``).

Sources and analyst houses are never what a figure is about: ``laut
Bloomberg``, ``JPMorgan zufolge``, ``Alexander Virgo von der Bank of
America``, ``Analysten von Goldman Sachs``.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from spacy.tokens import Doc, Span

from pipeline.nlp.figures_clauses import SentenceLayout, new_paragraph_between
from pipeline.nlp.figures_lexicon import DocIndex, FiguresLexicon

Pair = tuple[int, int]
COMPOUND_PARTS = {"-", "‑"}
MAX_ANTECEDENT_GAP = 3


def is_source(doc: Doc, ent: Span, idx: DocIndex, lex: FiguresLexicon, person_ends: set[int]) -> bool:
    """Whether ``ent`` is a source or an analyst's employer rather than a subject.

    ``laut Bloomberg``, ``Reuters zufolge``, ``Alexander Virgo von der Bank of
    America``, ``Stacy Rasgon von Analysehaus Bernstein``, ``Analysten der
    UBS``, ``JPMorgan-Analyst``.

    Args:
        doc: the document.
        ent: a candidate entity span.
        idx: lexicon matches over ``doc``.
        lex: the lexicon.
        person_ends: end token indices of PER mentions.

    Returns:
        ``True`` for a source or issuer.
    """
    if idx.source_before.ending_at(ent.start) or idx.source_after.starting_at(ent.end):
        return True
    if ent.end + 1 < len(doc) and doc[ent.end].text in COMPOUND_PARTS and doc[ent.end + 1].lower_ in lex.analyst_words:
        return True
    # Skip a descriptor or two between the preposition and the name ("von Analysehaus Bernstein").
    k = ent.start
    for _ in range(3):
        prep = idx.issuer_prepositions.ending_at(k)
        if prep:
            before = prep[0] - 1
            if before >= 0 and (before + 1 in person_ends or doc[before].lower_ in lex.analyst_words):
                return True
            return False
        if k - 1 < 0 or not doc[k - 1].is_alpha or not doc[k - 1].text[:1].isupper():
            return False
        k -= 1
    return False


def after_issuer_preposition(doc: Doc, ent: Span, idx: DocIndex) -> bool:
    """Whether ``ent`` follows a bank preposition (``von``, ``vom``, ``von der``, ``der``), perhaps with a descriptor
    in between (``von der Bank of America``, ``von Analysehaus Bernstein``)."""
    k = ent.start
    for _ in range(2):
        if idx.bank_prepositions.ending_at(k):
            return True
        if k - 1 < 0 or not doc[k - 1].is_alpha or not doc[k - 1].text[:1].isupper():
            return False
        k -= 1
    return False


def is_index_modifier(doc: Doc, ent: Span, lex: FiguresLexicon) -> bool:
    """Whether an index name only modifies a company noun: ``wie der Dax-Konzern mitteilte``."""
    if ent.label_ != "INDEX" or ent.end + 1 >= len(doc):
        return False
    hyphen, head = doc[ent.end], doc[ent.end + 1]
    return hyphen.text in COMPOUND_PARTS and not doc[ent.end - 1].whitespace_ and head.lower_ in lex.index_modifier_heads


def is_frame(doc: Doc, ent: Span, idx: DocIndex, lex: FiguresLexicon, ent_tokens: set[int]) -> bool:
    """Whether ``ent`` only says where something happened: ``Im Dax``, ``an der Nasdaq``,
    ``im deutschen Leitindex Dax`` (an index a few words after ``im``)."""
    if idx.frame_prepositions.ending_at(ent.start):
        return True
    if ent.label_ != "INDEX":
        return False
    for j in range(ent.start - 1, max(ent.start - 5, -1), -1):
        token = doc[j]
        if j in ent_tokens or token.is_punct or idx.direction_verbs.ending_at(j + 1):
            return False
        if idx.frame_prepositions.ending_at(j):
            return True
    return False


class _Context:
    """Per-document state shared by the rules."""

    def __init__(self, doc: Doc, candidates: list[Span], idx: DocIndex, lex: FiguresLexicon):
        self.doc = doc
        self.idx = idx
        self.lex = lex
        self.candidates = sorted(candidates, key=lambda e: e.start)
        ent_tokens = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        self.ent_tokens = ent_tokens
        self.frames = {(e.start, e.end) for e in candidates if is_frame(doc, e, idx, lex, ent_tokens)}

    def in_range(self, start: int, end: int) -> list[Span]:
        return [e for e in self.candidates if start <= e.start and e.end <= end]

    def group(self, ent: Span, pool: Sequence[Span]) -> list[Pair]:
        """``ent`` and the names coordinated with it: ``Infineon und Siemens``, ``A, B sowie C``."""
        ordered = sorted(pool, key=lambda e: e.start)
        position = next(i for i, e in enumerate(ordered) if (e.start, e.end) == (ent.start, ent.end))
        members = [ent]
        for step in (-1, 1):
            i = position
            while 0 <= i + step < len(ordered):
                a, b = (ordered[i + step], ordered[i]) if step < 0 else (ordered[i], ordered[i + step])
                gap = range(a.end, b.start)
                if not gap or not all(self.doc[k].lower_ in self.lex.coordinators for k in gap):
                    break
                members.append(ordered[i + step])
                i += step
        return [(e.start, e.end) for e in sorted(members, key=lambda e: e.start)]

    def named_before(self, k: int) -> Optional[Span]:
        """The candidate ending at most ``MAX_ANTECEDENT_GAP`` tokens before ``k``, with only
        compound parts in between (``Apple, dessen``; ``SAP-Aktie, die``)."""
        best = None
        for ent in self.candidates:
            if ent.end <= k and k - ent.end <= MAX_ANTECEDENT_GAP:
                gap = self.doc[ent.end:k]
                if all(t.text in COMPOUND_PARTS or (t.is_alpha and t.text[:1].isupper()) for t in gap):
                    best = ent
        return best


def _pick(ctx: _Context, pool: list[Span], figure, layout: SentenceLayout, before: bool) -> Optional[Span]:
    """The nearest usable name before (or after) the figure in ``pool``; place names last."""
    relative = layout.relative_of(figure.start)
    paren = layout.paren_of(figure.start)
    start = figure.qualifier_start if figure.qualifier_start >= 0 else figure.start

    def usable(ent: Span) -> bool:
        other_relative = layout.relative_of(ent.start)
        if other_relative is not None and other_relative != relative:
            return False
        other_paren = layout.paren_of(ent.start)
        if other_paren is not None and other_paren != paren:
            return False
        return True

    if before:
        ordered = sorted((e for e in pool if e.end <= start), key=lambda e: -e.end)
    else:
        ordered = sorted((e for e in pool if e.start >= figure.end), key=lambda e: e.start)
    ordered = [e for e in ordered if usable(e)]
    for allow_frames in (False, True):
        for ent in ordered:
            if allow_frames or (ent.start, ent.end) not in ctx.frames:
                return ent
    return None


def _anaphor_class(ctx: _Context, figure, layout: SentenceLayout, ent_tokens: set[int]) -> str:
    """What a sentence without names refers to: ``"index"``, ``"company"``, ``"pronoun"`` or ``""``.

    The noun nearest before the figure in its clause decides, else the nearest
    in the sentence: ``Der deutsche Leitindex schloss 0,8 % höher`` ->
    index; ``Das Ergebnis des Konzerns brach um 31 % ein`` -> company.
    """
    doc, lex = ctx.doc, ctx.lex
    clause_start, clause_end = layout.clause_of(figure.start)
    found: list[tuple[int, str]] = []
    for token in doc[layout.start:layout.end]:
        if token.i in ent_tokens or figure.start <= token.i < figure.end:
            continue
        if token.text[:1].isupper() and token.is_alpha or "-" in token.text:
            cls = lex.noun_class(token.text)
            if cls == "metric":
                cls = "company"
            if cls in {"company", "index"}:
                found.append((token.i, cls))
        elif token.lower_ in lex.pronouns:
            found.append((token.i, "pronoun"))
    if not found:
        return ""
    before = [f for f in found if clause_start <= f[0] < figure.start]
    if before:
        return before[-1][1]
    return min(found, key=lambda f: abs(f[0] - figure.start))[1]


def _is_macro(ctx: _Context, figure, layout: SentenceLayout, ent_tokens: set[int]) -> bool:
    """Whether the figure's clause measures macro data and names no company word:
    ``Der für die Märkte maßgebliche Zins sinkt um 0,25 Prozentpunkte, wie die EZB mitteilte``."""
    clause_start, clause_end = layout.clause_of(figure.start)
    classes = {
        ctx.lex.noun_class(t.text) for t in ctx.doc[clause_start:clause_end]
        if t.i not in ent_tokens and t.text[:1].isupper()
    }
    return "macro" in classes and not classes & {"company", "metric", "index"}


def about_figure(ctx: _Context, figure, layout: SentenceLayout) -> Optional[list[Pair]]:
    """The entity mentions (token pairs) ``figure`` is about, from its own sentence (rules 1-6).

    Returns ``None`` when the sentence names nothing the figure can be about
    and the caller should try the discourse topic (rule 7); ``[]`` when the
    figure is about nothing (macro data).
    """
    doc, idx = ctx.doc, ctx.idx
    sentence = ctx.in_range(layout.start, layout.end)
    paren = layout.paren_of(figure.start)
    if paren is not None and sentence:
        owner = ctx.named_before(paren[0])
        if owner is not None:
            return [(owner.start, owner.end)]
    if _is_macro(ctx, figure, layout, ctx.ent_tokens):
        return []
    clause_start, clause_end = layout.clause_of(figure.start)
    clause = [e for e in sentence if clause_start <= e.start < clause_end]
    if figure.is_target:
        for ent in clause or sentence:
            k = ent.start
            # "für SAP", "für die Aktie von SAP", "für die SAP-Aktie"
            for _ in range(4):
                if idx.target_entity_prepositions.ending_at(k):
                    return ctx.group(ent, sentence)
                if k - 1 < layout.start or doc[k - 1].is_punct and doc[k - 1].text not in COMPOUND_PARTS:
                    break
                k -= 1
        # Without a "für", the bank is the name after "von (der)" or before a rating verb: "dass
        # Alexander Virgo von der Bank of America ein Ziel von 80 Euro nannte", "Die UBS bestätigte
        # ihre Kaufempfehlung mit einem Ziel von 300 Euro" are about the company named elsewhere.
        not_banks = [e for e in clause if not after_issuer_preposition(doc, e, idx) and not before_rating_verb(ctx, e)]
        for before in (True, False):
            ent = _pick(ctx, not_banks, figure, layout, before)
            if ent is not None:
                return ctx.group(ent, sentence)
        return None
    relative = layout.relative_of(figure.start)
    if relative is not None:
        antecedent = ctx.named_before(relative[0])
        if antecedent is not None:
            return ctx.group(antecedent, sentence)
    segment_start, segment_end = layout.segment_of(figure.qualifier_start)
    segment = [e for e in clause if segment_start <= e.start < segment_end]
    for pool, before in ((clause, True), (segment, False), (sentence, True)):
        ent = _pick(ctx, pool, figure, layout, before)
        if ent is not None:
            return ctx.group(ent, sentence)
    return None


def before_rating_verb(ctx: _Context, ent: Span) -> bool:
    """Whether a rating verb follows ``ent`` closely: ``Die UBS bestätigte ...``, ``JPMorgan hebt ...``."""
    for token in ctx.doc[ent.end:ent.end + 2]:
        if token.lower_ in ctx.lex.rating_verbs:
            return True
    return False


class _Topics:
    """The discourse state for rule 7: what a sentence without names refers back to."""

    def __init__(self, ctx: _Context):
        self.ctx = ctx
        self.salience: dict[str, int] = {}
        for ent in ctx.candidates:
            if ent.label_ != "INDEX":
                self.salience[_key(ent)] = self.salience.get(_key(ent), 0) + 1
        self.previous: list[Pair] = []  # the previous sentence's topic
        self.previous_figures: list[Pair] = []  # companies the previous sentence's figures were about

    def company(self, before: int) -> list[Pair]:
        """The company a noun such as ``der Konzern`` or ``der Umsatz`` refers to: the company
        of the previous sentence's figures, else the most mentioned company named so far."""
        if self.previous_figures:
            return self.previous_figures
        seen = [e for e in self.ctx.candidates if e.end <= before and e.label_ != "INDEX"
                and (e.start, e.end) not in self.ctx.frames]
        if not seen:
            return []
        best = max(seen, key=lambda e: (self.salience.get(_key(e), 0), -seen.index(e)))
        latest = [e for e in seen if _key(e) == _key(best)][-1]
        return [(latest.start, latest.end)]

    def index(self, before: int) -> list[Pair]:
        """The index a noun such as ``der Leitindex`` refers to: the last index named."""
        seen = [e for e in self.ctx.candidates if e.end <= before and e.label_ == "INDEX"]
        return [(seen[-1].start, seen[-1].end)] if seen else []


def _key(ent: Span) -> str:
    return ent._.entity_id or ent._.entity_name or ent.text.lower()


def attribute_figures(
    doc: Doc,
    figures: list,
    layouts: list[SentenceLayout],
    idx: DocIndex,
    lex: FiguresLexicon,
    entity_labels: Iterable[str],
    carry_over: bool = True,
) -> None:
    """Set ``figure.about`` (token pairs of entity mentions) for every figure, in place.

    Args:
        doc: the document with ``doc.ents``.
        figures: :class:`pipeline.nlp.figures.FigureMatch` objects, text order.
        layouts: the sentences' :class:`SentenceLayout`, text order.
        idx: lexicon matches over ``doc``.
        lex: the lexicon.
        entity_labels: labels a figure may be about (``ORG``, ``INDEX``).
        carry_over: apply rule 7 (a sentence without names refers back).
    """
    labels = set(entity_labels)
    person_ends = {ent.end for ent in doc.ents if ent.label_ == "PER"}
    candidates = [
        ent for ent in doc.ents
        if ent.label_ in labels
        and not is_source(doc, ent, idx, lex, person_ends)
        and not is_index_modifier(doc, ent, lex)
    ]
    ctx = _Context(doc, candidates, idx, lex)
    topics = _Topics(ctx)
    previous: Optional[SentenceLayout] = None
    for layout in layouts:
        in_sentence = [f for f in figures if layout.start <= f.start < layout.end]
        same_paragraph = previous is not None and not new_paragraph_between(
            doc, (previous.start, previous.end), (layout.start, layout.end)
        )
        if not same_paragraph:
            topics.previous_figures = []
            topics.previous = []
        for figure in in_sentence:
            about = about_figure(ctx, figure, layout)
            if about is None:
                about = []
                if carry_over:
                    kind = _anaphor_class(ctx, figure, layout, ctx.ent_tokens)
                    if kind == "company" or (kind == "pronoun" and figure.is_target):
                        about = topics.company(figure.start)
                    elif kind == "index":
                        about = topics.index(figure.start)
                    elif kind == "pronoun":
                        about = list(topics.previous)
            figure.about = about
        names = ctx.in_range(layout.start, layout.end)
        attributed = [f.about for f in in_sentence if f.about]
        if attributed:
            topics.previous = attributed[-1]
            companies = [p for p in attributed[-1] if doc[p[0]].ent_type_ != "INDEX"]
            topics.previous_figures = companies
        elif names:
            subjects = [e for e in names if (e.start, e.end) not in ctx.frames and e.label_ == "ORG"] or names
            topics.previous = [(subjects[0].start, subjects[0].end)]
            topics.previous_figures = []
        previous = layout
