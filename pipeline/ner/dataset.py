"""Build the NER training data: tokenise, project spans, dedupe, hold out, write ``DocBin``\\ s.

The held-out evaluation sets never enter training:

* ``germeval-news``: the sentences of the GermEval 2014 *test* file whose
  source URL is not Wikipedia (welt.de, handelsblatt.com, spiegel.de, ...).
* ``smartdata-v3-dev``: the SmartData v3 dev documents. They are also inside
  the v1 pool, so pool documents with the same id or the same text (ignoring
  whitespace) are dropped.

On top of that, every training sentence whose text (ignoring whitespace and
case) equals a held-out sentence is dropped, and training sentences are
deduplicated the same way (the first one read wins; sources are read in the
order of :data:`SOURCES`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

import spacy
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

from pipeline.ner import corpora
from pipeline.ner.corpora import CorpusPaths, NerExample
from pipeline.nlp.segmentation import sentence_starts
from pipeline.nlp.tokenizer import customize_tokenizer

log = logging.getLogger(__name__)

SOURCES = ("germeval", "smartdata", "ler", "europeana", "hipe")
HELDOUT_SETS = ("germeval-news", "smartdata-v3-dev")
# Share of GermEval and SmartData training material (by document) kept aside as
# the dev set that spaCy uses to pick the best checkpoint. It is not a held-out set.
DEV_SHARE = 10


def tokenizer_nlp() -> Language:
    """A blank German pipeline with the finance tokenizer (``Siemens-Chef`` -> ``Siemens - Chef``)."""
    nlp = spacy.blank("de")
    customize_tokenizer(nlp.tokenizer)
    return nlp


def text_key(text: str) -> str:
    """The duplicate key of a text: no whitespace, lower case (``2015 / 16`` == ``2015/16``)."""
    return re.sub(r"\s+", "", text).lower()


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop punctuation and space tokens at the edges of a token range (``StarCapital AG ,`` -> ``StarCapital AG``)."""
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def project_spans(doc: Doc, spans: Iterable[tuple[int, int, str]]) -> list[spacy.tokens.Span]:
    """Project character spans onto the tokens of ``doc``.

    A span that cuts a token is widened to whole tokens; edge punctuation is
    trimmed; overlapping spans keep the longest (``filter_spans``).

    Args:
        doc: a tokenised ``Doc``.
        spans: ``(start_char, end_char, label)`` triples.

    Returns:
        Non-overlapping entity spans.
    """
    result = []
    for start_char, end_char, label in spans:
        span = doc.char_span(start_char, end_char, label=label, alignment_mode="expand")
        if span is None:
            continue
        start, end = _trim(doc, span.start, span.end)
        if start < end:
            result.append(spacy.tokens.Span(doc, start, end, label=label))
    return filter_spans(result)


def example_to_doc(nlp: Language, example: NerExample) -> Doc:
    """Tokenise an example with the finance tokenizer and set its entities and missing tokens.

    Tokens outside entities and outside ``missing`` ranges are O. The source
    and document id go to ``doc.user_data``.
    """
    doc = nlp.make_doc(example.text)
    ents = project_spans(doc, example.spans)
    in_ent = set()
    for ent in ents:
        in_ent.update(range(ent.start, ent.end))
    missing_tokens = set()
    for start_char, end_char in example.missing:
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        if span is not None:
            missing_tokens.update(i for i in range(span.start, span.end) if i not in in_ent)
    missing = [doc[i : i + 1] for i in sorted(missing_tokens)]
    doc.set_ents(ents, missing=missing, default="outside")
    doc.user_data["source"] = example.source
    doc.user_data["doc_id"] = example.doc_id
    return doc


def split_sentences(doc: Doc) -> list[Doc]:
    """Split a document into sentence ``Doc``\\ s with the finnews sentence rules, never inside an entity.

    Leading and trailing whitespace tokens of each sentence are dropped; the
    entity and missing annotation is kept.
    """
    starts = sentence_starts(doc)
    for ent in doc.ents:
        for i in range(ent.start + 1, ent.end):
            starts[i] = False
    bounds = [i for i, start in enumerate(starts) if start] + [len(doc)]
    sentences = []
    for start, end in zip(bounds, bounds[1:]):
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start < end:
            span = doc[start:end]
            spaces = [bool(t.whitespace_) for t in span]
            spaces[-1] = False  # no trailing space: the sentence text equals its held-out/duplicate key source
            sentence = Doc(doc.vocab, words=[t.text for t in span], spaces=spaces)
            sentence.from_array([ENT_IOB, ENT_TYPE], span.as_doc().to_array([ENT_IOB, ENT_TYPE]))
            sentence.user_data.update(doc.user_data)
            sentences.append(sentence)
    return sentences


