"""The ``finnews_figures`` component: percentages and money amounts, and what they are about.

It writes ``doc.spans["figures"]``: one span per figure, label ``percent`` or
``money``, with ``span._.figure`` a dict ``{value, unit, direction, qualifier,
value_to, is_target}`` and ``span._.about`` the list of entity spans (from
``doc.ents``) the figure is about (see :mod:`pipeline.nlp.extensions`).

What counts as a figure (all from German news):

* percentages: ``-6,3 %``, ``minus 10,3 %``, ``drei Prozent``, ``ein Prozent``,
  ranges ``18 Prozent bis 250 Prozent`` (``value`` 18, ``value_to`` 250),
  points ``0,5 Prozentpunkte`` (unit ``pp``), multipliers ``verfünffacht``
  (+400 %, the verb is the span);
* money: ``80 Euro``, ``knapp 132 US-Dollar``, ``3,2 Bill. Dollar`` (3.2e12
  USD: the German "Billion" is the English trillion), ``€80``, ``50 Cent``.

A figure needs a unit; bare numbers (years ``2023``, ``Platz 3``, model names
``R1``, dates, times, phone numbers) are never figures. The value is signed and
the direction read from the text: a written sign (``-6,3 %``, ``minus``), a
word right after (``3 % im Minus``), a change noun before ``von``/``um``
(``ein Minus von 3,5 %``, ``Verluste von drei Prozent``), or the verb of the
clause (``Nvidia sackten um 7,5 % ab``). A level (``auf 132 US-Dollar``,
``bei über 60 Euro``, ``Marktanteil von 20 %``) keeps its positive value and
direction ``none``. The rules that decide what a figure is about live in
:mod:`pipeline.nlp.figures_about`.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.extensions import register_extensions
from pipeline.nlp.figures_clauses import SentenceLayout, sentence_layout, sentence_ranges
from pipeline.nlp.figures_lexicon import DocIndex, FiguresLexicon, LexiconTables, load_lexicon_data
from pipeline.nlp.numbers import SIGN_CHARS, parse_decimal, parse_digit_range, parse_number_word, split_sign

log = logging.getLogger(__name__)

register_extensions()

# A percentage glued into one token: "3,5%", "3,5%-Plus", "10%ige".
GENITIVE_ARTICLES = {"des", "der", "eines", "einer"}
_GLUED_PERCENT = re.compile(r"^(?P<num>[+\-−–]?\d[\d.,]*)%(?P<rest>.*)$")


@dataclass
class FigureMatch:
    """One figure found in a ``Doc`` (token offsets, end exclusive), before it becomes a span."""

    start: int
    end: int
    kind: str  # "percent" | "money"
    value: float
    unit: str
    direction: str = "none"
    qualifier: str = ""
    value_to: Optional[float] = None
    is_target: bool = False
    about: list[tuple[int, int]] = field(default_factory=list)  # token spans of entity mentions
    # Where the number itself starts (after a sign or "minus"), and the sign written, if any.
    number_start: int = -1
    written_sign: float = 0.0
    qualifier_start: int = -1
    multiplier: bool = False
    glued_direction: str = ""  # from "3,5%-Plus"

    def as_dict(self) -> dict[str, Any]:
        """The ``span._.figure`` dict of the extension contract."""
        return {
            "value": self.value,
            "unit": self.unit,
            "direction": self.direction,
            "qualifier": self.qualifier,
            "value_to": self.value_to,
            "is_target": self.is_target,
        }


@dataclass
class _Number:
    value: float
    start: int  # includes a written sign
    end: int
    sign: float = 0.0
    value_to: Optional[float] = None
    digits: bool = True


@dataclass
class _Unit:
    kind: str
    unit: str
    factor: float
    end: int
    scale: float = 1.0


class FigureFinder:
    """The pure half of the component: finds figures and decides value, sign and qualifier.

    Args:
        lexicon: the loaded word lists.
        tables: phrase tables built from them.
    """

    def __init__(self, lexicon: FiguresLexicon, tables: LexiconTables):
        self.lex = lexicon
        self.tables = tables

    def _ent_tokens(self, doc: Doc) -> frozenset[int]:
        """Token indices inside ``doc.ents``, computed once per document by :meth:`find`
        (reading ``doc.ents`` is slow)."""
        cached = getattr(self, "_ents_of", None)
        if cached is None or cached[0] is not doc:
            ents = doc.ents
            self._ents_of = (doc, frozenset(i for ent in ents for i in range(ent.start, ent.end)),
                             frozenset(ent.start for ent in ents))
        return self._ents_of[1]

    def _ent_starts(self, doc: Doc) -> frozenset[int]:
        """First tokens of ``doc.ents`` (cached with :meth:`_ent_tokens`)."""
        self._ent_tokens(doc)
        return self._ents_of[2]

    # -- numbers and units -------------------------------------------------

    def read_number(self, doc: Doc, i: int, idx: DocIndex, words: bool = True) -> Optional[_Number]:
        """Read a number starting at token ``i``: digits, a digit range, or spelled words.

        ``-6,3`` (glued sign), ``- 6,3`` is not a sign unless glued, ``minus 10,3``
        reads the sign word before it, ``drei``, ``ein halbes``.
        """
        token = doc[i]
        number: Optional[_Number] = None
        phrase = idx.number_phrases.starting_at(i)
        if words and phrase:
            number = _Number(float(phrase[1]), i, phrase[0], digits=False)
        else:
            value = parse_decimal(token.text)
            if value is None and not words and token.text.endswith(".") and (i + 1 == len(doc) or doc[i + 1].is_title):
                # "$70." at the end of a sentence: the tokenizer keeps the period as for an ordinal.
                value = parse_decimal(token.text[:-1])
            if value is not None:
                number = _Number(value, i, i + 1, sign=split_sign(token.text)[0])
            else:
                pair = parse_digit_range(token.text)
                if pair:
                    number = _Number(pair[0], i, i + 1, sign=split_sign(token.text)[0], value_to=pair[1])
                elif words:
                    spelled = parse_number_word(token.text, self.lex.number_words)
                    if spelled is not None:
                        number = _Number(spelled, i, i + 1, digits=False)
        if number is None:
            return None
        if number.sign == 0.0 and i > 0:
            prev = doc[i - 1]
            if prev.text in SIGN_CHARS and not prev.whitespace_ and number.digits:
                # "(-6,3" or " -6,3": a sign; "Covid-19" (glued to a word) is not.
                if i - 2 < 0 or doc[i - 2].whitespace_ or doc[i - 2].text in {"(", "["} or doc[i - 2].is_space:
                    number.sign = SIGN_CHARS[prev.text]
                    number.start = i - 1
                    number.value = abs(number.value) * number.sign
            else:
                sign_word = idx.sign_words.ending_at(i)
                if sign_word and sign_word[0] > 0 and doc[sign_word[0] - 1].lower_ in self.lex.tolerance_words:
                    sign_word = None  # "plus oder minus 500 Mio. Euro": a tolerance
                if sign_word:
                    number.sign = -1.0 if sign_word[1] == "down" else 1.0
                    number.start = sign_word[0]
                    number.value = abs(number.value) * number.sign
        if number.value_to is not None and number.sign < 0:
            number.value_to = -abs(number.value_to)
        return number

    def _glued_scale_currency(self, token_text: str) -> Optional[tuple[float, str]]:
        """``"Mrd.€"`` -> ``(1e9, "EUR")``; ``"Mrd.-Euro"`` -> ``(1e9, "EUR")``."""
        lower = token_text.lower()
        for scale_word, scale in self.lex.single_scales.items():
            if lower.startswith(scale_word) and len(lower) > len(scale_word):
                rest = lower[len(scale_word):].lstrip("-")
                if rest in self.lex.single_currencies:
                    return scale, self.lex.single_currencies[rest]
        return None

    def read_unit(self, doc: Doc, k: int, idx: DocIndex) -> Optional[_Unit]:
        """Read a scale word and a unit starting at token ``k``.

        ``Bill. Dollar`` -> money USD scale 1e12; ``Prozent`` -> percent;
        ``Prozentpunkte`` -> pp; ``-prozentige`` -> percent; ``Cent`` -> EUR * 0.01.
        """
        n = len(doc)
        if k >= n:
            return None
        glued = self._glued_scale_currency(doc[k].text)
        if glued:
            return _Unit("money", glued[1], 1.0, k + 1, scale=glued[0])
        scale = 1.0
        scale_match = idx.scales.starting_at(k)
        if scale_match:
            scale = float(scale_match[1])
            k = scale_match[0]
            if k >= n:
                return None
            glued = self._glued_scale_currency(doc[k - 1].text + doc[k].text) if doc[k].text.startswith("-") else None
            if glued:
                return _Unit("money", glued[1], 1.0, k + 1, scale=scale)
        currency = idx.currencies.starting_at(k)
        if currency:
            return _Unit("money", currency[1], 1.0, currency[0], scale=scale)
        if scale != 1.0:
            return None
        percent = idx.percent_units.starting_at(k)
        if percent:
            unit, factor = percent[1].split("|")
            return _Unit("percent", unit, float(factor), percent[0])
        if (
            doc[k].text in {"-", "‑"}
            and k + 1 < n
            and not doc[k].whitespace_
            and doc[k + 1].lower_.startswith(self.lex.percent_adjective_prefix)
        ):
            return _Unit("percent", "%", 1.0, k + 2)
        subunit = idx.subunits.starting_at(k)
        if subunit:
            return _Unit("money", subunit[1], 0.01, subunit[0])
        return None

    # -- finding ---------------------------------------------------------------

    def find(self, doc: Doc, idx: DocIndex) -> list[FigureMatch]:
        """Find every figure in ``doc`` with value, unit, sign written and qualifier (no direction yet).

        Args:
            doc: a tokenised document.
            idx: the lexicon matches over ``doc``.

        Returns:
            The figures in text order.
        """
        self._ents_of = None  # doc.ents may have changed since the last document
        found: list[FigureMatch] = []
        i, n = 0, len(doc)
        while i < n:
            figure = self._figure_at(doc, i, idx)
            if figure is None:
                i += 1
                continue
            found.append(figure)
            i = max(figure.end, i + 1)
        for figure in found:
            self._set_qualifier(doc, figure, idx)
        return found

    def _figure_at(self, doc: Doc, i: int, idx: DocIndex) -> Optional[FigureMatch]:
        token = doc[i]
        lower = token.lower_
        if lower in self.lex.multipliers:
            value = self.lex.multipliers[lower]
            return FigureMatch(i, i + 1, "percent", value, "%", number_start=i, multiplier=True,
                               direction="up" if value > 0 else "down")
        glued = _GLUED_PERCENT.match(token.text)
        if glued:
            value = parse_decimal(glued["num"])
            if value is not None:
                rest = glued["rest"].lower().lstrip("-")
                direction = "up" if rest.startswith("plus") else "down" if rest.startswith("minus") else ""
                start = i
                sign = split_sign(glued["num"])[0]
                return FigureMatch(start, i + 1, "percent", value, "%", number_start=i, written_sign=sign,
                                   glued_direction=direction)
        prefix = idx.currency_prefixes.starting_at(i)
        if prefix and prefix[0] < len(doc):
            number = self.read_number(doc, prefix[0], idx, words=False)
            if number is not None and number.start == prefix[0]:
                scale_end, scale = number.end, 1.0
                scale_match = idx.scales.starting_at(number.end)
                if scale_match:
                    scale_end, scale = scale_match[0], float(scale_match[1])
                return FigureMatch(i, scale_end, "money", number.value * scale, prefix[1],
                                   value_to=None if number.value_to is None else number.value_to * scale,
                                   number_start=prefix[0], written_sign=number.sign)
        number = self.read_number(doc, i, idx)
        if number is None:
            return None
        unit = self.read_unit(doc, number.end, idx)
        if unit is None:
            return self._range_or_elided(doc, number, idx)
        if unit.kind == "money" and self._year_before_name(doc, number, unit):
            return None
        factor = unit.factor * unit.scale
        figure = FigureMatch(number.start, unit.end, unit.kind, number.value * factor, unit.unit,
                             value_to=None if number.value_to is None else number.value_to * factor,
                             number_start=i, written_sign=number.sign)
        # "18 Prozent bis 250 Prozent": the second half repeats the unit.
        k = unit.end
        if k + 1 < len(doc) and doc[k].lower_ in {"bis", "-", "–"} and figure.value_to is None:
            second = self.read_number(doc, k + 1, idx)
            if second is not None:
                unit2 = self.read_unit(doc, second.end, idx)
                if unit2 is not None and unit2.unit == unit.unit:
                    figure.value_to = second.value * unit2.factor * unit2.scale
                    if number.sign < 0:
                        figure.value_to = -abs(figure.value_to)
                    figure.end = unit2.end
        return figure

    @staticmethod
    def _year_before_name(doc: Doc, number: _Number, unit: _Unit) -> bool:
        """``seit 2023 Euro-Anleihen``, ``2023 Euro Stoxx 50``: a year before a name, not an amount."""
        text = doc[number.start].text
        if unit.scale != 1.0 or not (len(text) == 4 and text.isdigit() and 1900 <= int(text) <= 2099):
            return False
        if unit.end >= len(doc):
            return False
        nxt = doc[unit.end]
        glued_hyphen = nxt.text in {"-", "‑"} and not doc[unit.end - 1].whitespace_
        return glued_hyphen or (nxt.is_alpha and nxt.text[:1].isupper())

    def _range_or_elided(self, doc: Doc, number: _Number, idx: DocIndex) -> Optional[FigureMatch]:
        """Ranges with one unit (``3 bis 5 %``, ``zwischen 3 und 5 %``) and elided units (``von 60 auf 80 Euro``)."""
        k = number.end
        if k + 1 >= len(doc):
            return None
        word = doc[k].lower_
        between = number.start > 0 and doc[number.start - 1].lower_ == "zwischen"
        if word in {"bis", "-", "–"} or (word == "und" and between):
            second = self.read_number(doc, k + 1, idx)
            if second is None:
                return None
            unit = self.read_unit(doc, second.end, idx)
            if unit is None:
                return None
            factor = unit.factor * unit.scale
            value_to = second.value * factor
            value = number.value * factor
            if number.sign < 0:
                value_to = -abs(value_to)
            return FigureMatch(number.start, unit.end, unit.kind, value, unit.unit, value_to=value_to,
                               number_start=number.start if number.sign == 0 else number.start + 1,
                               written_sign=number.sign)
        if word == "auf" and number.start > 0 and doc[number.start - 1].lower_ in {"von", "vom"}:
            second = self.read_number(doc, k + 1, idx)
            if second is None:
                return None
            unit = self.read_unit(doc, second.end, idx)
            if unit is None:
                return None
            factor = unit.factor * unit.scale
            # Only the first number becomes a figure here; the second is found on its own.
            return FigureMatch(number.start, number.end, unit.kind, number.value * factor, unit.unit,
                               number_start=number.start, written_sign=number.sign)
        return None

    def _set_qualifier(self, doc: Doc, figure: FigureMatch, idx: DocIndex) -> None:
        qualifier = idx.qualifiers.ending_at(figure.start)
        if qualifier and qualifier[0] > 0 and doc[qualifier[0]:figure.start].text.lower() in {"über", "unter"}:
            before = doc[qualifier[0] - 1]
            if before.is_alpha and before.text[:1].isupper() and before.i not in self._ent_starts(doc) \
                    and not before.is_sent_start:
                qualifier = None  # "ein Vertrag über 850 Tsd. Euro": a preposition after a noun
        if qualifier:
            start = qualifier[0]
            figure.qualifier = doc[start:figure.start].text.lower()
            figure.qualifier_start = start
        else:
            figure.qualifier_start = figure.start

    # -- direction and targets --------------------------------------------------

    def _noun_direction(self, doc: Doc, i: int, kind: str) -> str:
        """Direction of a change noun at token ``i`` (``Minus``, ``Verluste``, ``Umsatzplus``), or ``""``."""
        if i < 0:
            return ""
        word = doc[i].lower_
        for direction, suffixes in self.lex.change_nouns.items():
            if word.endswith(suffixes):
                return direction
        if kind == "percent":
            for direction, suffixes in self.lex.percent_only_nouns.items():
                if word.endswith(suffixes):
                    return direction
        return ""

    @staticmethod
    def _particle_at(doc: Doc, particle: tuple[str, ...], start: int, end: int) -> bool:
        """Whether ``particle`` closes a clause inside ``[start, end)``: it is followed by
        punctuation or the end (``gaben um 1 % nach,``; not ``nach Zahlen``)."""
        width = len(particle)
        for j in range(start, end - width + 1):
            if tuple(t.lower_ for t in doc[j:j + width]) == particle:
                k = j + width
                if k >= len(doc) or doc[k].is_punct or doc[k].is_space or doc[k].lower_ in {"und", "oder", "sowie", "aber"}:
                    return True
        return False

    def cue_positions(self, doc: Doc, start: int, end: int, idx: DocIndex) -> list[tuple[int, str]]:
        """Direction verbs in ``[start, end)``: ``(token, direction)``.

        A separable verb counts with its particle at the end of the clause
        (``gaben ... nach``); a verb whose particle changes its sense does not
        (``steigt ... ein``).
        """
        # Every figure of a segment asks for the same range: computed once per range and document.
        memo = idx.memo()
        key = ("cues", start, end)
        if key not in memo:
            memo[key] = self._cue_positions(doc, start, end, idx)
        return list(memo[key])

    def _cue_positions(self, doc: Doc, start: int, end: int, idx: DocIndex) -> list[tuple[int, str]]:
        cues = []
        for s, _, label in idx.direction_verbs.within(start, end):
            particles = self.lex.not_direction_separable.get(doc[s].lower_, [])
            if not any(self._particle_at(doc, particle, s + 1, end) for particle in particles):
                cues.append((s, label))
        for i in range(start, end):
            for particle, direction in self.lex.separable_verbs.get(doc[i].lower_, []):
                if self._particle_at(doc, particle, i + 1, end):
                    cues.append((i, direction))
                    break
        return sorted(cues)

    def _money_cues(self, doc: Doc, cues: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Only verbs that lose or gain an amount give money a direction."""
        return [c for c in cues if doc[c[0]].lower_ in self.lex.money_direction_verbs or doc[c[0]].lower_ in self.lex.separable_verbs]

    def verb_direction(self, doc: Doc, figure: FigureMatch, layout: SentenceLayout, idx: DocIndex,
                       money_verbs_only: bool = False) -> str:
        """The direction of the nearest direction verb in the figure's segment.

        Looks back first, then ahead, each time stopping at ``und``/``sowie``
        (``Nvidia fiel um 3 % und Apple stieg um 2 %``), then over the whole
        segment: ``Apple, dessen Aktien um etwas mehr als ein Prozent
        nachgaben`` finds ``nachgaben`` ahead. Returns ``""`` when there is none.
        """
        seg_start, seg_end = layout.segment_of(figure.qualifier_start)
        seg_end = max(seg_end, layout.segment_of(figure.end - 1)[1])
        cues = self.cue_positions(doc, seg_start, seg_end, idx)
        paren = layout.paren_of(figure.start)
        if not cues and paren is not None and figure.kind == "percent":
            # "Nvidia fiel deutlich (7 %)": the verb is outside the brackets.
            clause = layout.clause_of(figure.start)
            cues = self.cue_positions(doc, clause[0], clause[1], idx)
        if money_verbs_only:
            cues = self._money_cues(doc, cues)
        if not cues:
            return ""
        stops = self._stops(doc, seg_start, seg_end, idx)

        def stop_between(low: int, high: int) -> bool:  # a stop s with low <= s < high
            k = bisect_left(stops, low)
            return k < len(stops) and stops[k] < high

        before = [(pos, d) for pos, d in cues if pos < figure.qualifier_start]
        after = [(pos, d) for pos, d in cues if pos >= figure.end]
        near_before = [c for c in before if not stop_between(c[0] + 1, figure.qualifier_start)]
        near_after = [c for c in after if not stop_between(figure.end, c[0])]
        for group, pick in ((near_before, -1), (near_after, 0), (before, -1), (after, 0)):
            if group:
                return group[pick][1]
        return min(cues, key=lambda c: abs(c[0] - figure.start))[1]

    @staticmethod
    def _stops(doc: Doc, start: int, end: int, idx: DocIndex) -> list[int]:
        """Positions of ``und``/``sowie``/``oder`` in ``[start, end)``, sorted (once per segment)."""
        memo = idx.memo()
        key = ("stops", start, end)
        if key not in memo:
            memo[key] = [i for i in range(start, end) if doc[i].lower_ in {"und", "sowie", "oder"}]
        return memo[key]

    def gapped_direction(self, doc: Doc, figure: FigureMatch, layout: SentenceLayout, idx: DocIndex) -> str:
        """The nearest direction verb before the figure in its clause, else after it; ``""`` if none."""
        clause = layout.clause_of(figure.start)
        cues = self.cue_positions(doc, clause[0], clause[1], idx)
        before = [c for c in cues if c[0] < figure.qualifier_start]
        after = [c for c in cues if c[0] >= figure.end]
        if before:
            return before[-1][1]
        return after[0][1] if after else ""

    def _is_gapped(self, doc: Doc, figure: FigureMatch, layout: SentenceLayout) -> bool:
        """Whether the figure's segment is only a name and the figure: ``..., Hannover Rück 1,1 %.``"""
        seg_start, seg_end = layout.segment_of(figure.qualifier_start)
        ent_tokens = self._ent_tokens(doc)
        # any() stops at the first other word; ranging over the segment, not all entity tokens.
        rest = any(
            not (figure.qualifier_start <= t.i < figure.end) and t.i not in ent_tokens
            and not t.is_punct and not t.is_space and t.lower_ not in {"der", "die", "das", "den", "dem", "des", "um"}
            for t in doc[seg_start:seg_end]
        )
        return not rest and any(i in ent_tokens for i in range(seg_start, seg_end))

    def _amount_direction(self, doc: Doc, figure: FigureMatch, layout: SentenceLayout, idx: DocIndex) -> str:
        """``Die Verluste summierten sich auf knapp 6 %``, ``Das Minus betrug 7 %``: the direction
        of the change noun that an amounting verb measures."""
        seg_start, _ = layout.segment_of(figure.qualifier_start)
        words = doc[seg_start:figure.qualifier_start]
        # Amount verbs of the document, found once: scanning the segment for each figure was
        # quadratic in a long list of figures.
        memo = idx.memo()
        if "amount_verbs" not in memo:
            memo["amount_verbs"] = [t.i for t in doc if t.lower_ in self.lex.amount_verbs]
        verbs = memo["amount_verbs"]
        k = bisect_left(verbs, seg_start)
        if not (k < len(verbs) and verbs[k] < figure.qualifier_start):
            return ""
        for token in reversed(list(words)):
            direction = self._noun_direction(doc, token.i, "money")  # change nouns only, not "Gewinn"
            if direction and token.text[:1].isupper():
                return direction
        return ""

    def decide_direction(self, doc: Doc, figure: FigureMatch, layout: SentenceLayout, idx: DocIndex) -> None:
        """Set ``direction`` and the sign of ``value``/``value_to`` of ``figure`` in place.

        Order: written sign (``-6,3 %``, ``minus 10,3 %``); a word right after
        (``3 % im Minus``, ``3,5%-Plus``); a change noun before ``von``/``um``
        (``ein Minus von 3,5 %``); a level (``auf``, ``bei``, ``für``, ``von``,
        ``über``/``unter`` as prepositions: ``bei über 60 Euro``) stays
        ``none`` unless it sums up a change (``Die Verluste summierten sich auf
        6 %``); otherwise the nearest direction verb of the clause (``sackten
        um 7,5 % ab``; ``verlor 17 %``; for money only verbs of losing or
        gaining an amount), or of the clause before when the verb is left out
        (``Münchener Rück gewannen 1,6 %, Hannover Rück 1,1 %``).
        """
        if figure.multiplier:
            return
        direction = ""
        if figure.written_sign:
            direction = "down" if figure.written_sign < 0 else "up"
        elif figure.glued_direction:
            direction = figure.glued_direction
        else:
            after = idx.after_cues.starting_at(figure.end)
            if after:
                direction = after[1]
        if not direction:
            p = figure.qualifier_start - 1
            while p > 0 and doc[p].lower_ in self.lex.preposition_fillers:
                p -= 1  # "um weitere 30 Mio. Euro", "von nur 2,1 %"
            change = p >= 0 and bool(idx.change_prepositions.ending_at(p + 1))
            level = False
            if figure.qualifier in self.lex.level_qualifiers:
                level = not change
            if not level and p >= 0 and doc[p].lower_ in {"von", "um"}:
                direction = self._noun_direction(doc, p - 1, figure.kind)
                if not direction:
                    # "ein Anstieg des Yen um zehn Prozent", "ein Wachstum der Cloud-Erlöse von 26 %":
                    # the noun before a genitive (only a change noun: in "die Gewinne der
                    # Exporteure um 5 % schmälern" the verb decides).
                    for j in range(p - 2, max(p - 6, 0), -1):
                        if doc[j].is_punct and doc[j].text not in {"-", "‑"}:
                            break
                        if doc[j].lower_ in GENITIVE_ARTICLES:
                            direction = self._noun_direction(doc, j - 1, "money")
                            break
            if not direction and not level and p >= 0 and idx.level_prepositions.ending_at(p + 1):
                level = True
            if level:
                direction = self._amount_direction(doc, figure, layout, idx)
            elif not direction:
                money_bare = figure.kind == "money" and not change
                direction = self.verb_direction(doc, figure, layout, idx, money_verbs_only=money_bare)
                if not direction and (change or (figure.kind == "percent" and self._is_gapped(doc, figure, layout))):
                    # The verb is left out: "Der Nasdaq 100 gab um 3 % nach, der S&P 500 um 1,5 %."
                    direction = self.gapped_direction(doc, figure, layout, idx)
                if not direction:
                    # "Das Minus beim Nettogewinn betrug 7 %": the change noun the verb measures.
                    direction = self._amount_direction(doc, figure, layout, idx)
        figure.direction = direction or "none"
        if figure.direction == "down":
            figure.value = -abs(figure.value)
            if figure.value_to is not None:
                figure.value_to = -abs(figure.value_to)
        elif figure.direction == "up":
            figure.value = abs(figure.value)
            if figure.value_to is not None:
                figure.value_to = abs(figure.value_to)

    def decide_target(self, doc: Doc, figure: FigureMatch, layout: SentenceLayout, idx: DocIndex,
                      previous: Optional[FigureMatch] = None) -> None:
        """Mark a money figure as a price target when a target word shortly precedes it.

        ``eine Kaufempfehlung mit einem Ziel von 80 Euro``, ``hob das Kursziel
        für SAP von 250 auf 280 Euro``. Between the word and the figure there
        may be function words, entity names, other figures, ``Aktie`` and the
        like, but no comma and no company metric (``Das Ziel ist ein Umsatz
        von 5 Mrd. Euro`` is not a target).
        """
        if figure.kind != "money":
            return
        if previous is not None and previous.is_target and previous.kind == "money":
            # "das Kursziel von 285 Euro auf 240 Euro": the second amount continues the first.
            between = doc[previous.end:figure.qualifier_start]
            if 0 < len(between) <= 2 and all(t.lower_ in {"auf", "bis", "und", "-", "–"} for t in between):
                figure.is_target = True
                return
        ent_tokens = self._ent_tokens(doc)
        first = max(layout.start, figure.qualifier_start - self.lex.target_window)
        for i in range(figure.qualifier_start - 1, first - 1, -1):
            token = doc[i]
            if token.lower_ in self.lex.target_words:
                figure.is_target = True
                return
            if token.text in {",", ";"}:
                return
            if token.text[:1].isupper() and i not in ent_tokens and self.lex.noun_class(token.text) in {"metric", "macro"}:
                return


