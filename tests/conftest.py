"""Shared pytest fixtures and skip markers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(os.environ.get("FINNEWS_SHARED_DIR", ROOT.parent / "shared"))
SHARED_CORPORA = Path(os.environ.get("FINNEWS_DATA_DIR", SHARED / "corpora"))
DEEPSEEK_ARTICLE = SHARED / "articles" / "2025-01-27-deepseek-techwerte.txt"

requires_shared = pytest.mark.skipif(
    not SHARED_CORPORA.is_dir(), reason=f"needs the open corpora in {SHARED_CORPORA} (../shared is absent)"
)
requires_deepseek = pytest.mark.skipif(
    not DEEPSEEK_ARTICLE.is_file(), reason=f"needs the seed article {DEEPSEEK_ARTICLE} (../shared is absent)"
)


@pytest.fixture
def data_dir() -> Path:
    return DATA


def run_component_on_ents(component: str, text: str, ents=()):
    """Run the finnews ``component`` alone on ``text`` (German, finance tokenizer: ``VW-Aktie`` is
    three tokens) whose ``doc.ents`` are ``ents``: (surface, label) pairs, first occurrence each."""
    import spacy

    from pipeline.nlp.tokenizer import customize_tokenizer

    blank = spacy.blank("de")
    customize_tokenizer(blank.tokenizer)
    doc = blank(text)
    spans = []
    for name, label in ents:
        start = text.index(name)
        spans.append(doc.char_span(start, start + len(name), label=label))
    doc.ents = spans
    for span in doc.ents:
        span._.entity_id = f"id-{span.text}"
    return blank.add_pipe(component)(doc)
