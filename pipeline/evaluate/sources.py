"""Read a GOLD argument in any supported format, detecting the format when not given.

Formats (``--format``):

=========== ==================================================================
gold        finnews gold JSONL (:mod:`pipeline.evaluate.gold`); a folder of
            ``*.jsonl`` files is read as one set
wikinews    Wikinews quotation JSON, one file or a folder of them
            (:mod:`pipeline.evaluate.wikinews`)
germeval    GermEval 2014 NER TSV (:mod:`pipeline.evaluate.conll`)
conll       CoNLL-style token/tag columns (:mod:`pipeline.evaluate.conll`)
docbin      spaCy ``DocBin`` (``.spacy``) (:mod:`pipeline.evaluate.annotation_tools`)
labelstudio Label Studio JSON export (:mod:`pipeline.evaluate.annotation_tools`)
doccano     doccano JSONL export (:mod:`pipeline.evaluate.annotation_tools`)
=========== ==================================================================

Detection: a folder holding Wikinews JSON is ``wikinews``, one holding
``.jsonl`` is ``gold``, one holding ``.spacy`` files is ``docbin``;
``.spacy``/``.docbin`` files are ``docbin``; ``.json`` is ``wikinews`` when it
has ``originalText``, else ``labelstudio``; ``.jsonl`` is ``doccano`` when its
first record has a ``label`` list or ``start_offset`` entities, else ``gold``;
``.tsv`` whose lines start with ``#`` comments and have four columns is
``germeval``; other text files are ``conll``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pipeline.evaluate.gold import GoldDocument, GoldFormatError, read_gold_jsonl
from pipeline.evaluate.wikinews import is_wikinews_record, read_wikinews

log = logging.getLogger(__name__)

FORMATS = ("gold", "wikinews", "germeval", "conll", "docbin", "labelstudio", "doccano")


@dataclass
class GoldSource:
    """A loaded gold set: where it came from, its format and its documents."""

    path: Path
    format: str
    documents: list[GoldDocument]


def _first_json_line(path: Path) -> Optional[dict]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    return None
                return obj if isinstance(obj, dict) else None
    return None


def _looks_like_doccano(obj: Optional[dict]) -> bool:
    if not obj:
        return False
    if isinstance(obj.get("label"), list):
        return True
    ents = obj.get("entities")
    return isinstance(ents, list) and bool(ents) and isinstance(ents[0], dict) and "start_offset" in ents[0]


def _looks_like_germeval(path: Path) -> bool:
    with open(path, encoding="utf-8", errors="replace") as fh:
        for _, line in zip(range(50), fh):
            if line.startswith("#"):
                return True
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 4 and cols[0].isdigit():
                return True
    return False


def detect_format(path: Path) -> str:
    """Guess the gold format of a file or folder (see the module docstring).

    Args:
        path: a file or folder.

    Returns:
        One of :data:`FORMATS`.

    Raises:
        GoldFormatError: the folder holds nothing readable or the file type is unknown.
    """
    if path.is_dir():
        jsons = sorted(path.glob("*.json"))
        if jsons:
            try:
                if is_wikinews_record(json.loads(jsons[0].read_text(encoding="utf-8"))):
                    return "wikinews"
            except (OSError, json.JSONDecodeError):
                pass
        if sorted(path.glob("*.jsonl")):
            return "gold"
        if sorted(path.glob("*.spacy")):
            return "docbin"
        raise GoldFormatError(f"{path}: no Wikinews .json, gold .jsonl or .spacy files in this folder")
    suffix = path.suffix.lower()
    if suffix in {".spacy", ".docbin"}:
        return "docbin"
    if suffix == ".json":
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise GoldFormatError(f"{path}: not readable JSON ({exc})") from exc
        return "wikinews" if is_wikinews_record(obj) else "labelstudio"
    if suffix == ".jsonl":
        return "doccano" if _looks_like_doccano(_first_json_line(path)) else "gold"
    if suffix in {".tsv", ".conll", ".conllu", ".txt", ".bio", ".iob", ".iob2", ".ner"}:
        return "germeval" if suffix == ".tsv" and _looks_like_germeval(path) else "conll"
    raise GoldFormatError(f"{path}: cannot tell the gold format from the extension {suffix!r}; give --format")


def load_gold_source(
    path: Path | str,
    fmt: Optional[str] = None,
    limit: Optional[int] = None,
    label_map: Optional[dict[str, str]] = None,
) -> GoldSource:
    """Load a gold set in any supported format.

    Args:
        path: the GOLD file or folder.
        fmt: one of :data:`FORMATS`, or ``None`` to detect it.
        limit: keep the first ``limit`` documents only.
        label_map: entity label renames for imported NER formats (e.g. ``{"OTH": "MISC"}``).

    Returns:
        The :class:`GoldSource`.

    Raises:
        GoldFormatError: the path does not exist, the format is unknown, or the data is invalid.
    """
    path = Path(path)
    if not path.exists():
        raise GoldFormatError(f"no such gold file or folder: {path}")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise GoldFormatError(f"unknown gold format {fmt!r} (known: {', '.join(FORMATS)})")
    if fmt == "gold":
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        docs: list[GoldDocument] = []
        for file in files:
            docs += read_gold_jsonl(file, None if limit is None else limit - len(docs))
            if limit is not None and len(docs) >= limit:
                break
    elif fmt == "wikinews":
        docs = read_wikinews(path, limit)
    else:
        from pipeline.evaluate import annotation_tools, conll

        readers = {
            "germeval": lambda: conll.read_germeval(path, limit, label_map),
            "conll": lambda: conll.read_conll(path, limit, label_map),
            "docbin": lambda: annotation_tools.read_docbin(path, limit, label_map),
            "labelstudio": lambda: annotation_tools.read_labelstudio(path, limit, label_map),
            "doccano": lambda: annotation_tools.read_doccano(path, limit, label_map),
        }
        docs = readers[fmt]()
    log.info("gold %s: %d documents (%s)", path, len(docs), fmt)
    return GoldSource(path, fmt, docs)
