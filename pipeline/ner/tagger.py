"""Word-level BIO tagging with a token-classification model: the accurate profile's core, no spaCy inside.

Words go in (the finance tokenizer's tokens of a sentence), ``(start, end, label)``
word spans come out. Each word's first sub-piece carries its tag; a sentence
longer than ``max_length`` sub-pieces is cut into windows between words; windows
are sorted by length before they are batched, so padding stays small; tags are
decoded by a BIO-constrained Viterbi (``I-ORG`` only after ``B-ORG``/``I-ORG``).

The spaCy component around it is :mod:`pipeline.ner.transformer`; training is
:mod:`pipeline.ner.finetune`. Neither this module nor the training loop imports
spaCy, so a GPU machine with torch, transformers and peft can train a tagger
from exported sentences (``python -m pipeline.ner.finetune``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from pipeline.model_loading import quiet_loading
from pipeline.ner import LABELS

log = logging.getLogger(__name__)

TAGS = ["O"] + [f"{prefix}-{label}" for label in LABELS for prefix in "BI"]
IGNORE = -100
SETTINGS_FILE = "e5_ner.json"
FULL_WEIGHTS = "model.safetensors"
ADAPTER_CONFIG = "adapter_config.json"
WordSpan = tuple[int, int, str]

def split_by_pieces(piece_counts: Sequence[int], limit: int) -> list[tuple[int, int]]:
    """Cut a run of words into ``(start, end)`` word ranges of at most ``limit`` sub-pieces each.

    Greedy: a range ends before the word that would overflow it. A single word
    longer than ``limit`` gets a range of its own (the caller truncates its pieces).
    """
    ranges, start, total = [], 0, 0
    for i, count in enumerate(piece_counts):
        if total + count > limit and i > start:
            ranges.append((start, i))
            start, total = i, 0
        total += count
    if start < len(piece_counts) or not ranges:
        ranges.append((start, len(piece_counts)))
    return ranges


def bio_transitions() -> np.ndarray:
    """Allowed tag transitions: ``allowed[a, b]`` is False for ``a -> I-X`` unless ``a`` is ``B-X``/``I-X``."""
    allowed = np.ones((len(TAGS), len(TAGS)), dtype=bool)
    for b, tag in enumerate(TAGS):
        if tag.startswith("I-"):
            kind = tag[2:]
            allowed[:, b] = [t in (f"B-{kind}", f"I-{kind}") for t in TAGS]
    return allowed


_ALLOWED = bio_transitions()
_START_ALLOWED = np.array([not t.startswith("I-") for t in TAGS])


def viterbi_bio(log_probs: np.ndarray) -> list[int]:
    """The most probable tag sequence that is valid BIO, from ``(n_words, n_tags)`` log-probabilities."""
    n = log_probs.shape[0]
    if n == 0:
        return []
    penalty = np.where(_ALLOWED, 0.0, -1e9)
    score = log_probs[0] + np.where(_START_ALLOWED, 0.0, -1e9)
    back = np.zeros((n, len(TAGS)), dtype=np.int64)
    for i in range(1, n):
        candidates = score[:, None] + penalty
        back[i] = candidates.argmax(0)
        score = candidates.max(0) + log_probs[i]
    best = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        best.append(int(back[i, best[-1]]))
    return best[::-1]


def decode(tag_ids: Iterable[int]) -> list[WordSpan]:
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


def token_classifier(base_dir: Path | str):
    """A fresh ``BertForTokenClassification`` on the e5 base with one output per tag of :data:`TAGS`.

    The tag layer is new (the base has none); transformers' report saying so is
    expected and silenced.
    """
    from transformers import BertConfig, BertForTokenClassification
    from transformers.utils import logging as hf_logging

    config = BertConfig.from_pretrained(
        str(base_dir), num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)}
    )
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        return BertForTokenClassification.from_pretrained(str(base_dir), config=config)
    finally:
        hf_logging.set_verbosity(verbosity)


def load_token_model(base_dir: Path | str, weights_dir: Path | str):
    """Load the fine-tuned tagger: the base with the weights of ``weights_dir`` applied, in eval mode.

    Args:
        base_dir: the e5 base (``finnews models build-base``).
        weights_dir: a directory written by :func:`pipeline.ner.finetune.save_weights`.

    Returns:
        A plain ``BertForTokenClassification`` (LoRA adapters merged).
    """
    import torch
    from safetensors.torch import load_file

    weights_dir = Path(weights_dir)
    with quiet_loading():
        model = token_classifier(base_dir)
    if (weights_dir / ADAPTER_CONFIG).is_file():
        from peft import PeftModel

        with quiet_loading():
            model = PeftModel.from_pretrained(model, str(weights_dir)).merge_and_unload()
    else:
        state = {k: v.to(torch.float32) for k, v in load_file(str(weights_dir / FULL_WEIGHTS)).items()}
        missing, unexpected = model.load_state_dict(state, strict=False)
        if unexpected or any("word_embeddings" not in k and "position_ids" not in k for k in missing):
            raise ValueError(f"{weights_dir}: weights do not fit (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return model.eval()


class WordTagger:
    """Tags lists of words with a token-classification model (no spaCy inside).

    Args:
        model: a ``BertForTokenClassification`` with :data:`TAGS` as outputs.
        tokenizer: its fast tokenizer.
        max_length: sub-pieces per forward window, special tokens included.
        batch_size: windows per forward pass (windows are sorted by length first).
    """

    def __init__(self, model, tokenizer, max_length: int = 128, batch_size: int = 32):
        self.model = model
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.batch_size = batch_size

    def windows(self, sentences: Sequence[Sequence[str]]) -> list[tuple[int, int, list[list[int]]]]:
        """Cut sentences into ``(sentence, first_word, pieces_per_word)`` windows that fit ``max_length``."""
        if not sentences:
            return []
        enc = self.tokenizer([list(s) for s in sentences], is_split_into_words=True, add_special_tokens=False)
        limit = self.max_length - 2
        result = []
        for s, words in enumerate(sentences):
            pieces: list[list[int]] = [[] for _ in words]
            for piece, word_id in zip(enc["input_ids"][s], enc.word_ids(s)):
                if word_id is not None:
                    pieces[word_id].append(piece)
            for start, end in split_by_pieces([len(p) for p in pieces], limit):
                result.append((s, start, pieces[start:end]))
        return result

    def log_probs(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Per sentence a ``(n_words, n_tags)`` array of tag log-probabilities (first sub-piece of each word).

        A word without sub-pieces (a lone control character) gets ``O``.
        """
        import torch

        result = [np.tile(np.log(np.eye(len(TAGS))[0] + 1e-9), (len(s), 1)).astype(np.float32) for s in sentences]
        windows = self.windows(sentences)
        limit = self.max_length - 2
        inputs = []
        for s, first, pieces in windows:
            ids, firsts = [self.tokenizer.cls_token_id], []
            for word, word_pieces in enumerate(pieces):
                if word_pieces and len(ids) - 1 < limit:
                    firsts.append((first + word, len(ids)))
                    ids.extend(word_pieces[: limit - (len(ids) - 1)])
            ids.append(self.tokenizer.sep_token_id)
            inputs.append((s, ids, firsts))
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i][1]))
        pad = self.tokenizer.pad_token_id
        device = next(self.model.parameters()).device  # a model trained on a GPU is scored there
        with torch.inference_mode():
            for lo in range(0, len(order), self.batch_size):
                batch = [inputs[i] for i in order[lo : lo + self.batch_size]]
                width = max(len(ids) for _, ids, _ in batch)
                input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, (_, ids, _) in enumerate(batch):
                    input_ids[row, : len(ids)] = torch.tensor(ids)
                    mask[row, : len(ids)] = 1
                logits = self.model(input_ids=input_ids.to(device), attention_mask=mask.to(device)).logits
                scores = torch.log_softmax(logits.float(), dim=-1).cpu().numpy()
                for row, (s, _, firsts) in enumerate(batch):
                    for word, position in firsts:
                        result[s][word] = scores[row, position]
        return result

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[list[WordSpan]]:
        """Entity spans ``(first_word, end_word, label)`` of each list of words."""
        return [decode(viterbi_bio(lp)) for lp in self.log_probs(sentences)]


