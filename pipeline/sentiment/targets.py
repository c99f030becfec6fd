"""Turn ``(text, target span)`` into model input: a target-centred window, target marked.

Training and inference both go through :func:`encode_inputs`, so the model
always sees the same form. Two marking schemes are supported (the training
comparison lives in the model card):

* ``markers``: the target is wrapped in the text, ``Nvidia etwa sackten ab`` →
  ``<< Nvidia >> etwa sackten ab`` (the brackets are ordinary vocabulary
  pieces, so no new embeddings have to be learned);
* ``pair``: the text as the first segment and the target string as the second,
  ``<s> Nvidia etwa sackten ab </s></s> Nvidia </s>``;
* ``both``: markers in the text and the target as the second segment.

Items without a target (sentence-level corpora such as SB10k) use
``target_start == target_end == -1``; they are encoded without marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

SCHEMES = ("markers", "pair", "both")
OPEN, CLOSE = "<<", ">>"  # single vocabulary pieces, rare in news text


@dataclass
class TargetItem:
    """One text with the character span of its target (``-1, -1`` for none)."""

    text: str
    target_start: int
    target_end: int


def window_around_target(tokenizer, item: TargetItem, max_tokens: int) -> TargetItem:
    """Cut ``item.text`` to at most ``max_tokens`` content tokens centred on the target.

    Long news snippets put the target anywhere; head truncation would cut it off.
    Cutting happens at token boundaries (from the tokenizer's offsets), and the
    target span is shifted into the window.

    Args:
        tokenizer: a fast tokenizer (offsets are needed).
        item: the text and target span.
        max_tokens: content tokens to keep (specials and marks not counted).

    Returns:
        The same item when it fits, else a shorter :class:`TargetItem`.
    """
    enc = tokenizer(item.text, add_special_tokens=False, return_offsets_mapping=True)
    offsets = enc["offset_mapping"]
    if len(offsets) <= max_tokens:
        return item
    if item.target_start < 0:
        first, last = 0, 0
    else:
        inside = [i for i, (s, e) in enumerate(offsets) if e > item.target_start and s < item.target_end]
        first, last = (inside[0], inside[-1]) if inside else (0, 0)
    span = last - first + 1
    if span >= max_tokens:
        lo = first
    else:
        lo = max(0, first - (max_tokens - span) // 2)
    hi = min(len(offsets), lo + max_tokens)
    lo = max(0, hi - max_tokens)
    start, end = offsets[lo][0], offsets[hi - 1][1]
    if item.target_start < 0:
        return TargetItem(item.text[start:end], -1, -1)
    t_start = min(max(item.target_start, start), end) - start
    t_end = min(max(item.target_end, start), end) - start
    return TargetItem(item.text[start:end], t_start, t_end)


def mark_target(item: TargetItem) -> str:
    """Wrap the target in marks; ``Aixtron (-6,3 %)`` → ``<< Aixtron >> (-6,3 %)``.

    The marks always stand apart from the words around them
    (``Infineon-Papiere`` → ``<< Infineon >> -Papiere``), so each is one and the
    same vocabulary piece whatever precedes it.
    """
    if item.target_start < 0:
        return item.text
    before, target, after = item.text[: item.target_start], item.text[item.target_start : item.target_end], item.text[item.target_end :]
    lead = " " if before and not before[-1].isspace() else ""
    trail = " " if after and not after[0].isspace() else ""
    return f"{before}{lead}{OPEN} {target} {CLOSE}{trail}{after}"


def encode_inputs(
    tokenizer, items: Sequence[TargetItem], scheme: str = "markers", max_length: int = 96
) -> dict[str, list[list[int]]]:
    """Tokenize items for the classifier (no padding; collate pads per batch).

    Args:
        tokenizer: the fast tokenizer of the base encoder.
        items: texts with target spans.
        scheme: one of :data:`SCHEMES`.
        max_length: total tokens including specials, marks and the target segment.

    Returns:
        ``{"input_ids": [...], "attention_mask": [...]}``, one list per item.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown target scheme {scheme!r}; choose one of {SCHEMES}")
    # Room for <s></s>, the two marks (2-4 pieces) and, for pairs, </s></s> + target.
    reserve = 2 + (4 if scheme in ("markers", "both") else 0)
    firsts: list[str] = []
    seconds: list[str] = []
    for item in items:
        target = item.text[item.target_start:item.target_end] if item.target_start >= 0 else ""
        extra = 3 + min(len(tokenizer.tokenize(target)), 16) if scheme in ("pair", "both") else 0
        win = window_around_target(tokenizer, item, max(8, max_length - reserve - extra))
        firsts.append(mark_target(win) if scheme in ("markers", "both") else win.text)
        seconds.append(target)
    if scheme == "markers":
        enc = tokenizer(firsts, truncation=True, max_length=max_length)
    else:
        enc = tokenizer(firsts, seconds, truncation="longest_first", max_length=max_length)
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}