def _in_dev(doc_id: str) -> bool:
    digest = hashlib.sha1(doc_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < DEV_SHARE


# ----------------------------------------------------------------- held-out sets


def germeval_news_examples(paths: CorpusPaths) -> list[NerExample]:
    """The held-out GermEval news sentences: the test file minus Wikipedia.

    Gold ``part``/``deriv`` words are O and recorded in ``ignore``.
    """
    return [
        corpora.germeval_example(s, part_policy="o", source="germeval-news")
        for s in corpora.read_germeval(paths.germeval_test)
        if s.is_news
    ]


def smartdata_v3_examples(paths: CorpusPaths) -> list[tuple[NerExample, list[tuple[int, int, str]]]]:
    """The held-out SmartData v3 dev documents, each with its raw ``(start, end, type)`` mentions."""
    result = []
    for document in corpora.read_smartdata(paths.smartdata_v3_dev):
        result.append((corpora.smartdata_example(document, source="smartdata-v3-dev"), corpora.smartdata_mentions(document)))
    return result


@dataclass
class HeldOut:
    """What must never be trained on: SmartData ids, document texts and sentence texts (as keys)."""

    smartdata_ids: set[str] = field(default_factory=set)
    document_keys: set[str] = field(default_factory=set)
    sentence_keys: set[str] = field(default_factory=set)


def heldout_keys(paths: CorpusPaths, nlp: Optional[Language] = None) -> HeldOut:
    """Collect the ids and text keys of both held-out sets."""
    nlp = nlp or tokenizer_nlp()
    held = HeldOut()
    for example in germeval_news_examples(paths):
        held.sentence_keys.add(text_key(example.text))
    for document in corpora.read_smartdata(paths.smartdata_v3_dev):
        held.smartdata_ids.add(document.get("id", ""))
        text = document["text"]["string"]
        held.document_keys.add(text_key(text))
        for sentence in split_sentences(nlp.make_doc(text)):
            held.sentence_keys.add(text_key(sentence.text))
    return held


# ----------------------------------------------------------------- training examples


def training_examples(paths: CorpusPaths, held: HeldOut, part_policy: str = "name", sources: Iterable[str] = SOURCES) -> Iterator[NerExample]:
    """Yield the ship-safe training examples (sentences or, for SmartData, documents).

    GermEval: the dev file and the Wikipedia sentences of the test file.
    SmartData: the v1 pool minus the v3 dev documents (by id and by text).
    """
    sources = set(sources)
    unknown = sources - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown NER sources: {sorted(unknown)} (known: {', '.join(SOURCES)})")
    if "germeval" in sources:
        for sentence in corpora.read_germeval(paths.germeval_dev):
            yield corpora.germeval_example(sentence, part_policy, source="germeval-dev")
        for sentence in corpora.read_germeval(paths.germeval_test):
            if not sentence.is_news:
                yield corpora.germeval_example(sentence, part_policy, source="germeval-test-wiki")
    if "smartdata" in sources:
        dropped = 0
        for document in corpora.read_smartdata(paths.smartdata_pool):
            text = document["text"]["string"]
            if document.get("id") in held.smartdata_ids or text_key(text) in held.document_keys:
                dropped += 1
                continue
            yield corpora.smartdata_example(document, source="smartdata-v1")
        log.info("SmartData pool: %d documents dropped as v3 dev documents", dropped)
    if "ler" in sources:
        for path in paths.ler():
            yield from corpora.read_ler(path)
    if "europeana" in sources:
        for path in paths.europeana():
            yield from corpora.read_europeana(path)
    if "hipe" in sources:
        for path in paths.hipe():
            yield from corpora.read_hipe(path, source="hipe-" + path.name.split("-")[3])


@dataclass
class BuildStats:
    """Counts from :func:`build_docs`, written next to the ``DocBin``\\ s."""

    sentences: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)
    dev_sentences: int = 0
    duplicates: int = 0
    heldout_overlap: int = 0

    def as_dict(self) -> dict:
        return {
            "train_sentences_by_source": dict(self.sentences),
            "train_entities_by_label": dict(self.entities),
            "dev_sentences": self.dev_sentences,
            "dropped_duplicates": self.duplicates,
            "dropped_heldout_overlap": self.heldout_overlap,
        }


def build_docs(examples: Iterable[NerExample], held: HeldOut, nlp: Optional[Language] = None) -> tuple[list[Doc], list[Doc], BuildStats]:
    """Tokenise, split, dedupe and split examples into ``(train, dev, stats)``.

    Documents (SmartData) are split into sentences; a sentence equal to a
    held-out sentence or to an earlier training sentence is dropped.
    """
    nlp = nlp or tokenizer_nlp()
    seen: set[str] = set()
    train: list[Doc] = []
    dev: list[Doc] = []
    stats = BuildStats()
    for example in examples:
        doc = example_to_doc(nlp, example)
        sentences = split_sentences(doc) if example.source.startswith("smartdata") else [doc]
        to_dev = example.source.startswith(("germeval", "smartdata")) and _in_dev(example.doc_id + example.text[:40])
        for sentence in sentences:
            key = text_key(sentence.text)
            if not key:
                continue
            if key in held.sentence_keys:
                stats.heldout_overlap += 1
                continue
            if key in seen:
                stats.duplicates += 1
                continue
            seen.add(key)
            if to_dev:
                dev.append(sentence)
                stats.dev_sentences += 1
            else:
                train.append(sentence)
                stats.sentences[example.source] += 1
                stats.entities.update(ent.label_ for ent in sentence.ents)
    return train, dev, stats


def write_docbins(out_dir: Path, train: list[Doc], dev: list[Doc], stats: BuildStats) -> dict[str, Path]:
    """Write ``train.spacy``, ``dev.spacy`` and ``stats.json`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"train": out_dir / "train.spacy", "dev": out_dir / "dev.spacy", "stats": out_dir / "stats.json"}
    DocBin(docs=train, store_user_data=True).to_disk(paths["train"])
    DocBin(docs=dev, store_user_data=True).to_disk(paths["dev"])
    paths["stats"].write_text(json.dumps(stats.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    log.info("NER data in %s: %s", out_dir, json.dumps(stats.as_dict(), ensure_ascii=False))
    return paths
