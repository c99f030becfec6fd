"""Training and evaluation data for the sentiment model, read from ``cfg.data_dir``.

Every loader returns :class:`Example` records (text, target span or ``-1``,
label, source, group); :func:`to_dataset` turns them into a ``datasets.Dataset``.
Only sets marked ship-safe in ``../shared/corpora/README.md`` are read here:
GerNTSA (open part), SB10k, PotTS, SmartData v1, GermEval 2014 (news
sentences, for weak labels) and the BPW lexicon.
"""

from __future__ import annotations

import csv
import gzip
import json
import logging
import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Optional

log = logging.getLogger(__name__)

LABELS = ("negative", "neutral", "positive")
LABEL2ID = {label: i for i, label in enumerate(LABELS)}

GERNTSA = Path("sentiment/gerntsa/GerNTSA_open.json")
SB10K = Path("sentiment/sb10k")
POTTS = Path("sentiment/potts")
SMARTDATA = Path("ner/smartdata/v1_train_pool.jsonl.gz")
BPW = Path("lexicons/bpw/BPW_Dictionary.xlsx")
GERMEVAL = Path("ner/germeval2014")


@dataclass
class Example:
    """One labelled text; ``target_start == -1`` for sentence-level labels."""

    text: str
    target_start: int
    target_end: int
    label: str
    source: str
    group: str = ""  # items sharing a group (same sentence) stay on one side of a split


def load_gerntsa(data_dir: Path) -> list[Example]:
    """GerNTSA open part: news snippets with a marked target and its polarity.

    Returns:
        One :class:`Example` per annotated target; ``group`` is the snippet text,
        since about 160 snippets carry several targets.
    """
    raw = json.loads((data_dir / GERNTSA).read_text(encoding="utf-8"))
    out = []
    for item in raw:
        anchor = item["target_anchor"]
        out.append(
            Example(
                text=item["opinion_snippet"], target_start=int(anchor["from"]), target_end=int(anchor["to"]),
                label=item["sentiment"]["polarity"], source="gerntsa", group=item["opinion_snippet"],
            )
        )
    return out


def split_by_group(
    examples: list[Example], dev: float = 0.15, test: float = 0.15, seed: int = 13
) -> dict[str, list[Example]]:
    """Split into train/dev/test by group, stratified by each group's majority label.

    The same sentence never lands on two sides; the split is a pure function of
    the data and ``seed``, so evaluation and training agree on it.

    Returns:
        ``{"train": [...], "dev": [...], "test": [...]}``.
    """
    groups: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        groups[ex.group].append(ex)
    by_label: dict[str, list[str]] = defaultdict(list)
    for key in sorted(groups):
        majority = Counter(e.label for e in groups[key]).most_common(1)[0][0]
        by_label[majority].append(key)
    rng = random.Random(seed)
    split: dict[str, list[Example]] = {"train": [], "dev": [], "test": []}
    for label in sorted(by_label):
        keys = by_label[label]
        rng.shuffle(keys)
        n_test, n_dev = round(len(keys) * test), round(len(keys) * dev)
        parts = {"test": keys[:n_test], "dev": keys[n_test : n_test + n_dev], "train": keys[n_test + n_dev :]}
        for name, part in parts.items():
            for key in part:
                split[name].extend(groups[key])
    return split


def _read_label_text_tsv(path: Path, label_col: int, text_col: int) -> list[tuple[str, str]]:
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) > max(label_col, text_col):
                rows.append((row[label_col], row[text_col]))
    return rows


def load_sb10k(data_dir: Path) -> list[Example]:
    """SB10k German tweets (official train split), sentence-level polarity."""
    rows = _read_label_text_tsv(data_dir / SB10K / "splits" / "train.tsv", 1, 2)
    return [Example(text, -1, -1, label, "sb10k") for label, text in rows if label in LABEL2ID]


