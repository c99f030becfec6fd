"""Write (and read back) the output contract of ``finnews run``.

All files are written atomically: into a temporary file in the output folder,
then renamed over the target, so a reader never sees half a file.

CSV files are UTF-8, RFC 4180 quoted (every text cell in double quotes). A text
cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would be run as a formula by a spreadsheet; such cells get the prefix
``export.csv_formula_prefix`` (default ``'``), which spreadsheets display as
text. Numeric columns (offsets, counts, values, scores) are never prefixed, so
``-6.3`` stays a number.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterable

from pipeline.records import (
    Article,
    Claim,
    CorpusEntity,
    Document,
    Entity,
    EntityMention,
    EntitySentiment,
    Figure,
    IngestError,
    Quote,
    SentimentScores,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ENTITY_SENTIMENT_COLUMNS = [
    "article_id", "entity", "entity_type", "ticker", "isin", "exchange", "listed", "mentions", "claims",
    "positive", "neutral", "negative", "sentiment_score", "sentiment_label", "entity_id", "org_kind",
]
CLAIMS_COLUMNS = [
    "article_id", "claim_id", "entity", "ticker", "isin", "sentence", "start", "end", "label", "score",
    "p_positive", "p_neutral", "p_negative", "entity_id", "target_start", "target_end", "quote_id", "figure_ids",
    "role", "move",
]
QUOTES_COLUMNS = [
    "article_id", "quote_id", "kind", "quote", "start", "end", "speaker", "speaker_entity", "cue",
    "speaker_mention", "speaker_role", "speaker_start", "speaker_end", "cue_start", "cue_end",
]
FIGURES_COLUMNS = [
    "article_id", "kind", "text", "start", "end", "value", "unit", "direction", "qualifier", "entity", "isin",
    "figure_id", "value_to", "is_target", "ticker", "entity_id",
]
CORPUS_COLUMNS = [
    "entity", "entity_type", "ticker", "isin", "listed", "articles", "mentions", "claims", "mean_score",
    "sentiment_label", "positive", "neutral", "negative", "key",
]
ERRORS_COLUMNS = ["source_path", "record", "reason"]
# The files write_outputs writes into the output folder (the run skips them as inputs).
OUTPUT_FILES = (
    "documents.jsonl", "entity_sentiment.csv", "claims.csv", "quotes.csv", "figures.csv", "corpus_entities.csv",
    "errors.csv", "run.json",
)

# Columns that hold numbers or booleans: written plain, never neutralised.
NUMERIC_COLUMNS = {
    "mentions", "claims", "positive", "neutral", "negative", "sentiment_score", "start", "end", "score",
    "p_positive", "p_neutral", "p_negative", "target_start", "target_end", "value", "value_to",
    "speaker_start", "speaker_end", "cue_start", "cue_end", "articles", "mean_score", "listed", "is_target",
}


# ------------------------------------------------------------------ atomic files


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ----------------------------------------------------------------------- CSV


def neutralize_cell(value: str, prefix: str = "'") -> str:
    """Prefix a text cell that a spreadsheet would run as a formula.

    Example: ``"=HYPERLINK(...)"`` -> ``"'=HYPERLINK(...)"``; ``"Nvidia"`` unchanged.
    """
    return prefix + value if value.startswith(FORMULA_STARTS) else value


def _format_cell(column: str, value: Any, prefix: str) -> Any:
    if value is None:
        return ""
    if column in NUMERIC_COLUMNS:
        if isinstance(value, bool):
            return "true" if value else "false"
        return value
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    return neutralize_cell(str(value), prefix)


def csv_text(columns: list[str], rows: Iterable[dict[str, Any]], prefix: str = "'") -> str:
    """Render rows as RFC 4180 CSV text with a header; text cells quoted and neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_format_cell(c, row.get(c), prefix) for c in columns])
    return buffer.getvalue()


def write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]], prefix: str = "'") -> None:
    atomic_write_text(path, csv_text(columns, rows, prefix))


# ------------------------------------------------------------- documents.jsonl


def document_to_json(document: Document) -> dict[str, Any]:
    """The ``documents.jsonl`` object for one document (see README, "Output files")."""
    article = document.article
    return {
        "article_id": article.article_id,
        "source_path": article.source_path,
        "title": article.title,
        "sha256": article.sha256,
        "date": article.date,
        "source": article.source,
        "url": article.url,
        "encoding": article.encoding,
        "text": article.text,
        "entities": [asdict(m) for m in document.mentions],
        "entity_links": [
            {k: v for k, v in asdict(e).items() if k != "mentions"} for e in document.entities
        ],
        "percentages": [asdict(f) for f in document.figures if f.kind == "percent"],
        "money": [asdict(f) for f in document.figures if f.kind == "money"],
        "quotes": [asdict(q) for q in document.quotes],
        "claims": [asdict(c) for c in document.claims],
    }


