"""Claim narrowing on contrast sentences: does each company get a claim of its own clause?

The gold ``claims`` list, per sentence that says opposite things about two
companies, one item per company: the sentence span, the company's mention and
the label towards it (``Während Nvidia-Aktien um 5,2 % nachgaben, schoss die
App von DeepSeek … nach oben.``: Nvidia negative, DeepSeek positive). For each
gold claim:

* **found**: some predicted :class:`~pipeline.records.Claim` targets a mention
  inside the gold sentence and its entity is the gold entity
  (:mod:`pipeline.evaluate.entity_match`: by ISIN when listed, else by name);
* **narrowed**: one of those claims holds its own target and none of the
  mentions of the sentence's other gold claims (no character in common), so
  the sentiment model reads ``Während Nvidia-Aktien … nachgaben`` for Nvidia and
  not DeepSeek's half;
* **label right** (only where predicted claims carry sentiment): the label of
  that claim (the narrowed one if any, else the first) equals the gold label.

Shares are over gold claims (label accuracy over found claims with a score).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from pipeline.evaluate.align import DocPair
from pipeline.evaluate.entity_match import entity_matches, gold_entity_key
from pipeline.evaluate.gold import GoldClaim
from pipeline.evaluate.scores import ErrorItem, Headline, Section, Table, ratio_from_array, safe_div, sentence_context
from pipeline.records import Claim


def _holds(claim: Claim, start: int, end: int) -> bool:
    return claim.start <= start and end <= claim.end


def _touches(claim: Claim, start: int, end: int) -> bool:
    return claim.start < end and start < claim.end


def claims_for(pair: DocPair, gold: GoldClaim) -> list[Claim]:
    """Return the predicted claims about ``gold.entity`` whose target lies in the gold sentence.

    Args:
        pair: the aligned documents.
        gold: one gold claim.

    Returns:
        The claims, in text order.
    """
    key = gold_entity_key(pair.gold, gold.entity)
    found = []
    for claim in sorted(pair.pred.claims, key=lambda c: (c.start, c.target_start)):
        if not (gold.start <= claim.target_start and claim.target_end <= gold.end):
            continue
        entity = pair.entity_of(claim.entity_id)
        if entity is not None and entity_matches(key, entity.name, entity.isin, entity.listed):
            found.append(claim)
    return found


def is_narrowed(claim: Claim, others: list[GoldClaim]) -> bool:
    """Whether ``claim`` holds its own target and no character of the other companies' gold mentions."""
    return _holds(claim, claim.target_start, claim.target_end) and not any(
        _touches(claim, o.target_start, o.target_end) for o in others
    )


def _score_document(pair: DocPair, context_chars: int) -> tuple[np.ndarray, list[ErrorItem]]:
    """``[gold, found, narrowed, labelled, label right]`` of one document and its errors."""
    gold_claims = pair.gold.claims or []
    text = pair.gold.text
    counts = np.zeros(5)
    errors: list[ErrorItem] = []
    for g in gold_claims:
        counts[0] += 1
        others = [o for o in gold_claims if (o.start, o.end) == (g.start, g.end) and o.entity != g.entity]
        other_names = ", ".join(o.entity for o in others) or "-"
        gold_desc = f"{g.entity}: {g.label or 'no label'}; narrowed, without {other_names}"
        mine = claims_for(pair, g)
        if not mine:
            errors.append(ErrorItem("claims", pair.gold.id, f"no claim for {g.entity}", gold_desc, "-",
                                    sentence_context(text, g.target_start, g.target_end, context_chars), 2.0))
            continue
        counts[1] += 1
        narrowed = [c for c in mine if is_narrowed(c, others)]
        chosen = narrowed[0] if narrowed else mine[0]
        label = chosen.sentiment.label if chosen.sentiment is not None else None
        pred_desc = f"{g.entity}: {label or 'no label'}; claim '{chosen.sentence}'"
        context = sentence_context(text, chosen.start, chosen.end, context_chars)
        if narrowed:
            counts[2] += 1
        else:
            errors.append(ErrorItem("claims", pair.gold.id, f"claim for {g.entity} not narrowed", gold_desc, pred_desc,
                                    context, 1.0))
        if label is not None and g.label is not None:
            counts[3] += 1
            counts[4] += int(label == g.label)
            if label != g.label:
                errors.append(ErrorItem("claims", pair.gold.id, f"wrong label for {g.entity}", gold_desc, pred_desc,
                                        context, 1.0))
    return counts, errors


def score_claims(pairs: list[DocPair], context_chars: int = 240) -> Section:
    """Score claim narrowing over the documents whose gold annotates ``claims``.

    Args:
        pairs: aligned gold/prediction documents.
        context_chars: longest error context.

    Returns:
        The ``claims`` section (see the module docstring), with the headline
        share of gold claims that got a narrowed claim.
    """
    pairs = [p for p in pairs if p.gold.claims is not None]
    per_doc = np.zeros((len(pairs), 5))
    errors: list[ErrorItem] = []
    for n, pair in enumerate(pairs):
        per_doc[n], doc_errors = _score_document(pair, context_chars)
        errors += doc_errors
    gold, found, narrowed, labelled, right = (int(v) for v in per_doc.sum(axis=0))
    sentences = len({(p.gold.id, c.start) for p in pairs for c in p.gold.claims or []})
    metrics: dict[str, Any] = {
        "documents": len(pairs),
        "sentences": sentences,
        "gold": gold,
        "found": found,
        "narrowed": narrowed,
        "found_share": safe_div(found, gold),
        "narrowed_share": safe_div(narrowed, gold),
        "label_accuracy": safe_div(right, labelled) if labelled else None,
        "labelled": labelled,
    }
    label_acc: Optional[float] = metrics["label_accuracy"]
    table = Table(
        "Claims on contrast sentences: a claim per company, narrowed to its own clause",
        ["sentences", "gold claims", "found", "narrowed", "found share", "narrowed share", "label acc", "labelled"],
        [[sentences, gold, found, narrowed, metrics["found_share"], metrics["narrowed_share"], label_acc, labelled]],
    )
    headlines = [
        Headline("claims.narrowed", "Contrast claims narrowed (share of gold)", per_doc[:, [2, 0]], ratio_from_array)
    ]
    notes = [] if labelled else ["labels not scored: no found claim has both a predicted sentiment and a gold label"]
    return Section("claims", "Claims (contrast sentences)", metrics, [table], headlines, errors, notes)
