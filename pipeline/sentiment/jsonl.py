"""``finnews sentiment IN.jsonl --out OUT.jsonl``: score target sentiment line by line.

Input lines are JSON objects with ``text`` and either ``target_start`` /
``target_end`` (character offsets into ``text``) or ``target`` (a string; its
first occurrence is used, case-insensitively if needed). A line with neither
is scored as a whole sentence. Each output line is the input object plus
``label``, ``p_positive``, ``p_neutral`` and ``p_negative``; a line that cannot
be scored gets an ``error`` instead, and a warning names its line number.

The input is decoded as ingestion decodes files: a byte-order mark is honoured, a
line that is not UTF-8 is read as cp1252 (or as UTF-8 with a few stray cp1252 bytes).
A progress bar goes to stderr when it is a terminal.
"""

from __future__ import annotations

import codecs
import itertools
import json
import logging
import sys
from contextlib import contextmanager
from typing import IO, Iterator, Optional

from tqdm import tqdm

from pipeline.config import Config
from pipeline.ingest import IngestFailure, decode_bytes
from pipeline.sentiment.targets import TargetItem

log = logging.getLogger(__name__)

CHUNK = 512  # lines scored together: full batches without holding a whole file


def parse_line(line: str) -> tuple[dict, Optional[TargetItem], Optional[str]]:
    """Parse one input line.

    Returns:
        ``(record, item, error)``: the JSON object (or ``{}``), the item to score
        (``None`` on error) and an error message (``None`` when fine).
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": line.rstrip("\n")}, None, f"invalid JSON: {exc.msg}"
    if not isinstance(record, dict):
        return {"value": record}, None, "line is not a JSON object"
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return record, None, "missing or empty 'text'"
    start, end = record.get("target_start"), record.get("target_end")
    if start is not None or end is not None:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            return record, None, f"target_start/target_end {start!r}/{end!r} are not offsets into text"
        return record, TargetItem(text, start, end), None
    target = record.get("target")
    if target is None:
        return record, TargetItem(text, -1, -1), None
    if not isinstance(target, str) or not target.strip():
        return record, None, "'target' must be a non-empty string"
    pos = text.find(target)
    if pos < 0:
        pos = text.lower().find(target.lower())
    if pos < 0:
        return record, None, f"target {target!r} not found in text"
    return record, TargetItem(text, pos, pos + len(target)), None


@contextmanager
def _open(path: str, mode: str) -> Iterator[IO]:
    if path == "-":
        stream = sys.stdin if "r" in mode else sys.stdout
        yield stream.buffer if "b" in mode else stream
    else:
        with open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
            yield fh


def _count_lines(path: str) -> Optional[int]:
    """Lines in the input file, for the progress bar (``None`` for stdin: no total)."""
    if path == "-":
        return None
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def read_lines(src: IO[bytes], name: str = "input") -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` for the lines of a byte stream, decoded as ingestion decodes files.

    A UTF-8 BOM is dropped (it made the first line invalid JSON); a UTF-16/32 BOM decodes
    the whole input. A line that is not UTF-8 is decoded by :func:`pipeline.ingest.decode_bytes`
    (a few stray cp1252 bytes in UTF-8, else cp1252, else latin-1), with one warning per input.

    Raises:
        IngestFailure: a UTF-16/32 BOM on bytes that are not UTF-16/32.
    """
    first = src.readline()
    if first.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, _ = decode_bytes(first + src.read(), binary_check=False)  # never lines of 8-bit bytes
        yield from enumerate(text.splitlines(), start=1)
        return
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8):]
    warned = False
    for number, raw in enumerate(itertools.chain([first], src), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line, encoding = decode_bytes(raw, binary_check=False, source=f"{name} line {number}")
            except IngestFailure:
                line, encoding = raw.decode("latin-1"), "latin-1"
            if not warned:
                log.warning("%s is not UTF-8: line %d read as %s", name, number, encoding)
                warned = True
        yield number, line.rstrip("\r\n")


def score_jsonl(
    inputs: str, out: str, cfg: Config, model_ref: Optional[str] = None, progress: Optional[bool] = None
) -> int:
    """Score every line of ``inputs`` and write the results to ``out`` (``-`` for stdin/stdout).

    Args:
        inputs: input JSONL path or ``-``.
        out: output JSONL path or ``-``.
        cfg: the loaded config (model, batch size, threads, device).
        model_ref: overrides ``cfg.sentiment.model``.
        progress: a progress bar on stderr; ``None``: when stderr is a terminal.

    Returns:
        The number of lines that could not be scored.
    """
    from pipeline.sentiment.model import SentimentClassifier

    classifier = SentimentClassifier.from_config(cfg, model_ref)
    failed = 0
    name = "stdin" if inputs == "-" else inputs
    bar = tqdm(total=_count_lines(inputs), desc="lines", unit="line", file=sys.stderr,
               disable=None if progress is None else not progress)
    with _open(inputs, "rb") as src, _open(out, "w") as dst, bar:
        chunk: list[tuple[int, str]] = []
        read = 0  # lines read, blank ones included, for the progress bar

        def flush() -> None:
            nonlocal failed, read
            parsed = [(number, *parse_line(line)) for number, line in chunk]
            items = [item for _, _, item, err in parsed if err is None]
            scores = iter(classifier.predict(items))
            for number, record, _, err in parsed:
                if err is not None:
                    failed += 1
                    log.warning("%s line %d not scored: %s", name, number, err)
                    record = {**record, "error": err}
                else:
                    s = next(scores)
                    record = {**record, "label": s.label, "p_positive": round(s.p_positive, 4),
                              "p_neutral": round(s.p_neutral, 4), "p_negative": round(s.p_negative, 4)}
                dst.write(json.dumps(record, ensure_ascii=False) + "\n")
            chunk.clear()
            bar.update(read)
            read = 0

        try:
            for number, line in read_lines(src, name):
                read += 1
                if line.strip():
                    chunk.append((number, line))
                if len(chunk) >= CHUNK:
                    flush()
        except IngestFailure as exc:  # only a BOM on bytes that do not match it
            failed += 1
            log.error("%s: %s", name, exc)
        if chunk or read:
            flush()
    return failed
