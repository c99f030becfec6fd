"""Baselines the classifier is compared against, all with the same interface.

Each baseline has ``fit(examples)`` and ``probabilities(items) -> (n, 3)`` in
:data:`~pipeline.sentiment.data.LABELS` order, so :mod:`.evaluate` scores them
exactly like the model:

* :class:`MajorityBaseline`: always the most frequent training label;
* :class:`LexiconBaseline`: BPW finance lexicon hits in the target's sentence
  window (more positive than negative words → positive, and so on);
* :class:`FrozenEncoderBaseline`: the e5 base encoder, frozen, mean-pooled over
  the target-marked text, with logistic regression on top.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Sequence

import numpy as np

from pipeline.sentiment.data import LABEL2ID, LABELS, Example, Lexicon
from pipeline.sentiment.targets import TargetItem, mark_target

log = logging.getLogger(__name__)

_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


def _items(examples: Sequence[Example]) -> list[TargetItem]:
    return [TargetItem(e.text, e.target_start, e.target_end) for e in examples]


def _one_hot(labels: Sequence[str]) -> np.ndarray:
    out = np.zeros((len(labels), len(LABELS)), dtype=np.float32)
    for i, label in enumerate(labels):
        out[i, LABEL2ID[label]] = 1.0
    return out


class MajorityBaseline:
    """Predicts the most frequent training label for everything."""

    name = "majority class"

    def fit(self, examples: Sequence[Example]) -> "MajorityBaseline":
        self.label = Counter(e.label for e in examples).most_common(1)[0][0]
        return self

    def probabilities(self, items: Sequence[TargetItem]) -> np.ndarray:
        return _one_hot([self.label] * len(items))


class LexiconBaseline:
    """Counts BPW positive and negative word forms in the text around the target.

    ``Die Aktie von Aixtron brach ein, Verluste belasten`` has two negative and
    no positive hits → negative; no hits or a tie → neutral.
    """

    name = "BPW lexicon"

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    def fit(self, examples: Sequence[Example]) -> "LexiconBaseline":
        return self

    def label(self, text: str) -> str:
        words = [w.lower() for w in _WORD.findall(text)]
        pos = sum(w in self.lexicon.positive for w in words)
        neg = sum(w in self.lexicon.negative for w in words)
        return "positive" if pos > neg else "negative" if neg > pos else "neutral"

    def probabilities(self, items: Sequence[TargetItem]) -> np.ndarray:
        return _one_hot([self.label(it.text) for it in items])


class FrozenEncoderBaseline:
    """Logistic regression on frozen, mean-pooled e5 embeddings of the target-marked text."""

    name = "frozen e5 + logistic regression"

    def __init__(self, base_dir: str, batch_size: int = 32, max_length: int = 128):
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(base_dir)
        self.encoder = AutoModel.from_pretrained(base_dir, add_pooling_layer=False).eval()
        self.batch_size = batch_size
        self.max_length = max_length

    def embed(self, items: Sequence[TargetItem]) -> np.ndarray:
        """L2-normalised mean-pooled embeddings of ``passage: <marked text>``."""
        import torch
        from tqdm import tqdm

        texts = ["passage: " + mark_target(it) for it in items]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.encoder.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for lo in tqdm(range(0, len(order), self.batch_size), desc="frozen e5", leave=False):
                idx = order[lo : lo + self.batch_size]
                enc = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                     max_length=self.max_length, return_tensors="pt")
                h = self.encoder(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).float()
                v = torch.nn.functional.normalize((h * mask).sum(1) / mask.sum(1), dim=-1)
                out[idx] = v.numpy()
        return out

    def fit(self, examples: Sequence[Example]) -> "FrozenEncoderBaseline":
        from sklearn.linear_model import LogisticRegression

        x = self.embed(_items(examples))
        y = np.array([LABEL2ID[e.label] for e in examples])
        self.clf = LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced").fit(x, y)
        return self

    def probabilities(self, items: Sequence[TargetItem]) -> np.ndarray:
        probs = np.zeros((len(items), len(LABELS)), dtype=np.float32)
        probs[:, self.clf.classes_] = self.clf.predict_proba(self.embed(items))
        return probs