class FiguresComponent:
    """spaCy component ``finnews_figures``.

    Args:
        nlp: the pipeline (its tokenizer builds the phrase tables).
        name: the component name.
        lexicon: path of the lexicon YAML; ``None`` for ``configs/figures_lexicon.yaml``.
        entity_labels: entity labels a figure can be about (companies and indices).
        carry_over: let a sentence without a company (``Seit 2023 hatten sie
            sich gut verfünffacht``) take the company of the sentence before.
        spans_key: the ``doc.spans`` key to write.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "finnews_figures",
        *,
        lexicon: Optional[str] = None,
        entity_labels: Iterable[str] = ("ORG", "INDEX"),
        carry_over: bool = True,
        spans_key: str = "figures",
    ):
        self.nlp = nlp
        self.name = name
        self.lexicon_path = lexicon
        self.entity_labels = list(entity_labels)
        self.carry_over = carry_over
        self.spans_key = spans_key
        self.lexicon_data: Optional[dict[str, Any]] = None
        self.finder: Optional[FigureFinder] = None

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Any]]] = None, *, nlp: Optional[Language] = None,
                   lexicon_data: Optional[dict[str, Any]] = None) -> None:
        """Load the lexicon (from ``lexicon_data`` or the configured file) and build the phrase tables."""
        self.lexicon_data = lexicon_data if lexicon_data is not None else load_lexicon_data(self.lexicon_path)
        self._build(nlp or self.nlp)

    def _build(self, nlp: Language) -> None:
        lexicon = FiguresLexicon(self.lexicon_data or {})
        self.finder = FigureFinder(lexicon, LexiconTables.build(nlp, self.lexicon_data or {}))

    def _ensure_ready(self) -> FigureFinder:
        if self.finder is None:
            log.debug("%s used before initialize(): loading the lexicon now", self.name)
            self.initialize(nlp=self.nlp)
        assert self.finder is not None
        return self.finder

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[FigureMatch]:
        """Find the figures of ``doc`` with value, sign, qualifier, target flag and entities.

        Reads ``doc.ents`` and sentence boundaries; writes nothing.

        Args:
            doc: a processed document.

        Returns:
            :class:`FigureMatch` objects in text order.
        """
        from pipeline.nlp.figures_about import attribute_figures

        finder = self._ensure_ready()
        idx = DocIndex.of(doc, finder.tables)
        figures = finder.find(doc, idx)
        layouts = [sentence_layout(doc, s, e, finder.lex) for s, e in sentence_ranges(doc)]
        starts = [layout.start for layout in layouts]
        previous = None
        for figure in figures:
            layout = _layout_of(layouts, figure.start, starts)
            finder.decide_direction(doc, figure, layout, idx)
            finder.decide_target(doc, figure, layout, idx, previous)
            previous = figure
        attribute_figures(doc, figures, layouts, idx, finder.lex, self.entity_labels, self.carry_over)
        finder._ents_of = None  # do not keep the document alive
        return figures

    def set_annotations(self, doc: Doc, figures: list[FigureMatch]) -> None:
        """Write ``doc.spans[spans_key]`` with ``span._.figure`` and ``span._.about``.

        Args:
            doc: the document ``figures`` were found in.
            figures: the output of :meth:`match`.
        """
        ents = {(ent.start, ent.end): ent for ent in doc.ents}
        spans = []
        for figure in figures:
            span = Span(doc, figure.start, figure.end, label=figure.kind)
            span._.figure = figure.as_dict()
            span._.about = [ents.get(pair) or doc[pair[0]:pair[1]] for pair in figure.about]
            spans.append(span)
        doc.spans[self.spans_key] = spans

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the lexicon with the pipeline, so a saved pipeline does not need ``configs/``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "lexicon.json", self.lexicon_data or load_lexicon_data(self.lexicon_path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "FiguresComponent":
        """Load the lexicon saved by :meth:`to_disk`."""
        self.lexicon_data = srsly.read_json(Path(path) / "lexicon.json")
        self._build(self.nlp)
        return self


def _layout_of(layouts: list[SentenceLayout], i: int, starts: Optional[list[int]] = None) -> SentenceLayout:
    """The sentence containing token ``i`` (else the last one); a bisect over the sorted
    sentence ``starts``, since a scan per figure was quadratic on long documents."""
    starts = starts if starts is not None else [layout.start for layout in layouts]
    k = bisect_right(starts, i) - 1
    if k >= 0 and layouts[k].start <= i < layouts[k].end:
        return layouts[k]
    return layouts[-1]


@Language.factory(
    "finnews_figures",
    default_config={"lexicon": None, "entity_labels": ["ORG", "INDEX"], "carry_over": True, "spans_key": "figures"},
)
def make_figures(
    nlp: Language,
    name: str,
    lexicon: Optional[str],
    entity_labels: list[str],
    carry_over: bool,
    spans_key: str,
) -> FiguresComponent:
    """Factory of ``finnews_figures`` (config: ``lexicon``, ``entity_labels``, ``carry_over``, ``spans_key``)."""
    return FiguresComponent(
        nlp, name, lexicon=lexicon, entity_labels=entity_labels, carry_over=carry_over, spans_key=spans_key
    )
