"""Compile the readable fixture sources into the gold JSONL, validating everything.

The gold fixtures (``corpus/fixtures/gold.jsonl``) are written by hand in a
readable YAML format, one file per article under ``corpus/fixtures/src/``, that
locates spans by their surface string instead of raw offsets. This module turns
those files into the gold records of :mod:`pipeline.evaluate.gold` with exact
offsets and refuses anything that is not exact and consistent. What the gold
format requires is checked by :func:`~pipeline.evaluate.gold.validate_gold_document`
and the file is written by :meth:`~pipeline.evaluate.gold.GoldDocument.to_json`;
this module adds what is about authoring: locating spans by string and context,
re-reading figure values from their text, checking that every mention and figure
is annotated, phenomenon tags and the README tables. The format and the
annotation guidelines are documented in ``corpus/fixtures/README.md``; the short
version::

    id: 2025-03-14-sap-prognose          # equals the file name without .yaml
    date: "2025-03-14"
    tags: [earnings]                      # declared tags; checkable ones are verified
    text: |
      SAP hebt Prognose an

      Die SAP-Aktie stieg um 3,2 % auf 250 Euro, sagte ein Händler.
    entities:                             # every occurrence of every mention string is found
      - {name: SAP, label: ORG, isin: DE0007164600, mentions: [SAP]}
    figures:
      - {text: "3,2 %", value: 3.2, unit: "%", dir: up, about: [SAP]}
      - {text: "250 Euro", value: 250, unit: EUR, about: [SAP]}
    quotes: []
    sentiment: {SAP: positive}

Run ``python -m pipeline.evaluate.authoring corpus/fixtures/src corpus/fixtures/gold.jsonl``
to rebuild the gold file (add ``--readme corpus/fixtures/README.md`` to refresh the
generated tables there, ``--check`` to only compare with the existing file).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml

from pipeline.evaluate.gold import (
    DIRECTIONS,
    ENTITY_LABELS,
    PERCENT_UNITS,
    QUOTE_KINDS,
    SENTIMENT_LABELS,
    UNLISTED,
    GoldClaim,
    GoldDocument,
    GoldEntity,
    GoldFigure,
    GoldQuote,
    GoldSentiment,
    parse_gold_record,
    validate_gold_document,
)
from pipeline.gazetteer import isin_is_valid
from pipeline.ingest import join_paragraphs, split_plain_text

log = logging.getLogger(__name__)

# The currencies the figure grammar below reads (the gold format allows any ISO 4217 code).
CURRENCY_UNITS = ("EUR", "USD", "CHF", "JPY", "GBP")
UNITS = PERCENT_UNITS + CURRENCY_UNITS
# Hedge words written before a figure, longest first so "etwas mehr als" wins over "mehr als".
QUALIFIERS = (
    "etwas mehr als", "etwas weniger als", "mehr als", "weniger als", "bis zu", "mindestens",
    "annähernd", "nahezu", "knapp", "rund", "etwa", "über", "unter", "fast", "gut",
)
PRONOUNS = ("er", "sie", "Er", "Sie")
# "über" after these nouns names an amount ("Auftrag über 140 Mio. Euro"), it does not hedge it.
PREPOSITIONAL_UEBER = re.compile(r"(Vertrag|Verträge|Auftrag|Aufträge|Bestellung|Kredit|Anleihe|Scheck|Rechnung)\w* über $")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LEGAL_SUFFIXES = ("AG", "SE", "KGaA", "Inc.", "Corp.", "GmbH", "N.V.", "Ltd.", "Co.", "plc", "SA", "S.A.", "Holding")

# -------------------------------------------------------------- figure grammar

NUMBER_WORDS = {
    "ein": 1, "eine": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
    "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
    "fünfzehn": 15, "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "hundert": 100,
}
SCALE_WORDS = {
    "Tsd.": 1e3, "Tausend": 1e3,
    "Mio.": 1e6, "Mill.": 1e6, "Million": 1e6, "Millionen": 1e6,
    "Mrd.": 1e9, "Milliarde": 1e9, "Milliarden": 1e9,
    "Bill.": 1e12, "Billion": 1e12, "Billionen": 1e12,
}
UNIT_WORDS = {
    "%": "%", "Prozent": "%",
    "Prozentpunkte": "pp", "Prozentpunkten": "pp", "Prozentpunkt": "pp",
    "Euro": "EUR", "€": "EUR",
    "US-Dollar": "USD", "Dollar": "USD", "$": "USD",
    "Franken": "CHF", "Fr.": "CHF", "CHF": "CHF", "Yen": "JPY", "Pfund": "GBP",
}
# Multiplier verbs: the stem, and the percent change it means ("verfünffacht" = +400 %).
MULTIPLIERS = {"verdoppel": 100.0, "verdreifach": 200.0, "vervierfach": 300.0, "verfünffach": 400.0, "verzehnfach": 900.0}

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_SCALE = "|".join(re.escape(s) for s in sorted(SCALE_WORDS, key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in sorted(UNIT_WORDS, key=len, reverse=True))


def _amount(p: str) -> str:
    return rf"(?P<{p}sign>[+\-−]|minus |plus )?(?P<{p}num>{_NUM}|{_WORD})(?: (?P<{p}scale>{_SCALE}))?"


FIGURE_TEXT = re.compile(
    "^" + _amount("a") + rf"(?: ?(?P<aunit>{_UNIT}))?" + r"(?: bis " + _amount("b") + rf" ?(?P<bunit>{_UNIT}))?$"
)
# Anything in running text that looks like a percentage or money figure.
FIGURE_CANDIDATE = re.compile(
    rf"(?<![\w,.])(?:[+\-−])?(?:{_NUM}|(?:{_WORD})(?= ))(?: (?:{_SCALE}))? ?(?:{_UNIT})(?![\w-])"
    rf"|(?<!\w)(?:{'|'.join(MULTIPLIERS)})\w*",
    re.IGNORECASE,
)

# Quotation marks: opening mark -> closing mark. "«" closes "»" and opens "«" (Swiss style).
QUOTE_PAIRS = {"„": "“", "‚": "‘", "»": "«", "«": "»", '"': '"'}
QUOTE_STYLE_TAGS = {
    ("„", "“"): "quote-marks-german", ('"', '"'): "quote-marks-straight", ("»", "«"): "quote-marks-chevrons",
    ("«", "»"): "quote-marks-swiss", ("‚", "‘"): "quote-marks-single",
}


class AuthoringError(ValueError):
    """A fixture source is invalid; the message lists every problem found, one per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# -------------------------------------------------------------- small helpers


