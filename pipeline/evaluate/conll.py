"""Importers for token-per-line NER data: GermEval 2014 TSV and CoNLL-style columns.

Each sentence becomes one :class:`~pipeline.evaluate.gold.GoldDocument` whose
text is the tokens joined by single spaces (the pipeline then runs on exactly
that text) and whose ``tokens`` are those tokens, so spans map back to the
corpus tokens one to one. Ids are ``FILESTEM:N`` with N the sentence number
from 1.

GermEval 2014 (``NER-de-{dev,test}.tsv``): ``#`` lines give the source URL;
columns are index, token, outer tag, inner tag (BIO). Only the **outer** level
is scored (the inner, nested level is ignored, as in the usual "outer chunks"
evaluation). Each sentence is tagged ``wikipedia`` or ``news`` by its source
URL, so ``finnews evaluate NER-de-test.tsv --tag news`` scores the news half
(the held-out set of the NER model card). Labels: ``PER``, ``LOC``, ``ORG`` stay; ``OTH`` becomes ``MISC``
(through ``evaluate.label_map``); the derived and part forms (``LOCderiv`` in
``deutsche``, ``ORGpart`` in ``Siemens-Aktie``) become ``O``: they are not
named-entity mentions in the finnews sense (a company inside a compound is
annotated as the name part, which GermEval does not mark). Token-level gold cannot
mark a name inside a one-token compound at all, so the mentions finnews marks
``in_compound`` are not scored against these files (``doc.ents`` of the spaCy
stage holds none of them either: :mod:`pipeline.nlp.compound_names`). Nor are the
mentions marked ``institution_noun`` (``Bundesregierung``, ``Staatsanwaltschaft``): GermEval
tags such common nouns ``O`` (:mod:`pipeline.nlp.institution_nouns`).

CoNLL: one token per line with whitespace- or tab-separated columns; the first
column is the token and the last the tag (IOB1, IOB2/BIO or BIOES/BILOU);
``-DOCSTART-`` lines and ``#`` comment lines are skipped; a blank line ends a
sentence. Labels go through ``evaluate.label_map`` (``PERSON`` → ``PER``, ...).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator, Optional

from pipeline.evaluate.gold import GoldDocument, GoldEntity, GoldFormatError, Span

log = logging.getLogger(__name__)

GERMEVAL_DROPPED_SUFFIXES = ("deriv", "part")


def bio_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Decode a tag sequence into entity spans over token indices.

    Accepts BIO/IOB2 (``B-ORG I-ORG``), IOB1 (an ``I-`` after ``O`` or after
    another label starts an entity) and BIOES/BILOU (``S-``/``U-`` single,
    ``E-``/``L-`` last).

    Args:
        tags: one tag per token (``O``, ``B-PER``, ``I-PER``, ...).

    Returns:
        ``(first token, last token + 1, label)`` triples in order.
    """
    spans: list[tuple[int, int, str]] = []
    start: Optional[int] = None
    label = ""

    def close(end: int) -> None:
        nonlocal start, label
        if start is not None:
            spans.append((start, end, label))
        start, label = None, ""

    for i, tag in enumerate(tags):
        tag = tag.strip()
        if not tag or tag == "O" or "-" not in tag:
            close(i)
            continue
        prefix, _, lab = tag.partition("-")
        prefix = prefix.upper()
        if prefix in {"B", "S", "U"} or (prefix in {"I", "E", "L"} and (start is None or lab != label)):
            close(i)
            start, label = i, lab
        if prefix in {"S", "U", "E", "L"}:
            close(i + 1)
    close(len(tags))
    return spans


def _sentence_document(
    doc_id: str, tokens: list[str], spans: list[tuple[int, int, str]], source_path: str
) -> GoldDocument:
    """Build a gold document from tokens joined by spaces and token-level entity spans."""
    offsets: list[Span] = []
    pos = 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    text = " ".join(tokens)
    entities = []
    for first, last, label in spans:
        start, end = offsets[first][0], offsets[last - 1][1]
        entities.append(GoldEntity(start, end, text[start:end], label, text[start:end], None))
    # A compound is one corpus token here, so no name inside it can be gold.
    return GoldDocument(id=doc_id, text=text, entities=entities, tokens=offsets, source_path=source_path,
                        annotates_compound_names=False, annotates_institution_nouns=False)


