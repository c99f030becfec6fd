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
   A sentence without names or nouns to refer by that states the analysts'
   expectation takes what the previous sentence's figures were about: ``Der Gewinn der UBS stieg auf 2,1
   Mrd. Dollar. Analysten hatten im Schnitt mit 1,9 Mrd. Dollar gerechnet.``
8. Otherwise the figure is about nothing (``Die Inflation lag bei 2 %``).

Sources and analyst houses are never what a figure is about: ``laut
Bloomberg``, ``JPMorgan zufolge``, ``Alexander Virgo von der Bank of
America``, ``Analysten von Goldman Sachs``, ``Christian Albers,
Chefanlagestratege der DZ Bank``.

Nor is an organisation that is no company (``span._.org_kind`` ``public_body``
or ``other``, set by the clustering from :mod:`pipeline.org_kinds`): ``Die
Gewerkschaft Verdi verlangt ... Lohnerhöhungen von 12,5 %`` and ``Zuletzt hatte
die EU-Kommission gegen das Unternehmen eine Strafe von 1,8 Mrd. € verhängt``
fall through to the company the sentence refers to (rule 7: ``das
Unternehmen``), ``Der für die Märkte maßgebliche Zins sinkt um 0,25
Prozentpunkte, wie die EZB mitteilte`` is about nothing. The one exception is a
stake it holds: ``Die Bundesregierung, die noch gut 12 % an der Commerzbank
hält`` is about both. Entities without ``org_kind`` (set by hand, or no
clustering) count as companies.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Optional, Sequence

from spacy.tokens import Doc, Span

from pipeline.nlp.figures_clauses import SentenceLayout, new_paragraph_between
from pipeline.nlp.figures_lexicon import DocIndex, FiguresLexicon
from pipeline.org_kinds import is_company_kind

Pair = tuple[int, int]
COMPOUND_PARTS = {"-", "‑"}
SHARE_WORDS = {"aktie", "aktien", "papiere", "papier", "titel", "anteilsscheine", "vorzugsaktien", "stammaktien"}
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
    if ent.end + 1 < len(doc) and doc[ent.end].text in COMPOUND_PARTS and is_analyst_word(doc[ent.end + 1].lower_, lex):
        return True
    # Skip a descriptor or two between the preposition and the name ("von Analysehaus Bernstein"),
    # hyphenated ones too ("Analyst Henrik Paulsen von der US-Investmentbank Jefferies").
    k = ent.start
    for _ in range(5):
        prep = idx.issuer_prepositions.ending_at(k)
        if prep:
            before = prep[0] - 1
            if before >= 0 and (before + 1 in person_ends or is_analyst_word(doc[before].lower_, lex)):
                return True
            return False
        if k - 2 >= 0 and doc[k - 1].text in COMPOUND_PARTS and doc[k - 2].is_alpha and doc[k - 2].text[:1].isupper():
            k -= 2
            continue
        if k - 1 < 0 or not doc[k - 1].is_alpha or not doc[k - 1].text[:1].isupper():
            return False
        k -= 1
    return False


def is_analyst_word(word: str, lex: FiguresLexicon) -> bool:
    """Whether a lower-cased word is an analyst word or a compound ending in one:
    ``analyst``, ``chefanlagestratege`` (``Christian Albers, Chefanlagestratege der DZ Bank``),
    ``chefvolkswirtin``."""
    return word in lex.analyst_words or any(len(w) >= 6 and word.endswith(w) for w in lex.analyst_words)


def after_issuer_preposition(doc: Doc, ent: Span, idx: DocIndex) -> bool:
    """Whether ``ent`` follows a bank preposition (``von``, ``vom``, ``von der``, ``der``), perhaps with a descriptor
    in between (``von der Bank of America``, ``von Analysehaus Bernstein``)."""
    k = ent.start
    for _ in range(2):
        prep = idx.bank_prepositions.ending_at(k)
        if prep:
            # "die Papiere von Siemens Energy", "die Aktie der Allianz" name the company.
            before = prep[0] - 1
            return not (before >= 0 and doc[before].lower_ in SHARE_WORDS)
        if k - 1 < 0 or not doc[k - 1].is_alpha or not doc[k - 1].text[:1].isupper():
            return False
        k -= 1
    return False


