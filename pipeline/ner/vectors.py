"""Static floret vectors trained here on the raw text of ship-safe corpora.

floret (fastText with hashed subwords) gives every word a vector, also one it
never saw, from its character n-grams (``Infineon-Papiere`` shares n-grams with
``Infineon``), in a fixed-size table (``bucket`` rows), so the shipped pipeline
stays small.

Text used (never the held-out sets): the NER training sentences (the
``train.spacy``/``dev.spacy`` built by :mod:`pipeline.ner.dataset`), the GerNTSA
news sentences (CC BY 4.0), and the SB10k (CC BY 4.0) and PotTS (MIT) tweets.
Every text is tokenised with the finance tokenizer, one sentence per line.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import Doc

from pipeline.ner.dataset import text_key, tokenizer_nlp

log = logging.getLogger(__name__)


def raw_sentences(data_dir: Path, docs: Iterable[Doc], heldout_keys: set[str]) -> Iterator[str]:
    """Yield tokenised sentences (tokens joined by spaces) for vector training.

    Args:
        data_dir: the corpora folder (for the GerNTSA, SB10k and PotTS texts).
        docs: NER training sentences (already free of held-out sentences).
        heldout_keys: :func:`~pipeline.ner.dataset.text_key` of held-out sentences, skipped.

    Returns:
        An iterator of lines.
    """
    nlp = tokenizer_nlp()
    for doc in docs:
        yield " ".join(t.text for t in doc if not t.is_space)
    texts: list[str] = []
    gerntsa = data_dir / "sentiment" / "gerntsa" / "GerNTSA_open.json"
    if gerntsa.exists():
        seen = set()
        for item in json.loads(gerntsa.read_text(encoding="utf-8")):
            snippet = item.get("opinion_snippet", "")
            if snippet not in seen:
                seen.add(snippet)
                texts.append(snippet)
    for name in ("sb10k", "potts"):
        path = data_dir / "sentiment" / name / "corpus_label_text.tsv"
        if path.exists():
            texts.extend(line.split("\t", 1)[-1] for line in path.read_text(encoding="utf-8").splitlines())
    for doc in nlp.pipe(texts, batch_size=256):
        if text_key(doc.text) not in heldout_keys:
            yield " ".join(t.text for t in doc if not t.is_space)


def write_text(lines: Iterable[str], text_file: Path, jsonl_file: Path | None = None) -> int:
    """Write non-empty lines to ``text_file`` (and as ``{"text": ...}`` to ``jsonl_file`` for ``spacy pretrain``)."""
    text_file.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with text_file.open("w", encoding="utf-8") as out:
        jsonl = jsonl_file.open("w", encoding="utf-8") if jsonl_file else None
        try:
            for line in lines:
                if line:
                    out.write(line + "\n")
                    if jsonl:
                        jsonl.write(json.dumps({"text": line}, ensure_ascii=False) + "\n")
                    count += 1
        finally:
            if jsonl:
                jsonl.close()
    log.info("raw text: %d sentences in %s", count, text_file)
    return count


def train_floret(
    text_file: Path, out_dir: Path, dim: int = 100, bucket: int = 50000, minn: int = 4, maxn: int = 5, epoch: int = 10, threads: int = 1
) -> Path:
    """Train floret CBOW vectors on ``text_file`` and convert them to a spaCy vectors directory.

    Returns:
        ``out_dir/spacy_vectors``, usable as ``[paths] vectors`` in a spaCy config.
    """
    import floret

    out_dir.mkdir(parents=True, exist_ok=True)
    model = floret.train_unsupervised(
        str(text_file), model="cbow", mode="floret", hashCount=2, bucket=bucket, minn=minn, maxn=maxn,
        dim=dim, epoch=epoch, minCount=2, thread=threads,
    )
    floret_path = out_dir / "vectors.floret"
    model.save_floret_vectors(str(floret_path))
    spacy_dir = out_dir / "spacy_vectors"
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "vectors", "de", str(floret_path), str(spacy_dir), "--mode", "floret"],
        check=True,
    )
    return spacy_dir


def pretrain_tok2vec(spacy_config: Path, raw_jsonl: Path, vectors: Path | None, out_dir: Path, epochs: int) -> Path:
    """Pretrain the tok2vec on raw text (``spacy pretrain``, character objective); return the last weights file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "spacy", "pretrain", str(spacy_config), str(out_dir),
               "--paths.raw_text", str(raw_jsonl), "--pretraining.max_epochs", str(epochs)]
    if vectors:
        command += ["--paths.vectors", str(vectors), "--components.tok2vec.model.embed.include_static_vectors", "true"]
    subprocess.run(command, check=True)
    return out_dir / f"model{epochs - 1}.bin"