def _map_label(label: str, label_map: dict[str, str]) -> str:
    return label_map.get(label, label)


def _read_lines(path: Path) -> Iterator[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                yield line.rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFormatError(f"cannot read {path}: {exc}") from exc


def read_germeval(path: Path | str, limit: Optional[int] = None, label_map: Optional[dict[str, str]] = None) -> list[GoldDocument]:
    """Load a GermEval 2014 NER TSV file, one gold document per sentence (outer level only).

    Args:
        path: ``NER-de-test.tsv`` or a file in the same format.
        limit: keep the first ``limit`` sentences.
        label_map: label renames applied after dropping ``deriv``/``part`` (``{"OTH": "MISC"}``).

    Returns:
        Gold documents with the entities layer.

    Raises:
        GoldFormatError: a line does not have the four columns.
    """
    path = Path(path)
    label_map = label_map if label_map is not None else {"OTH": "MISC"}
    docs: list[GoldDocument] = []
    tokens: list[str] = []
    tags: list[str] = []
    url = ""

    def flush() -> None:
        if tokens:
            spans = [(a, b, _map_label(lab, label_map)) for a, b, lab in bio_to_spans(tags)
                     if not lab.endswith(GERMEVAL_DROPPED_SUFFIXES)]
            doc = _sentence_document(f"{path.stem}:{len(docs) + 1}", list(tokens), spans, str(path))
            doc.tags = ["wikipedia" if "wikipedia.org" in url else "news"]
            docs.append(doc)
        tokens.clear()
        tags.clear()

    for lineno, line in enumerate(_read_lines(path), start=1):
        if limit is not None and len(docs) >= limit:
            break
        if line.startswith("#"):
            flush()
            url = line.split("\t")[1] if "\t" in line else line[1:].strip()
            continue
        if not line.strip():
            flush()
            continue
        cols = line.split("\t")
        if len(cols) < 3:
            raise GoldFormatError(f"{path}:{lineno}: expected index, token, outer tag, inner tag; got {line!r}")
        tokens.append(cols[1])
        tags.append(cols[2])
    if limit is None or len(docs) < limit:
        flush()
    return docs


def _is_tag(value: str) -> bool:
    return value == "O" or (len(value) > 2 and value[1] == "-" and value[0].upper() in "BIESLU")


def read_conll(path: Path | str, limit: Optional[int] = None, label_map: Optional[dict[str, str]] = None) -> list[GoldDocument]:
    """Load CoNLL-style NER columns (token first, tag last), one gold document per sentence.

    Args:
        path: the file.
        limit: keep the first ``limit`` sentences.
        label_map: label renames (``{"PERSON": "PER"}``).

    Returns:
        Gold documents with the entities layer.

    Raises:
        GoldFormatError: the file cannot be read or a token line has no tag column.
    """
    path = Path(path)
    label_map = label_map or {}
    docs: list[GoldDocument] = []
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            spans = [(a, b, _map_label(lab, label_map)) for a, b, lab in bio_to_spans(tags)]
            docs.append(_sentence_document(f"{path.stem}:{len(docs) + 1}", list(tokens), spans, str(path)))
        tokens.clear()
        tags.clear()

    for lineno, line in enumerate(_read_lines(path), start=1):
        if limit is not None and len(docs) >= limit:
            break
        if not line.strip():
            flush()
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        if cols[0] == "-DOCSTART-":
            flush()
            continue
        if line.startswith("#") and not _is_tag(cols[-1]):
            continue  # a comment line such as "# sent_id = 3"
        if len(cols) < 2:
            raise GoldFormatError(f"{path}:{lineno}: expected a token and a tag column; got {line!r}")
        tokens.append(cols[0])
        tags.append(cols[-1])
    if limit is None or len(docs) < limit:
        flush()
    return docs