def issuer_descriptor(doc: Doc, ent: Span, lex: FiguresLexicon) -> bool:
    """Whether a bank word describes ``ent``: ``Die Investmentbank Goldman Sachs``, ``das Analysehaus Bernstein``."""
    if ent.start == 0:
        return False
    word = doc[ent.start - 1].lower_
    return doc[ent.start - 1].is_alpha and doc[ent.start - 1].text[:1].isupper() and word.endswith(lex.issuer_descriptors)


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
        # Organisations that are no company (org_kind public_body/other): never what a figure is
        # about, but they can hold a stake (see with_stake).
        self.holders: list[Span] = []
        self._starts = [e.start for e in self.candidates]
        self._keys = {(e.start, e.end): _key(e) for e in self.candidates}
        self._memo: dict = {}
        ent_tokens = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        self.ent_tokens = ent_tokens
        self.frames = {(e.start, e.end) for e in candidates if is_frame(doc, e, idx, lex, ent_tokens)}
        # "der Softwarekonzern SAP", "die Schweizer Großbank UBS": descriptor noun -> mentions it named.
        self.descriptors: dict[str, list[Span]] = {}
        for ent in self.candidates:
            word = self.descriptor_of(ent)
            if word:
                self.descriptors.setdefault(word, []).append(ent)
            # "des Alphabet-Konzerns": the compound's head describes the name too.
            if ent.end + 1 < len(doc) and doc[ent.end].text in COMPOUND_PARTS and not doc[ent.end - 1].whitespace_:
                head = doc[ent.end + 1]
                if head.is_alpha and lex.noun_class(head.text) == "company" and head.lower_ not in SHARE_WORDS:
                    self.descriptors.setdefault(head.lower_, []).append(ent)

    def descriptor_of(self, ent: Span) -> str:
        """The noun right before a name that describes it (``Großbank`` in ``die Großbank UBS``), lower-cased."""
        if ent.start == 0:
            return ""
        token = self.doc[ent.start - 1]
        if token.i in self.ent_tokens or not token.is_alpha or not token.text[:1].isupper() or not token.whitespace_:
            return ""
        if self.lex.noun_class(token.text) not in {"company", "index", ""} or token.lower_ in SHARE_WORDS:
            return ""
        return token.lower_

    def in_range(self, start: int, end: int) -> list[Span]:
        """Candidates inside tokens ``[start, end)``."""
        lo, hi = bisect_left(self._starts, start), bisect_left(self._starts, end)
        return [e for e in self.candidates[lo:hi] if e.end <= end]

    def key(self, ent: Span) -> str:
        """The cluster key of a candidate (cached; see :func:`_key`)."""
        found = self._keys.get((ent.start, ent.end))
        return found if found is not None else _key(ent)

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
                if not gap and not self.doc[a.end - 1].whitespace_:
                    break
                # "Micron Broadcom und Qualcomm": a missing comma still lists.
                if not all(self.doc[k].lower_ in self.lex.coordinators for k in gap):
                    break
                members.append(ordered[i + step])
                i += step
        return [(e.start, e.end) for e in sorted(members, key=lambda e: e.start)]

    def named_before(self, k: int) -> Optional[Span]:
        """The candidate ending at most ``MAX_ANTECEDENT_GAP`` tokens before ``k``, with only
        compound parts in between (``Apple, dessen``; ``SAP-Aktie, die``)."""
        # The candidates are disjoint entities sorted by start, so their ends are sorted too: walk
        # back from the last one starting before k (a scan of all of them was quadratic).
        for n in range(bisect_left(self._starts, k) - 1, -1, -1):
            ent = self.candidates[n]
            if ent.end > k:
                continue
            if k - ent.end > MAX_ANTECEDENT_GAP:
                break
            gap = self.doc[ent.end:k]
            if all(t.text in COMPOUND_PARTS or (t.is_alpha and t.text[:1].isupper()) for t in gap):
                return ent
        return None

    def starts_within(self, start: int, end: int) -> bool:
        """Whether a candidate starts inside tokens ``[start, end)``."""
        k = bisect_left(self._starts, start)
        return k < len(self._starts) and self._starts[k] < end

    def cached(self, key: tuple, compute):
        """``compute()`` once per key and document (per-sentence or per-segment facts every
        figure of a long sentence asks for)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def apposition_of(ctx: _Context, layout: SentenceLayout, i: int) -> Optional[tuple[int, int]]:
    """The apposition containing token ``i``: a segment between two commas that starts with a
    noun and has no verb of direction (``Talanx, Mehrheitsaktionär der Hannover Rück, verlor``)."""
    start, end = layout.segment_of(i)
    doc = ctx.doc
    if start == end or start == 0 or end >= len(doc) or doc[start - 1].text != "," or doc[end].text != ",":
        return None
    first = doc[start]
    if first.i in ctx.ent_tokens or not first.is_alpha or not first.text[:1].isupper():
        return None
    if ctx.idx.direction_verbs.within(start, end):
        return None
    return (start, end)


def _pick(ctx: _Context, pool: list[Span], figure, layout: SentenceLayout, before: bool,
          skip: frozenset[Pair] = frozenset(), frames: bool = True) -> Optional[Span]:
    """The nearest usable name before (or after) the figure in ``pool``; place names last.

    Names inside another relative clause, bracket or apposition than the
    figure's, and names in ``skip``, are not usable.
    """
    relative = layout.relative_of(figure.start)
    paren = layout.paren_of(figure.start)
    apposition = apposition_of(ctx, layout, figure.start)
    start = figure.qualifier_start if figure.qualifier_start >= 0 else figure.start

    def usable(ent: Span) -> bool:
        if (ent.start, ent.end) in skip:
            return False
        other_relative = layout.relative_of(ent.start)
        if other_relative is not None and other_relative != relative:
            return False
        other_paren = layout.paren_of(ent.start)
        if other_paren is not None and other_paren != paren:
            return False
        other_apposition = apposition_of(ctx, layout, ent.start)
        if other_apposition is not None and other_apposition != apposition:
            return False
        return True

    if before:
        ordered = sorted((e for e in pool if e.end <= start), key=lambda e: -e.end)
    else:
        ordered = sorted((e for e in pool if e.start >= figure.end), key=lambda e: e.start)
    ordered = [e for e in ordered if usable(e)]
    for allow_frames in (False, True) if frames else (False,):
        for ent in ordered:
            if allow_frames or (ent.start, ent.end) not in ctx.frames:
                return ent
    return None


def _anaphor_class(ctx: _Context, figure, layout: SentenceLayout, ent_tokens: set[int]) -> str:
    """What a sentence without names refers to: ``"index"``, ``"company"``, ``"metric"``,
    ``"market"``, ``"pronoun"`` or ``""``.

    The noun nearest before the figure in its clause decides, else the nearest
    in the sentence: ``Der deutsche Leitindex schloss 0,8 % höher`` ->
    index; ``Das Ergebnis des Konzerns brach um 31 % ein`` -> company.
    """
    clause_start, clause_end = layout.clause_of(figure.start)
    # The sentence's referring words are found once per sentence (not per figure); the figure's
    # own tokens are then left out by position: bisect to the nearest before and after it.
    found = ctx.cached(("anaphors", layout.start, layout.end, id(ent_tokens)),
                       lambda: _anaphors(ctx, layout.start, layout.end, ent_tokens))
    positions = [f[0] for f in found]
    left = bisect_left(positions, figure.start) - 1  # the last one before the figure
    right = bisect_left(positions, figure.end)  # the first one after it
    if left >= 0 and clause_start <= positions[left]:
        return found[left][1]
    # Else the nearest one in the sentence, the earlier on a tie (as min() over the sentence did).
    if left >= 0 and (right >= len(found) or figure.start - positions[left] <= positions[right] - figure.start):
        return found[left][1]
    return found[right][1] if right < len(found) else ""


def _anaphors(ctx: _Context, start: int, end: int, ent_tokens: set[int]) -> list[tuple[int, str]]:
    """The referring words of tokens ``[start, end)`` outside names, in order: ``(token, class)``."""
    doc, lex = ctx.doc, ctx.lex
    found: list[tuple[int, str]] = []
    for token in doc[start:end]:
        if token.i in ent_tokens:
            continue
        if token.lower_ in lex.pronouns:
            found.append((token.i, "pronoun"))
        elif token.lower_ in lex.demonstratives:
            found.append((token.i, "metric"))
        elif token.text[:1].isupper() and token.is_alpha or "-" in token.text:
            cls = lex.noun_class(token.text)
            if cls == "metric" and _owned_by_other(ctx, token.i):
                continue
            if cls in {"company", "index", "metric", "market"}:
                found.append((token.i, cls))
    return found


def _is_consensus(ctx: _Context, layout: SentenceLayout) -> bool:
    """Whether a sentence states the market's expectation: an analyst word with a verb of expecting
    (``Analysten hatten im Schnitt mit 1,9 Mrd. Dollar gerechnet``), or a consensus noun (``Der
    Konsens lag bei 810 Mio. Euro``)."""
    words = [t.lower_ for t in ctx.doc[layout.start:layout.end]]
    if any(w in ctx.lex.consensus_nouns for w in words):
        return True
    return any(is_analyst_word(w, ctx.lex) for w in words) and any(w in ctx.lex.consensus_verbs for w in words)


def _per_share_of(ctx: _Context, figure) -> Optional[Span]:
    """The company of a per-share amount: ``62 Euro je Covestro-Aktie``, ``pro Aktie von SAP``."""
    doc = ctx.doc
    k = figure.end
    if figure.kind != "money" or k + 1 >= len(doc) or doc[k].lower_ not in {"je", "pro"}:
        return None
    for ent in ctx.in_range(k + 1, min(k + 5, len(doc))):
        after = doc[ent.end:ent.end + 2]
        if len(after) == 2 and after[0].text in COMPOUND_PARTS and after[1].lower_ in SHARE_WORDS:
            return ent  # "je Covestro-Aktie"
        before = doc[k + 1:ent.start]
        if any(t.lower_ in SHARE_WORDS for t in before) and all(t.is_alpha for t in before):
            return ent  # "pro Aktie von SAP"
    return None


def _owned_by_other(ctx: _Context, i: int) -> bool:
    """Whether the metric at token ``i`` belongs to a genitive that is no company:
    ``die Gewinne der Exporteure`` (market-wide), unlike ``das Ergebnis des Konzerns``."""
    doc = ctx.doc
    if i + 2 >= len(doc) or doc[i + 1].lower_ not in {"der", "des", "eines", "einer"}:
        return False
    head = doc[i + 2]
    k = i + 2
    while k < len(doc) and doc[k].is_alpha and doc[k].text[:1].islower() and k < i + 4:
        k += 1  # "der deutschen Tochter": skip adjectives
    if k >= len(doc):
        return False
    head = doc[k]
    if head.i in ctx.ent_tokens or not head.is_alpha or not head.text[:1].isupper():
        return False
    return ctx.lex.noun_class(head.text) not in {"company", "metric", "market", "index"}


def _is_macro(ctx: _Context, figure, layout: SentenceLayout, ent_tokens: set[int]) -> bool:
    """Whether the figure's segment measures macro data and names no company:
    ``Der für die Märkte maßgebliche Zins sinkt um 0,25 Prozentpunkte, wie die EZB mitteilte``
    (but not ``Mitsubishi UFJ verloren 11,2 %, weil Anleger auf sinkende Zinsen setzten``)."""
    seg_start, seg_end = layout.segment_of(figure.qualifier_start)
    if ctx.starts_within(seg_start, seg_end):
        return False
    # Once per segment: all figures of a long segment share it.
    classes = ctx.cached(("classes", seg_start, seg_end, id(ent_tokens)), lambda: {
        ctx.lex.noun_class(t.text) for t in ctx.doc[seg_start:seg_end]
        if t.i not in ent_tokens and t.text[:1].isupper()
    })
    return "macro" in classes and not classes & {"company", "metric", "index", "market"}


def about_figure(ctx: _Context, figure, layout: SentenceLayout, owners: Iterable[Pair] = ()) -> Optional[list[Pair]]:
    """The entity mentions (token pairs) ``figure`` is about, from its own sentence (rules 1-6).

    ``owners`` are names that have a figure of their own in this sentence.
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
    per_share = _per_share_of(ctx, figure)
    if per_share is not None:
        return [(per_share.start, per_share.end)]
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
        not_banks = [e for e in clause if not _is_bank(ctx, e)]
        for before in (True, False):
            ent = _pick(ctx, not_banks, figure, layout, before)
            if ent is not None:
                return ctx.group(ent, sentence)
        return None
    relative = layout.relative_of(figure.start)
    if relative is not None:
        antecedent = ctx.named_before(relative[0])
        if antecedent is not None:
            return with_stake(ctx, figure, layout, ctx.group(antecedent, sentence), sentence)
    segment_start, segment_end = layout.segment_of(figure.qualifier_start)
    segment = [e for e in clause if segment_start <= e.start < segment_end]
    # Ahead beyond the segment only to a name that has no figure of its own: "Nach einem Plus
    # von fast 19 % sind Anleger skeptisch, ob der Dax weiter steigen kann" (but not "Die
    # Aktien der Deutschen Bank verloren 1,8 %, Commerzbank gaben 2,3 % nach").
    searches = ((clause, True, ()), (segment, False, ()), (sentence, True, ()), (sentence, False, tuple(owners)))
    for pool, before, skip in searches:
        ent = _pick(ctx, pool, figure, layout, before, skip=frozenset(skip), frames=False)
        if ent is not None:
            return with_stake(ctx, figure, layout, ctx.group(ent, sentence), clause)
    # Only a place name is left ("... war damit der schwächste Wert im MDax"): a company word
    # in the sentence ("Die Aktie brach um 25 % ein") refers back instead.
    if _anaphor_class(ctx, figure, layout, ctx.ent_tokens) in {"company", "metric", "market"}:
        return None
    for pool, before, skip in searches:
        ent = _pick(ctx, pool, figure, layout, before, skip=frozenset(skip))
        if ent is not None:
            # "an der Commerzbank" reads like a place ("an der Nasdaq"), but a stake is held in it.
            return with_stake(ctx, figure, layout, ctx.group(ent, sentence), clause)
    return None


