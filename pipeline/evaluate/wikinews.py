"""Importer for the German Wikinews quotation corpus (Petersen-Frey & Biemann 2024).

Each ``*.json`` file is one article: ``originalText``, ``tokens`` (with
character offsets) and ``annotations``, one per quotation, with the roles
``quote``, ``speaker``, ``cue``, ``addressee`` and ``frame`` as lists of
character/token spans and a ``type``. See
``../shared/corpora/quotes/wikinews_quotes/README.md``.

How the corpus maps onto :class:`~pipeline.evaluate.gold.GoldQuote`:

* ``Direct`` → ``direct``, ``Indirect`` → ``indirect``, ``Reported`` →
  ``reported``. ``FreeIndirect`` and ``IndirectFreeIndirect`` (reported speech
  in Konjunktiv without a cue in the same sentence) → ``indirect``; the original
  type stays in ``subtype`` and the scorecard reports recall per subtype.
* A direct quotation's span in the corpus includes its quotation marks
  (``„Ich will … stehen.“``); finnews puts the content *inside* the marks, so
  the marks (and spaces next to them) are cut off at both ends of a direct
  quote's span. The mark tokens then count in neither gold nor prediction.
* Discontinuous roles (a quote interrupted by its frame, a speaker ``X und Y``,
  a cue ``merkt … an``) keep every part (``parts``, ``speaker_parts``,
  ``cue_parts``); the quote stays one quotation, as in the upstream scorer.
* ``speaker`` is the mention text: the corpus does not resolve pronouns.
* ``addressee`` and ``frame`` are not imported (finnews does not predict them).
* The corpus tokens become :attr:`GoldDocument.tokens`, so token-level scores
  count the same tokens as the upstream evaluation script.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Optional

from pipeline.evaluate.gold import GoldDocument, GoldFormatError, GoldQuote, Span

log = logging.getLogger(__name__)

TYPE_TO_KIND = {
    "Direct": "direct",
    "Indirect": "indirect",
    "Reported": "reported",
    "FreeIndirect": "indirect",
    "IndirectFreeIndirect": "indirect",
}
QUOTE_MARKS = "„“”‟\"»«‚‘’‹›'"


def is_wikinews_record(obj: Any) -> bool:
    """Return whether a decoded JSON object looks like a Wikinews quotation file."""
    return isinstance(obj, dict) and "originalText" in obj and "annotations" in obj


def _role_spans(role: Optional[dict[str, Any]]) -> list[Span]:
    if not role:
        return []
    return [(int(s["charBegin"]), int(s["charEnd"])) for s in role.get("spans", [])]


def strip_quote_marks(text: str, spans: list[Span]) -> list[Span]:
    """Cut quotation marks and spaces off the outer ends of a direct quote's spans.

    ``„Ich will diesem Generationswechsel nicht im Wege stehen.“`` becomes
    ``Ich will diesem Generationswechsel nicht im Wege stehen.``.

    Args:
        text: the article text.
        spans: the quote's character spans, in text order.

    Returns:
        The spans with the first start and last end moved inwards; parts that
        become empty are dropped.
    """
    if not spans:
        return spans
    spans = sorted(spans)
    start, end = spans[0][0], spans[-1][1]
    while start < end and (text[start] in QUOTE_MARKS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in QUOTE_MARKS or text[end - 1].isspace()):
        end -= 1
    out = [(max(a, start), min(b, end)) for a, b in spans]
    return [(a, b) for a, b in out if a < b]


def wikinews_to_gold(obj: dict[str, Any], doc_id: str, source_path: str = "") -> GoldDocument:
    """Convert one decoded Wikinews quotation file into a gold document.

    Args:
        obj: the decoded JSON of one article.
        doc_id: the id to give the document (the file's Wikinews page id).
        source_path: the file, for messages.

    Returns:
        A :class:`GoldDocument` with the ``quotes`` layer and the corpus tokens.
    """
    text: str = obj["originalText"]
    tokens = [(int(t["charBegin"]), int(t["charEnd"])) for t in obj.get("tokens", [])]
    quotes: list[GoldQuote] = []
    for ann in obj["annotations"]:
        qtype = ann.get("type") or "Indirect"
        kind = TYPE_TO_KIND.get(qtype)
        if kind is None:
            log.warning("%s: unknown quotation type %r, counted as indirect", source_path, qtype)
            kind = "indirect"
        parts = sorted(_role_spans(ann.get("quote")))
        if kind == "direct":
            parts = strip_quote_marks(text, parts)
        if not parts:
            continue
        speaker = sorted(_role_spans(ann.get("speaker")))
        cue = sorted(_role_spans(ann.get("cue")))
        quotes.append(
            GoldQuote(
                kind=kind,
                start=parts[0][0],
                end=parts[-1][1],
                text=" ".join(text[a:b] for a, b in parts),
                speaker=" ".join(text[a:b] for a, b in speaker) or None,
                speaker_start=speaker[0][0] if speaker else None,
                speaker_end=speaker[-1][1] if speaker else None,
                cue=" ".join(text[a:b] for a, b in cue) or None,
                cue_start=cue[0][0] if cue else None,
                cue_end=cue[-1][1] if cue else None,
                subtype=qtype,
                parts=parts if len(parts) > 1 else [],
                speaker_parts=speaker if len(speaker) > 1 else [],
                cue_parts=cue if len(cue) > 1 else [],
            )
        )
    quotes.sort(key=lambda q: (q.start, q.end))
    title = obj.get("documentName") or ""
    return GoldDocument(id=doc_id, text=text, title=title, quotes=quotes, tokens=tokens, source_path=source_path)


def wikinews_id(path: Path, obj: dict[str, Any]) -> str:
    """Return the document id: the Wikinews page id at the head of ``documentName`` or the file name.

    ``11059 - Passagierflugzeug landete … (2005-08-20)`` gives ``11059``; without
    a numeric head the file name without ``.pretty.json`` is used.
    """
    for name in (str(obj.get("documentName") or ""), path.name):
        head = name.split(" - ", 1)[0].strip()
        if head.isdigit():
            return head
    return path.name.removesuffix(".json").removesuffix(".pretty")


def read_wikinews(path: Path | str, limit: Optional[int] = None) -> list[GoldDocument]:
    """Load a Wikinews quotation file or a folder of them (sorted by file name).

    Args:
        path: one ``.json`` file or a folder containing them (e.g. ``wikinews_quotes/dev``).
        limit: keep only the first ``limit`` documents.

    Returns:
        Gold documents with the quotes layer.

    Raises:
        GoldFormatError: a file cannot be read or is not a Wikinews quotation file.
    """
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if limit is not None:
        files = files[:limit]
    docs = []
    for file in files:
        try:
            obj = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GoldFormatError(f"cannot read Wikinews file {file}: {exc}") from exc
        if not is_wikinews_record(obj):
            raise GoldFormatError(f"{file} is not a Wikinews quotation file (no originalText/annotations)")
        docs.append(wikinews_to_gold(obj, wikinews_id(file, obj), str(file)))
    return docs
