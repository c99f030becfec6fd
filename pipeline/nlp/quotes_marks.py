"""Pair quotation marks in German text, in every style news uses.

Pure character-level functions: text in, :class:`MarkedQuote`\\ s out. Styles:

* ``„…“`` (German), ``„…”`` and ``„…"`` (mixed), ``“…”`` (English);
* ``"…"`` (straight double quotes: opening after a space, closing before one);
* ``»…«`` (German guillemets) and ``«…»`` (Swiss guillemets);
* ``‚…‘`` (German single quotes) and ``‹…›`` / ``›…‹``.

Straight single quotes (``'``) are never paired: they are apostrophes
(``Moody's``) or wiki markup (``''kursiv''``) far more often than quotes.

A quotation that runs over several paragraphs repeats its opening mark at the
start of each paragraph and closes only once, at the end; that is one
quotation. Quotations inside a quotation (``„Er nannte es ‚absurd‘.“``) belong
to the outer one and are not returned.
"""

from __future__ import annotations

from dataclasses import dataclass

# opening mark -> the marks that close it
CLOSERS: dict[str, str] = {
    "„": "“”\"",
    "“": "”\"",
    '"': '"',
    "»": "«",
    "«": "»",
    "‚": "‘’",
    "‹": "›",
    "›": "‹",
}
ALWAYS_OPENING = {"„", "‚"}
QUOTE_CHARS = set("„“”\"»«‚‘’‹›")
OPEN_CONTEXT = set("([{–—-/:") | QUOTE_CHARS


@dataclass(frozen=True)
class MarkedQuote:
    """A pair of quotation marks and the content between them (character offsets).

    ``start``/``end`` delimit the content without the marks and without the
    spaces next to them; ``open``/``close`` are the offsets of the marks
    themselves (``close`` is the offset of the closing mark).
    """

    open: int
    close: int
    start: int
    end: int
    style: str


def _looks_opening(text: str, k: int) -> bool:
    prev = text[k - 1] if k > 0 else " "
    nxt = text[k + 1] if k + 1 < len(text) else " "
    return (prev.isspace() or prev in OPEN_CONTEXT) and not nxt.isspace()


def _next_paragraph_start(text: str, k: int) -> int:
    """Offset of the first non-space character after the line break at ``k``."""
    j = k
    while j < len(text) and text[j].isspace():
        j += 1
    return j


def _content(text: str, open_at: int, close_at: int, style: str) -> MarkedQuote:
    start, end = open_at + 1, close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return MarkedQuote(open=open_at, close=close_at, start=start, end=end, style=style)


def find_marked_quotes(text: str) -> list[MarkedQuote]:
    """Find every outermost quotation between paired quotation marks.

    Example: ``„Das kann das Szenario zum Entgleisen bringen.“, sagt sie.``
    gives one quote whose content is ``Das kann das Szenario zum Entgleisen
    bringen.``; ``Die Einstufung „Equal Weight“ blieb.`` gives one too (telling
    quotations from titles is the caller's job).

    Args:
        text: the article text.

    Returns:
        The quotes in text order; an opening mark never closed before the end
        of its paragraph yields nothing.
    """
    quotes: list[MarkedQuote] = []
    stack: list[tuple[str, int]] = []  # (opening mark, offset)
    skip: set[int] = set()  # opening marks that only repeat a quote over a paragraph break
    k = 0
    n = len(text)
    while k < n:
        ch = text[k]
        if ch == "\n":
            if stack:
                nxt = _next_paragraph_start(text, k)
                outer_mark = stack[0][0]
                if nxt < n and text[nxt] == outer_mark and outer_mark in ALWAYS_OPENING | {"»", "«", '"', "“"}:
                    # The same quotation goes on in the next paragraph: keep only the outer one open.
                    del stack[1:]
                    skip.add(nxt)
                else:
                    stack.clear()
            k += 1
            continue
        if ch not in QUOTE_CHARS or k in skip:
            k += 1
            continue
        top = stack[-1][0] if stack else None
        closes_top = top is not None and ch in CLOSERS[top]
        if closes_top and ch in "’‘" and k + 1 < n and text[k + 1].isalpha():
            closes_top = False  # an apostrophe inside a word: "geht’s"
        if closes_top:
            mark, open_at = stack.pop()
            if not stack:
                quotes.append(_content(text, open_at, k, mark + ch))
            k += 1
            continue
        if ch in ALWAYS_OPENING or (ch in CLOSERS and _looks_opening(text, k)):
            stack.append((ch, k))
        k += 1
    return [q for q in quotes if q.end > q.start]
