"""Importers for annotation-tool exports: spaCy ``DocBin``, Label Studio JSON, doccano JSONL.

All three give gold documents with the **entities** layer (labels renamed
through ``evaluate.label_map``); ``linking`` is not annotated, so entity ISINs
are not scored.

* spaCy ``DocBin`` (``.spacy``, as written by ``spacy convert`` or training
  scripts): text = ``doc.text``, entities = ``doc.ents``, tokens = the Doc's
  tokens. When a Doc has a ``quotes`` span group (the finnews extension
  contract, labels ``direct``/``indirect``/``reported``), it becomes the quotes
  layer (speaker and cue are not stored in a DocBin, so they are left empty).
  A folder of ``.spacy`` files is read as one set.
* Label Studio JSON export (NER template): a list of tasks with
  ``data.text`` and ``annotations[].result[]`` items of type ``labels`` whose
  ``value`` has ``start``, ``end``, ``text``, ``labels``. The first annotation
  that is not cancelled is used; tasks without one are skipped with a warning.
  The id is ``data.id`` or the task ``id``.
* doccano JSONL export: ``text`` plus ``label: [[start, end, label], ...]`` (sequence
  labelling export) or ``entities: [{start_offset, end_offset, label}, ...]``
  (newer exports). The id is ``id`` or the line number.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Optional

from pipeline.evaluate.gold import QUOTE_KINDS, GoldDocument, GoldEntity, GoldFormatError, GoldQuote

log = logging.getLogger(__name__)


def _entity(text: str, start: int, end: int, label: str, label_map: dict[str, str]) -> GoldEntity:
    label = label_map.get(label, label)
    return GoldEntity(start, end, text[start:end], label, text[start:end], None)


def _check_offsets(text: str, start: int, end: int, where: str) -> None:
    if not 0 <= start < end <= len(text):
        raise GoldFormatError(f"{where}: span {start}:{end} outside the text (length {len(text)})")


def read_docbin(path: Path | str, limit: Optional[int] = None, label_map: Optional[dict[str, str]] = None) -> list[GoldDocument]:
    """Load gold documents from a spaCy ``DocBin`` file or a folder of them.

    Args:
        path: a ``.spacy`` file or a folder with ``*.spacy`` files.
        limit: keep the first ``limit`` documents.
        label_map: entity label renames.

    Returns:
        Gold documents with entities (and quotes when a ``quotes`` span group exists).

    Raises:
        GoldFormatError: a file is not a readable DocBin.
    """
    import spacy
    from spacy.tokens import DocBin

    path = Path(path)
    label_map = label_map or {}
    files = sorted(path.glob("*.spacy")) if path.is_dir() else [path]
    vocab = spacy.blank("de").vocab
    docs: list[GoldDocument] = []
    for file in files:
        try:
            spacy_docs = list(DocBin().from_disk(file).get_docs(vocab))
        except Exception as exc:  # DocBin raises several types on corrupt input
            raise GoldFormatError(f"cannot read DocBin {file}: {exc}") from exc
        for n, doc in enumerate(spacy_docs, start=1):
            if limit is not None and len(docs) >= limit:
                return docs
            text = doc.text
            entities = [_entity(text, e.start_char, e.end_char, e.label_, label_map) for e in doc.ents]
            quotes = None
            if "quotes" in doc.spans:
                quotes = [
                    GoldQuote(s.label_, s.start_char, s.end_char, s.text)
                    for s in doc.spans["quotes"] if s.label_ in QUOTE_KINDS
                ]
            tokens = [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]
            docs.append(GoldDocument(id=f"{file.stem}:{n}", text=text, entities=entities, quotes=quotes,
                                     tokens=tokens, source_path=str(file)))
    return docs


def _labelstudio_result(task: dict[str, Any]) -> Optional[list[dict[str, Any]]]:
    for ann in task.get("annotations") or task.get("completions") or []:
        if not ann.get("was_cancelled"):
            return ann.get("result") or []
    return None


def read_labelstudio(path: Path | str, limit: Optional[int] = None, label_map: Optional[dict[str, str]] = None) -> list[GoldDocument]:
    """Load a Label Studio JSON export of an NER project.

    Args:
        path: the exported ``.json`` file (a list of tasks).
        limit: keep the first ``limit`` tasks.
        label_map: entity label renames.

    Returns:
        Gold documents with the entities layer.

    Raises:
        GoldFormatError: the file is not a list of tasks, a task has no text, or a span is out of range.
    """
    path = Path(path)
    label_map = label_map or {}
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldFormatError(f"cannot read Label Studio export {path}: {exc}") from exc
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise GoldFormatError(f"{path}: a Label Studio export is a list of tasks")
    docs: list[GoldDocument] = []
    skipped = 0
    for n, task in enumerate(tasks, start=1):
        if limit is not None and len(docs) >= limit:
            break
        data = task.get("data") or {}
        text = data.get("text")
        if not isinstance(text, str):
            raise GoldFormatError(f"{path}: task {n} has no data.text")
        result = _labelstudio_result(task)
        if result is None:
            skipped += 1
            continue
        entities = []
        for item in result:
            value = item.get("value") or {}
            labels = value.get("labels") or value.get("hypertextlabels")
            if not labels or "start" not in value or "end" not in value:
                continue  # choices, relations, text areas: not entity spans
            start, end = int(value["start"]), int(value["end"])
            where = f"{path}: task {n}"
            _check_offsets(text, start, end, where)
            if "text" in value and text[start:end] != value["text"]:
                raise GoldFormatError(f"{where}: text[{start}:{end}] is {text[start:end]!r}, annotation says {value['text']!r}")
            entities.append(_entity(text, start, end, labels[0], label_map))
        entities.sort(key=lambda e: (e.start, e.end))
        doc_id = str(data.get("id") or task.get("id") or n)
        docs.append(GoldDocument(id=doc_id, text=text, entities=entities, source_path=str(path)))
    if skipped:
        log.warning("%s: %d tasks without a finished annotation were skipped", path, skipped)
    return docs


def read_doccano(path: Path | str, limit: Optional[int] = None, label_map: Optional[dict[str, str]] = None) -> list[GoldDocument]:
    """Load a doccano JSONL export (sequence labelling).

    Args:
        path: the exported ``.jsonl`` file.
        limit: keep the first ``limit`` lines.
        label_map: entity label renames.

    Returns:
        Gold documents with the entities layer.

    Raises:
        GoldFormatError: a line is not JSON, has no text, or a span is out of range.
    """
    path = Path(path)
    label_map = label_map or {}
    docs: list[GoldDocument] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFormatError(f"cannot read doccano export {path}: {exc}") from exc
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if limit is not None and len(docs) >= limit:
            break
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFormatError(f"{where}: not valid JSON ({exc.msg})") from exc
        text = obj.get("text") if isinstance(obj, dict) else None
        if not isinstance(text, str):
            raise GoldFormatError(f"{where}: no 'text'")
        raw = []
        for item in obj.get("label") or obj.get("labels") or []:
            if isinstance(item, (list, tuple)) and len(item) >= 3:
                raw.append((int(item[0]), int(item[1]), str(item[2])))
        for item in obj.get("entities") or []:
            if isinstance(item, dict):
                raw.append((int(item["start_offset"]), int(item["end_offset"]), str(item["label"])))
        entities = []
        for start, end, label in sorted(raw):
            _check_offsets(text, start, end, where)
            entities.append(_entity(text, start, end, label, label_map))
        docs.append(GoldDocument(id=str(obj.get("id", lineno)), text=text, entities=entities, source_path=str(path)))
    return docs
