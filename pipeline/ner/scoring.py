"""Strict span scoring and the "named company mention" rule.

Strict matching: a predicted entity counts as correct only when its start,
end and label all equal a gold entity's. Spans are compared as character
offsets of the same tokenisation.

A predicted span may be *ignored* (neither right nor wrong): when it exactly
equals an ignored gold span (an unnamed company mention such as ``Konzern``,
a non-company organisation in the company measure) or lies inside an ignored
range (a GermEval ``part`` word in the lenient GermEval figure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from pipeline.evaluate.scores import Counts as BaseCounts

if TYPE_CHECKING:
    from spacy.tokens import Span

Key = tuple[int, int, str]

# Common nouns that SmartData sometimes tags as companies ("Der Konzern", "die
# Privatbank"). A mention made of one of these plus only function words,
# punctuation and lower-case words of 5+ letters ("italienische") is not named.
GENERIC_COMPANY_NOUNS = frozenset(
    """
    konzern gruppe unternehmen firma gesellschaft holding bank privatbank großbank hausbank
    geldhaus institut kreditinstitut versicherer versicherung hersteller autobauer zulieferer
    händler einzelhändler discounter mutter mutterkonzern muttergesellschaft konzernmutter
    tochter tochterfirma tochtergesellschaft airline fluggesellschaft fluglinie reederei
    brauerei verlag agentur nachrichtenagentur sender start-up startup mittelständler investor
    finanzinvestor dienstleister anbieter betreiber betrieb landesbetrieb kette marke werk
    fabrik chinesen japaner amerikaner franzosen briten koreaner italiener schweden schweizer
    """.split()
)
# Compounds with these heads are generic too ("Mischkonzern", "Autohersteller").
GENERIC_COMPANY_HEADS = ("konzern", "hersteller", "händler", "zulieferer", "versicherer")
FUNCTION_WORDS = frozenset(
    """
    der die das des dem den ein eine einer eines einem einen sein seine seiner seines seinem
    seinen ihr ihre ihrer ihres ihrem ihren dieser diese dieses diesem diesen beide beiden
    und &
    """.split()
)


def _stem(word: str) -> str:
    """Strip a German case ending for the generic-noun look-up (``Konzerns`` -> ``konzern``)."""
    word = word.lower()
    if word in GENERIC_COMPANY_NOUNS:
        return word
    for ending in ("es", "en", "s", "n", "e"):
        if word.endswith(ending) and word[: -len(ending)] in GENERIC_COMPANY_NOUNS:
            return word[: -len(ending)]
    return word


def _is_generic(word: str) -> bool:
    stem = _stem(word)
    return stem in GENERIC_COMPANY_NOUNS or stem.endswith(GENERIC_COMPANY_HEADS)


def _is_descriptive(word: str) -> bool:
    if not any(ch.isalnum() for ch in word):
        return True  # punctuation
    if _is_generic(word) or word.lower() in FUNCTION_WORDS:
        return True
    return word[:1].islower() and len(word) >= 5 and not any(ch.isupper() or ch.isdigit() for ch in word)


def is_named_mention(words: Sequence[str]) -> bool:
    """Whether a company mention is named, given its words.

    Not named: no letter at all (``10.12.15 01:00``), or a generic company noun
    with nothing but function words, punctuation and long lower-case words
    around it: ``Der Konzern``, ``der italienische Sportwagenhersteller``,
    ``Privatbank``, ``die Chinesen``. Named: ``Lufthansa``, ``dpa``,
    ``handelsblatt`` (a tweet's spelling), ``Fanuc Deutschland``,
    ``German Pellets GmbH``.
    """
    if not any(ch.isalpha() for word in words for ch in word):
        return False
    if not any(_is_generic(word) for word in words):
        return True
    return not all(_is_descriptive(word) for word in words)


def span_key(span: Span, label: str | None = None) -> Key:
    """``(start_char, end_char, label)`` of a spaCy span."""
    return (span.start_char, span.end_char, label or span.label_)


@dataclass
class Counts(BaseCounts):
    """True positives, false positives and false negatives of one label (integers here)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def as_dict(self) -> dict:
        """The compact form the NER model cards and ``evaluation.json`` use."""
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class SpanScorer:
    """Accumulates strict span matches per label; ``ALL`` is the micro average."""

    labels: Sequence[str]
    counts: dict[str, Counts] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for label in list(self.labels) + ["ALL"]:
            self.counts.setdefault(label, Counts())

    def add(
        self,
        gold: Iterable[Key],
        pred: Iterable[Key],
        ignore_spans: Iterable[tuple[int, int]] = (),
        ignore_ranges: Iterable[tuple[int, int]] = (),
    ) -> None:
        """Score one document.

        Args:
            gold: gold ``(start, end, label)`` spans.
            pred: predicted spans; labels outside ``labels`` are not scored.
            ignore_spans: ``(start, end)`` of spans a prediction may equal without
                counting as a false positive (whatever its label).
            ignore_ranges: ``(start, end)`` ranges inside which an unmatched
                prediction is not a false positive.
        """
        gold = {g for g in gold if g[2] in self.labels}
        pred = {p for p in pred if p[2] in self.labels}
        ignore_spans = set(ignore_spans)
        ignore_ranges = list(ignore_ranges)
        for start, end, label in pred:
            if (start, end, label) in gold:
                self._bump(label, "tp")
            elif (start, end) in ignore_spans or any(s <= start and end <= e for s, e in ignore_ranges):
                continue
            else:
                self._bump(label, "fp")
        for key in gold - pred:
            self._bump(key[2], "fn")

    def _bump(self, label: str, kind: str) -> None:
        for name in (label, "ALL"):
            setattr(self.counts[name], kind, getattr(self.counts[name], kind) + 1)

    def as_dict(self) -> dict[str, dict]:
        return {label: counts.as_dict() for label, counts in self.counts.items()}

    def table(self, title: str) -> str:
        """A plain-text table of P/R/F1 per label."""
        lines = [title, f"{'label':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}"]
        for label, c in self.counts.items():
            lines.append(f"{label:<6} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.support:6d} {c.tp + c.fp:6d}")
        return "\n".join(lines)
