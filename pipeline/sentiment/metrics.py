"""Classification metrics and probability calibration shared by training and evaluation."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from pipeline.sentiment.data import LABELS


def classification_report(gold: Sequence[str], pred: Sequence[str]) -> dict:
    """Macro-F1, accuracy, per-class precision/recall/F1 and the confusion matrix.

    Args:
        gold: true labels (names from :data:`LABELS`).
        pred: predicted labels, same length.

    Returns:
        ``{"n", "macro_f1", "accuracy", "per_class": {label: {"precision", "recall", "f1", "support"}},
        "confusion": [[...]]}`` with rows = gold, columns = predicted, in :data:`LABELS` order.
    """
    idx = {label: i for i, label in enumerate(LABELS)}
    conf = np.zeros((len(LABELS), len(LABELS)), dtype=int)
    for g, p in zip(gold, pred):
        conf[idx[g], idx[p]] += 1
    per_class = {}
    f1s = []
    for i, label in enumerate(LABELS):
        tp = conf[i, i]
        precision = tp / conf[:, i].sum() if conf[:, i].sum() else 0.0
        recall = tp / conf[i, :].sum() if conf[i, :].sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": round(float(precision), 4), "recall": round(float(recall), 4),
                            "f1": round(float(f1), 4), "support": int(conf[i, :].sum())}
        f1s.append(f1)
    n = int(conf.sum())
    return {
        "n": n,
        "macro_f1": round(float(np.mean(f1s)), 4),
        "accuracy": round(float(np.trace(conf) / n), 4) if n else 0.0,
        "per_class": per_class,
        "confusion": conf.tolist(),
    }


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 10) -> float:
    """ECE of the top-class probability over equal-width bins."""
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == gold
    ece = 0.0
    for lo in np.linspace(0, 1, bins, endpoint=False):
        sel = (conf > lo) & (conf <= lo + 1 / bins)
        if sel.any():
            ece += sel.mean() * abs(correct[sel].mean() - conf[sel].mean())
    return float(ece)


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """Temperature scaling: the T > 0 minimising the NLL of ``softmax(logits / T)``.

    A grid search over log-spaced values then a local refinement; one scalar
    cannot change the argmax, so it calibrates without touching accuracy.
    """
    def nll(t: float) -> float:
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(gold)), gold].mean())

    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 61))
    best = min(grid, key=nll)
    fine = np.linspace(best * 0.9, best * 1.1, 41)
    return float(min(fine, key=nll))
