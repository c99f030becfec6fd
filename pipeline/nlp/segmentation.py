"""Sentence boundaries for German news, headlines and quotations included.

spaCy's ``sentencizer`` attaches an opening ``„`` to the previous sentence and
never splits a headline without a final period from the paragraph after it.
These rules do both right:

* A line break ends a sentence: ``"Aktien sacken ab\\n\\nAm Montag ..."`` gives
  two sentences, the headline and the paragraph.
* ``.``, ``!``, ``?``, ``…`` end a sentence, together with closing quotation
  marks and brackets that follow them: ``„Das ist gut.“ Er geht.`` splits after
  ``“``; ``„Das ist gut.“, sagt er.`` does not split, because a comma or a
  lower-case word continues the sentence.
* Abbreviations and ordinals keep their period inside the token (``Mrd.``,
  ``27.``), so they never end a sentence (see :mod:`pipeline.nlp.tokenizer`).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Token

FINAL_PUNCT = {".", "!", "?", "…", "...", "?!", "!?"}
# Marks that close a quotation or bracket after final punctuation. "»" and "«"
# both appear: »…« (German) and «…» (Swiss) styles.
CLOSING = {"“", "”", "«", "»", "‘", "’", "'", '"', ")", "]"}
OPENING_ONLY = {"„", "‚", "(", "["}


def _has_newline(token: Token) -> bool:
    return "\n" in token.text_with_ws if token.is_space else "\n" in token.whitespace_


def sentence_starts(doc: Doc) -> list[bool]:
    """Return, for each token, whether it starts a sentence (the pure half of the component)."""
    n = len(doc)
    starts = [False] * n
    if n:
        starts[0] = True
    i = 0
    while i < n:
        token = doc[i]
        if _has_newline(token):
            j = i + 1
            while j < n and doc[j].is_space:
                j += 1
            if j < n:
                starts[j] = True
            i = j
            continue
        if token.text in FINAL_PUNCT:
            j = i + 1
            # Closing marks glued to the punctuation belong to this sentence.
            while j < n and doc[j].text in CLOSING and not doc[j - 1].whitespace_:
                j += 1
            while j < n and doc[j].is_space:
                j += 1
            if j < n:
                nxt = doc[j]
                continues = nxt.text in {",", ";", ":", ")", "]"} or nxt.text[:1].islower()
                if not continues:
                    starts[j] = True
            i = max(j, i + 1)
            continue
        i += 1
    # A whitespace token never starts a sentence: it stays at the end of the previous one.
    for k in range(1, n):
        if doc[k].is_space:
            starts[k] = False
    return starts


@Language.component("finnews_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    """Set ``token.is_sent_start`` for every token from :func:`sentence_starts`."""
    for token, start in zip(doc, sentence_starts(doc)):
        token.is_sent_start = start
    return doc
