"""Trivial predictors that calibrate the scorers (``finnews evaluate --baseline NAME``).

A baseline turns a gold document's text into a predicted
:class:`~pipeline.records.Document` without the pipeline. Its scores show what
the simplest approach reaches on a gold set, and they check the scorers: on
the Wikinews quotes dev split the quotation-mark baseline should give high
direct-quote recall and clearly lower precision (marks also enclose titles,
names and scare quotes).
"""

from __future__ import annotations

import re
from typing import Callable

from pipeline.evaluate.gold import GoldDocument, gold_to_article
from pipeline.records import Document, Quote

# Content between German („…“), guillemet (»…« and «…») or straight ("…") marks,
# within one paragraph.
QUOTED = re.compile(r"„([^„“”\"\n]+)[“”\"]|»([^»«\n]+)«|«([^«»\n]+)»|\"([^\"\n]+)\"")


def quote_marks_baseline(doc: GoldDocument) -> Document:
    """Predict a direct quote for every text in quotation marks, with no speaker or cue.

    ``Klein sagte: „Wir sind zufrieden.“`` gives one direct quote ``Wir sind zufrieden.``.

    Args:
        doc: the gold document (only its text is used).

    Returns:
        A :class:`Document` with only ``quotes`` set.
    """
    quotes = []
    for n, m in enumerate(QUOTED.finditer(doc.text)):
        group = next(g for g in range(1, 5) if m.group(g) is not None)
        start, end = m.start(group), m.end(group)
        quotes.append(Quote(quote_id=f"q{n}", kind="direct", text=doc.text[start:end], start=start, end=end))
    return Document(article=gold_to_article(doc), quotes=quotes)


def empty_baseline(doc: GoldDocument) -> Document:
    """Predict nothing: every gold annotation is a miss (recall 0 everywhere)."""
    return Document(article=gold_to_article(doc))


BASELINES: dict[str, Callable[[GoldDocument], Document]] = {
    "quote-marks": quote_marks_baseline,
    "empty": empty_baseline,
}
