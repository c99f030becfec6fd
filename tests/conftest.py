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


def strict_ner_counts(gold, mentions) -> tuple[int, int, float]:
    """Score predicted ``mentions`` against one gold document: strict (actual, correct, precision)."""
    from pipeline.evaluate.align import pair_documents
    from pipeline.evaluate.gold import gold_to_article
    from pipeline.evaluate.ner_metrics import score_entities
    from pipeline.records import Document

    pred = Document(article=gold_to_article(gold), mentions=mentions)
    strict = score_entities(pair_documents([gold], [pred])).metrics["micro"]["strict"]
    return strict["actual"], strict["correct"], strict["precision"]


def nlp_stage_document(headline: str, body: str):
    """The record of one article (headline and one paragraph) through the default spaCy stage."""
    from pipeline.config import load_config
    from pipeline.ingest import join_paragraphs, text_sha256
    from pipeline.nlp import NlpStage
    from pipeline.records import Article

    text = join_paragraphs([headline, body])
    (document,) = NlpStage.from_config(load_config()).process([Article("t", "t.txt", headline, text, text_sha256(text))])
    return document