def with_stake(ctx: _Context, figure, layout: SentenceLayout, about: list[Pair], clause: list[Span]) -> list[Pair]:
    """Add the company held to a stake figure, and the holder to a figure found on the company held.

    ``Unicredit hat ihren Anteil an der Commerzbank auf rund 29 % erhöht`` and
    ``Die Bundesregierung, die noch gut 12 % an der Commerzbank hält`` are
    about both the holder and the Commerzbank.
    """
    doc, lex = ctx.doc, ctx.lex
    if figure.kind != "percent" or figure.unit != "%":
        return about
    start, end = layout.clause_of(figure.start)
    if not any(t.lower_ in lex.stake_words for t in doc[start:end]):
        return about
    held = [
        e for e in clause
        if e.start >= 1 and (doc[e.start - 1].lower_ in {"an", "am"} or (
            e.start >= 2 and doc[e.start - 2].lower_ == "an" and doc[e.start - 1].lower_ in {"der", "dem", "den"}))
    ]
    if not held:
        return about
    held_ent = min(held, key=lambda e: abs(e.start - figure.start))
    pair = (held_ent.start, held_ent.end)
    result = list(about)
    if pair in result:
        # The nearest name was the company held: the holder is the name before it, which may be a
        # public body ("Die Bundesregierung, die noch gut 12 % an der Commerzbank hält").
        pool = list(clause) + [e for e in ctx.holders if start <= e.start < end]
        holders = sorted((e for e in pool if e.end <= held_ent.start - 1 and (e.start, e.end) not in ctx.frames),
                         key=lambda e: e.start)
        if holders:
            result = [(holders[-1].start, holders[-1].end)] + result
    else:
        result.append(pair)
    return sorted(set(result))


