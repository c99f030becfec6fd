"""Bootstrap confidence intervals over documents.

A headline number is a function of counts summed over documents (token TP/FP/FN,
correct/total, a confusion matrix). Resampling the *documents* with replacement
and recomputing the number from the resampled sums gives its sampling spread;
the interval is the central percentile range (95 % by default). Resampling
documents rather than single mentions keeps the dependence between mentions of
one article, so the interval is honest about small gold sets.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np


def bootstrap_interval(
    per_doc: np.ndarray,
    statistic: Callable[[np.ndarray], float],
    samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Optional[tuple[float, float]]:
    """Percentile bootstrap interval of ``statistic`` over resampled documents.

    Args:
        per_doc: array of shape ``(documents, k)`` with additive per-document counts.
        statistic: maps a summed ``k``-vector to the number (e.g. F1 from TP/FP/FN).
        samples: number of bootstrap resamples.
        seed: random seed (the same seed gives the same interval).
        confidence: coverage of the interval, e.g. 0.95.

    Returns:
        ``(low, high)``, or ``None`` when there are no documents or ``samples`` is 0.
    """
    per_doc = np.asarray(per_doc, dtype=float)
    n = per_doc.shape[0]
    if n == 0 or samples <= 0:
        return None
    rng = np.random.default_rng(seed)
    # How often each document is drawn in each resample; weights @ counts gives the resampled sums.
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=samples).astype(float)
    totals = weights @ per_doc.reshape(n, -1)
    values = np.array([statistic(row) for row in totals], dtype=float)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(values, [alpha, 1.0 - alpha])
    return float(low), float(high)