def normalise_source_text(raw: str) -> str:
    """Normalise a source text exactly as ingestion normalises a ``.txt`` file.

    The first non-empty line is the headline; blank lines separate paragraphs;
    lines within a paragraph are joined with a space (NFC, soft hyphens removed,
    special spaces mapped to U+0020, runs of spaces collapsed).
    """
    title, paragraphs = split_plain_text(raw)
    return join_paragraphs([title, *paragraphs])


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def find_all(text: str, needle: str, lo: int = 0, hi: Optional[int] = None) -> list[int]:
    """Start offsets of ``needle`` in ``text[lo:hi]`` that do not cut a word.

    A needle that begins (ends) with a letter or digit must not be preceded
    (followed) by one: ``er`` is not found inside ``der``, ``Nvidia`` is not
    found inside ``Nvidias``, but ``Infineon`` is found in ``Infineon-Papiere``.
    """
    hi = len(text) if hi is None else hi
    starts = []
    i = text.find(needle, lo, hi)
    while i != -1:
        j = i + len(needle)
        left_ok = not (_is_word_char(needle[0]) and i > 0 and _is_word_char(text[i - 1]))
        right_ok = not (_is_word_char(needle[-1]) and j < len(text) and _is_word_char(text[j]))
        # "9 %" is not inside "1,9 %", nor "1" inside "1.100".
        if needle[0].isdigit() and i > 1 and text[i - 1] in ",." and text[i - 2].isdigit():
            left_ok = False
        if needle[-1].isdigit() and j + 1 < len(text) and text[j] in ",." and text[j + 1].isdigit():
            right_ok = False
        if left_ok and right_ok:
            starts.append(i)
        i = text.find(needle, i + 1, hi)
    return starts


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every paragraph of a normalised text (separated by ``"\\n\\n"``)."""
    bounds, start = [], 0
    for para in text.split("\n\n"):
        bounds.append((start, start + len(para)))
        start += len(para) + 2
    return bounds


def paragraph_of(text: str, offset: int) -> tuple[int, int]:
    """The ``(start, end)`` of the paragraph containing ``offset``."""
    for lo, hi in paragraph_bounds(text):
        if lo <= offset <= hi:
            return lo, hi
    raise ValueError(f"offset {offset} outside the text")


def quote_mark_pairs(text: str) -> tuple[list[tuple[int, int, str, str]], list[str]]:
    """Find the top-level quotation-mark pairs in each paragraph.

    Returns ``(pairs, problems)``: each pair is ``(open_index, close_index,
    open_mark, close_mark)``; problems name unbalanced marks. Pairs nested inside
    another pair are not returned. Example: in ``„Das ist ‚Equal Weight‘“, sagt er``
    the one top-level pair is ``„…“``.
    """
    pairs, problems = [], []
    for lo, hi in paragraph_bounds(text):
        stack: list[tuple[int, str]] = []
        for i in range(lo, hi):
            ch = text[i]
            if stack and ch == QUOTE_PAIRS[stack[-1][1]]:
                open_i, open_mark = stack.pop()
                if not stack:
                    pairs.append((open_i, i, open_mark, ch))
            elif ch in QUOTE_PAIRS:
                stack.append((i, ch))
            elif ch in "“‘":
                problems.append(f"closing mark {ch!r} at {i} without an opening mark: {text[max(lo, i - 30):i + 1]!r}")
        for open_i, mark in stack:
            problems.append(f"opening mark {mark!r} at {open_i} is never closed: {text[open_i:open_i + 40]!r}")
    return pairs, problems


def parse_figure_text(text: str) -> tuple[float, Optional[float], str]:
    """Read value, range end and unit from a figure's surface text.

    Returns ``(value, value_to, unit)`` where ``value`` carries the written sign
    (``-6,3 %`` -> ``(-6.3, None, "%")``, ``3,2 Bill. Dollar`` -> ``(3.2e12, None,
    "USD")``, ``18 Prozent bis 250 Prozent`` -> ``(18.0, 250.0, "%")``,
    ``verfünffacht`` -> ``(400.0, None, "%")``). Raises ``ValueError`` for text
    that is not a figure.
    """
    lowered = text.lower()
    for stem, pct in MULTIPLIERS.items():
        if lowered.startswith(stem) and " " not in text:
            return pct, None, "%"
    m = FIGURE_TEXT.match(text)
    if not m:
        raise ValueError(f"not a figure text: {text!r}")

    def amount(prefix: str) -> float:
        num = m.group(prefix + "num")
        value = float(NUMBER_WORDS[num]) if num in NUMBER_WORDS else float(num.replace(".", "").replace(",", "."))
        scale = m.group(prefix + "scale")
        if prefix == "a" and not scale and not m.group("aunit"):
            scale = m.group("bscale")  # "36 bis 37 Mrd. Euro": the scale word covers both ends
        if scale:
            value *= SCALE_WORDS[scale]
        if (m.group(prefix + "sign") or "").strip() in ("-", "−", "minus"):
            value = -value
        return value

    unit_word = m.group("bunit") or m.group("aunit")
    if unit_word is None:
        raise ValueError(f"figure text without a unit: {text!r}")
    if m.group("aunit") and m.group("bunit") and UNIT_WORDS[m.group("aunit")] != UNIT_WORDS[m.group("bunit")]:
        raise ValueError(f"range with two different units: {text!r}")
    value_to = amount("b") if m.group("bnum") else None
    return amount("a"), value_to, UNIT_WORDS[unit_word]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# -------------------------------------------------------------- compiling one article


class _Article:
    """Compilation state of one source file; collects problems instead of stopping at the first."""

    def __init__(self, source: dict[str, Any], origin: str):
        self.src = source
        self.origin = origin
        self.problems: list[str] = []
        self.text = ""

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.origin}: {where}: {message}")

    def locate(
        self, where: str, needle: Any, at: Any = None, n: Any = None, region: Optional[list[tuple[int, int]]] = None
    ) -> Optional[tuple[int, int]]:
        """Find ``needle`` exactly once: inside the context ``at``, as occurrence ``n``, or alone in ``region``."""
        if not isinstance(needle, str) or not needle:
            self.problem(where, f"span text must be a non-empty string, got {needle!r}")
            return None
        text = self.text
        if at is not None:
            if not isinstance(at, str) or needle not in at:
                self.problem(where, f"context `at` {at!r} must be a string containing {needle!r}")
                return None
            ctx = [m.start() for m in re.finditer(re.escape(at), text)]
            if len(ctx) != 1:
                self.problem(where, f"context {at!r} occurs {len(ctx)} times in the text (must be exactly once)")
                return None
            hits = find_all(text, needle, ctx[0], ctx[0] + len(at))
            if len(hits) != 1:
                self.problem(where, f"{needle!r} occurs {len(hits)} times as a whole word inside context {at!r}")
                return None
            return hits[0], hits[0] + len(needle)
        hits = find_all(text, needle)
        if n is not None:
            if not isinstance(n, int) or not 1 <= n <= len(hits):
                self.problem(where, f"occurrence n={n!r} of {needle!r} does not exist ({len(hits)} found)")
                return None
            return hits[n - 1], hits[n - 1] + len(needle)
        if region is not None:
            hits = [h for h in hits if any(lo <= h and h + len(needle) <= hi for lo, hi in region)]
        if len(hits) != 1:
            scope = "in its paragraph outside quotations" if region is not None else "in the text"
            self.problem(where, f"{needle!r} occurs {len(hits)} times {scope}; give `at` (a context) or `n`")
            return None
        return hits[0], hits[0] + len(needle)

    # ---------------------------------------------------------- the parts

    def compile(self, global_mentions: Optional[set[str]] = None) -> Optional[GoldDocument]:
        src = self.src
        allowed = {"id", "date", "tags", "text", "title", "entities", "figures", "quotes", "not_quotes",
                   "not_entities", "sentiment", "claims"}
        for key in sorted(set(src) - allowed):
            self.problem(key, f"unknown key (allowed: {', '.join(sorted(allowed))})")
        art_id = src.get("id")
        if not isinstance(art_id, str) or not ID_PATTERN.match(art_id):
            self.problem("id", f"must be lower-case letters, digits and hyphens, got {art_id!r}")
            art_id = str(art_id)
        date = src.get("date")
        if date is not None:
            date = str(date)
            if not DATE_PATTERN.match(date):
                self.problem("date", f"must be YYYY-MM-DD, got {date!r}")
        raw = src.get("text")
        if not isinstance(raw, str) or not raw.strip():
            self.problem("text", "missing or empty")
            return None
        self.text = text = normalise_source_text(raw)
        if "  " in text or "\t" in text:
            self.problem("text", "contains a double space or tab (ingest would collapse it)")
        title = text.split("\n\n", 1)[0]
        if "title" in src and src["title"] != title:
            self.problem("title", f"{src['title']!r} differs from the first paragraph {title!r}")
        if "\n\n" not in text:
            self.problem("text", "needs a headline paragraph and at least one body paragraph")

        entities, names = self.compile_entities(global_mentions or set())
        figures = self.compile_figures(names)
        quotes = self.compile_quotes(names)
        sentiment = self.compile_sentiment(entities, names)
        claims = self.compile_claims(entities, names)
        declared = src.get("tags") or []
        if not isinstance(declared, list) or not all(isinstance(t, str) for t in declared):
            self.problem("tags", "must be a list of strings")
            declared = []
        if self.problems:
            return None
        article = GoldDocument(
            id=art_id, title=title, text=text, date=date, tags=[], entities=entities, figures=figures,
            quotes=quotes, sentiment=sentiment, claims=claims, linked=True,
        )
        article.tags = self.compile_tags(article, declared)
        # What the gold format requires holds by construction; this catches a compiler bug, not an author's.
        for problem in validate_gold_document(article):
            self.problem("gold format", problem)
        if self.problems:
            return None
        return article

    def compile_entities(self, global_mentions: set[str]) -> tuple[list[GoldEntity], dict[str, dict[str, Any]]]:
        text = self.text
        names: dict[str, dict[str, Any]] = {}
        candidates: list[tuple[int, int, str]] = []  # start, end, entity name
        ignore_spans = self._ignore_spans()
        specs = self.src.get("entities") or []
        for k, spec in enumerate(specs):
            where = f"entities[{k}]"
            if not isinstance(spec, dict):
                self.problem(where, "must be a mapping")
                continue
            for key in sorted(set(spec) - {"name", "label", "isin", "mentions"}):
                self.problem(where, f"unknown key {key!r}")
            name, label = spec.get("name"), spec.get("label")
            if not isinstance(name, str) or not name:
                self.problem(where, "needs a `name`")
                continue
            where = f"entities[{name}]"
            if name in names:
                self.problem(where, "entity given twice")
                continue
            if label not in ENTITY_LABELS:
                self.problem(where, f"label {label!r} not in {ENTITY_LABELS}")
            if label == "ORG" and "isin" not in spec:
                self.problem(where, "an ORG needs `isin`: an ISIN, `unlisted`, or null for a public body")
            isin = spec.get("isin")
            if isin is not None:
                if label != "ORG":
                    self.problem(where, f"only ORG entities have an isin, not {label}")
                elif isin != UNLISTED and not isin_is_valid(str(isin)):
                    self.problem(where, f"invalid ISIN {isin!r} (form or ISO 6166 check digit)")
            names[name] = {"label": label, "isin": isin}
            mentions = spec.get("mentions", [name])
            if not isinstance(mentions, list) or not all(isinstance(m, str) and m for m in mentions):
                self.problem(where, "`mentions` must be a list of non-empty strings")
                continue
            for mention in mentions:
                hits = [h for h in find_all(text, mention) if not _inside(h, h + len(mention), ignore_spans)]
                if not hits:
                    self.problem(where, f"mention {mention!r} never occurs as a whole word")
                candidates.extend((h, h + len(mention), name) for h in hits)
        # Longest match wins: "Siemens Energy" beats "Siemens" inside it.
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        accepted: list[tuple[int, int, str]] = []
        for start, end, name in candidates:
            clash = [a for a in accepted if a[0] < end and start < a[1]]
            if not clash:
                accepted.append((start, end, name))
            elif any((a[1] - a[0]) == (end - start) and a[2] != name for a in clash):
                self.problem("entities", f"{text[start:end]!r} at {start} is a mention of two entities ({name}, {clash[0][2]})")
        for name in names:
            if not any(a[2] == name for a in accepted):
                self.problem(f"entities[{name}]", "no mention left after resolving overlaps (all inside longer names?)")
        accepted.sort()
        self._check_unannotated_names(accepted, names, global_mentions, ignore_spans)
        gold = [
            GoldEntity(start=s, end=e, text=text[s:e], label=names[n]["label"], name=n, isin=names[n]["isin"])
            for s, e, n in accepted
        ]
        self.mention_spans = accepted
        return gold, names

    def _ignore_spans(self) -> list[tuple[int, int]]:
        spans = []
        for k, ctx in enumerate(self.src.get("not_entities") or []):
            hits = [m.start() for m in re.finditer(re.escape(str(ctx)), self.text)]
            if not hits:
                self.problem(f"not_entities[{k}]", f"{ctx!r} does not occur in the text")
            spans.extend((h, h + len(str(ctx))) for h in hits)
        return spans

    def _check_unannotated_names(
        self, accepted: list[tuple[int, int, str]], names: dict[str, dict[str, Any]],
        global_mentions: set[str], ignore_spans: list[tuple[int, int]],
    ) -> None:
        """Every occurrence of a known name (any case, genitive too) must be a mention or be ignored.

        Known names are this article's mention strings (any case) and every mention
        string of the whole fixture set (exact case), so a company annotated in one
        article cannot silently go unannotated in another.
        """
        text = self.text
        local = {m for spec in (self.src.get("entities") or []) if isinstance(spec, dict)
                 for m in (spec.get("mentions") or [spec.get("name")]) if isinstance(m, str) and m}
        checks = [(m, True) for m in local] + [(m, False) for m in global_mentions - local]
        seen: set[tuple[int, int]] = set()
        for mention, any_case in checks:
            if len(mention) < 2:
                continue
            flags = re.IGNORECASE if any_case else 0
            pattern = re.compile(rf"(?<!\w){re.escape(mention)}(?:s|')?(?!\w)", flags)
            for m in pattern.finditer(text):
                s, e = m.start(), m.end()
                if (s, e) in seen or _inside(s, e, ignore_spans):
                    continue
                if any(a[0] <= s < a[1] for a in accepted):
                    continue
                seen.add((s, e))
                self.problem(
                    "entities",
                    f"{text[s:e]!r} at {s} looks like a mention of {mention!r} but is not annotated "
                    "(add it to `mentions`, or list its context in `not_entities`)",
                )

    def compile_figures(self, names: dict[str, dict[str, Any]]) -> list[GoldFigure]:
        text = self.text
        figures = []
        for k, spec in enumerate(self.src.get("figures") or []):
            where = f"figures[{k}]"
            if not isinstance(spec, dict):
                self.problem(where, "must be a mapping")
                continue
            for key in sorted(set(spec) - {"text", "at", "n", "value", "to", "unit", "dir", "q", "target", "about"}):
                self.problem(where, f"unknown key {key!r}")
            where = f"figures[{k}] {spec.get('text')!r}"
            span = self.locate(where, spec.get("text"), spec.get("at"), spec.get("n"))
            if span is None:
                continue
            start, end = span
            surface = text[start:end]
            try:
                value = float(spec["value"])
                value_to = float(spec["to"]) if spec.get("to") is not None else None
            except (KeyError, TypeError, ValueError):
                self.problem(where, f"needs a numeric `value` (and numeric `to` for a range), got {spec.get('value')!r}")
                continue
            unit, direction = spec.get("unit"), spec.get("dir", "none")
            qualifier, target, about = spec.get("q", ""), spec.get("target", False), spec.get("about")
            if unit not in UNITS:
                self.problem(where, f"unit {unit!r} not in {UNITS}")
                continue
            if direction not in DIRECTIONS:
                self.problem(where, f"dir {direction!r} not in {DIRECTIONS}")
            try:
                parsed, parsed_to, parsed_unit = parse_figure_text(surface)
            except ValueError as exc:
                self.problem(where, str(exc))
                continue
            if parsed_unit != unit:
                self.problem(where, f"unit {unit!r} but the text says {parsed_unit!r}")
            if not _close(abs(parsed), abs(value)):
                self.problem(where, f"value {value} but the text says {abs(parsed)} (sign aside)")
            if parsed < 0 and value > 0 or surface[:1] == "+" and value < 0:
                self.problem(where, f"value {value} contradicts the sign written in {surface!r}")
            if (parsed_to is None) != (value_to is None) or (parsed_to is not None and not _close(abs(parsed_to), abs(value_to))):
                self.problem(where, f"range end `to` {value_to} but the text says {parsed_to}")
            if (value < 0) != (direction == "down"):
                self.problem(where, f"direction {direction!r} with value {value}: negative values go down, and only they")
            if not isinstance(qualifier, str) or (qualifier and qualifier not in QUALIFIERS):
                self.problem(where, f"qualifier {qualifier!r} not in {QUALIFIERS}")
            else:
                before = text[max(0, start - 20):start]
                written = next((q for q in QUALIFIERS if re.search(rf"(?<!\w){re.escape(q)} $", before, re.IGNORECASE)), "")
                if written == "über" and PREPOSITIONAL_UEBER.search(before):
                    written = ""  # "ein Vertrag über 850 Tsd. Euro": the contract's value, no hedge
                if written != qualifier:
                    self.problem(where, f"qualifier {qualifier!r} but the text before it reads {before!r} (qualifier {written!r})")
            if not isinstance(target, bool):
                self.problem(where, "`target` must be true or false")
            elif target and not re.search(r"[Zz]iel\w*\b[^.]*$", text[paragraph_of(text, start)[0]:start]):
                self.problem(where, "is a price target but no 'Ziel' precedes it in its sentence")
            if target and unit not in CURRENCY_UNITS:
                self.problem(where, "a price target must be a money figure")
            if not isinstance(about, list):
                self.problem(where, "needs `about`: a list of entity names ([] for none)")
                about = []
            for name in about:
                if name not in names:
                    self.problem(where, f"about {name!r}: not an annotated entity name")
                elif names[name]["label"] not in ("ORG", "INDEX"):
                    self.problem(where, f"about {name!r}: figures are about companies or indices, not {names[name]['label']}")
            figures.append(
                GoldFigure(
                    start=start, end=end, text=surface, kind="money" if unit in CURRENCY_UNITS else "percent",
                    value=value, unit=unit, value_to=value_to, direction=direction, qualifier=qualifier,
                    is_target=bool(target), about=list(about),
                )
            )
        figures.sort(key=lambda f: f.start)
        for a, b in zip(figures, figures[1:]):
            if b.start < a.end:
                self.problem("figures", f"{a.text!r} and {b.text!r} overlap")
        for m in FIGURE_CANDIDATE.finditer(text):
            if not any(f.start < m.end() and m.start() < f.end for f in figures):
                self.problem("figures", f"{m.group()!r} at {m.start()} looks like a figure but is not annotated")
        return figures

    def compile_quotes(self, names: dict[str, dict[str, Any]]) -> list[GoldQuote]:
        text = self.text
        specs = self.src.get("quotes") or []
        located: list[Optional[tuple[int, int]]] = []
        for k, spec in enumerate(specs):
            if not isinstance(spec, dict):
                self.problem(f"quotes[{k}]", "must be a mapping")
                located.append(None)
                continue
            located.append(self.locate(f"quotes[{k}] {str(spec.get('text'))[:30]!r}", spec.get("text"), spec.get("at"), spec.get("n")))
        direct_spans = [
            span for spec, span in zip(specs, located) if span and isinstance(spec, dict) and spec.get("kind") == "direct"
        ]
        pairs, problems = quote_mark_pairs(text)
        for p in problems:
            self.problem("text", p)
        not_quotes = self.src.get("not_quotes") or []
        for s, e, _, _ in pairs:
            inner = text[s + 1:e]
            if (s + 1, e) not in direct_spans and inner not in not_quotes:
                self.problem("quotes", f"quotation marks around {inner[:50]!r} at {s}: not a direct quote and not in `not_quotes`")
        for k, nq in enumerate(not_quotes):
            if not any(text[s + 1:e] == nq for s, e, _, _ in pairs):
                self.problem(f"not_quotes[{k}]", f"{nq!r} is not enclosed in quotation marks in the text")
        quotes = []
        unnamed: set[str] = set()  # unnamed speakers introduced so far ("ein Händler"), for their continued quotes
        for k, (spec, span) in enumerate(zip(specs, located)):
            if span is None:
                continue
            where = f"quotes[{k}] {str(spec.get('text'))[:30]!r}"
            for key in sorted(set(spec) - {"kind", "text", "at", "n", "speaker", "speaker_text", "speaker_at",
                                           "cue", "cue_at", "role"}):
                self.problem(where, f"unknown key {key!r}")
            kind = spec.get("kind")
            if kind not in QUOTE_KINDS:
                self.problem(where, f"kind {kind!r} not in {QUOTE_KINDS}")
                continue
            start, end = span
            marks = (text[start - 1:start], text[end:end + 1])
            if kind == "direct" and marks not in QUOTE_STYLE_TAGS:
                self.problem(where, f"a direct quote must be the whole content between quotation marks, found {marks!r} around it")
            if kind != "direct" and (text[start:end][-1:] in ".,;:" or text[start:end][:1] in QUOTE_PAIRS):
                self.problem(where, "an indirect/reported span has no final punctuation and no quotation marks")
            if "cue" not in spec or "speaker" not in spec:
                self.problem(where, "needs `speaker` and `cue` (null when absent)")
                continue
            region = _subtract(paragraph_of(text, start), direct_spans + [span])
            speaker = spec.get("speaker")
            speaker_text = spec.get("speaker_text", speaker)
            s_span = c_span = None
            if speaker_text is not None:
                s_span = self.locate(where + " speaker", speaker_text, spec.get("speaker_at"), None, None if spec.get("speaker_at") else region)
            if spec.get("cue") is not None:
                c_span = self.locate(where + " cue", spec["cue"], spec.get("cue_at"), None, None if spec.get("cue_at") else region)
            if speaker is not None and speaker not in names and speaker != speaker_text and speaker not in unnamed:
                self.problem(where, f"speaker {speaker!r} is not an annotated entity name (an unnamed speaker is written as in the text)")
            if speaker is not None and speaker not in names and speaker == speaker_text:
                unnamed.add(speaker)
            if speaker is not None and speaker in names and names[speaker]["label"] not in ("PER", "ORG"):
                self.problem(where, f"speaker {speaker!r} is a {names[speaker]['label']}, not a person or organisation")
            if speaker_text is not None and speaker is None:
                self.problem(where, "speaker_text without a speaker")
            for sp in (s_span, c_span):
                if sp and start < sp[1] and sp[0] < end:
                    self.problem(where, f"speaker/cue {text[sp[0]:sp[1]]!r} lies inside the quote")
            quotes.append(
                GoldQuote(
                    kind=kind, start=start, end=end, text=text[start:end], speaker=speaker,
                    speaker_start=s_span[0] if s_span else None, speaker_end=s_span[1] if s_span else None,
                    cue=spec.get("cue"), cue_start=c_span[0] if c_span else None, cue_end=c_span[1] if c_span else None,
                    speaker_role=spec.get("role", "") or "",
                )
            )
        quotes.sort(key=lambda q: q.start)
        for a, b in zip(quotes, quotes[1:]):
            if b.start < a.end:
                self.problem("quotes", f"{a.text[:30]!r} and {b.text[:30]!r} overlap")
        return quotes

    def compile_sentiment(self, entities: list[GoldEntity], names: dict[str, dict[str, Any]]) -> list[GoldSentiment]:
        labels = self.src.get("sentiment") or {}
        if not isinstance(labels, dict):
            self.problem("sentiment", "must be a mapping entity name -> label")
            return []
        companies = [n for n, v in names.items() if v["label"] == "ORG" and v["isin"] is not None]
        for name, label in labels.items():
            if name not in companies:
                self.problem("sentiment", f"{name!r} is not an annotated company (ORG with an ISIN or `unlisted`)")
            if label not in SENTIMENT_LABELS:
                self.problem("sentiment", f"{name!r}: label {label!r} not in {SENTIMENT_LABELS}")
        for name in companies:
            if name not in labels:
                self.problem("sentiment", f"company {name!r} has no sentiment label")
        first = {}
        for ent in entities:
            first.setdefault(ent.name, ent.start)
        return [GoldSentiment(entity=n, label=labels[n]) for n in sorted(labels, key=lambda n: first.get(n, 0)) if n in companies]

    def compile_claims(self, entities: list[GoldEntity], names: dict[str, dict[str, Any]]) -> list[GoldClaim]:
        claims = []
        for k, spec in enumerate(self.src.get("claims") or []):
            where = f"claims[{k}]"
            if not isinstance(spec, dict) or not isinstance(spec.get("labels"), dict) or len(spec["labels"]) < 2:
                self.problem(where, "needs `text` (the sentence) and `labels` for at least two companies")
                continue
            span = self.locate(where, spec.get("text"), spec.get("at"), spec.get("n"))
            if span is None:
                continue
            start, end = span
            for name, label in spec["labels"].items():
                if name not in names or names[name]["label"] != "ORG" or names[name]["isin"] is None:
                    self.problem(where, f"{name!r} is not an annotated company")
                    continue
                if label not in SENTIMENT_LABELS:
                    self.problem(where, f"{name!r}: label {label!r} not in {SENTIMENT_LABELS}")
                target = next((e for e in entities if e.name == name and start <= e.start and e.end <= end), None)
                if target is None:
                    self.problem(where, f"{name!r} is not mentioned in the claim sentence")
                    continue
                claims.append(GoldClaim(start=start, end=end, text=self.text[start:end], entity=name,
                                        target_start=target.start, target_end=target.end, label=label))
            if len(set(spec["labels"].values())) < 2:
                self.problem(where, "a contrast claim needs different labels for its companies")
        return sorted(claims, key=lambda c: (c.start, c.target_start))

    def compile_tags(self, article: GoldDocument, declared: list[str]) -> list[str]:
        counts = phenomena(article)
        for tag in declared:
            if tag not in TAGS:
                self.problem("tags", f"unknown tag {tag!r} (documented tags: see corpus/fixtures/README.md)")
            elif TAGS[tag].check is not None and counts.get(tag, 0) == 0:
                self.problem("tags", f"tag {tag!r} declared but the annotations show no instance of it")
        auto = [t for t, n in counts.items() if n > 0]
        return sorted((set(declared) & set(TAGS)) | set(auto), key=list(TAGS).index)


def _subtract(interval: tuple[int, int], spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``interval`` not covered by any of ``spans``."""
    parts, lo = [], interval[0]
    for s, e in sorted(spans):
        if e <= lo or s >= interval[1]:
            continue
        if s > lo:
            parts.append((lo, s))
        lo = max(lo, e)
    if lo < interval[1]:
        parts.append((lo, interval[1]))
    return parts


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= start and end <= hi for lo, hi in spans)


