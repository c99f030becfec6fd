"""Decide whether a predicted entity is the gold entity a figure or sentiment label is about.

A gold entity is named by its canonical ``name``; its ISIN comes from the
article's gold entity mentions with that name. The rule:

* gold entity **listed** (a real ISIN): the predicted entity must carry that ISIN;
  only when the prediction was never linked (``listed is None``, e.g. a run with
  ``--nlp-only``) is it compared by name instead;
* otherwise (``unlisted``, indices, persons, public bodies): by normalised name
  (:func:`pipeline.evaluate.align.names_match`), so ``DAX`` matches ``Dax`` and
  ``NVIDIA Corp.`` matches ``Nvidia``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from pipeline.evaluate.align import names_match
from pipeline.evaluate.gold import UNLISTED, GoldDocument


@dataclass(frozen=True)
class GoldEntityKey:
    """What identifies a gold entity for matching: its canonical name and, if listed, its ISIN."""

    name: str
    isin: Optional[str] = None  # only a real ISIN; None for unlisted and non-companies


def gold_entity_key(doc: GoldDocument, name: str) -> GoldEntityKey:
    """Return the key of the gold entity called ``name`` in ``doc``.

    Args:
        doc: the gold document (its entities give the ISIN).
        name: a canonical entity name (from ``about`` or ``sentiment``).

    Returns:
        The :class:`GoldEntityKey`.
    """
    for e in doc.entities or []:
        if e.name == name and e.isin and e.isin != UNLISTED:
            return GoldEntityKey(name, e.isin)
    return GoldEntityKey(name, None)


def entity_matches(key: GoldEntityKey, name: str, isin: Optional[str], listed: Optional[bool]) -> bool:
    """Return whether a predicted entity (its name, ISIN and listed flag) is the gold entity ``key``.

    Args:
        key: the gold entity.
        name: the predicted entity's name.
        isin: the predicted ISIN (``None`` when none).
        listed: the predicted listed flag (``None`` when the entity was never linked).

    Returns:
        ``True`` when they match by the rule in the module docstring.
    """
    if key.isin:
        if isin:
            return isin == key.isin
        if listed is None:
            return names_match(key.name, name)
        return False
    return names_match(key.name, name)