def document_from_json(data: dict[str, Any]) -> Document:
    """Inverse of :func:`document_to_json`."""
    article = Article(**{k: data.get(k) for k in (
        "article_id", "source_path", "title", "text", "sha256", "date", "source", "url", "encoding")})
    mentions = [EntityMention(**m) for m in data.get("entities", [])]
    entities = []
    for link in data.get("entity_links", []):
        entity = Entity(**link)
        entity.mentions = [m for m in mentions if m.entity_id == entity.entity_id]
        entities.append(entity)
    figures = [Figure(**f) for f in data.get("percentages", []) + data.get("money", [])]
    figures.sort(key=lambda f: int(f.figure_id[1:]) if f.figure_id[1:].isdigit() else 0)
    quotes = [Quote(**q) for q in data.get("quotes", [])]
    claims = []
    for c in data.get("claims", []):
        c = dict(c)
        sentiment = c.pop("sentiment", None)
        claims.append(Claim(**c, sentiment=SentimentScores(**sentiment) if sentiment else None))
    return Document(article=article, mentions=mentions, entities=entities, figures=figures, quotes=quotes, claims=claims)


def documents_jsonl(documents: Iterable[Document]) -> str:
    return "".join(json.dumps(document_to_json(d), ensure_ascii=False) + "\n" for d in documents)


def read_documents(path: Path) -> list[Document]:
    """Read a ``documents.jsonl`` file (or a run folder containing one) back into records.

    Lines that are not valid JSON (a run killed mid-write) are skipped.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "documents.jsonl"
    documents = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                documents.append(document_from_json(json.loads(line)))
            except (json.JSONDecodeError, TypeError, KeyError):
                continue
    return documents


# --------------------------------------------------------------------- rows


def entity_sentiment_rows(rows: Iterable[EntitySentiment]) -> Iterable[dict[str, Any]]:
    return (asdict(r) for r in rows)


def claims_rows(documents: Iterable[Document]) -> Iterable[dict[str, Any]]:
    for document in documents:
        for claim in document.claims:
            entity = document.entity(claim.entity_id)
            s = claim.sentiment
            yield {
                **asdict(claim),
                "article_id": document.article.article_id,
                "entity": entity.name if entity else claim.entity,
                "ticker": entity.ticker if entity else None,
                "isin": entity.isin if entity else None,
                "label": s.label if s else None,
                "score": s.score if s else None,
                "p_positive": s.p_positive if s else None,
                "p_neutral": s.p_neutral if s else None,
                "p_negative": s.p_negative if s else None,
            }


def quotes_rows(documents: Iterable[Document]) -> Iterable[dict[str, Any]]:
    for document in documents:
        for quote in document.quotes:
            entity = document.entity(quote.speaker_entity_id) if quote.speaker_entity_id else None
            yield {
                **asdict(quote),
                "article_id": document.article.article_id,
                "quote": quote.text,
                "speaker_entity": entity.name if entity else None,
            }


def figures_rows(documents: Iterable[Document]) -> Iterable[dict[str, Any]]:
    """One row per (figure, entity it is about); a figure about no entity gives one row."""
    for document in documents:
        for figure in document.figures:
            base = {**asdict(figure), "article_id": document.article.article_id}
            entities = [document.entity(e) for e in figure.entity_ids] or [None]
            for entity in entities:
                yield {
                    **base,
                    "entity": entity.name if entity else None,
                    "entity_id": entity.entity_id if entity else None,
                    "isin": entity.isin if entity else None,
                    "ticker": entity.ticker if entity else None,
                }


def corpus_rows(rows: Iterable[CorpusEntity]) -> Iterable[dict[str, Any]]:
    return (asdict(r) for r in rows)


def errors_rows(errors: Iterable[IngestError]) -> Iterable[dict[str, Any]]:
    return (asdict(e) for e in errors)


def write_outputs(
    out: Path,
    documents: list[Document],
    entity_rows: list[EntitySentiment],
    corpus: list[CorpusEntity],
    errors: list[IngestError],
    run_info: dict[str, Any],
    prefix: str = "'",
) -> list[Path]:
    """Write every output file of a run into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, Callable[[], str]]] = [
        ("documents.jsonl", lambda: documents_jsonl(documents)),
        ("entity_sentiment.csv", lambda: csv_text(ENTITY_SENTIMENT_COLUMNS, entity_sentiment_rows(entity_rows), prefix)),
        ("claims.csv", lambda: csv_text(CLAIMS_COLUMNS, claims_rows(documents), prefix)),
        ("quotes.csv", lambda: csv_text(QUOTES_COLUMNS, quotes_rows(documents), prefix)),
        ("figures.csv", lambda: csv_text(FIGURES_COLUMNS, figures_rows(documents), prefix)),
        ("corpus_entities.csv", lambda: csv_text(CORPUS_COLUMNS, corpus_rows(corpus), prefix)),
        ("errors.csv", lambda: csv_text(ERRORS_COLUMNS, errors_rows(errors), prefix)),
        ("run.json", lambda: json.dumps(run_info, ensure_ascii=False, indent=2, default=str) + "\n"),
    ]
    written = []
    for name, render in files:
        atomic_write_text(out / name, render())
        written.append(out / name)
    return written


def format_table(headers: list[str], rows: list[list[Any]], max_width: int = 28) -> str:
    """A plain aligned text table (for terminals)."""

    def cell(value: Any) -> str:
        text = "" if value is None else (f"{value:+.2f}" if isinstance(value, float) else str(value))
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(h) for h in headers]] + [[cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
