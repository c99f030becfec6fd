"""Readers for the open German NER corpora, mapped to ORG/PER/LOC/MISC.

Every reader yields :class:`NerExample` records: a text, entity spans as
character offsets with a coarse label, and character ranges whose annotation is
unknown (``missing``: the model is neither rewarded nor punished there).
Token-based corpora are rebuilt as text by joining their tokens with single
spaces, so each gold token boundary is a character boundary that the finance
tokenizer respects (it only ever splits tokens further).

Label mapping (anything not listed is ``O``):

==============  ==========================================================
corpus          mapping
==============  ==========================================================
GermEval 2014   PER, LOC, ORG as is; OTH -> MISC; ``*deriv`` -> O
                (``deutschen``); ``*part`` see :data:`PART_POLICIES`;
                outer level only (spaCy entities do not nest)
SmartData       ``organization-company``, ``organization`` -> ORG;
                ``person`` -> PER; ``location``, ``location-city``,
                ``location-street``, ``location-stop`` -> LOC;
                ``location-route`` (``ICE-Züge``, ``S3``) -> missing;
                mentions without an upper-case letter or digit
                (``deutschen``, ``beiden Richtungen``) -> O;
                ``date``, ``number``, ``org-position`` ... -> O
LER             PER+RR+AN -> PER; LD+ST+STR+LDS -> LOC;
                ORG+UN+INN+GRT+MRK -> ORG; norms, court decisions,
                contracts, literature (GS, VO, EUN, VS, VT, RS, LIT) -> missing
Europeana       PER, LOC, ORG; malformed or unknown tags (``B-BER``) -> missing
HIPE-2022       sonar, newseye only (hipe2020 is non-commercial):
                coarse literal PER, LOC, ORG; HumanProd -> MISC
==============  ==========================================================
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

log = logging.getLogger(__name__)

Span = tuple[int, int, str]

# How GermEval ``part`` annotations (``Siemens-Chef`` tagged ORGpart) are used.
#   "o":       the whole word is O (teaches the model to skip ``Siemens`` in ``Siemens-Chef``).
#   "missing": the whole word is unknown to the loss.
#   "name":    the name before the last hyphen gets the label (``Siemens`` ORG,
#              ``- Chef`` O); a part word without a hyphen (``Deutschlandreise``) is O.
PART_POLICIES = ("o", "missing", "name")

GERMEVAL_BASE = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}
SMARTDATA_TYPES = {
    "organization-company": "ORG",
    "organization": "ORG",
    "person": "PER",
    "location": "LOC",
    "location-city": "LOC",
    "location-street": "LOC",
    "location-stop": "LOC",
}
SMARTDATA_MISSING = {"location-route"}
LER_COARSE = {
    **dict.fromkeys(("PER", "RR", "AN"), "PER"),
    **dict.fromkeys(("LD", "ST", "STR", "LDS"), "LOC"),
    **dict.fromkeys(("ORG", "UN", "INN", "GRT", "MRK"), "ORG"),
}
HIPE_COARSE = {"PER": "PER", "PERS": "PER", "LOC": "LOC", "ORG": "ORG", "HUMANPROD": "MISC", "PROD": "MISC"}


@dataclass
class NerExample:
    """One annotated text (a sentence or a document).

    Attributes:
        text: the text.
        spans: entities as ``(start_char, end_char, label)``, label in ORG/PER/LOC/MISC.
        missing: ``(start_char, end_char)`` ranges whose annotation is unknown.
        source: corpus name, e.g. ``germeval-dev``.
        doc_id: document id or URL inside the corpus.
        ignore: ``(start_char, end_char)`` ranges where a prediction is neither
            right nor wrong in evaluation (GermEval ``part`` words).
    """

    text: str
    spans: list[Span] = field(default_factory=list)
    missing: list[tuple[int, int]] = field(default_factory=list)
    source: str = ""
    doc_id: str = ""
    ignore: list[tuple[int, int]] = field(default_factory=list)


def _read_lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\r\n")


def join_tokens(tokens: list[str], space_after: Optional[list[bool]] = None) -> tuple[str, list[tuple[int, int]]]:
    """Join tokens into a text; return it with each token's ``(start, end)`` offsets.

    Args:
        tokens: token strings.
        space_after: whether a space follows each token (default: always).

    Returns:
        ``(text, offsets)``.
    """
    parts: list[str] = []
    offsets = []
    pos = 0
    for i, token in enumerate(tokens):
        offsets.append((pos, pos + len(token)))
        parts.append(token)
        pos += len(token)
        if i < len(tokens) - 1 and (space_after is None or space_after[i]):
            parts.append(" ")
            pos += 1
    return "".join(parts), offsets


def bio_chunks(tags: list[str]) -> list[tuple[int, int, str]]:
    """Turn BIO/IOB1 tags into ``(first_token, end_token, type)`` chunks.

    An ``I-X`` after ``O`` or after another type starts a new chunk (IOB1), so
    ``["I-PER", "I-PER", "B-PER"]`` gives two chunks.
    """
    chunks: list[tuple[int, int, str]] = []
    start, current = None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, kind = tag.partition("-")
        if tag == "O" or prefix not in ("B", "I") or not kind or prefix == "B" or kind != current:
            if current is not None:
                chunks.append((start, i, current))
            start, current = (i, kind) if prefix in ("B", "I") and kind else (None, None)
    return chunks


# ----------------------------------------------------------------- GermEval 2014


@dataclass
class GermEvalSentence:
    """A GermEval sentence: its source URL, tokens and outer-level tags."""

    url: str
    tokens: list[str]
    tags: list[str]

    @property
    def is_news(self) -> bool:
        """A sentence is news unless its source is Wikipedia (about half of the test file)."""
        return not is_wikipedia(self.url)


def is_wikipedia(url: str) -> bool:
    """True for a ``wikipedia.org`` URL (``http://de.wikipedia.org/wiki/Mainz``)."""
    host = re.sub(r"^[a-z]+://", "", url.strip()).split("/", 1)[0].lower()
    return host == "wikipedia.org" or host.endswith(".wikipedia.org")


def read_germeval(path: Path) -> Iterator[GermEvalSentence]:
    """Read a GermEval 2014 TSV file (``#\\tURL\\t[date]`` header, ``n token outer inner``)."""
    url, tokens, tags = "", [], []
    for line in _read_lines(path):
        if line.startswith("#"):
            fields = line.split("\t")
            url = fields[1] if len(fields) > 1 else ""
            continue
        if not line.strip():
            if tokens:
                yield GermEvalSentence(url, tokens, tags)
            tokens, tags = [], []
            continue
        fields = line.split("\t")
        tokens.append(fields[1])
        tags.append(fields[2] if len(fields) > 2 else "O")
    if tokens:
        yield GermEvalSentence(url, tokens, tags)


def germeval_example(sentence: GermEvalSentence, part_policy: str = "name", source: str = "germeval") -> NerExample:
    """Map a GermEval sentence to an example.

    ``deriv`` words are O; ``part`` words follow ``part_policy`` (see
    :data:`PART_POLICIES`) and are always recorded in ``ignore`` for the
    lenient evaluation. Example: ``Der Siemens-Chef sprach`` with
    ``Siemens-Chef`` = B-ORGpart gives, under ``"name"``, the span ``Siemens`` ORG.
    """
    if part_policy not in PART_POLICIES:
        raise ValueError(f"part_policy must be one of {PART_POLICIES}, not {part_policy!r}")
    text, offsets = join_tokens(sentence.tokens)
    example = NerExample(text=text, source=source, doc_id=sentence.url)
    for first, end, kind in bio_chunks(sentence.tags):
        start_char, end_char = offsets[first][0], offsets[end - 1][1]
        if kind.endswith("deriv"):
            continue
        if kind.endswith("part"):
            base = GERMEVAL_BASE.get(kind[: -len("part")])
            example.ignore.append((start_char, end_char))
            if part_policy == "missing":
                example.missing.append((start_char, end_char))
            elif part_policy == "name" and base:
                name_end = _part_name_end(text, start_char, end_char)
                if name_end is not None:
                    example.spans.append((start_char, name_end, base))
            continue
        label = GERMEVAL_BASE.get(kind)
        if label:
            example.spans.append((start_char, end_char, label))
    return example


def _part_name_end(text: str, start: int, end: int) -> Optional[int]:
    """End of the name in a hyphenated compound: ``Siemens-Energy-Aktie`` -> after ``Energy``.

    German compounds are head-final, so the common noun follows the last hyphen.
    Returns ``None`` when there is no hyphen or the part before it is not capitalised.
    """
    word = text[start:end]
    cut = word.rfind("-")
    if cut <= 0 or not word[0].isupper():
        return None
    return start + cut


# ----------------------------------------------------------------- SmartData


def read_smartdata(path: Path) -> Iterator[dict]:
    """Yield the JSON documents of a SmartData ``.jsonl.gz`` file."""
    for line in _read_lines(path):
        if line.strip():
            yield json.loads(line)


def smartdata_mentions(document: dict) -> list[tuple[int, int, str]]:
    """The concept mentions of a SmartData document as ``(start, end, type)``, type lower-case with hyphens."""
    mentions = []
    for mention in (document.get("conceptMentions") or {}).get("array") or []:
        span = mention["span"]
        kind = mention["type"].lower().replace("_", "-")
        mentions.append((span["start"], span["end"], kind))
    return mentions


def is_name_like(surface: str) -> bool:
    """True when a mention has an upper-case letter or a digit (``BMW``, ``A7``, not ``deutschen``)."""
    return any(ch.isupper() or ch.isdigit() for ch in surface)


def smartdata_example(document: dict, source: str = "smartdata") -> NerExample:
    """Map a SmartData document to an example (see the module table for the types)."""
    text = document["text"]["string"]
    example = NerExample(text=text, source=source, doc_id=document.get("id", ""))
    for start, end, kind in smartdata_mentions(document):
        if kind in SMARTDATA_MISSING:
            example.missing.append((start, end))
        elif kind in SMARTDATA_TYPES and is_name_like(text[start:end]):
            example.spans.append((start, end, SMARTDATA_TYPES[kind]))
    return example


# ----------------------------------------------------------------- CoNLL-like token files


def _tagged_sentences(
    lines: Iterable[str], sentence_break: Optional[set[str]] = None, max_tokens: int = 0
) -> Iterator[tuple[list[str], list[Optional[str]]]]:
    """Group ``token tag`` lines into sentences; a tag is ``None`` where the line is malformed.

    Blank lines end a sentence. Without blank lines (Europeana), a token in
    ``sentence_break`` ends one once it has ``max_tokens // 4`` tokens, and any
    sentence is cut at ``max_tokens``.
    """
    tokens: list[str] = []
    tags: list[Optional[str]] = []
    for line in lines:
        if line.startswith("# "):
            continue
        if not line.strip():
            if tokens:
                yield tokens, tags
            tokens, tags = [], []
            continue
        parts = line.strip().rsplit(None, 1)
        tokens.append(parts[0])
        tags.append(parts[1] if len(parts) == 2 else None)
        if sentence_break is not None and (
            (tokens[-1] in sentence_break and len(tokens) >= max_tokens // 4) or len(tokens) >= max_tokens
        ):
            yield tokens, tags
            tokens, tags = [], []
    if tokens:
        yield tokens, tags


def _normalise_tag(tag: Optional[str]) -> Optional[tuple[str, str]]:
    """``B-PEr``/``I_ORG`` -> (``B``, ``PER``)/(``I``, ``ORG``); ``O`` -> (``O``, ``""``); garbage -> None."""
    if tag is None:
        return None
    tag = tag.strip().upper().replace("_", "-")
    if tag == "O":
        return ("O", "")
    prefix, _, kind = tag.partition("-")
    if prefix in ("B", "I") and kind:
        return (prefix, kind)
    return None


def tagged_example(
    tokens: list[str], tags: list[Optional[str]], mapping: dict[str, str], source: str, doc_id: str = "",
    missing_types: Optional[set[str]] = None, space_after: Optional[list[bool]] = None,
) -> NerExample:
    """Build an example from tokens and BIO tags; types not in ``mapping`` are O.

    Tokens with a malformed tag, and entities whose type is in ``missing_types``
    (``{"*"}``: any type not in ``mapping``), become ``missing``.
    """
    text, offsets = join_tokens(tokens, space_after)
    example = NerExample(text=text, source=source, doc_id=doc_id)
    clean: list[str] = []
    for i, tag in enumerate(tags):
        parsed = _normalise_tag(tag)
        if parsed is None:
            example.missing.append(offsets[i])
            clean.append("O")
        else:
            clean.append("O" if parsed[0] == "O" else f"{parsed[0]}-{parsed[1]}")
    for first, end, kind in bio_chunks(clean):
        start_char, end_char = offsets[first][0], offsets[end - 1][1]
        if kind in mapping:
            example.spans.append((start_char, end_char, mapping[kind]))
        elif missing_types is not None and (kind in missing_types or "*" in missing_types):
            example.missing.append((start_char, end_char))
    return example


LER_MISSING = {"GS", "VO", "EUN", "VS", "VT", "RS", "LIT"}


def read_ler(path: Path, source: str = "ler") -> Iterator[NerExample]:
    """Read a LER ``.conll`` file (``token tag``, CRLF, blank line between sentences)."""
    for tokens, tags in _tagged_sentences(_read_lines(path)):
        yield tagged_example(tokens, tags, LER_COARSE, source, path.name, missing_types=LER_MISSING)


EUROPEANA_BREAKS = {".", "!", "?"}


def read_europeana(path: Path, source: str = "europeana", max_tokens: int = 60) -> Iterator[NerExample]:
    """Read a Europeana ``.bio`` file; it has no sentence breaks, so cut after ``.``/``!``/``?``."""
    mapping = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}
    for tokens, tags in _tagged_sentences(_read_lines(path), sentence_break=EUROPEANA_BREAKS, max_tokens=max_tokens):
        yield tagged_example(_modern_spelling(tokens), tags, mapping, source, path.name, missing_types={"*"})


def _modern_spelling(tokens: list[str]) -> list[str]:
    """Replace the historical long s (``Neueſte`` -> ``Neueste``); one character for one, offsets stay."""
    return [token.replace("ſ", "s") for token in tokens]


def read_hipe(path: Path, source: str = "hipe") -> Iterator[NerExample]:
    """Read a HIPE-2022 TSV file: coarse literal tags, sentences at ``EndOfSentence``, ``NoSpaceAfter`` kept."""
    header: list[str] = []
    doc_id = ""
    tokens: list[str] = []
    tags: list[Optional[str]] = []
    space_after: list[bool] = []

    def flush() -> Iterator[NerExample]:
        if tokens:
            yield tagged_example(_modern_spelling(tokens), tags, HIPE_COARSE, source, doc_id, space_after=space_after)

    for line in _read_lines(path):
        if line.startswith("TOKEN\t"):
            header = line.split("\t")
            continue
        if line.startswith("#"):
            if "document_id" in line:
                yield from flush()
                tokens, tags, space_after = [], [], []
                doc_id = line.split("=", 1)[-1].strip()
            continue
        if not line.strip():
            continue
        fields = dict(zip(header, line.split("\t")))
        misc = fields.get("MISC", "")
        tokens.append(fields.get("TOKEN", ""))
        tags.append(fields.get("NE-COARSE-LIT", "O"))
        space_after.append("NoSpaceAfter" not in misc)
        if "EndOfSentence" in misc:
            yield from flush()
            tokens, tags, space_after = [], [], []
    yield from flush()


# ----------------------------------------------------------------- the corpus registry

HIPE_SHIP_SAFE = ("sonar", "newseye")


@dataclass
class CorpusPaths:
    """Where each corpus lives under ``<data_dir>/ner``."""

    root: Path

    @property
    def germeval_dev(self) -> Path:
        return self.root / "germeval2014" / "NER-de-dev.tsv"

    @property
    def germeval_test(self) -> Path:
        return self.root / "germeval2014" / "NER-de-test.tsv"

    @property
    def smartdata_pool(self) -> Path:
        return self.root / "smartdata" / "v1_train_pool.jsonl.gz"

    @property
    def smartdata_v3_dev(self) -> Path:
        return self.root / "smartdata" / "v3_dev.jsonl.gz"

    def ler(self) -> list[Path]:
        return sorted((self.root / "ler").glob("ler_*.conll"))

    def europeana(self) -> list[Path]:
        return sorted((self.root / "europeana").glob("enp_DE.*.bio"))

    def hipe(self) -> list[Path]:
        """Only the ship-safe HIPE-2022 parts (sonar, newseye); never hipe2020 (CC BY-NC-SA)."""
        files = sorted((self.root / "hipe2022").glob("HIPE-2022-*-de.tsv"))
        return [f for f in files if any(f"-{name}-" in f.name for name in HIPE_SHIP_SAFE)]
