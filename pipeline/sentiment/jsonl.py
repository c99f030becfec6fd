"""``finnews sentiment IN.jsonl --out OUT.jsonl``: score target sentiment line by line.

Input lines are JSON objects with ``text`` and either ``target_start`` /
``target_end`` (character offsets into ``text``) or ``target`` (a string; its
first occurrence is used, case-insensitively if needed). A line with neither
is scored as a whole sentence. Each output line is the input object plus
``label``, ``p_positive``, ``p_neutral`` and ``p_negative``; a line that cannot
be scored gets an ``error`` instead.
"""

from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from typing import IO, Iterator, Optional

from pipeline.config import Config
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
def _open(path: str, mode: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdin if "r" in mode else sys.stdout
    else:
        with open(path, mode, encoding="utf-8") as fh:
            yield fh


def score_jsonl(inputs: str, out: str, cfg: Config, model_ref: Optional[str] = None) -> int:
    """Score every line of ``inputs`` and write the results to ``out`` (``-`` for stdin/stdout).

    Args:
        inputs: input JSONL path or ``-``.
        out: output JSONL path or ``-``.
        cfg: the loaded config (model, batch size, threads, device).
        model_ref: overrides ``cfg.sentiment.model``.

    Returns:
        The number of lines that could not be scored.
    """
    from pipeline.sentiment.model import SentimentClassifier

    classifier = SentimentClassifier.from_config(cfg, model_ref)
    failed = 0
    with _open(inputs, "r") as src, _open(out, "w") as dst:
        chunk: list[str] = []

        def flush() -> None:
            nonlocal failed
            parsed = [parse_line(line) for line in chunk]
            items = [item for _, item, err in parsed if err is None]
            scores = iter(classifier.predict(items))
            for record, _, err in parsed:
                if err is not None:
                    failed += 1
                    log.warning("line not scored: %s", err)
                    record = {**record, "error": err}
                else:
                    s = next(scores)
                    record = {**record, "label": s.label, "p_positive": round(s.p_positive, 4),
                              "p_neutral": round(s.p_neutral, 4), "p_negative": round(s.p_negative, 4)}
                dst.write(json.dumps(record, ensure_ascii=False) + "\n")
            chunk.clear()

        for line in src:
            if line.strip():
                chunk.append(line)
            if len(chunk) >= CHUNK:
                flush()
        if chunk:
            flush()
    return failed