def quantize_linear(model):
    """Dynamic int8 quantisation of the encoder's Linear layers (per output channel); the tag layer stays fp32."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    model.bert.encoder = quantize_dynamic(model.bert.encoder, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
    return model


def load_word_tagger(base_dir: Path | str, weights_dir: Path | str, batch_size: int = 32, quantize: bool = False) -> WordTagger:
    """A :class:`WordTagger` for a saved fine-tuned tagger (see :func:`load_token_model`).

    Args:
        base_dir: the e5 base.
        weights_dir: the saved weights (``e5_ner.json`` and the weight files).
        batch_size: windows per forward pass.
        quantize: int8 Linear layers (:func:`quantize_linear`): faster on CPU, see the model card for the cost.
    """
    from transformers import AutoTokenizer

    settings = json.loads((Path(weights_dir) / SETTINGS_FILE).read_text(encoding="utf-8"))
    if settings["tags"] != TAGS:
        raise ValueError(f"tagger in {weights_dir} was trained with tags {settings['tags']}")
    model = load_token_model(base_dir, weights_dir)
    if quantize:
        model = quantize_linear(model)
    return WordTagger(model, AutoTokenizer.from_pretrained(str(base_dir)),
                      max_length=settings.get("max_length", 128), batch_size=batch_size)