# -------------------------------------------------------------- phenomenon tags


@dataclass(frozen=True)
class Tag:
    """A phenomenon tag: its description and, when checkable, a counter of its instances."""

    description: str
    check: Optional[Callable[[GoldDocument], int]] = None


def _figs(a: GoldDocument, kind: str) -> list[GoldFigure]:
    return [f for f in a.figures if f.kind == kind]


def _names(a: GoldDocument, label: str) -> dict[str, Optional[str]]:
    return {e.name: e.isin for e in a.entities if e.label == label}


def _uncovered(a: GoldDocument, word: str) -> int:
    return sum(
        1 for s in find_all(a.text, word) if not any(e.start <= s < e.end for e in a.entities)
    )


def _marks(a: GoldDocument, q: GoldQuote) -> tuple[str, str]:
    return a.text[q.start - 1:q.start], a.text[q.end:q.end + 1]


def _para_index(a: GoldDocument, offset: int) -> int:
    return next(i for i, (lo, hi) in enumerate(paragraph_bounds(a.text)) if lo <= offset <= hi)


def _cross_paragraph(a: GoldDocument) -> int:
    count = 0
    for i, q in enumerate(a.quotes):
        if q.cue is None and q.speaker is not None:
            cued = [p for p in a.quotes[:i] if p.speaker == q.speaker and p.cue is not None]
            if cued and _para_index(a, cued[-1].start) != _para_index(a, q.start):
                count += 1
    return count


