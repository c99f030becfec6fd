"""Clause structure of a German sentence from punctuation and function words.

The blank German pipeline has no parser, so the figures and claims components
read clause structure from surface cues. For one sentence,
:func:`sentence_layout` returns token ranges (doc indices, end exclusive) of:

* **clauses**: parts split by ``;``, by a comma before a contrast conjunction
  (``während``, ``aber``, ``doch``, ``wohingegen`` ...), and after the comma
  that closes a sentence-initial contrast clause:
  ``Nvidia fiel um 7 %, | während DeepSeek die App-Charts anführte.``;
  ``Während Nvidia fiel, | legte Apple zu.``
* **segments**: the parts between commas, semicolons, colons, brackets,
  quotation marks and spaced dashes.
* **relative clauses**: from a comma, an optional preposition and a relative
  pronoun to the next comma: ``Microsoft|, für dessen Papiere sich ein Minus
  von 3,5 % abzeichnete|, bliebe ...``. The article-like pronouns ``der``,
  ``die``, ``das``, ``dem``, ``den`` count only before a lower-case word or a
  number (``Siemens Energy, die von ihrem Rekord ...``), since ``, die Aktie
  stieg`` starts a main clause.
* **parentheses**: ``Aixtron (-6,3 %)``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc, Span

from pipeline.nlp.figures_lexicon import FiguresLexicon

SEGMENT_BREAKS = {",", ";", ":", "(", ")", "[", "]", "„", "“", "”", "»", "«", '"', "‚", "‘"}
DASHES = {"-", "–", "—"}
Range = tuple[int, int]


def _find(ranges: list[Range], i: int) -> Optional[Range]:
    for start, end in ranges:
        if start <= i < end:
            return (start, end)
    return None


def _find_sorted(ranges: list[Range], i: int) -> Optional[Range]:
    """:func:`_find` for sorted, disjoint ranges (clauses, segments): a bisect, since a long
    sentence has thousands of segments and every figure asks for its own."""
    k = bisect_right(ranges, (i, float("inf"))) - 1
    if k >= 0 and ranges[k][0] <= i < ranges[k][1]:
        return ranges[k]
    return None


@dataclass
class SentenceLayout:
    """Token ranges of one sentence's clauses, segments, relative clauses and parentheses."""

    start: int
    end: int
    clauses: list[Range] = field(default_factory=list)
    segments: list[Range] = field(default_factory=list)
    relatives: list[Range] = field(default_factory=list)
    parens: list[Range] = field(default_factory=list)

    def clause_of(self, i: int) -> Range:
        """The clause containing token ``i`` (the whole sentence if none)."""
        return _find_sorted(self.clauses, i) or (self.start, self.end)

    def segment_of(self, i: int) -> Range:
        """The segment containing token ``i`` (a break token gets an empty range at itself)."""
        return _find_sorted(self.segments, i) or (i, i)

    def relative_of(self, i: int) -> Optional[Range]:
        """The relative clause containing token ``i``, or ``None``."""
        return _find(self.relatives, i)

    def paren_of(self, i: int) -> Optional[Range]:
        """The parenthesis ``(`` ... ``)`` containing token ``i`` (brackets included), or ``None``."""
        inner = [r for r in self.parens if r[0] < i < r[1] - 1]
        return min(inner, key=lambda r: r[1] - r[0]) if inner else None


def is_break(doc: Doc, i: int) -> bool:
    """Whether token ``i`` separates segments: punctuation, quotes or a spaced dash ``-``."""
    token = doc[i]
    if token.text in SEGMENT_BREAKS:
        return True
    if token.text in DASHES and token.whitespace_ and i > 0 and doc[i - 1].whitespace_:
        return True
    return False


def _content_start(doc: Doc, start: int, end: int) -> int:
    i = start
    while i < end and (doc[i].is_space or doc[i].text in {"„", "“", "»", "«", '"', "(", "-", "–"}):
        i += 1
    return i


def clause_breaks(doc: Doc, start: int, end: int, lexicon: FiguresLexicon) -> list[int]:
    """Token indices where a new clause starts inside ``[start, end)`` (see module docstring)."""
    breaks = []
    first = _content_start(doc, start, end)
    words = [t.lower_ for t in doc[first:min(first + 3, end)]]
    opener = any(" ".join(words[:n]) in lexicon.contrast_openers for n in (1, 2, 3))
    if first < end and opener:
        # The opening clause ends at the first comma that does not start a relative clause:
        # "Anders als Puma, das um 6 % fiel, | legte Adidas zu."
        i = first + 1
        while i < end:
            if doc[i].text == ",":
                if not relative_clause_at(doc, i, end, lexicon):
                    breaks.append(i + 1)
                    break
                i += 1
                while i < end and doc[i].text not in {",", ";"}:
                    i += 1
                continue
            i += 1
    for i in range(start, end):
        text = doc[i].text
        if text == ";" and i + 1 < end:
            breaks.append(i + 1)
        elif text == "," and i + 1 < end and doc[i + 1].lower_ in lexicon.contrast_conjunctions:
            breaks.append(i + 1)
    return sorted(set(breaks))


