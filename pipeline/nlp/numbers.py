"""Reading numbers as German news writes them: digits and spelled words.

Pure functions, no spaCy: ``parse_decimal("1.250,50")`` is ``1250.5`` and
``parse_number_word("fünfundzwanzig", words)`` is ``25.0``.
"""

from __future__ import annotations

import re
from typing import Mapping, Optional

# A sign glued to the number: "-6,3", "+3", "−6,3" (U+2212), "–6,3" (en dash).
SIGN_CHARS = {"-": -1.0, "−": -1.0, "–": -1.0, "+": 1.0}

_GERMAN = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$")
_ENGLISH = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+\.\d+$")
_RANGE = re.compile(r"^(?P<a>[+\-−–]?\d[\d.,]*)[-–](?P<b>\d[\d.,]*)$")


def split_sign(text: str) -> tuple[float, str]:
    """Split a leading sign off a number string.

    Args:
        text: e.g. ``"-6,3"``.

    Returns:
        ``(sign, rest)``: ``(-1.0, "6,3")``; the sign is ``0.0`` when none is written.
    """
    if text and text[0] in SIGN_CHARS:
        return SIGN_CHARS[text[0]], text[1:]
    return 0.0, text


def parse_decimal(text: str) -> Optional[float]:
    """Parse a number written with digits, German style first.

    German uses ``.`` for thousands and ``,`` for decimals: ``"6,3"`` is 6.3,
    ``"1.250"`` is 1250, ``"1.250,50"`` is 1250.5. English forms seen in German
    news are read too when unambiguous: ``"1.5"`` is 1.5, ``"1,250.50"`` is
    1250.5. A glued sign is applied (``"-6,3"`` is -6.3). Ordinals and dates
    (``"27."``, ``"27.01.2025"``) are not numbers here.

    Args:
        text: the token text.

    Returns:
        The value as a float, or ``None`` when ``text`` is not a plain number.
    """
    sign, body = split_sign(text.strip())
    if not body or not body[0].isdigit():
        return None
    if _GERMAN.match(body):
        value = float(body.replace(".", "").replace(",", "."))
    elif _ENGLISH.match(body):
        value = float(body.replace(",", ""))
    else:
        return None
    return -value if sign < 0 else value


def parse_digit_range(text: str) -> Optional[tuple[float, float]]:
    """Parse a range written as one token: ``"3–5"`` gives ``(3.0, 5.0)``.

    Args:
        text: the token text.

    Returns:
        ``(low, high)`` or ``None``.
    """
    match = _RANGE.match(text.strip())
    if not match:
        return None
    low, high = parse_decimal(match["a"]), parse_decimal(match["b"])
    if low is None or high is None:
        return None
    return low, high


def parse_number_word(word: str, words: Mapping[str, float]) -> Optional[float]:
    """Parse a spelled German number, compounds included.

    ``"drei"`` is 3, ``"fünfundzwanzig"`` is 25 (units + "und" + tens),
    ``"zweihundert"`` is 200, ``"dreieinhalb"`` is 3.5. Words such as
    ``"ein"`` count only where the caller says a unit follows (``ein Prozent``),
    since "ein" is usually an article.

    Args:
        word: one token, any case.
        words: the base words and their values (lexicon ``number_words``).

    Returns:
        The value, or ``None`` when ``word`` is not a number word.
    """
    word = word.lower()
    if word in words:
        return float(words[word])
    if word.endswith("einhalb") and len(word) > len("einhalb"):
        base = parse_number_word(word[: -len("einhalb")], words)
        return None if base is None else base + 0.5
    for multiplier_word, multiplier in (("tausend", 1000.0), ("hundert", 100.0)):
        if multiplier_word in word:
            head, _, tail = word.partition(multiplier_word)
            head_value = 1.0 if head in {"", "ein", "eins"} else parse_number_word(head, words)
            tail_value = parse_number_word(tail, words) if tail else 0.0
            if head_value is not None and tail_value is not None:
                return head_value * multiplier + tail_value
            return None
    if "und" in word:
        units, _, tens = word.partition("und")
        unit_value = 1.0 if units == "ein" else words.get(units)
        tens_value = words.get(tens)
        if unit_value is not None and tens_value is not None and tens_value >= 20 and unit_value < 10:
            return float(unit_value) + float(tens_value)
    return None