def _adjacent_orgs(a: GoldDocument) -> int:
    orgs = [e for e in a.entities if e.label == "ORG"]
    return sum(1 for x, y in zip(orgs, orgs[1:]) if a.text[x.end:y.start] in (" ", " , "))


def _alias(e: GoldEntity) -> bool:
    return e.text not in (e.name, e.name + "s", e.name.replace(" ", "-"), e.name + "'")


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)).lower()


TAGS: dict[str, Tag] = {
    # genres and article types (declared by the author)
    "market-report": Tag("market report on the day's trading"),
    "index-move": Tag("report centred on an index move (Dax, Nasdaq 100, Nikkei ...)"),
    "earnings": Tag("quarterly or annual results, guidance"),
    "analyst-rating": Tag("analyst upgrade, downgrade, price target"),
    "ad-hoc": Tag("ad hoc disclosure, profit warning, takeover, management change"),
    "interview": Tag("interview or statement-led piece with long direct quotes"),
    "hard": Tag("dense wrap-up: many companies and figures in few sentences", lambda a: int(
        len([n for n, i in _names(a, "ORG").items() if i]) >= 8 and len(a.figures) >= 8)),
    # companies
    "de-company": Tag("a company listed in Germany (ISIN DE...)", lambda a: sum(1 for i in _names(a, "ORG").values() if i and i.startswith("DE"))),
    "us-company": Tag("a US company (ISIN US...)", lambda a: sum(1 for i in _names(a, "ORG").values() if i and i.startswith("US"))),
    "jp-company": Tag("a Japanese company (ISIN JP...)", lambda a: sum(1 for i in _names(a, "ORG").values() if i and i.startswith("JP"))),
    "other-listed": Tag("a company listed elsewhere (Swiss, French, Dutch, Austrian, British)", lambda a: sum(
        1 for i in _names(a, "ORG").values() if i and i != UNLISTED and i[:2] not in ("DE", "US", "JP"))),
    "unlisted": Tag("an organisation that is not a listed security (isin `unlisted`)", lambda a: sum(
        1 for i in _names(a, "ORG").values() if i == UNLISTED)),
    "public-body": Tag("a public body, central bank or association (ORG with isin null)", lambda a: sum(
        1 for i in _names(a, "ORG").values() if i is None)),
    "genitive": Tag("genitive mention: Nvidias, DeepSeeks", lambda a: sum(
        1 for e in a.entities if e.text.endswith("s") and not e.name.endswith("s") and e.text[:-1] in {x.text for x in a.entities if x.name == e.name} | {e.name})),
    "compound": Tag("name inside a hyphenated compound: Infineon-Papiere, Siemens-Energy-Aktie", lambda a: sum(
        1 for e in a.entities if a.text[e.end:e.end + 1] == "-")),
    "legal-suffix": Tag("mention with a legal suffix: AG, SE, KGaA, Inc.", lambda a: sum(
        1 for e in a.entities if e.text.split()[-1] in LEGAL_SUFFIXES and e.label == "ORG")),
    "missing-comma": Tag("two company names side by side without the comma: Nvidia , Broadcom AMD oder", _adjacent_orgs),
    "no-split": Tag("Siemens Energy / Siemens Healthineers kept whole, not Siemens", lambda a: sum(
        1 for e in a.entities if e.name in ("Siemens Energy", "Siemens Healthineers"))),
    "siemens-family": Tag("Siemens and Siemens Energy or Healthineers in one article", lambda a: int(
        "Siemens" in _names(a, "ORG") and bool({"Siemens Energy", "Siemens Healthineers"} & set(_names(a, "ORG"))))),
    "alias": Tag("short name or variant of the canonical name: VW, Münchener Rück, Softbank", lambda a: sum(
        1 for e in a.entities if e.label == "ORG" and _alias(e))),
    "diacritics": Tag("spelling variants by diacritics or case: Suss/Süss/SÜSS MicroTec", lambda a: sum(
        1 for e in a.entities if e.text != e.name and _strip_accents(e.text) == _strip_accents(e.name))),
    "apple-ambiguity": Tag("Apple the company next to apple the fruit", lambda a: _uncovered(a, "Apple")),
    "allianz-ambiguity": Tag("Allianz the insurer next to Allianz the alliance", lambda a: _uncovered(a, "Allianz")),
    "energy-not-company": Tag("'Energy' alone, never a company", lambda a: _uncovered(a, "Energy")),
    "bernstein": Tag("Bernstein the research house", lambda a: sum(1 for e in a.entities if e.name.startswith("Bernstein"))),
    "index": Tag("a stock index (INDEX entity)", lambda a: len(_names(a, "INDEX"))),
    # percentages
    "pct-signed": Tag("signed percentage: -6,3 %", lambda a: sum(1 for f in _figs(a, "percent") if f.text[:1] in "+-−")),
    "pct-minus-word": Tag("'minus 10,3 %'", lambda a: sum(1 for f in _figs(a, "percent") if f.text.startswith(("minus ", "plus ")))),
    "pct-context-direction": Tag("direction from a verb or noun: sackten um 7,5 % ab, ein Minus von 3,5 %", lambda a: sum(
        1 for f in _figs(a, "percent") if f.direction != "none" and f.text[:1] not in "+-−"
        and not f.text.startswith(("minus ", "plus ")) and not f.text.lower().startswith(tuple(MULTIPLIERS)))),
    "pct-level": Tag("a percentage without direction: Marktanteil von 20 %", lambda a: sum(1 for f in _figs(a, "percent") if f.direction == "none")),
    "pct-spelled": Tag("spelled number: drei Prozent, ein Prozent", lambda a: sum(
        1 for f in a.figures if f.text.split()[0].lower() in NUMBER_WORDS)),
    "pct-range": Tag("percentage range: 18 Prozent bis 250 Prozent", lambda a: sum(1 for f in _figs(a, "percent") if f.value_to is not None)),
    "pct-points": Tag("percentage points (unit pp)", lambda a: sum(1 for f in a.figures if f.unit == "pp")),
    "multiplier": Tag("multiplier verb: verdoppelt (+100 %), verfünffacht (+400 %)", lambda a: sum(
        1 for f in a.figures if f.text.lower().startswith(tuple(MULTIPLIERS)))),
    "qualifier": Tag("hedged figure: mehr als, knapp, rund, bis zu ...", lambda a: sum(1 for f in a.figures if f.qualifier)),
    "multi-entity": Tag("one figure about several companies: Infineon und Siemens jeweils um mehr als 4 %", lambda a: sum(
        1 for f in a.figures if len(f.about) > 1)),
    "about-index": Tag("a figure about an index", lambda a: sum(
        1 for f in a.figures if set(f.about) & set(_names(a, "INDEX")))),
    "about-none": Tag("a figure about no entity", lambda a: sum(1 for f in a.figures if not f.about)),
    # money
    "money": Tag("money amount", lambda a: len(_figs(a, "money"))),
    "money-scale": Tag("money with a scale word: Tsd., Mio., Mrd., Bill., Milliarden ...", lambda a: sum(
        1 for f in _figs(a, "money") if any(w in SCALE_WORDS for w in f.text.split()))),
    "money-range": Tag("money range: 36 bis 37 Mrd. Euro", lambda a: sum(1 for f in _figs(a, "money") if f.value_to is not None)),
    "money-eur": Tag("Euro / €", lambda a: sum(1 for f in a.figures if f.unit == "EUR")),
    "money-usd": Tag("Dollar / US-Dollar / $", lambda a: sum(1 for f in a.figures if f.unit == "USD")),
    "money-chf": Tag("Franken", lambda a: sum(1 for f in a.figures if f.unit == "CHF")),
    "money-jpy": Tag("Yen", lambda a: sum(1 for f in a.figures if f.unit == "JPY")),
    "money-gbp": Tag("Pfund", lambda a: sum(1 for f in a.figures if f.unit == "GBP")),
    "price-target": Tag("price target: Kursziel von 80 Euro, ein Ziel von 80 Euro", lambda a: sum(1 for f in a.figures if f.is_target)),
    # quotes
    "quote-marks-german": Tag("„…“", lambda a: sum(1 for q in a.quotes if q.kind == "direct" and _marks(a, q) == ("„", "“"))),
    "quote-marks-straight": Tag('"…"', lambda a: sum(1 for q in a.quotes if q.kind == "direct" and _marks(a, q) == ('"', '"'))),
    "quote-marks-chevrons": Tag("»…«", lambda a: sum(1 for q in a.quotes if q.kind == "direct" and _marks(a, q) == ("»", "«"))),
    "quote-marks-swiss": Tag("«…»", lambda a: sum(1 for q in a.quotes if q.kind == "direct" and _marks(a, q) == ("«", "»"))),
    "quote-marks-single": Tag("‚…‘", lambda a: sum(1 for q in a.quotes if q.kind == "direct" and _marks(a, q) == ("‚", "‘"))),
    "quote-multi-sentence": Tag("a direct quote of several sentences", lambda a: sum(
        1 for q in a.quotes if q.kind == "direct" and re.search(r"[.!?] [A-ZÄÖÜ]", q.text))),
    "quote-partial": Tag("a partial quote inside a sentence: Das Modell sei „höchst problematisch …“", lambda a: sum(
        1 for q in a.quotes if q.kind == "direct" and re.search(r"\w\s*$", a.text[paragraph_of(a.text, q.start)[0]:q.start - 1]))),
    "quote-continued": Tag("a quote continued without a new cue", lambda a: sum(1 for q in a.quotes if q.cue is None and q.speaker)),
    "quote-cross-paragraph": Tag("a quote continued in a later paragraph without a new cue", _cross_paragraph),
    "scare-quotes": Tag("quotation marks that are no quote: „Equal Weight“, „Firefox“", lambda a: sum(
        1 for s, e, _, _ in quote_mark_pairs(a.text)[0] if not any(q.start == s + 1 and q.end == e for q in a.quotes))),
    "cue-before": Tag("speech verb before the quote", lambda a: sum(1 for q in a.quotes if q.cue_start is not None and q.cue_start < q.start)),
    "cue-after": Tag("speech verb after the quote", lambda a: sum(1 for q in a.quotes if q.cue_start is not None and q.cue_start >= q.end)),
    "pronoun-speaker": Tag("pronoun speaker resolved to a name: sagte er", lambda a: sum(
        1 for q in a.quotes if q.speaker_start is not None and a.text[q.speaker_start:q.speaker_end] in PRONOUNS)),
    "org-speaker": Tag("an organisation as speaker: merkt das Analysehaus Bernstein an", lambda a: sum(
        1 for q in a.quotes if q.speaker in _names(a, "ORG"))),
    "unnamed-speaker": Tag("a speaker without a name: so ein Börsianer", lambda a: sum(
        1 for q in a.quotes if q.speaker and not any(e.name == q.speaker for e in a.entities))),
    "speaker-role": Tag("speaker with role and organisation", lambda a: sum(1 for q in a.quotes if q.speaker_role)),
    "indirect-dass": Tag("indirect speech as a dass-clause", lambda a: sum(1 for q in a.quotes if q.kind == "indirect" and q.text.startswith("dass "))),
    "indirect-konjunktiv": Tag("indirect speech without dass: Konjunktiv I, laut/so/zufolge, wie … mitteilte, infinitive", lambda a: sum(
        1 for q in a.quotes if q.kind == "indirect" and not q.text.startswith("dass "))),
    "reported": Tag("reported speech: forderte eine schnellere Entscheidung", lambda a: sum(1 for q in a.quotes if q.kind == "reported")),
    "cue-laut": Tag("attribution with 'laut'", lambda a: sum(1 for q in a.quotes if (q.cue or "").lower() == "laut")),
    "cue-so": Tag("attribution with 'so'", lambda a: sum(1 for q in a.quotes if (q.cue or "").lower() == "so")),
    # claims
    "contrast": Tag("a sentence saying opposite things about two companies (see `claims`)", lambda a: len({c.start for c in a.claims})),
}


