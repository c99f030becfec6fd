"""Sentence boundaries for German news, headlines and quotations included.

spaCy's ``sentencizer`` attaches an opening ``„`` to the previous sentence and
never splits a headline without a final period from the paragraph after it.
These rules do both right:

* A line break ends a sentence: ``"Aktien sacken ab\\n\\nAm Montag ..."`` gives
  two sentences, the headline and the paragraph.
* ``.``, ``!``, ``?``, ``…`` end a sentence, together with closing quotation
  marks, brackets and more final punctuation that follow them (``KONKURS!!!`` is one
  sentence): ``„Das ist gut.“ Er geht.`` splits after ``“``; ``„Das ist gut.“, sagt er.`` does not split, because a comma or a
  lower-case word continues the sentence. Nor does the period of a name abbreviation that text
  made of corpus tokens (GermEval, CoNLL) gives as a word of its own: ``in St . Moritz``.
* Abbreviations and ordinals keep their period inside the token (``Mrd.``,
  ``27.``), so they never end a sentence (see :mod:`pipeline.nlp.tokenizer`).
  But a number at the end of a sentence looks like an ordinal to the tokenizer
  (``Er kam auf Platz 3. Die Aktie fiel.``): such a token is split into the
  number and a final period when what follows cannot follow an ordinal, i.e.
  the end of the paragraph, an opening quotation mark, or a word that starts
  sentences (``Die``, ``Er``, ``Auch``); ``am 3. Januar`` stays an ordinal. A year
  before a capitalised word ends the sentence too (``… zuletzt 1995. Theo Zwanziger
  sagte …``), unless an article makes it an ordinal (``zum 2000. Mal``).
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc, Token

FINAL_PUNCT = {".", "!", "?", "…", "...", "?!", "!?"}
# Marks that close a quotation or bracket after final punctuation. "»" and "«"
# both appear: »…« (German) and «…» (Swiss) styles.
CLOSING = {"“", "”", "«", "»", "‘", "’", "'", '"', ")", "]"}
OPENING_ONLY = {"„", "‚", "(", "["}
_NUMBER_PERIOD = re.compile(r"^\d+\.$")
# Abbreviations that begin names ("St. Moritz", "St. Gallen"): in text made of corpus tokens joined
# by spaces (GermEval, CoNLL) their period is a token of its own ("St . Moritz") and ends no sentence.
# Titles stay out: there the split keeps "Dr" out of the name ("Dr . Andreas Busse").
NAME_ABBREVIATIONS = {"St"}
# Words right before a four-digit ordinal ("zum 2000. Mal", "die 1000. Kundin").
ORDINAL_DETERMINERS = {"der", "die", "das", "dem", "den", "des", "zum", "zur", "am", "im", "beim", "vom", "ihr", "ihre",
                       "sein", "seine", "seinem", "seinen", "ihrem", "ihren"}
# Words that open a sentence but never follow an ordinal ("3. Die" is "3" + "." + "Die").
SENTENCE_OPENERS = {
    "Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einer", "Eines", "Er", "Sie", "Es", "Wir", "Ich",
    "Man", "Im", "In", "Am", "An", "Auf", "Aus", "Bei", "Mit", "Nach", "Von", "Vor", "Zu", "Zum", "Zur", "Für",
    "Seit", "Trotz", "Wegen", "Auch", "Aber", "Doch", "Denn", "Und", "Oder", "So", "Damit", "Dabei", "Dazu",
    "Zudem", "Außerdem", "Allerdings", "Dennoch", "Dies", "Diese", "Dieser", "Dieses", "Zuletzt", "Zuvor",
    "Insgesamt", "Gleichzeitig", "Unterdessen", "Danach", "Daher", "Deshalb", "Jedoch", "Nun", "Noch", "Schon",
    "Wie", "Was", "Wer", "Wo", "Als", "Wenn", "Weil", "Ob", "Dass", "Laut", "Nur", "Ebenfalls", "Anleger",
    "Analysten", "Händler", "Experten", "Investoren",
}


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
        if token.text == "." and i > 0 and doc[i - 1].whitespace_ == " " and doc[i - 1].text in NAME_ABBREVIATIONS:
            i += 1  # pre-tokenised text: "St . Moritz"
            continue
        if token.text in FINAL_PUNCT:
            j = i + 1
            # Closing marks and more final punctuation glued to it belong to this sentence ("!!!").
            while j < n and (doc[j].text in CLOSING or doc[j].text in FINAL_PUNCT) and not doc[j - 1].whitespace_:
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


def final_number_tokens(doc: Doc) -> list[Token]:
    """Tokens like ``3.`` that are a number ending a sentence, not an ordinal.

    Example: in ``Er kam auf Platz 3. Die Aktie fiel.`` the token ``3.`` is one;
    in ``am 3. Januar`` it is not.
    """
    found = []
    for token in doc:
        if not _NUMBER_PERIOD.match(token.text):
            continue
        nxt = token.nbor(1) if token.i + 1 < len(doc) else None
        if nxt is None or "\n" in token.whitespace_ or (nxt.is_space and "\n" in nxt.text):
            found.append(token)
        elif token.whitespace_ and (nxt.text in OPENING_ONLY | {'"', "»", "«"} or nxt.text in SENTENCE_OPENERS):
            found.append(token)
        elif token.whitespace_ and _is_year_before_name(token, nxt):
            found.append(token)
    return found


def _is_year_before_name(token: Token, nxt: Token) -> bool:
    """A year ends the sentence before a capitalised word: ``… zuletzt 1995. Theo Zwanziger sagte …``.

    A four-digit ordinal is rare and follows an article or ``zum``/``am``/``im`` (``zum 2000. Mal``),
    so that context keeps the ordinal.
    """
    number = token.text[:-1]
    if len(number) != 4 or not 1800 <= int(number) <= 2099 or not nxt.text[:1].isupper():
        return False
    prev = token.nbor(-1).lower_ if token.i > 0 else ""
    return prev not in ORDINAL_DETERMINERS


def split_final_numbers(doc: Doc) -> Doc:
    """Split each token found by :func:`final_number_tokens` into number and period."""
    tokens = final_number_tokens(doc)
    if tokens:
        with doc.retokenize() as retokenizer:
            for token in tokens:
                retokenizer.split(token, [token.text[:-1], "."], heads=[(token, 1), (token, 1)])
    return doc


@Language.component("finnews_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    """Split sentence-final numbers off their period, then set ``token.is_sent_start`` for every token.

    Runs first in the pipeline (before NER), since it may change tokens.
    """
    doc = split_final_numbers(doc)
    starts = sentence_starts(doc)
    if starts:
        # One from_array instead of ``token.is_sent_start = ...`` per token: that setter checks
        # doc.has_annotation("DEP"), a scan of the whole doc, which made this stage quadratic.
        # Same check once, same values (1 starts a sentence, -1 does not).
        if doc.has_annotation("DEP"):
            raise ValueError(Errors.E043)
        values = numpy.array([1 if start else -1 for start in starts], dtype=numpy.int64).astype(numpy.uint64)
        doc.from_array([SENT_START], values)
    return doc
