"""Ingestion: files and folders of articles in, :class:`Article` records out.

Every input ends up either as an :class:`Article` or as an :class:`IngestError`
that says why (empty, binary, undecodable, oversized, malformed JSON, unreadable,
duplicate); one bad file never stops the batch.

Formats
    ``.txt``   first non-empty line is the headline; paragraphs are separated by
               blank lines (a file without blank lines has one paragraph per line).
    ``.md``    parsed with markdown-it (CommonMark); headings, paragraphs, list items
               and block quotes become paragraphs, inline syntax is dropped; a YAML
               front matter may give ``title``, ``date``, ``source``, ``url``.
    ``.html``  the main article text via trafilatura (no navigation, scripts, footers).
    ``.json``  one object or a list of objects; ``.jsonl`` one object per line. Field
               names come from ``ingest.json_fields``.

Text normalisation (all output offsets refer to the normalised text): Unicode NFC,
soft hyphens and zero-width characters removed, non-breaking, thin and other
special spaces become U+0020, C1 controls the cp1252 characters they stand for
(``\\x84`` -> ``„``), vertical tabs and form feeds line breaks, other control
characters are dropped, runs of spaces collapse, lines are stripped, and
paragraphs are joined with one blank line, headline first.
"""

from __future__ import annotations

import codecs
import fnmatch
import json
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Union

from pipeline.config import IngestConfig
from pipeline.hashing import text_sha256
from pipeline.records import Article, IngestError

log = logging.getLogger(__name__)

IngestResult = Union[Article, IngestError]

# Characters deleted outright: soft hyphen, zero-width space/joiners, word joiner, BOM.
_DELETE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
# Characters that are spaces in print: no-break, figure, thin, narrow no-break, etc.
_SPACES = dict.fromkeys(map(ord, "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " ")
_MULTISPACE = re.compile(r" {2,}")


def _c1_as_cp1252(code: int) -> Optional[str]:
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return None  # 0x81 0x8d 0x8f 0x90 0x9d: nothing in cp1252 either


# Stray control characters. C1 controls (U+0080-U+009F) come from cp1252 text read as latin-1
# (an HTML page labelled iso-8859-1, a JSON export): „“€– are meant. A vertical tab is Word's
# line break, a form feed a page break: both end a line. Other C0 controls are dropped.
_CONTROLS: dict[int, Optional[str]] = {
    **{code: None for code in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]},
    **{code: _c1_as_cp1252(code) for code in range(0x80, 0xA0)},
    0x0B: "\n",
    0x0C: "\n",
}
# Lone UTF-16 surrogates: JSON escapes such as "\ud83d" (half an emoji, cut off) decode to them,
# and no UTF-8 output can hold them, so they become U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters other than \t \n \r \f: a sign of binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAGIC = {
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (e.g. .docx)",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\x1f\x8b": "gzip archive",
    b"\xd0\xcf\x11\xe0": "OLE document (e.g. .doc)",
    b"\x7fELF": "executable",
}
# Documentation files that sit next to articles in a folder and are not articles.
_DOC_FILES = {"README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"}
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


class IngestFailure(Exception):
    """An input that cannot become an article; the message is the reason."""


# --------------------------------------------------------------------------- text