def phenomena(article: GoldDocument) -> dict[str, int]:
    """Count the instances of every checkable phenomenon tag in a compiled article (every layer annotated).

    Returns ``{tag: count}`` for the tags with a counter; declared-only tags
    (genres such as ``earnings``) are absent.
    """
    return {tag: spec.check(article) for tag, spec in TAGS.items() if spec.check is not None}


# -------------------------------------------------------------- corpus level


def load_source(path: Path) -> dict[str, Any]:
    """Read one YAML source file into a mapping; raises :class:`AuthoringError` if it is not YAML."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise AuthoringError([f"{path.name}: not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise AuthoringError([f"{path.name}: must be a YAML mapping"])
    return data


def compile_source(source: dict[str, Any], origin: str = "<source>", global_mentions: Optional[set[str]] = None) -> GoldDocument:
    """Compile one parsed source mapping into a :class:`GoldDocument`.

    Args:
        source: the parsed YAML of one article.
        origin: a name for error messages (the file name).
        global_mentions: mention strings of the whole fixture set; each occurrence
            of one of them must be annotated in this article too.

    Returns:
        The gold article with exact offsets.

    Raises:
        AuthoringError: with every problem found, one per line.
    """
    state = _Article(source, origin)
    article = state.compile(global_mentions)
    if article is None:
        raise AuthoringError(state.problems)
    return article


def compile_sources(sources: Iterable[tuple[str, dict[str, Any]]]) -> list[GoldDocument]:
    """Compile many ``(origin, source)`` pairs and check them against each other.

    Cross-article checks: unique ids, one label and ISIN per canonical name, one
    canonical name per ISIN, and every mention string of any article annotated
    wherever it occurs.

    Returns:
        The gold articles sorted by id.

    Raises:
        AuthoringError: with every problem of every article.
    """
    sources = list(sources)
    mentions: set[str] = set()
    for _, src in sources:
        for spec in src.get("entities") or []:
            if isinstance(spec, dict):
                mentions.update(m for m in (spec.get("mentions") or [spec.get("name")]) if isinstance(m, str) and len(m) >= 2)
    problems: list[str] = []
    articles: list[GoldDocument] = []
    for origin, src in sources:
        try:
            articles.append(compile_source(src, origin, mentions))
        except AuthoringError as exc:
            problems.extend(exc.problems)
    for origin, src in sources:
        stem = Path(origin).stem
        if origin.endswith(".yaml") and src.get("id") != stem:
            problems.append(f"{origin}: id {src.get('id')!r} must equal the file name {stem!r}")
    seen_ids: dict[str, int] = {}
    by_name: dict[str, tuple[str, Optional[str], str]] = {}
    by_isin: dict[str, tuple[str, str]] = {}
    for art in articles:
        seen_ids[art.id] = seen_ids.get(art.id, 0) + 1
        for ent in art.entities:
            prev = by_name.setdefault(ent.name, (ent.label, ent.isin, art.id))
            if prev[:2] != (ent.label, ent.isin):
                problems.append(f"{art.id}: {ent.name!r} is {ent.label} {ent.isin} here but {prev[0]} {prev[1]} in {prev[2]}")
            if ent.isin and ent.isin != UNLISTED:
                other = by_isin.setdefault(ent.isin, (ent.name, art.id))
                if other[0] != ent.name:
                    problems.append(f"{art.id}: ISIN {ent.isin} is {ent.name!r} here but {other[0]!r} in {other[1]}")
    problems.extend(f"id {i!r} used by {n} articles" for i, n in seen_ids.items() if n > 1)
    if problems:
        raise AuthoringError(sorted(set(problems), key=problems.index))
    return sorted(articles, key=lambda a: a.id)


def compile_dir(src_dir: Path) -> list[GoldDocument]:
    """Compile every ``*.yaml`` in ``src_dir`` (see :func:`compile_sources`)."""
    paths = sorted(Path(src_dir).glob("*.yaml"))
    if not paths:
        raise AuthoringError([f"{src_dir}: no *.yaml sources"])
    problems: list[str] = []
    sources = []
    for path in paths:
        try:
            sources.append((path.name, load_source(path)))
        except AuthoringError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AuthoringError(problems)
    return compile_sources(sources)


def gold_jsonl(articles: Iterable[GoldDocument]) -> str:
    """The gold file's content: one JSON object per line, in the given order."""
    return "".join(a.to_json() + "\n" for a in articles)


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Read a gold JSONL file into plain dicts (one per article)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def validate_gold(record: dict[str, Any]) -> list[str]:
    """Check one gold record against the gold format and the fixtures' own conventions.

    The format (span offsets and texts, labels, kinds, units, ISINs, names shared
    between layers) is checked by :func:`~pipeline.evaluate.gold.validate_gold_document`.
    The fixtures add: the text is normalised as ingestion would and the title is
    its first paragraph, entities are sorted by start, units are those the figure
    grammar reads and qualifiers those of :data:`QUALIFIERS`, every company (ORG
    with an ISIN or ``unlisted``) has a sentiment label and every claim a label.

    Args:
        record: one parsed line of a gold JSONL file.

    Returns:
        The problems, each starting with the record id; empty when valid.
    """
    rid = record.get("id", "?") if isinstance(record, dict) else "?"
    try:
        doc = parse_gold_record(record)
    except KeyError as exc:
        return [f"{rid}: missing key {exc.args[0]!r}"]
    except (TypeError, ValueError) as exc:
        return [f"{rid}: {exc}"]
    out = validate_gold_document(doc)
    text = doc.text
    if normalise_source_text(text) != text:
        out.append(f"{rid}: text is not normalised as ingestion would")
    if doc.title != text.split("\n\n", 1)[0]:
        out.append(f"{rid}: title is not the first paragraph")
    entities = doc.entities or []
    starts = [e.start for e in entities]
    if starts != sorted(starts):
        out.append(f"{rid}: entities not sorted by start")
    for i, f in enumerate(doc.figures or []):
        if f.unit not in UNITS:
            out.append(f"{rid} figures[{i}]: unit {f.unit!r} is not one the figure grammar reads ({', '.join(UNITS)})")
        if f.qualifier and f.qualifier not in QUALIFIERS:
            out.append(f"{rid} figures[{i}]: qualifier {f.qualifier!r} not in {QUALIFIERS}")
    labelled = {s.entity for s in doc.sentiment or []}
    companies = dict.fromkeys(e.name for e in entities if e.label == "ORG" and e.isin is not None)
    out.extend(f"{rid}: company {name!r} has no sentiment label" for name in companies if name not in labelled)
    out.extend(f"{rid} claims[{i}]: no label" for i, c in enumerate(doc.claims or []) if c.label is None)
    return out