def relative_clause_at(doc: Doc, comma: int, end: int, lexicon: FiguresLexicon) -> bool:
    """Whether a relative clause starts right after the comma at token ``comma``.

    ``Apple, dessen Aktien ...``, ``Microsoft, für dessen Papiere ...`` and
    ``Siemens Energy, die von ihrem Rekord ...`` do; ``..., die Aktie stieg``
    does not.
    """
    j = comma + 1
    if j < end and doc[j].lower_ in lexicon.relative_prepositions:
        j += 1
    if j >= end:
        return False
    word = doc[j].lower_
    if word in lexicon.relative_pronouns:
        return True
    if word in lexicon.relative_articles and j + 1 < end:
        nxt = doc[j + 1].text
        if nxt and (nxt[0].islower() or nxt[0].isdigit() or nxt[0] in "+-−–"):
            return True
        # "Siemens, das Siemens Energy 2020 abgespalten hatte, legte zu": an inserted clause
        # closed by a comma and followed by the main clause's verb.
        for k in range(j + 1, end):
            if doc[k].text in {";", ".", "!", "?"}:
                return False
            if doc[k].text == ",":
                after = doc[k + 1] if k + 1 < end else None
                return (
                    after is not None and after.text[:1].islower() and after.is_alpha
                    and after.lower_ not in lexicon.clause_openers
                    and after.lower_ not in lexicon.contrast_conjunctions
                    and after.lower_ not in lexicon.relative_articles
                    and after.lower_ not in lexicon.relative_pronouns
                )
    return False


def sentence_layout(doc: Doc, start: int, end: int, lexicon: FiguresLexicon) -> SentenceLayout:
    """Compute the clause structure of the sentence ``doc[start:end]``.

    Args:
        doc: the document.
        start: first token of the sentence.
        end: token after the sentence.
        lexicon: the loaded lexicon (contrast conjunctions, relative pronouns).

    Returns:
        A :class:`SentenceLayout`.
    """
    layout = SentenceLayout(start=start, end=end)
    bounds = [start] + clause_breaks(doc, start, end, lexicon) + [end]
    layout.clauses = [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]

    seg_start = start
    for i in range(start, end):
        if is_break(doc, i):
            if seg_start < i:
                layout.segments.append((seg_start, i))
            seg_start = i + 1
    if seg_start < end:
        layout.segments.append((seg_start, end))

    clause_starts = [a for a, _ in layout.clauses]
    for i in range(start, end):
        if doc[i].text != "," or not relative_clause_at(doc, i, end, lexicon):
            continue
        clause_end = layout.clauses[bisect_right(clause_starts, i) - 1][1]
        stop = clause_end
        for k in range(i + 1, clause_end):
            if doc[k].text in {",", ";"}:
                stop = k
                break
        layout.relatives.append((i, stop))

    stack = []
    for i in range(start, end):
        if doc[i].text in {"(", "["}:
            stack.append(i)
        elif doc[i].text in {")", "]"} and stack:
            layout.parens.append((stack.pop(), i + 1))
    return layout


def sentence_ranges(doc: Doc) -> list[Range]:
    """Token ranges of the sentences of ``doc`` (the whole doc when none are set)."""
    if len(doc) == 0:
        return []
    if doc.has_annotation("SENT_START"):
        return [(sent.start, sent.end) for sent in doc.sents]
    return [(0, len(doc))]


def new_paragraph_between(doc: Doc, previous: Range, current: Range) -> bool:
    """Whether a line break separates two consecutive sentences (a new paragraph or headline)."""
    i = previous[1] - 1
    while i >= previous[0]:
        token = doc[i]
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            return True
        if not token.is_space:
            return False
        i -= 1
    return False


def trim(doc: Doc, start: int, end: int, strip: frozenset[str] = frozenset({",", ";", ":"})) -> Span:
    """``doc[start:end]`` without leading/trailing whitespace tokens and separators in ``strip``."""
    while start < end and (doc[start].is_space or doc[start].text in strip):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].text in strip):
        end -= 1
    return doc[start:end]