def before_rating_verb(ctx: _Context, ent: Span) -> bool:
    """Whether a rating verb follows ``ent`` closely: ``Die UBS bestätigte ...``, ``JPMorgan hebt ...``;
    not when ``ent`` is an object (``Den Rivalen Adidas hoben die Analysten ...``)."""
    if any(t.lower_ in {"den", "dem", "einen", "einem"} for t in ctx.doc[max(ent.start - 3, 0):ent.start]):
        return False
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
            self.salience[ctx.key(ent)] = self.salience.get(ctx.key(ent), 0) + 1
        self.previous: list[Pair] = []  # the previous sentence's topic
        self.previous_figures: list[Pair] = []  # what the previous sentence's figures were about
        self.previous_subject: list[Pair] = []  # the previous sentence's first company
        self.previous_index: list[Pair] = []  # the previous sentence's last index

    def _most_salient(self, seen: list[Span]) -> list[Pair]:
        if not seen:
            return []
        first = {}
        for n, e in enumerate(seen):
            first.setdefault(self.ctx.key(e), n)
        # Most mentions; on a tie the one named first (the headline's company).
        key = self.ctx.key
        best = max(seen, key=lambda e: (self.salience.get(key(e), 0), -first[key(e)]))
        latest = [e for e in seen if key(e) == key(best)][-1]
        return [(latest.start, latest.end)]

    def company(self, before: int, nouns: list[str], kind: str, exclude: frozenset[Pair] = frozenset()) -> list[Pair]:
        """The company (or index) a word of class ``kind`` refers to.

        * A noun that described a name earlier refers to that name:
          ``die Schweizer Großbank UBS`` ... ``die Aktie der Großbank``.
        * ``company`` nouns (``der Konzern``, ``die Aktie``) refer to the first
          company of the previous sentence in the paragraph (its likely subject);
          ``market`` nouns (``Kursgewinne``) continue what the previous sentence's
          figures were about, a company or an index.
        * Otherwise, and for ``metric`` nouns (``der Umsatz``, ``das Ergebnis``), the
          most mentioned company named so far (ties: the one named first).
        """
        for noun in nouns:
            for form in (noun, noun[:-1], noun[:-2]):
                named = [e for e in self.ctx.descriptors.get(form, []) if e.end <= before and e.label_ != "INDEX"]
                if named and len(form) > 3:
                    return [(named[-1].start, named[-1].end)]
        doc = self.ctx.doc
        excluded = {self.ctx.key(doc[a:b]) for a, b in exclude}
        if kind == "company" and self.previous_subject and \
                self.ctx.key(doc[slice(*self.previous_subject[0])]) not in excluded:
            return self.previous_subject
        if kind == "market" and self.previous_figures:
            return self.previous_figures
        seen = [e for e in self.ctx.candidates if e.end <= before and e.label_ != "INDEX"
                and (e.start, e.end) not in self.ctx.frames and self.ctx.key(e) not in excluded]
        found = self._most_salient(seen)
        if not found and kind == "market":
            # "Für das laufende Jahr seien Kursgewinne von bis zu 10 % möglich" in an article that
            # named no company (only the strategist's bank, a source): the market is its index.
            return self.index(before)
        return found

    def index(self, before: int, nouns: list[str] = ()) -> list[Pair]:
        """The index a noun such as ``der Leitindex`` refers to: the index of the previous
        sentence (``Auch für den Euro Stoxx 50 ist er optimistisch. Der europäische Leitindex
        dürfte um etwa 8 % zulegen``), else the most mentioned index so far. A noun that described
        an index earlier (``der deutsche Leitindex Dax``) refers to it first."""
        for noun in nouns:
            named = [e for e in self.ctx.descriptors.get(noun, []) if e.end <= before and e.label_ == "INDEX"]
            if named:
                return [(named[-1].start, named[-1].end)]
        seen = [e for e in self.ctx.candidates if e.end <= before and e.label_ == "INDEX"]
        if any(noun in self.ctx.lex.lead_index_nouns for noun in nouns):
            lead = [e for e in seen if _index_name(e) in self.ctx.lex.lead_indices]
            if lead:
                seen = lead
                if self.previous_index and _index_name(self.ctx.doc[slice(*self.previous_index[0])]) \
                        not in self.ctx.lex.lead_indices:
                    return self._most_salient(seen)
        if self.previous_index:
            return self.previous_index
        return self._most_salient(seen)