# -------------------------------------------------------------- README tables


def coverage_table(articles: list[GoldDocument]) -> str:
    """A Markdown table: tag, description, articles carrying it, counted instances."""
    rows = ["| tag | phenomenon | articles | instances |", "|---|---|---:|---:|"]
    counts = [phenomena(a) for a in articles]
    for tag, spec in TAGS.items():
        n_articles = sum(1 for a in articles if tag in a.tags)
        instances = sum(c.get(tag, 0) for c in counts) if spec.check else n_articles
        description = spec.description.replace("|", "\\|")
        rows.append(f"| `{tag}` | {description} | {n_articles} | {instances} |")
    return "\n".join(rows)


def article_table(articles: list[GoldDocument]) -> str:
    """A Markdown table of the articles: id, headline, words, and tags."""
    rows = ["| id | headline | words | entities / figures / quotes | tags |", "|---|---|---:|---|---|"]
    for a in articles:
        words = len(a.text.split())
        title = a.title.replace("|", "\\|")
        rows.append(
            f"| `{a.id}` | {title} | {words} | {len(a.entities)} / {len(a.figures)} / {len(a.quotes)} | "
            + ", ".join(a.tags) + " |"
        )
    companies = {e.name for a in articles for e in a.entities if e.label == "ORG" and e.isin}
    rows.append(
        f"\n{len(articles)} articles, {sum(len(a.text.split()) for a in articles)} words, "
        f"{sum(len(a.entities) for a in articles)} entity mentions ({len(companies)} distinct companies), "
        f"{sum(len(a.figures) for a in articles)} figures, {sum(len(a.quotes) for a in articles)} quotes, "
        f"{sum(len(a.sentiment) for a in articles)} sentiment labels, {sum(len(a.claims) for a in articles)} claim labels."
    )
    return "\n".join(rows)


