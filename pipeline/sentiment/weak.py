"""Weak entity-sentiment labels for company sentences, without hand labels.

Financial news states good and bad news for a company in a few fixed ways;
these rules turn SmartData sentences that mention a company into training
examples for that company:

* an annotated SmartData event with the company as an argument:
  ``Insolvency``, ``Layoffs`` → negative;
* a price or business figure with a clear direction in the same sentence,
  ``Die Aktie von Aixtron fiel um 7 %`` → negative,
  ``Der Umsatz von SAP stieg um 12 Prozent`` → positive;
* otherwise the BPW finance lexicon, when it is clearly one-sided
  (at least two more hits on one side than the other);
* sentences with none of these signals → neutral (sampled to at most
  ``max_neutral_ratio`` times the polar ones).

Rules that disagree drop the sentence.
"""

from __future__ import annotations

import logging
import random
import re
from typing import Iterable, Optional

from pipeline.sentiment.data import Example, Lexicon

log = logging.getLogger(__name__)

NEGATIVE_EVENTS = {"Insolvency", "Layoffs"}
COMPANY_TYPES = {"organization-company"}

# A verb or noun of movement next to a figure: "fiel um 7 %", "Minus von 3,5 %".
_FIGURE = r"\d[\d.,]*\s*(?:%|Prozent|Euro|Dollar|Mio|Mill|Mrd|Milliarden|Millionen)"
_DOWN = (
    r"fiel|fielen|sank|sanken|verlor|verloren|rutscht\w*|sackt\w*|brach\w* (?:\w+ )*?ein|"
    r"stürzt\w*|einbr\w*|gab\w* (?:\w+ )*?nach|büßt\w*|Minus|Verlust\w*|Rückgang|Einbruch|unter Druck|schrumpf\w*"
)
_UP = (
    r"stieg|stiegen|kletter\w*|legt\w* (?:\w+ )*?zu|gewann|gewannen|zog\w* (?:\w+ )*?an|sprang|sprangen|"
    r"Plus|Zuwachs|Anstieg|Rekord\w*|steiger\w*|wuchs|wachs\w*"
)
# Separable verbs put the particle after the figure: "legte um 3,1 % zu", "gab um 2 % nach".
_DOWN_SPLIT = rf"\b(?:gab\w*|brach\w*|sackt\w*|rutscht\w*)\b[^.;]{{0,60}}?{_FIGURE}[^.;]{{0,30}}?\b(?:nach|ein|ab)\b"
_UP_SPLIT = rf"\b(?:legt\w*|zog\w*)\b[^.;]{{0,60}}?{_FIGURE}[^.;]{{0,30}}?\b(?:zu|an)\b"
DOWN_FIGURE = re.compile(
    rf"(?:\b(?:{_DOWN})\b[^.;]{{0,60}}?{_FIGURE}|{_FIGURE}[^.;]{{0,40}}?\b(?:{_DOWN})\b|{_DOWN_SPLIT})"
)
UP_FIGURE = re.compile(rf"(?:\b(?:{_UP})\b[^.;]{{0,60}}?{_FIGURE}|{_FIGURE}[^.;]{{0,40}}?\b(?:{_UP})\b|{_UP_SPLIT})")
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


def figure_direction(sentence: str) -> Optional[str]:
    """``positive``/``negative`` when a figure moves one way, else ``None``.

    ``Die Papiere von Siltronic fielen um 4,7 %`` → ``negative``;
    ``Der Gewinn stieg auf 3 Mrd. Euro`` → ``positive``; both or neither → ``None``.
    """
    down, up = bool(DOWN_FIGURE.search(sentence)), bool(UP_FIGURE.search(sentence))
    if down == up:
        return None
    return "negative" if down else "positive"


def lexicon_polarity(sentence: str, lexicon: Lexicon, margin: int = 2) -> Optional[str]:
    """``positive``/``negative`` when BPW hits on one side exceed the other by ``margin``.

    Returns ``neutral`` when there are no hits at all, ``None`` when mixed.
    """
    words = [w.lower() for w in _WORD.findall(sentence)]
    pos = sum(w in lexicon.positive for w in words)
    neg = sum(w in lexicon.negative for w in words)
    if pos == neg == 0:
        return "neutral"
    if pos - neg >= margin:
        return "positive"
    if neg - pos >= margin:
        return "negative"
    return None


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def weak_examples(
    documents: Iterable[dict], lexicon: Lexicon, seed: int = 13, max_neutral_ratio: float = 1.0
) -> list[Example]:
    """Weakly label every (sentence, company mention) of SmartData documents.

    Args:
        documents: SmartData JSON documents (``text.string``, ``conceptMentions``, ``relationMentions``).
        lexicon: the BPW lexicon.
        seed: sampling seed for the neutral share.
        max_neutral_ratio: neutral examples kept per polar example.

    Returns:
        Examples with ``source="finance_weak"`` and the document id as ``group``.
    """
    polar: list[Example] = []
    neutral: list[Example] = []
    for doc in documents:
        text = doc["text"]["string"]
        mentions = [
            m for m in (doc.get("conceptMentions") or {}).get("array") or [] if m.get("type") in COMPANY_TYPES
        ]
        event_neg: set[tuple[int, int]] = set()
        for rel in (doc.get("relationMentions") or {}).get("array") or []:
            if rel.get("name") in NEGATIVE_EVENTS:
                for arg in (rel.get("args") or {}).get("array") or []:
                    cm = arg.get("conceptMention") or {}
                    if cm.get("type") in COMPANY_TYPES:
                        event_neg.add((cm["span"]["start"], cm["span"]["end"]))
        for s_start, s_end in _sentences(text):
            sentence = text[s_start:s_end]
            inside = [m for m in mentions if s_start <= m["span"]["start"] and m["span"]["end"] <= s_end]
            if not inside or len(sentence) > 400:
                continue
            direction = figure_direction(sentence)
            lex = lexicon_polarity(sentence, lexicon)
            seen: set[str] = set()
            for m in inside:
                start, end = m["span"]["start"], m["span"]["end"]
                name = text[start:end]
                if name in seen:  # one example per company and sentence
                    continue
                seen.add(name)
                votes = {v for v in ("negative" if (start, end) in event_neg else None, direction) if v}
                if len(votes) > 1:
                    continue
                if votes:
                    label = votes.pop()
                elif lex in ("positive", "negative"):
                    label = lex
                elif lex == "neutral":
                    label = "neutral"
                else:
                    continue
                ex = Example(sentence.strip(), 0, 0, label, "finance_weak", group=doc["id"])
                lead = len(sentence) - len(sentence.lstrip())
                ex.target_start, ex.target_end = start - s_start - lead, end - s_start - lead
                (neutral if label == "neutral" else polar).append(ex)
    rng = random.Random(seed)
    rng.shuffle(neutral)
    keep = neutral[: int(len(polar) * max_neutral_ratio)]
    log.info("weak finance labels: %d polar, %d neutral (of %d)", len(polar), len(keep), len(neutral))
    return polar + keep
