"""The home market of an article, and the short company names that mean another company there.

German-language news from Vienna or Zurich calls its own incumbents by short names that
the gazetteer gives to German companies: ``Wien (APA) – Die Post hat im dritten Quartal
… An der Wiener Börse legten Post-Aktien zu`` is the Österreichische Post, ``Bonn – Die
Post …`` the Deutsche Post, and ``die Post`` in a Swiss report is Die Schweizerische Post,
which is not listed. ``configs/home_markets.yaml`` lists, per market, cue words (indices,
exchanges, cities, agencies: ``ATX``, ``Wiener Börse``, ``APA``, ``Wien``) and those short
names; :meth:`HomeMarkets.market_of` picks the market with the most distinct cues in a
text, and :meth:`HomeMarkets.home_key` gives the gazetteer key a short name stands for
there. The link stage (:mod:`pipeline.link`) uses both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml


@dataclass(frozen=True)
class HomeMarkets:
    """Markets with their cue words and short names (see the module docstring)."""

    default: str = "DE"
    min_cues: int = 2
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    datelines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dateline_weight: int = 2

    @classmethod
    def load(cls, path: Path) -> "HomeMarkets":
        """Read a ``home_markets.yaml`` (``default_market``, ``min_cues``, ``dateline_weight``,
        ``markets: {CODE: {cues, datelines, names}}``).

        Raises:
            ValueError: the file does not have that shape.
        """
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        markets = data.get("markets") or {}
        if not isinstance(markets, dict):
            raise ValueError(f"{path}: 'markets' must map market codes to {{cues, names}}")
        cues, names, datelines = {}, {}, {}
        for code, spec in markets.items():
            spec = spec or {}
            if (not isinstance(spec.get("cues", []), list) or not isinstance(spec.get("datelines", []), list)
                    or not isinstance(spec.get("names", {}), dict)):
                raise ValueError(f"{path}: market {code}: 'cues' and 'datelines' must be lists and 'names' a mapping")
            cues[str(code)] = tuple(str(c) for c in spec.get("cues", []))
            datelines[str(code)] = tuple(str(c) for c in spec.get("datelines", []))
            names[str(code)] = {str(k): str(v) for k, v in (spec.get("names") or {}).items()}
        return cls(str(data.get("default_market", "DE")), int(data.get("min_cues", 2)), cues, names, datelines,
                   int(data.get("dateline_weight", 2)))

    def cue_counts(self, text: str) -> dict[str, int]:
        """Distinct cue words of each market found in ``text`` (whole words, case-sensitive), plus
        ``dateline_weight`` for a dateline of one of its cities (``… wird untersucht. Wien – Auf die …``)."""
        counts = {code: sum(1 for cue in words if _word(cue).search(text)) for code, words in self.cues.items()}
        for code, cities in self.datelines.items():
            if any(_dateline(city).search(text) for city in cities):
                counts[code] = counts.get(code, 0) + self.dateline_weight
        return counts

    def market_of(self, text: str) -> str:
        """The market of an article: the one with the most distinct cues, if it has at least
        ``min_cues`` and more than the default market; else the default.

        Example: ``Wien (APA) – … An der Wiener Börse … der ATX gewann 0,4 Prozent`` has four
        Austrian cues (Wien, APA, Wiener Börse, ATX) and no German one: ``AT``.
        """
        counts = self.cue_counts(text)
        best = max(sorted(counts), key=lambda code: counts[code], default=self.default)
        if best != self.default and counts[best] >= self.min_cues and counts[best] > counts.get(self.default, 0):
            return best
        return self.default

    def home_key(self, market: str, surfaces: list[str]) -> Optional[str]:
        """The gazetteer key that every one of ``surfaces`` (an entity's mentions) means in ``market``.

        ``None`` unless all of them are the same short name of that market: ``["Post", "Post"]``
        in ``AT`` gives ``AT0000APOST4``; ``["Deutsche Post", "Post"]`` gives ``None`` (the full
        name decides).
        """
        table = self.names.get(market) or {}
        keys = {table.get(s.strip()) for s in surfaces}
        if len(keys) == 1 and None not in keys:
            return keys.pop()
        return None


@lru_cache(maxsize=None)
def _dateline(city: str) -> re.Pattern:
    # at the start of the text, a line, or after a sentence: "Wien – ", "Wien (APA) – ", "Bonn - "
    return re.compile(rf"(?:^|\n|[.!?\"“”»«]\s)\s*{re.escape(city)}(?:\s*\([^()\n]{{1,30}}\))?\s+[–—-]\s")


@lru_cache(maxsize=None)
def _word(cue: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(cue)}(?!\w)")