def _replace_block(doc: str, marker: str, content: str) -> str:
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    if begin not in doc or end not in doc:
        raise AuthoringError([f"README has no {begin} ... {end} block"])
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{content}\n{end}{tail}"


def render_readme(readme: str, articles: list[GoldDocument]) -> str:
    """Return the README text with its generated article and coverage tables replaced."""
    readme = _replace_block(readme, "articles", article_table(articles))
    return _replace_block(readme, "coverage", coverage_table(articles))


# -------------------------------------------------------------- command line


def main(argv: Optional[list[str]] = None) -> int:
    """``python -m pipeline.evaluate.authoring SRC_DIR OUT_JSONL [--readme README] [--check]``.

    Returns the exit status: 0 on success, 1 when a source is invalid or (with
    ``--check``) the outputs are out of date.
    """
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluate.authoring", description=__doc__.split("\n\n")[0])
    parser.add_argument("src_dir", type=Path, help="folder of *.yaml sources (corpus/fixtures/src)")
    parser.add_argument("out", type=Path, help="gold JSONL to write (corpus/fixtures/gold.jsonl)")
    parser.add_argument("--readme", type=Path, help="README whose generated tables to refresh")
    parser.add_argument("--check", action="store_true", help="only check that the outputs are up to date")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        articles = compile_dir(args.src_dir)
    except AuthoringError as exc:
        for problem in exc.problems:
            log.error("%s", problem)
        log.error("%d problem(s); %s not written", len(exc.problems), args.out)
        return 1
    outputs = {args.out: gold_jsonl(articles)}
    if args.readme:
        outputs[args.readme] = render_readme(args.readme.read_text(encoding="utf-8"), articles)
    stale = [p for p, content in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != content]
    if args.check:
        for p in stale:
            log.error("%s is out of date; rerun without --check", p)
        return 1 if stale else 0
    for p in stale:
        p.write_text(outputs[p], encoding="utf-8")
    n_mentions = sum(len(a.entities) for a in articles)
    log.info("%d articles, %d mentions, %d figures, %d quotes -> %s", len(articles), n_mentions,
             sum(len(a.figures) for a in articles), sum(len(a.quotes) for a in articles), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