def normalize_text(text: str) -> str:
    """Normalise a text the way every offset in finnews expects.

    Example: ``"Bör\\u00adse\\u00a0AG"`` becomes ``"Börse AG"``; stray control characters
    go: ``"5 \\x80\\x0bmehr\\x0c"`` becomes ``"5 €\\nmehr\\n"`` (C1 as cp1252, vertical tab and
    form feed as line breaks).
    """
    text = _SURROGATE.sub("\ufffd", text).translate(_CONTROLS)
    text = unicodedata.normalize("NFC", text).translate(_DELETE).translate(_SPACES)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean_line(line: str) -> str:
    return _MULTISPACE.sub(" ", line).strip()


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Join paragraphs with one blank line, dropping empty ones and collapsing spaces."""
    cleaned = (_clean_line(normalize_text(p).replace("\n", " ")) for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p)


def split_plain_text(text: str) -> tuple[str, list[str]]:
    """Split plain text into headline and paragraphs.

    The first non-empty line is the headline. The rest is split at blank lines
    (lines inside a block are one paragraph, as in hard-wrapped text); a body
    without any blank line has one paragraph per line.
    """
    lines = normalize_text(text).split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return "", []
    title, body = lines[0].strip(), lines[1:]
    if any(not line.strip() for line in body):
        blocks, current = [], []
        for line in body:
            if line.strip():
                current.append(line.strip())
            elif current:
                blocks.append(" ".join(current))
                current = []
        if current:
            blocks.append(" ".join(current))
        return title, blocks
    return title, [line for line in body if line.strip()]


# ----------------------------------------------------------------------- decoding


def decode_bytes(
    data: bytes, declared: Optional[str] = None, binary_check: bool = True, source: str = ""
) -> tuple[str, str]:
    """Decode file bytes into text and return ``(text, encoding)``.

    Order: a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-16 without BOM when
    every other byte is NUL; strict UTF-8; mostly valid UTF-8 with a few stray
    cp1252 bytes (a paragraph pasted from a Windows program: ``B\xf6rse`` among
    UTF-8 umlauts), each stray byte read as cp1252, encoding ``utf-8+cp1252``, with a
    warning naming ``source``; an encoding ``declared`` by the
    document (an HTML ``<meta charset>``); cp1252, the encoding of German
    Windows text (a superset of latin-1's printable range, so ``Börse`` and
    ``€`` come out right); latin-1 for the five bytes cp1252 leaves undefined.
    ``binary_check=False`` accepts control characters (JSONL is judged per line).

    Raises:
        IngestFailure: the bytes are empty, binary, or decode to control characters.
    """
    if not data.strip():
        raise IngestFailure("empty file")
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise IngestFailure(f"binary file ({kind})")
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding), binary_check), encoding
            except UnicodeDecodeError as exc:
                raise IngestFailure(f"undecodable: has a {encoding} byte-order mark but {exc.reason}") from exc
    candidates: list[str] = []
    # UTF-16 goes before UTF-8: ASCII text in UTF-16 is also valid UTF-8 (full of NULs,
    # so rejected as binary), while real UTF-8 text never has a NUL in every other byte.
    if len(data) >= 4 and data[1::2].count(0) > 0.4 * len(data) / 2:
        candidates.append("utf-16-le")
    elif len(data) >= 4 and data[0::2].count(0) > 0.4 * len(data) / 2:
        candidates.append("utf-16-be")
    candidates.append("utf-8")
    if declared:
        candidates.append(declared)
    candidates += ["cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            if encoding == "utf-8" and (repaired := _repair_utf8(data, source)) is not None:
                return _check_text(repaired, binary_check), "utf-8+cp1252"
            continue
        return _check_text(text, binary_check), encoding
    raise IngestFailure("undecodable: not valid in any supported encoding")  # unreachable: latin-1 decodes all


# Bytes that are no valid UTF-8, as the surrogateescape error handler keeps them.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _stray_byte(match: re.Match) -> str:
    byte = bytes([ord(match.group()) - 0xDC00])
    try:
        return byte.decode("cp1252")
    except UnicodeDecodeError:  # 0x81 0x8d 0x8f 0x90 0x9d: undefined in cp1252, C1 controls in latin-1
        return byte.decode("latin-1")


def _repair_utf8(data: bytes, source: str = "") -> Optional[str]:
    """UTF-8 with each invalid byte read as cp1252, when the file is mostly valid UTF-8, else ``None``.

    "Mostly": more of its non-ASCII bytes are in valid UTF-8 sequences than not. Real
    cp1252 text has almost none (``ß`` and a no-break space happen to make one), while a
    UTF-8 file with a pasted Windows paragraph has many, and decoding it all as cp1252
    would turn every UTF-8 umlaut into mojibake (``BÃ¶rse``).
    """
    text = data.decode("utf-8", "surrogateescape")
    stray = len(_ESCAPED_BYTE.findall(text))
    valid = sum(1 for byte in data if byte > 0x7F) - stray
    if not stray or valid <= stray:
        return None
    log.warning("%s: mostly UTF-8, %d invalid byte%s read as cp1252", source or "input", stray, "" if stray == 1 else "s")
    return _ESCAPED_BYTE.sub(_stray_byte, text)


def _check_text(text: str, binary_check: bool = True) -> str:
    if binary_check and ("\x00" in text or len(_CONTROL.findall(text)) > max(2, len(text) // 200)):
        raise IngestFailure("binary file (control characters in the text)")
    if not text.strip():
        raise IngestFailure("empty file")
    return text


# ------------------------------------------------------------------------ formats


@dataclass
class RawArticle:
    """What a format reader extracts before ids and hashes are assigned."""

    title: str
    paragraphs: list[str]
    record: str = ""
    record_id: Optional[str] = None
    date: Optional[str] = None
    source: Optional[str] = None
    url: Optional[str] = None
    meta: dict[str, Any] = field(default_factory=dict)


def read_txt(text: str) -> list[RawArticle]:
    title, paragraphs = split_plain_text(text)
    return [RawArticle(title=title, paragraphs=paragraphs)]


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def read_markdown(text: str) -> list[RawArticle]:
    """Read Markdown: block text without inline syntax; the first heading or line is the headline."""
    import yaml
    from markdown_it import MarkdownIt

    text = normalize_text(text)
    meta: dict[str, Any] = {}
    front = _FRONT_MATTER.match(text)
    if front:
        try:
            loaded = yaml.safe_load(front.group(1))
            meta = loaded if isinstance(loaded, dict) else {}
        except yaml.YAMLError:
            meta = {}
        text = text[front.end():]
    blocks: list[str] = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "inline":
            blocks.append(_inline_text(token))
        elif token.type in ("code_block", "fence"):
            continue  # code is not article text
    blocks = [b for b in (_clean_line(b.replace("\n", " ")) for b in blocks) if b]
    title = str(meta.get("title") or "").strip()
    if blocks and (not title or blocks[0] == title):
        title = blocks.pop(0)
    return [
        RawArticle(
            title=title,
            paragraphs=blocks,
            date=_opt_str(meta.get("date")),
            source=_opt_str(meta.get("source")),
            url=_opt_str(meta.get("url")),
        )
    ]


def _inline_text(token: Any) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            continue
    return "".join(parts)


def read_html(text: str) -> list[RawArticle]:
    """Extract the main article text and metadata of an HTML page with trafilatura."""
    import trafilatura

    result = trafilatura.bare_extraction(
        text,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        # Only dates the page states as metadata: the extensive search guesses from "© 2025".
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if result is None:
        raise IngestFailure("no article text found in the HTML page")
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    body = data.get("text") or ""
    paragraphs = [p for p in body.split("\n") if p.strip()]
    title = (data.get("title") or "").strip()
    if not title and paragraphs:
        title = paragraphs.pop(0)
    elif paragraphs and _clean_line(paragraphs[0]) == _clean_line(title):
        paragraphs.pop(0)
    if not paragraphs:  # a headline alone (often just navigation text) is no article
        raise IngestFailure("no article text found in the HTML page")
    return [
        RawArticle(
            title=title,
            paragraphs=paragraphs,
            date=_opt_str(data.get("date")),
            source=_opt_str(data.get("sitename") or data.get("hostname")),
            url=_opt_str(data.get("url")),
        )
    ]


def _opt_str(value: Any) -> Optional[str]:
    return None if value is None or value == "" else _SURROGATE.sub("\ufffd", str(value))


def _fail(record: str, reason: str) -> IngestFailure:
    return IngestFailure(f"{record}: {reason}" if record else reason)


def _record_to_raw(obj: Any, fields: Any, record: str) -> RawArticle:
    if not isinstance(obj, dict):
        raise _fail(record, f"expected a JSON object, got {type(obj).__name__}")
    body = obj.get(fields.text)
    if not isinstance(body, str) or not body.strip():
        raise _fail(record, f"missing or empty field {fields.text!r}")
    title = obj.get(fields.title)
    if title is not None and not isinstance(title, str):
        raise _fail(record, f"field {fields.title!r} is not a string")
    if title and title.strip():
        paragraphs = split_plain_text("x\n" + body)[1]  # the body has no headline line
        title = title.strip()
        # Exports often repeat the headline as the text's first line: keep it once.
        if paragraphs and _clean_line(paragraphs[0]) == _clean_line(normalize_text(title)):
            paragraphs.pop(0)
    else:
        title, paragraphs = split_plain_text(body)
    record_id = obj.get(fields.id)
    return RawArticle(
        title=title,
        paragraphs=paragraphs,
        record=record,
        record_id=None if record_id is None else _SURROGATE.sub("\ufffd", str(record_id)),
        date=_opt_str(obj.get(fields.date)),
        source=_opt_str(obj.get(fields.source)),
        url=_opt_str(obj.get(fields.url)),
    )


def read_json(text: str, fields: Any) -> Iterator[Union[RawArticle, IngestFailure]]:
    """Read a ``.json`` file: one article object, or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestFailure(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if data == []:  # otherwise the file would vanish: neither an article nor an error
        raise IngestFailure("no records (an empty JSON list)")
    items = data if isinstance(data, list) else [data]
    for index, obj in enumerate(items):
        record = f"record {index}" if isinstance(data, list) else ""
        try:
            yield _record_to_raw(obj, fields, record)
        except IngestFailure as exc:
            yield exc


def read_jsonl(text: str, fields: Any) -> Iterator[Union[RawArticle, IngestFailure]]:
    """Read a ``.jsonl`` file: one article object per non-empty line."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        record = f"line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _fail(record, f"malformed JSON: {exc.msg} at column {exc.colno}")
            continue
        try:
            yield _record_to_raw(obj, fields, record)
        except IngestFailure as exc:
            yield exc


# ------------------------------------------------------------------------ driving


def discover(
    inputs: Iterable[Path],
    extensions: Iterable[str],
    globs: Iterable[str] = (),
    exclude: Iterable[Path] = (),
    same_files: Optional[list[tuple[Path, Path]]] = None,
) -> list[tuple[Path, Path]]:
    """List ``(root, file)`` pairs to read, sorted, without duplicates.

    A folder is searched recursively for files with a supported extension; hidden
    files and folders, and documentation files (``README.md``, ``LICENSE.txt``,
    ``CHANGELOG.md``) are skipped. A file given directly is always read, whatever
    its name or extension, with its parent folder as root. ``globs`` filter on the file name
    or the path relative to the root (``'*.txt'``, ``'2025/*.md'``). Files in ``exclude`` (the
    outputs of ``finnews run``) are skipped in folders. A path that leads to a file already
    listed under another name (a symlink and its target) is listed once; ``(path, listed path)``
    of the others go to ``same_files`` when given, so they can be accounted for.
    """
    extensions = {e.lower() for e in extensions}
    excluded = {Path(p).resolve() for p in exclude}
    globs = list(globs)
    seen: dict[Path, Path] = {}
    found: list[tuple[Path, Path]] = []
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            root = item
            candidates = sorted(
                p for p in item.rglob("*")
                if (p.is_file() or p.is_symlink()) and p.suffix.lower() in extensions
                and not any(part.startswith(".") for part in p.relative_to(item).parts)
                and p.stem.upper() not in _DOC_FILES
                and p.resolve() not in excluded
            )
        else:
            root, candidates = item.parent, [item]
        matched = 0
        for path in candidates:
            rel = path.relative_to(root).as_posix()
            if globs and not any(fnmatch.fnmatch(path.name, g) or fnmatch.fnmatch(rel, g) for g in globs):
                continue
            matched += 1
            key = path.resolve()
            if key not in seen:
                seen[key] = path
                found.append((root, path))
            elif same_files is not None and path != seen[key]:
                same_files.append((path, seen[key]))
        if not matched:  # a typo in a folder or pattern should not pass for an empty success
            log.warning("no input files in %s (extensions %s%s)", item, ", ".join(sorted(extensions)),
                        f"; --glob {' '.join(globs)}" if globs else "")
    return found


def _path_text(path: Union[Path, str]) -> str:
    """The path as valid Unicode: bytes of a name that is not UTF-8 are written ``\\xNN``.

    Python keeps such bytes as lone surrogates (``B\\udcf6rse.txt`` for a latin-1 ``Börse.txt``),
    which no UTF-8 output file can hold.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def article_id_for(root: Path, path: Path, record_id: Optional[str] = None, record: str = "") -> str:
    """Stable id: the path relative to the input root without extension; ``file#id`` for JSON records."""
    rel = _path_text(path.relative_to(root).with_suffix("").as_posix())
    if record_id is not None:
        return f"{rel}#{record_id}"
    if record:
        return f"{rel}#{record.replace(' ', '')}"
    return rel


def _declared_charset(data: bytes) -> Optional[str]:
    """The ``<meta charset>`` of an HTML page, read the way browsers read it (WHATWG)."""
    match = _HTML_CHARSET.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in ("iso8859-1", "ascii"):
        return "cp1252"  # pages labelled latin-1 hold „“ and € in 0x80-0x9f, as windows-1252
    if name.startswith(("utf-16", "utf-32")):
        return None  # a label readable as ASCII bytes is in an 8-bit page, whatever it says
    return label


def read_file(root: Path, path: Path, cfg: IngestConfig) -> list[IngestResult]:
    """Read one file into articles and errors (never raises for bad input)."""
    source_path = _path_text(path)
    try:
        size = path.stat().st_size
        if size > cfg.max_bytes:
            raise IngestFailure(f"oversized: {size} bytes, limit {cfg.max_bytes} (ingest.max_bytes)")
        data = path.read_bytes()
    except IngestFailure as exc:
        return [IngestError(source_path, "", str(exc))]
    except OSError as exc:
        return [IngestError(source_path, "", f"unreadable: {exc.strerror or exc}")]

    suffix = path.suffix.lower()
    try:
        declared = _declared_charset(data) if suffix in (".html", ".htm") else None
        # JSONL is judged per line: a crash mid-write leaves a line of NUL padding, and the
        # good lines must survive it; only a file without any readable line is binary data.
        text, encoding = decode_bytes(data, declared, binary_check=suffix != ".jsonl", source=source_path)
        if suffix == ".json":
            raws: Iterable[Union[RawArticle, IngestFailure]] = list(read_json(text, cfg.json_fields))
        elif suffix == ".jsonl":
            raws = list(read_jsonl(text, cfg.json_fields))
            if not any(isinstance(raw, RawArticle) for raw in raws):
                _check_text(text)
        elif suffix in (".html", ".htm"):
            raws = read_html(text)
        elif suffix in (".md", ".markdown"):
            raws = read_markdown(text)
        else:
            raws = read_txt(text)
    except IngestFailure as exc:
        return [IngestError(source_path, "", str(exc))]
    except Exception as exc:  # a parser bug must not abort the batch
        log.exception("unexpected error reading %s", path)
        return [IngestError(source_path, "", f"unreadable: {type(exc).__name__}: {exc}")]

    results: list[IngestResult] = []
    for raw in raws:
        if isinstance(raw, IngestFailure):
            message = str(raw)
            record, _, reason = message.partition(": ") if message.startswith(("line ", "record ")) else ("", "", message)
            results.append(IngestError(source_path, record, reason))
            continue
        full = join_paragraphs([raw.title, *raw.paragraphs])
        if not full:
            results.append(IngestError(source_path, raw.record, "empty article"))
            continue
        if len(full) > cfg.max_chars:
            results.append(IngestError(source_path, raw.record, f"oversized: {len(full)} characters, limit {cfg.max_chars} (ingest.max_chars)"))
            continue
        results.append(
            Article(
                article_id=article_id_for(root, path, raw.record_id, raw.record),
                source_path=source_path,
                title=_clean_line(normalize_text(raw.title)),
                text=full,
                sha256=text_sha256(full),
                date=raw.date,
                source=raw.source,
                url=raw.url,
                encoding=encoding,
            )
        )
    return results


@dataclass
class IngestReport:
    """Articles read, and the inputs that did not become articles."""

    articles: list[Article] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    duplicates: list[IngestError] = field(default_factory=list)
    files: int = 0


def ingest(
    inputs: Iterable[Path], cfg: IngestConfig, globs: Iterable[str] = (), exclude: Iterable[Path] = ()
) -> IngestReport:
    """Read every input into articles; bad inputs and exact duplicates are reported, never raised.

    Exact duplicates (the same normalised text, by SHA-256) are kept once; later
    copies are reported in ``duplicates`` with the id they duplicate, and a second name of
    one file (a symlink and its target) as ``same file as PATH``. Two
    articles that would get the same ``article_id`` get ``~2``, ``~3`` suffixes.
    """
    report = IngestReport()
    by_hash: dict[str, str] = {}
    ids: set[str] = set()
    same_files: list[tuple[Path, Path]] = []
    for root, path in discover(inputs, cfg.extensions, globs, exclude, same_files):
        report.files += 1
        for result in read_file(root, path, cfg):
            if isinstance(result, IngestError):
                report.errors.append(result)
                continue
            if result.sha256 in by_hash:
                report.duplicates.append(
                    IngestError(result.source_path, result.article_id, f"duplicate of {by_hash[result.sha256]} (same text)")
                )
                continue
            base, n = result.article_id, 1
            while result.article_id in ids:
                n += 1
                result.article_id = f"{base}~{n}"
            ids.add(result.article_id)
            by_hash[result.sha256] = result.article_id
            report.articles.append(result)
    # A symlink and its target are read once; the other name must not vanish from the accounting.
    for path, listed in same_files:
        report.files += 1
        report.duplicates.append(IngestError(_path_text(path), "", f"same file as {_path_text(listed)}"))
    return report
