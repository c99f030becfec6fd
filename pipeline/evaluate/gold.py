"""Gold-standard records and the finnews gold JSONL format (loader and validator).

The gold format is one JSON object per line, one article each; the fixtures in
``corpus/fixtures`` use it and ``corpus/fixtures/README.md`` explains the
annotation guidelines and tags. Keys::

    id         str, unique and stable ("2025-03-sap-quartal")
    title      str, the headline (also the first paragraph of text)
    text       str, the whole article: paragraphs separated by "\\n\\n", NFC,
               no soft hyphens, plain spaces
    date       str "YYYY-MM-DD", optional
    tags       [str], phenomena the article exercises, optional
    entities   [ {start, end, text, label, name, isin} ]   every named-entity mention
    figures    [ {start, end, text, kind, value, unit, value_to, direction,
                  qualifier, is_target, about} ]
    quotes     [ {kind, start, end, text, speaker, speaker_start, speaker_end,
                  cue, cue_start, cue_end, speaker_role} ]
    sentiment  [ {entity, label} ]   article-level sentiment towards companies
    claims     [ {start, end, text, entity, target_start, target_end, label} ]
               sentences that say opposite things about two companies: per
               company the sentence, its mention and the label towards it

Conventions (checked by :func:`validate_gold_document` where they can be):

* Offsets are Python character offsets into ``text``, end exclusive, and
  ``text[start:end]`` equals the span's ``text`` for entities, figures, quotes
  and cues. A speaker span marks the words in the text (``er``), while
  ``speaker`` is the resolved name (``Christian Klein``), so only its offsets are
  checked. Spans are never empty.
* Entity ``label`` is one of ORG, PER, LOC, MISC, INDEX. ``name`` is the
  canonical name shared by all mentions of one entity (``Nvidias`` has name
  ``Nvidia``). ``isin`` is the ISIN of a listed company, ``"unlisted"`` for a
  company or organisation that is not a listed security, and ``null`` where
  listing does not apply (persons, places, indices, public bodies like the EZB);
  an ISIN must carry its check digit, and only ORG entities have one.
* Figure ``kind`` is ``percent`` or ``money``; ``value`` is signed
  (``fiel um 7,5 %`` gives -7.5); ``unit`` is ``%`` or ``pp`` for a percentage
  and an ISO 4217 code (``EUR``) for money;
  ``direction`` is up/down/none; ``qualifier`` is the lower-cased hedge
  (``knapp``) or ""; ``about`` lists canonical entity names (may be empty).
* Quote ``kind`` is direct (span inside the quotation marks), indirect or
  reported; ``speaker`` is null when the text names no speaker; a ``cue`` has
  offsets. ``speaker_role`` is the speaker's role as the fixtures write it
  (``Vorstandschef von BMW``, ``""`` for none); it is optional and not scored.
* Sentiment ``label`` is positive, neutral or negative; ``entity`` is a
  canonical ``name`` of one of the article's entities.
* A claim's span is the whole sentence (``text[start:end] == text``), its
  target the mention of ``entity`` in it; the claims of one sentence share
  ``start``/``end``. ``label`` (positive, neutral, negative) may be null.

Keys not listed here are ignored. A key that is absent means "this layer is
not annotated" and the layer is then not scored for that article; an empty
list means "annotated, and there is none".
Importers of other formats (:mod:`pipeline.evaluate.sources`) build the same
records and mark which layers they provide; the fixtures compiler
(:mod:`pipeline.evaluate.authoring`) builds them too. :meth:`GoldDocument.to_json`
is the one writer of the format: keys in the order above, ``date`` (null when
unknown) and ``tags`` always written, every other layer only when annotated.

Two optional keys exist for imported data and are rarely needed by hand:
``tokens`` (``[[start, end], ...]``, the token boundaries the quote scorer
counts; without it the text is split by :func:`default_tokens`) and, per quote,
``parts``/``speaker_parts``/``cue_parts`` (lists of ``[start, end]``) for a
discontinuous span, whose ``start``/``end`` then cover all parts, and
``subtype`` (the source corpus' finer quote type, e.g. ``FreeIndirect``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from pipeline.gazetteer import isin_is_valid
from pipeline.records import Article

log = logging.getLogger(__name__)

ENTITY_LABELS = ("ORG", "PER", "LOC", "MISC", "INDEX")
FIGURE_KINDS = ("percent", "money")
PERCENT_UNITS = ("%", "pp")
CURRENCY_CODE = re.compile(r"[A-Z]{3}")  # the shape of an ISO 4217 code: a money figure's unit
DIRECTIONS = ("up", "down", "none")
QUOTE_KINDS = ("direct", "indirect", "reported")
SENTIMENT_LABELS = ("positive", "neutral", "negative")
UNLISTED = "unlisted"
# Layers a gold document can annotate; "linking" means entities carry isin values.
LAYERS = ("entities", "linking", "figures", "quotes", "sentiment", "claims")

Span = tuple[int, int]


@dataclass
class GoldEntity:
    """One gold named-entity mention, e.g. ``Nvidias`` (name ``Nvidia``) at 40-47."""

    start: int
    end: int
    text: str
    label: str
    name: str = ""
    isin: Optional[str] = None

    @property
    def listed(self) -> Optional[bool]:
        """``True`` for an ISIN, ``False`` for ``"unlisted"``, ``None`` where listing does not apply."""
        if self.isin is None:
            return None
        return self.isin != UNLISTED


@dataclass
class GoldFigure:
    """One gold percentage or money amount with its value and the entities it is about."""

    start: int
    end: int
    text: str
    kind: str
    value: float
    unit: str
    value_to: Optional[float] = None
    direction: str = "none"
    qualifier: str = ""
    is_target: bool = False
    about: list[str] = field(default_factory=list)


@dataclass
class GoldQuote:
    """One gold quotation with its speaker mention and cue.

    ``parts``/``speaker_parts``/``cue_parts`` are set only for discontinuous
    spans (imported corpora); otherwise the single ``start``/``end`` pair is
    the span. ``subtype`` keeps an imported corpus' own type name.
    ``speaker_role`` is the fixtures' role of the speaker (``Finanzchefin``,
    ``""`` for none); ``None`` where the source does not annotate roles.
    """

    kind: str
    start: int
    end: int
    text: str
    speaker: Optional[str] = None
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    cue: Optional[str] = None
    cue_start: Optional[int] = None
    cue_end: Optional[int] = None
    subtype: str = ""
    parts: list[Span] = field(default_factory=list)
    speaker_parts: list[Span] = field(default_factory=list)
    cue_parts: list[Span] = field(default_factory=list)
    speaker_role: Optional[str] = None

    def quote_spans(self) -> list[Span]:
        """Return the character spans of the quoted content."""
        return list(self.parts) or [(self.start, self.end)]

    def speaker_spans(self) -> list[Span]:
        """Return the character spans of the speaker mention (empty when none)."""
        if self.speaker_parts:
            return list(self.speaker_parts)
        if self.speaker_start is None or self.speaker_end is None:
            return []
        return [(self.speaker_start, self.speaker_end)]

    def cue_spans(self) -> list[Span]:
        """Return the character spans of the cue (empty when none)."""
        if self.cue_parts:
            return list(self.cue_parts)
        if self.cue_start is None or self.cue_end is None:
            return []
        return [(self.cue_start, self.cue_end)]


@dataclass
class GoldSentiment:
    """The article's overall stance towards one company, e.g. ``Nvidia`` → ``negative``.

    ``aliases`` (optional) are other names the article uses for it (``Telekom`` for ``Deutsche
    Telekom``); a predicted entity called by any of them matches when the gold has no ISIN for it.
    """

    entity: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass
class GoldClaim:
    """A company in a contrast sentence, e.g. ``Nvidia`` (negative) in ``Während Nvidia-Aktien
    um 5,2 % nachgaben, schoss die App von DeepSeek … nach oben.``, which has a second claim for DeepSeek.
    """

    start: int
    end: int
    text: str
    entity: str
    target_start: int
    target_end: int
    label: Optional[str] = None


@dataclass
class GoldDocument:
    """One gold article; ``None`` for a layer means "not annotated"."""

    id: str
    text: str
    title: str = ""
    date: Optional[str] = None
    tags: list[str] = field(default_factory=list)
    entities: Optional[list[GoldEntity]] = None
    figures: Optional[list[GoldFigure]] = None
    quotes: Optional[list[GoldQuote]] = None
    sentiment: Optional[list[GoldSentiment]] = None
    claims: Optional[list[GoldClaim]] = None
    tokens: Optional[list[Span]] = None
    linked: bool = False  # entities carry isin annotations (the gold JSONL format)
    # Whether the gold can tag a name inside a compound word (VW in VW-Chef); token-level
    # corpora (GermEval, CoNLL) cannot, so predicted in_compound mentions are not scored there.
    annotates_compound_names: bool = True
    # Whether the gold tags common nouns for public bodies (Bundesregierung) as organisations; GermEval
    # and CoNLL do not (O), so predicted institution_noun mentions are not scored there.
    annotates_institution_nouns: bool = True
    source_path: str = ""

    @property
    def layers(self) -> set[str]:
        """Return the names of the annotated layers (see :data:`LAYERS`)."""
        found = {name for name in ("entities", "figures", "quotes", "sentiment", "claims")
                 if getattr(self, name) is not None}
        if self.entities is not None and self.linked:
            found.add("linking")
        return found

    def token_spans(self) -> list[Span]:
        """Return the token boundaries used for token-level scores."""
        if self.tokens is None:
            self.tokens = default_tokens(self.text)
        return self.tokens

    def to_json(self) -> str:
        """Serialise as one gold JSONL line (UTF-8 characters kept, no trailing newline).

        Returns:
            The JSON object of :func:`gold_document_to_dict`.
        """
        return json.dumps(gold_document_to_dict(self), ensure_ascii=False)


TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def default_tokens(text: str) -> list[Span]:
    """Split ``text`` into words and single punctuation marks, for token counting.

    ``„Wir sind zufrieden“, sagte Klein.`` gives ``„ Wir sind zufrieden “ , sagte
    Klein .``; a number like ``6,3`` gives three tokens, which only matters when
    a span boundary falls inside it.

    Args:
        text: the article text.

    Returns:
        ``(start, end)`` character spans of the tokens, in order.
    """
    return [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def gold_to_article(doc: GoldDocument) -> Article:
    """Build the :class:`~pipeline.records.Article` the pipeline runs on for a gold document.

    Args:
        doc: a gold document.

    Returns:
        An Article whose ``article_id`` is the gold ``id``.
    """
    title = doc.title or doc.text.split("\n", 1)[0]
    return Article(
        article_id=doc.id,
        source_path=doc.source_path,
        title=title,
        text=doc.text,
        sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        date=doc.date,
    )


class GoldFormatError(ValueError):
    """A gold file is unreadable or violates the format; ``problems`` lists every violation."""

    def __init__(self, message: str, problems: Optional[list[str]] = None):
        self.problems = problems or []
        shown = "\n  ".join(self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{message}\n  {shown}{more}" if self.problems else message)


# ---------------------------------------------------------------------------
# Parsing


def _span_list(value: Any) -> list[Span]:
    return [(int(a), int(b)) for a, b in (value or [])]


def _opt_int(value: Any) -> Optional[int]:
    return None if value is None else int(value)


def _opt_float(value: Any) -> Optional[float]:
    return None if value is None else float(value)


def parse_gold_record(obj: dict[str, Any]) -> GoldDocument:
    """Turn one parsed JSON object of the gold format into a :class:`GoldDocument`.

    Args:
        obj: the decoded JSON line.

    Returns:
        The gold document (not yet validated; see :func:`validate_gold_document`).

    Raises:
        KeyError, TypeError, ValueError: a required key is missing or has the wrong type.
    """
    if not isinstance(obj, dict):
        raise TypeError("a gold line must be a JSON object")
    text = obj["text"]
    if not isinstance(text, str):
        raise TypeError("'text' must be a string")

    def layer(key: str, build) -> Optional[list]:
        if key not in obj or obj[key] is None:
            return None
        if not isinstance(obj[key], list):
            raise TypeError(f"'{key}' must be a list")
        return [build(item, i) for i, item in enumerate(obj[key])]

    def entity(e: dict[str, Any], i: int) -> GoldEntity:
        return GoldEntity(int(e["start"]), int(e["end"]), e["text"], e["label"], e.get("name") or e["text"], e.get("isin"))

    def figure(f: dict[str, Any], i: int) -> GoldFigure:
        return GoldFigure(
            int(f["start"]), int(f["end"]), f["text"], f["kind"], float(f["value"]), f["unit"],
            value_to=_opt_float(f.get("value_to")), direction=f.get("direction") or "none",
            qualifier=f.get("qualifier") or "", is_target=bool(f.get("is_target", False)),
            about=list(f.get("about") or []),
        )

    def quote(q: dict[str, Any], i: int) -> GoldQuote:
        return GoldQuote(
            q["kind"], int(q["start"]), int(q["end"]), q["text"],
            speaker=q.get("speaker"), speaker_start=_opt_int(q.get("speaker_start")),
            speaker_end=_opt_int(q.get("speaker_end")), cue=q.get("cue"),
            cue_start=_opt_int(q.get("cue_start")), cue_end=_opt_int(q.get("cue_end")),
            subtype=q.get("subtype") or "", parts=_span_list(q.get("parts")),
            speaker_parts=_span_list(q.get("speaker_parts")), cue_parts=_span_list(q.get("cue_parts")),
            speaker_role=q.get("speaker_role"),
        )

    def sentiment(s: dict[str, Any], i: int) -> GoldSentiment:
        return GoldSentiment(s["entity"], s["label"], tuple(s.get("aliases") or ()))

    def claim(c: dict[str, Any], i: int) -> GoldClaim:
        return GoldClaim(int(c["start"]), int(c["end"]), c["text"], c["entity"], int(c["target_start"]),
                         int(c["target_end"]), c.get("label"))

    tokens = obj.get("tokens")
    return GoldDocument(
        id=str(obj["id"]),
        text=text,
        title=obj.get("title") or "",
        date=obj.get("date"),
        tags=list(obj.get("tags") or []),
        entities=layer("entities", entity),
        figures=layer("figures", figure),
        quotes=layer("quotes", quote),
        sentiment=layer("sentiment", sentiment),
        claims=layer("claims", claim),
        tokens=_span_list(tokens) if tokens is not None else None,
        linked="entities" in obj,
    )


# ---------------------------------------------------------------------------
# Validation


def _check_span(text: str, start: Optional[int], end: Optional[int], expected: Optional[str], where: str) -> list[str]:
    """Return problems with one span: out of range, empty, reversed, or text not matching."""
    if start is None and end is None:
        return []
    if start is None or end is None:
        return [f"{where}: only one of start/end is set ({start}, {end})"]
    if not 0 <= start <= end <= len(text):
        return [f"{where}: offsets {start}:{end} outside the text (length {len(text)})"]
    if start == end:
        return [f"{where}: empty span {start}:{end}"]
    if expected is not None and text[start:end] != expected:
        return [f"{where}: text[{start}:{end}] is {text[start:end]!r}, annotation says {expected!r}"]
    return []


def validate_gold_document(doc: GoldDocument) -> list[str]:
    """Check a gold document against the format's conventions.

    Span texts must equal ``text[start:end]`` and spans are not empty; labels,
    kinds, directions and sentiment labels must be known; a figure's unit goes
    with its kind (``%``/``pp`` percent, a currency code money); an ISIN has a
    valid check digit and only ORG entities have one; a cue has offsets;
    sentiment, claim and figure ``about`` names must be entity names of the
    article (when entities are annotated); a claim's target lies inside its sentence.

    Args:
        doc: the parsed document.

    Returns:
        Human-readable problems, each naming the document id and the field; empty if valid.
    """
    problems: list[str] = []
    text = doc.text
    p = f"{doc.id}"
    names = {e.name for e in doc.entities or []}
    for i, e in enumerate(doc.entities or []):
        where = f"{p} entities[{i}]"
        problems += _check_span(text, e.start, e.end, e.text, where)
        if e.label not in ENTITY_LABELS:
            problems.append(f"{where}: unknown label {e.label!r} (expected one of {', '.join(ENTITY_LABELS)})")
        if e.isin is not None and e.isin != UNLISTED and not isin_is_valid(e.isin):
            problems.append(f"{where}: isin {e.isin!r} is neither an ISIN (form and check digit), 'unlisted' nor null")
        elif e.isin is not None and e.label != "ORG":
            problems.append(f"{where}: isin {e.isin!r} on a {e.label}: only ORG entities are listed or unlisted")
    for i, f in enumerate(doc.figures or []):
        where = f"{p} figures[{i}]"
        problems += _check_span(text, f.start, f.end, f.text, where)
        if f.kind not in FIGURE_KINDS:
            problems.append(f"{where}: unknown kind {f.kind!r}")
        is_currency = isinstance(f.unit, str) and CURRENCY_CODE.fullmatch(f.unit) is not None
        unit_kind = "percent" if f.unit in PERCENT_UNITS else "money" if is_currency else None
        if unit_kind is None:
            problems.append(f"{where}: unknown unit {f.unit!r} (expected %, pp or a currency code like EUR)")
        elif f.kind in FIGURE_KINDS and f.kind != unit_kind:
            problems.append(f"{where}: unit {f.unit!r} is a {unit_kind} unit, but kind is {f.kind!r}")
        if f.direction not in DIRECTIONS:
            problems.append(f"{where}: unknown direction {f.direction!r}")
        if doc.entities is not None:
            for name in f.about:
                if name not in names:
                    problems.append(f"{where}: about names {name!r}, which is no entity name of the article")
    for i, q in enumerate(doc.quotes or []):
        where = f"{p} quotes[{i}]"
        if q.kind not in QUOTE_KINDS:
            problems.append(f"{where}: unknown kind {q.kind!r}")
        if q.parts:
            for j, (a, b) in enumerate(q.parts):
                problems += _check_span(text, a, b, None, f"{where}.parts[{j}]")
        else:
            problems += _check_span(text, q.start, q.end, q.text, where)
        if q.speaker_parts:
            for j, (a, b) in enumerate(q.speaker_parts):
                problems += _check_span(text, a, b, None, f"{where} speaker[{j}]")
        else:
            problems += _check_span(text, q.speaker_start, q.speaker_end, None, f"{where} speaker")
        if q.cue_parts:
            for j, (a, b) in enumerate(q.cue_parts):
                problems += _check_span(text, a, b, None, f"{where} cue[{j}]")
        elif q.cue is not None and q.cue_start is None and q.cue_end is None:
            problems.append(f"{where} cue: {q.cue!r} has no offsets")
        else:
            problems += _check_span(text, q.cue_start, q.cue_end, q.cue, f"{where} cue")
    for i, s in enumerate(doc.sentiment or []):
        where = f"{p} sentiment[{i}]"
        if s.label not in SENTIMENT_LABELS:
            problems.append(f"{where}: unknown label {s.label!r}")
        if doc.entities is not None and s.entity not in names:
            problems.append(f"{where}: entity {s.entity!r} is no entity name of the article")
    for i, c in enumerate(doc.claims or []):
        where = f"{p} claims[{i}]"
        problems += _check_span(text, c.start, c.end, c.text, where)
        problems += _check_span(text, c.target_start, c.target_end, None, f"{where} target")
        if not c.start <= c.target_start <= c.target_end <= c.end:
            problems.append(
                f"{where}: target {c.target_start}:{c.target_end} is not inside the claim {c.start}:{c.end}")
        if c.label is not None and c.label not in SENTIMENT_LABELS:
            problems.append(f"{where}: unknown label {c.label!r}")
        if doc.entities is not None and c.entity not in names:
            problems.append(f"{where}: entity {c.entity!r} is no entity name of the article")
    for i, (a, b) in enumerate(doc.tokens or []):
        if not 0 <= a < b <= len(text):
            problems.append(f"{p} tokens[{i}]: bad offsets {a}:{b}")
            break
    return problems


# ---------------------------------------------------------------------------
# Loading


def read_gold_jsonl(path: Path | str, limit: Optional[int] = None) -> list[GoldDocument]:
    """Load and validate a gold JSONL file.

    Args:
        path: the ``.jsonl`` file.
        limit: keep only the first ``limit`` documents (``None`` for all).

    Returns:
        The gold documents in file order.

    Raises:
        GoldFormatError: the file cannot be read, a line is not valid JSON or misses
            required keys, ids repeat, or a span violates the conventions; the
            error lists every problem with its line number.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFormatError(f"cannot read gold file {path}: {exc}") from exc
    docs: list[GoldDocument] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if limit is not None and len(docs) >= limit:
            break
        where = f"{path.name}:{lineno}"
        try:
            doc = parse_gold_record(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except KeyError as exc:
            problems.append(f"{where}: missing key {exc.args[0]!r}")
            continue
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        doc.source_path = str(path)
        if doc.id in seen:
            problems.append(f"{where}: id {doc.id!r} repeats line {seen[doc.id]}")
        seen[doc.id] = lineno
        problems += [f"{where}: {msg}" for msg in validate_gold_document(doc)]
        docs.append(doc)
    if problems:
        raise GoldFormatError(f"{path}: {len(problems)} problem(s) in the gold file", problems)
    return docs


def gold_document_to_dict(doc: GoldDocument) -> dict[str, Any]:
    """Turn a gold document into a gold-format JSON object (layers that are ``None`` are left out).

    Args:
        doc: the gold document.

    Returns:
        A dict that :func:`parse_gold_record` reads back into an equal document.
    """
    out: dict[str, Any] = {"id": doc.id, "title": doc.title, "text": doc.text, "date": doc.date, "tags": list(doc.tags)}
    if doc.entities is not None:
        out["entities"] = [
            {"start": e.start, "end": e.end, "text": e.text, "label": e.label, "name": e.name, "isin": e.isin}
            for e in doc.entities
        ]
    if doc.figures is not None:
        out["figures"] = [
            {"start": f.start, "end": f.end, "text": f.text, "kind": f.kind, "value": f.value, "unit": f.unit,
             "value_to": f.value_to, "direction": f.direction, "qualifier": f.qualifier,
             "is_target": f.is_target, "about": list(f.about)}
            for f in doc.figures
        ]
    if doc.quotes is not None:
        quotes = []
        for q in doc.quotes:
            item = {"kind": q.kind, "start": q.start, "end": q.end, "text": q.text, "speaker": q.speaker,
                    "speaker_start": q.speaker_start, "speaker_end": q.speaker_end, "cue": q.cue,
                    "cue_start": q.cue_start, "cue_end": q.cue_end}
            if q.speaker_role is not None:
                item["speaker_role"] = q.speaker_role
            for key in ("subtype", "parts", "speaker_parts", "cue_parts"):
                if getattr(q, key):
                    item[key] = [list(s) for s in getattr(q, key)] if key != "subtype" else q.subtype
            quotes.append(item)
        out["quotes"] = quotes
    if doc.sentiment is not None:
        out["sentiment"] = [{"entity": s.entity, "label": s.label, **({"aliases": list(s.aliases)} if s.aliases else {})}
                            for s in doc.sentiment]
    if doc.claims is not None:
        out["claims"] = [
            {"start": c.start, "end": c.end, "text": c.text, "entity": c.entity, "target_start": c.target_start,
             "target_end": c.target_end, "label": c.label}
            for c in doc.claims
        ]
    if doc.tokens is not None:
        out["tokens"] = [list(t) for t in doc.tokens]
    return out


def write_gold_jsonl(docs: Iterable[GoldDocument], path: Path | str) -> int:
    """Write gold documents as gold JSONL, one :meth:`GoldDocument.to_json` line each (e.g. to convert an imported corpus).

    Args:
        docs: the documents.
        path: the output file.

    Returns:
        The number of lines written.
    """
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(doc.to_json() + "\n")
            n += 1
    return n