def load_potts(data_dir: Path) -> list[Example]:
    """PotTS German tweets minus its dev/test splits; ``mixed`` is dropped."""
    held = {text for split in ("dev", "test") for _, text in _read_label_text_tsv(data_dir / POTTS / "splits" / f"{split}.tsv", 1, 2)}
    rows = _read_label_text_tsv(data_dir / POTTS / "corpus_label_text.tsv", 0, 1)
    return [Example(text, -1, -1, label, "potts") for label, text in rows if label in LABEL2ID and text not in held]


@dataclass
class Lexicon:
    """A polarity word list: lower-cased inflected forms."""

    positive: frozenset[str]
    negative: frozenset[str]


def load_bpw(data_dir: Path) -> Lexicon:
    """The BPW financial sentiment dictionary (Bannier, Pauls & Walter 2019), POS and NEG lists."""
    import pandas as pd

    sheets = pd.read_excel(data_dir / BPW, sheet_name=None, header=None)
    words = {name: frozenset(str(w).strip().lower() for w in df[0].dropna()) for name, df in sheets.items()}
    return Lexicon(positive=words["POS_BPW"], negative=words["NEG_BPW"])


def iter_smartdata(data_dir: Path) -> Iterable[dict]:
    """SmartData v1 documents (news and RSS only; tweets are covered by SB10k/PotTS)."""
    with gzip.open(data_dir / SMARTDATA, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["refids"]["map"].get("source") in ("news", "rss"):
                yield doc


def iter_germeval_orgs(data_dir: Path) -> Iterable[dict]:
    """GermEval 2014 news sentences (not Wikipedia) that tag an ORG, shaped like SmartData documents.

    Tokens are joined with spaces; each ``B-ORG``/``I-ORG`` run becomes an
    ``organization-company`` mention (GermEval does not tell companies from
    other organisations, so the weak rules see a few non-companies too).
    """
    for name in ("NER-de-dev.tsv", "NER-de-test.tsv"):
        path = data_dir / GERMEVAL / name
        if not path.is_file():
            continue
        source, tokens, tags = "", [], []
        for line in path.read_text(encoding="utf-8").splitlines() + [""]:
            if line.startswith("#"):
                source = line.split("\t")[1] if "\t" in line else line
            elif line.strip():
                cols = line.split("\t")
                tokens.append(cols[1])
                tags.append(cols[2])
            elif tokens:
                if "wikipedia.org" not in source and any(t.endswith("ORG") for t in tags):
                    yield _germeval_doc(f"{name}:{source}:{len(tokens)}:{tokens[0]}", tokens, tags)
                tokens, tags = [], []


def _germeval_doc(doc_id: str, tokens: list[str], tags: list[str]) -> dict:
    text, spans, starts = "", [], []
    for tok in tokens:
        starts.append(len(text) + (1 if text else 0))
        text = f"{text} {tok}" if text else tok
    i = 0
    while i < len(tokens):
        if tags[i] == "B-ORG":
            j = i + 1
            while j < len(tokens) and tags[j] == "I-ORG":
                j += 1
            spans.append({"type": "organization-company",
                          "span": {"start": starts[i], "end": starts[j - 1] + len(tokens[j - 1])}})
            i = j
        else:
            i += 1
    return {"id": doc_id, "text": {"string": text}, "conceptMentions": {"array": spans}, "relationMentions": None}


def load_finance_weak(data_dir: Path, seed: int = 13, max_neutral_ratio: float = 1.0) -> list[Example]:
    """Weakly labelled company sentences from SmartData and GermEval 2014 news (see :mod:`pipeline.sentiment.weak`)."""
    from itertools import chain

    from pipeline.sentiment.weak import weak_examples

    docs = chain(iter_smartdata(data_dir), iter_germeval_orgs(data_dir))
    return weak_examples(docs, load_bpw(data_dir), seed=seed, max_neutral_ratio=max_neutral_ratio)


def label_counts(examples: Iterable[Example]) -> dict[str, int]:
    """Count labels, in :data:`LABELS` order."""
    counts = Counter(e.label for e in examples)
    return {label: counts.get(label, 0) for label in LABELS}


def to_dataset(examples: list[Example]):
    """A ``datasets.Dataset`` with columns text, target_start, target_end, label (int), source."""
    from datasets import Dataset

    rows = [asdict(e) for e in examples]
    for row in rows:
        row["label"] = LABEL2ID[row["label"]]
    return Dataset.from_list(rows)


def load_finance_fixtures(fixtures_dir: Path) -> Optional[list[Example]]:
    """Gold entity sentiment of ``corpus/fixtures/*.jsonl`` as mention-level examples.

    Each fixture line carries ``text``, ``entities`` (every mention, with the
    entity's canonical ``name``) and ``sentiment: [{"entity": name, "label"}]``
    (a ``mentions`` list of ``[start, end]`` in a sentiment row is used instead
    when present). Every mention becomes one example: the sentence around it,
    the mention as target, the article-level gold label, grouped by article and
    entity so the slice can be scored per mention and per entity.

    Returns:
        The examples, or ``None`` when there are no fixtures.
    """
    files = sorted(fixtures_dir.glob("*.jsonl")) if fixtures_dir.is_dir() else []
    out: list[Example] = []
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            doc = json.loads(line)
            text = doc.get("text", "")
            doc_id = str(doc.get("id", f"{path.stem}:{n}"))
            by_name: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for ent in doc.get("entities") or []:
                by_name[ent.get("name")].append((ent["start"], ent["end"]))
            for row in doc.get("sentiment") or []:
                label = row.get("label")
                if label not in LABEL2ID:
                    continue
                spans = row.get("mentions") or by_name.get(row.get("entity"), [])
                for start, end in spans:
                    s_start, s_end = sentence_bounds(text, start, end)
                    out.append(
                        Example(text[s_start:s_end], start - s_start, end - s_start, label, "fixtures",
                                group=f"{doc_id}\t{row.get('entity')}")
                    )
    return out or None


def load_finance_dev(path: Path) -> Optional[list[Example]]:
    """The finance dev articles (``corpus/sentiment/finance_dev.jsonl``) as mention-level examples.

    Hand-written articles for choosing training settings, kept apart from the
    fixtures (the held-out test). Each line: ``id``, ``text`` and
    ``sentiment: [{"entity", "label", "aliases": [...]}]``. Every occurrence of
    an alias (longest first, so ``Siemens`` inside ``Siemens Energy`` is not
    counted; a genitive ``s`` may follow: ``SAPs``) is a mention, scored in its
    sentence against the entity's article-level label, grouped per (article,
    entity) like :func:`load_finance_fixtures`.

    Returns:
        The examples, or ``None`` when the file is absent.
    """
    import re

    if not path.is_file():
        return None
    out: list[Example] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        doc = json.loads(line)
        text, doc_id = doc["text"], str(doc.get("id", n))
        found: list[tuple[int, int, dict]] = []
        for row in doc["sentiment"]:
            for alias in row.get("aliases") or [row["entity"]]:
                for m in re.finditer(rf"(?<![\w]){re.escape(alias)}(?=s?(?![A-Za-zÄÖÜäöüß]))", text):
                    found.append((m.start(), m.end(), row))
        taken: list[tuple[int, int]] = []
        for start, end, row in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            s_start, s_end = sentence_bounds(text, start, end)
            out.append(Example(text[s_start:s_end], start - s_start, end - s_start, row["label"], "finance_dev",
                               group=f"{doc_id}\t{row['entity']}"))
        missing = {r["entity"] for r in doc["sentiment"]} - {e.group.split("\t")[1] for e in out if e.group.startswith(f"{doc_id}\t")}
        if missing:
            raise ValueError(f"{path}: article {doc_id}: no mention of {sorted(missing)}")
    return out


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The line/sentence around ``[start, end)``: cut at newlines and at ``. `` / ``! `` / ``? ``.

    A stand-in for the nlp stage's sentence rules when only raw text and offsets
    are given (fixtures, ``finnews sentiment`` input).
    """
    import re

    boundary = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"»«])|\n+")
    s_start, s_end = 0, len(text)
    for m in boundary.finditer(text):
        if m.end() <= start:
            s_start = m.end()
        elif m.start() >= end:
            s_end = m.start()
            break
    return s_start, s_end
