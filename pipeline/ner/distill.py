"""Silver NER data: raw sentences tagged by a teacher pipeline (the fine-tuned e5 tagger), for the CNN.

Distillation: the CNN of ``models/ner`` learns from the gold corpora plus
raw ship-safe sentences that the accurate profile has tagged. The raw text is
the one the floret vectors are trained on (:func:`pipeline.ner.train.raw_text`:
NER corpora, LER, GerNTSA, SB10k, PotTS; held-out sentences already removed);
sentences that are already gold training or dev sentences are skipped, so
each sentence is used once and the dev split stays gold.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab
from tqdm import tqdm

from pipeline.ner.dataset import text_key
from pipeline.ner.tagger import WordTagger

log = logging.getLogger(__name__)


def teacher_tagger(teacher: Path, batch_size: int = 32) -> WordTagger:
    """The :class:`WordTagger` of a saved accurate-profile pipeline (``models/ner/accurate``)."""
    import spacy

    component = spacy.load(teacher).get_pipe("finnews_e5_ner")
    component.batch_size = batch_size
    return component.tagger


def silver_docs(lines: Iterable[str], tagger: WordTagger, vocab: Vocab, skip_keys: set[str], chunk: int = 512) -> Iterator[Doc]:
    """Tag raw sentences (tokens joined by single spaces) and yield them as annotated ``Doc``\\ s.

    Args:
        lines: tokenised sentences, one per item.
        tagger: the teacher.
        vocab: vocabulary of the new docs.
        skip_keys: :func:`~pipeline.ner.dataset.text_key` of sentences to leave out (gold ones).
        chunk: sentences tagged together (sorted by length inside the tagger).

    Returns:
        Docs whose every token is annotated (entity or O).
    """
    seen: set[str] = set()
    pending: list[list[str]] = []

    def flush() -> Iterator[Doc]:
        for words, spans in zip(pending, tagger.predict(pending)):
            doc = Doc(vocab, words=words)
            doc.set_ents([Span(doc, s, e, label=label) for s, e, label in spans], default="outside")
            doc.user_data["source"] = "silver"
            yield doc
        pending.clear()

    for line in lines:
        key = text_key(line)
        if not key or key in skip_keys or key in seen:
            continue
        seen.add(key)
        pending.append(line.split(" "))
        if len(pending) >= chunk:
            yield from flush()
    if pending:
        yield from flush()


def write_silver(lines: list[str], teacher: Path, gold_docbins: list[Path], out_path: Path,
                 max_sentences: Optional[int] = None) -> dict:
    """Tag ``lines`` with ``teacher`` and write the silver ``DocBin`` to ``out_path``.

    Sentences equal to a sentence of ``gold_docbins`` (train and dev) are skipped;
    ``max_sentences`` keeps only the first so many silver sentences.

    Returns:
        Counts: silver sentences and entities by label.
    """
    tagger = teacher_tagger(teacher)
    vocab = Vocab()
    skip = {text_key(doc.text) for path in gold_docbins for doc in DocBin().from_disk(path).get_docs(vocab)}
    docs, entities = [], {}
    for doc in tqdm(silver_docs(lines, tagger, vocab, skip), desc="silver", file=sys.stderr):
        docs.append(doc)
        for ent in doc.ents:
            entities[ent.label_] = entities.get(ent.label_, 0) + 1
        if max_sentences and len(docs) >= max_sentences:
            break
    out_path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=True).to_disk(out_path)
    stats = {"silver_sentences": len(docs), "silver_entities_by_label": entities}
    log.info("silver data %s: %s", out_path, stats)
    return stats