def _is_bank(ctx: _Context, ent: Span) -> bool:
    """Whether ``ent`` reads as the bank behind a rating (see :func:`about_figure`)."""
    return (
        after_issuer_preposition(ctx.doc, ent, ctx.idx)
        or before_rating_verb(ctx, ent)
        or issuer_descriptor(ctx.doc, ent, ctx.lex)
    )


def _owners(ctx: _Context, figures: list, layout: SentenceLayout) -> list[Pair]:
    """Names that have a figure of their own: the last name before a figure in its segment."""
    owners = []
    for figure in figures:
        seg_start, _ = layout.segment_of(figure.qualifier_start)
        before = [e for e in ctx.in_range(seg_start, figure.start)]
        if before:
            owners.extend(ctx.group(before[-1], ctx.in_range(layout.start, layout.end)))
        paren = layout.paren_of(figure.start)
        if paren is not None:
            owner = ctx.named_before(paren[0])
            if owner is not None:
                owners.append((owner.start, owner.end))
    return owners


def _index_name(ent: Span) -> str:
    return (ent._.entity_name or ent.text).lower()


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
        and is_company_kind(ent._.org_kind)
        and not is_source(doc, ent, idx, lex, person_ends)
        and not is_index_modifier(doc, ent, lex)
    ]
    ctx = _Context(doc, candidates, idx, lex)
    ctx.holders = [ent for ent in doc.ents if ent.label_ in labels and not is_company_kind(ent._.org_kind)]
    topics = _Topics(ctx)
    previous: Optional[SentenceLayout] = None
    # Figures by sentence and the tokens before a name, once (per sentence was quadratic).
    figure_starts = [f.start for f in figures]
    describing = {e.start - 1 for e in ctx.candidates}
    for layout in layouts:
        in_sentence = figures[bisect_left(figure_starts, layout.start):bisect_left(figure_starts, layout.end)]
        same_paragraph = previous is not None and not new_paragraph_between(
            doc, (previous.start, previous.end), (layout.start, layout.end)
        )
        if not same_paragraph:
            topics.previous_figures = []
            topics.previous = []
            topics.previous_subject = []
            topics.previous_index = []
        owners = _owners(ctx, in_sentence, layout)
        nouns = [
            t.lower_ for t in doc[layout.start:layout.end]
            if t.i not in ctx.ent_tokens and t.i not in describing and t.is_alpha and t.text[:1].isupper()
            and lex.noun_class(t.text) == "company"
        ]
        index_nouns = [
            t.lower_ for t in doc[layout.start:layout.end]
            if t.i not in ctx.ent_tokens and t.i not in describing and t.is_alpha and lex.noun_class(t.text) == "index"
        ]
        banks = frozenset((e.start, e.end) for e in ctx.in_range(layout.start, layout.end) if _is_bank(ctx, e))
        for figure in in_sentence:
            about = about_figure(ctx, figure, layout, owners)
            if about is None:
                about = []
                kind = _anaphor_class(ctx, figure, layout, ctx.ent_tokens) if carry_over else ""
                if carry_over and not kind and topics.previous_figures and _is_consensus(ctx, layout):
                    about = list(topics.previous_figures)  # the expectation of the figure just reported
                elif carry_over:
                    if kind in {"company", "metric", "market"} or (kind == "pronoun" and figure.is_target):
                        about = topics.company(figure.start, nouns, "metric" if kind == "pronoun" else kind,
                                               banks if figure.is_target else frozenset())
                    elif kind == "index":
                        about = topics.index(figure.start, index_nouns)
                    elif kind == "pronoun":
                        about = list(topics.previous)
            figure.about = about
        names = ctx.in_range(layout.start, layout.end)
        companies = [e for e in names if e.label_ != "INDEX" and (e.start, e.end) not in ctx.frames]
        if companies:
            topics.previous_subject = [(companies[0].start, companies[0].end)]
        else:
            # "Der Konzern verdiente 35 Mrd. Dollar. Die Aktie stieg um 1,2 %": the company a
            # word was resolved to stays the subject.
            resolved = [p for f in in_sentence for p in f.about if doc[p[0]].ent_type_ != "INDEX"]
            topics.previous_subject = resolved[:1]
        indices = [e for e in names if e.label_ == "INDEX"]
        topics.previous_index = [(indices[-1].start, indices[-1].end)] if indices else []
        attributed = [f.about for f in in_sentence if f.about]
        if attributed:
            topics.previous = attributed[-1]
            topics.previous_figures = attributed[-1]
        elif names:
            subjects = [e for e in names if (e.start, e.end) not in ctx.frames and e.label_ == "ORG"] or names
            topics.previous = [(subjects[0].start, subjects[0].end)]
            topics.previous_figures = []
        previous = layout
