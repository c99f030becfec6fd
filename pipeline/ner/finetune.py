"""Fine-tune multilingual-e5-small for BIO token classification (the accurate profile's NER).

A short training loop over a ``datasets.Dataset``:

* words are the finance tokenizer's tokens of the NER ``DocBin`` sentences
  (:mod:`pipeline.ner.dataset`), so spans line up with spaCy tokens; each word's
  first sub-piece carries its BIO tag, the other pieces and unannotated words
  (SmartData routes) are ignored by the loss; a sentence longer than
  ``max_length`` sub-pieces is cut into windows;
* ``method="lora"``: LoRA adapters (rank ``lora_r``) on every attention and
  feed-forward matrix of all 12 layers, the tag layer trained in full;
  ``method="full"``: every weight except the word embeddings (250k x 384, three
  quarters of the model, and the part that would make the shipped file big);
* corpora without a MISC class (SmartData, Europeana; HIPE's is only products) do not say that a word
  is no MISC: there an ``O`` word only means "not ORG, PER or LOC", so the loss
  takes ``O``, ``B-MISC`` and ``I-MISC`` together as right (``misc_open``).
  Otherwise their many "O" currencies and products (``Euro``, ``iPhone``),
  which GermEval tags OTH, teach the model never to say MISC;
* AdamW, linear warm-up and decay, batches of sentences of similar length;
* after each epoch the model tags the dev sentences and the epoch with the best
  strict span F1 (all labels) is kept (:func:`save_weights`).

Device and threads: training runs on ``device`` (``cpu`` by default; ``cuda`` or
``auto`` on a GPU) with ``threads`` torch threads. This module imports no spaCy:
``python -m pipeline.ner.finetune`` trains from sentences exported by
``finnews train ner --accurate --export-sentences DIR`` on a machine without
spaCy or the corpora (see :mod:`pipeline.ner.sweep`).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from pipeline.model_loading import torch_device
from pipeline.ner import LABELS
from pipeline.ner.scoring import SpanScorer
from pipeline.ner.tagger import (
    ADAPTER_CONFIG,
    FULL_WEIGHTS,
    IGNORE,
    SETTINGS_FILE,
    TAGS,
    WordTagger,
    decode,
    split_by_pieces,
    token_classifier,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

METHODS = ("lora", "full")
# Corpora whose annotation has no MISC class, or (HIPE: products only) a narrower one than
# GermEval's OTH (see pipeline.ner.corpora): their O may be MISC.
SOURCES_WITHOUT_MISC = ("smartdata", "europeana", "ler", "hipe")
# Label id of such an O in the training windows: O, B-MISC or I-MISC are all right there.
O_OR_MISC = len(TAGS)
_O_OR_MISC_TAGS = [TAGS.index("O"), TAGS.index("B-MISC"), TAGS.index("I-MISC")]
# Every Linear layer of a BERT layer: query/key/value and the three "dense" ones
# (attention output, intermediate, output). The tag layer is "classifier".
LORA_TARGETS = ["query", "key", "value", "dense"]


@dataclass
class FinetuneSettings:
    """Hyper-parameters of one fine-tuning run (``ner_training.accurate_*`` in the config; same defaults)."""

    method: str = "lora"
    epochs: int = 8
    learning_rate: float = 3e-4
    batch_size: int = 16
    max_length: int = 128
    lora_r: int = 32
    lora_alpha: int = 64
    lora_dropout: float = 0.1
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    seed: int = 13
    threads: int = 2
    misc_open: bool = True
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")


@dataclass
class TaggedSentence:
    """A sentence as words with BIO tag ids (:data:`~pipeline.ner.transformer.IGNORE` where unannotated).

    ``no_misc``: the sentence comes from a corpus without a MISC class, so its
    ``O`` words may be MISC.
    """

    words: list[str]
    tags: list[int]
    no_misc: bool = False


@dataclass
class FinetuneResult:
    """What a run produced: the weights directory, dev scores per epoch, the best epoch and the time taken."""

    weights_dir: Path
    history: list[dict] = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0


def tagged_sentences(docs: Sequence[Doc]) -> list[TaggedSentence]:
    """Words and gold tags of annotated ``Doc``\\ s (whitespace tokens dropped, empty docs skipped)."""
    from pipeline.ner.transformer import gold_tags, word_tokens

    result = []
    for doc in docs:
        indices = word_tokens(doc)
        if indices:
            source = str(doc.user_data.get("source", ""))
            result.append(TaggedSentence([doc[i].text for i in indices], gold_tags(doc, indices),
                                         no_misc=source.startswith(SOURCES_WITHOUT_MISC)))
    return result


def write_tagged(path: Path, sentences: Sequence[TaggedSentence]) -> Path:
    """Write sentences as JSON lines ``{"words", "tags", "no_misc"}`` (``.gz`` when the name ends so).

    Such a file carries a training or dev split to a machine without spaCy
    (``python -m pipeline.ner.finetune``).
    """
    import gzip

    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as f:
        for s in sentences:
            f.write(json.dumps(asdict(s), ensure_ascii=False) + "\n")
    return path


def read_tagged(path: Path) -> list[TaggedSentence]:
    """Sentences written by :func:`write_tagged`.

    Raises:
        ValueError: a line is not a tagged sentence (its number is named).
    """
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    result = []
    with opener(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                sentence = TaggedSentence([str(w) for w in data["words"]], [int(t) for t in data["tags"]],
                                          bool(data.get("no_misc", False)))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a tagged sentence ({exc})") from exc
            if len(sentence.words) != len(sentence.tags):
                raise ValueError(f"{path}:{number}: {len(sentence.words)} words but {len(sentence.tags)} tags")
            result.append(sentence)
    return result


def encode_sentences(sentences: Sequence[TaggedSentence], tokenizer, max_length: int = 128, misc_open: bool = True):
    """Tokenise sentences into a ``datasets.Dataset`` with ``input_ids`` and ``labels`` per window.

    The first sub-piece of a word gets its tag, the others ``IGNORE``; a
    sentence over ``max_length`` sub-pieces (special tokens included) becomes
    several windows, cut between words. With ``misc_open``, an ``O`` word of a
    ``no_misc`` sentence gets :data:`O_OR_MISC`.
    """
    from datasets import Dataset

    def encode(batch: dict) -> dict:
        enc = tokenizer(batch["words"], is_split_into_words=True, add_special_tokens=False)
        out: dict[str, list] = {"input_ids": [], "labels": []}
        for s, tags in enumerate(batch["tags"]):
            if misc_open and batch["no_misc"][s]:
                tags = [O_OR_MISC if t == 0 else t for t in tags]
            pieces: list[list[int]] = [[] for _ in tags]
            for piece, word_id in zip(enc["input_ids"][s], enc.word_ids(s)):
                if word_id is not None:
                    pieces[word_id].append(piece)
            for start, end in split_by_pieces([len(p) for p in pieces], max_length - 2):
                ids, labels = [tokenizer.cls_token_id], [IGNORE]
                for word in range(start, end):
                    word_pieces = pieces[word][: max_length - 1 - len(ids)]
                    ids.extend(word_pieces)
                    labels.extend([tags[word]] + [IGNORE] * (len(word_pieces) - 1) if word_pieces else [])
                ids.append(tokenizer.sep_token_id)
                labels.append(IGNORE)
                out["input_ids"].append(ids)
                out["labels"].append(labels)
        return out

    data = Dataset.from_dict({"words": [s.words for s in sentences], "tags": [s.tags for s in sentences],
                              "no_misc": [s.no_misc for s in sentences]})
    return data.map(encode, batched=True, remove_columns=["words", "tags", "no_misc"], desc="encode")


def tag_loss(logits, labels):
    """Mean cross-entropy over labelled positions; at :data:`O_OR_MISC` the probability of O, B-MISC and I-MISC together.

    Args:
        logits: ``(batch, length, n_tags)`` tensor.
        labels: ``(batch, length)`` tag ids, ``IGNORE`` or ``O_OR_MISC``.

    Returns:
        A scalar tensor.
    """
    import torch

    log_probs = torch.log_softmax(logits.float(), dim=-1).reshape(-1, logits.shape[-1])
    labels = labels.reshape(-1)
    exact = (labels != IGNORE) & (labels != O_OR_MISC)
    open_misc = labels == O_OR_MISC
    total = -log_probs[exact].gather(1, labels[exact, None]).sum()
    if open_misc.any():
        total = total - torch.logsumexp(log_probs[open_misc][:, _O_OR_MISC_TAGS], dim=1).sum()
    return total / (exact | open_misc).sum().clamp(min=1)


def length_grouped_batches(lengths: Sequence[int], batch_size: int, rng: np.random.Generator, group: int = 50) -> list[list[int]]:
    """Shuffled batches of indices whose lengths are close: shuffle, sort within groups of ``group`` batches, cut, shuffle the batches."""
    order = rng.permutation(len(lengths))
    batches = []
    span = batch_size * group
    for lo in range(0, len(order), span):
        chunk = sorted(order[lo : lo + span], key=lambda i: lengths[i])
        batches.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return [list(map(int, b)) for b in batches]


def prepare_model(base_dir: Path | str, settings: FinetuneSettings):
    """The token classifier to train: LoRA-wrapped, or with frozen word embeddings (``full``)."""
    model = token_classifier(base_dir)
    if settings.method == "lora":
        from peft import LoraConfig, get_peft_model

        config = LoraConfig(
            task_type="TOKEN_CLS", r=settings.lora_r, lora_alpha=settings.lora_alpha,
            lora_dropout=settings.lora_dropout, target_modules=LORA_TARGETS, modules_to_save=["classifier"],
        )
        model = get_peft_model(model, config)
    else:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    return model


def save_weights(model, out_dir: Path, settings: FinetuneSettings, extra: Optional[dict] = None) -> Path:
    """Save only what training changed, as read by :func:`pipeline.ner.transformer.load_token_model`.

    ``lora``: the ``peft`` adapter directory (adapters + tag layer). ``full``:
    every weight but the word embeddings in fp16 (``model.safetensors``) with
    the model's ``config.json``. Both get ``e5_ner.json`` (tags, settings).
    """
    import torch
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in (ADAPTER_CONFIG, "adapter_model.safetensors", FULL_WEIGHTS, "config.json"):
        (out_dir / stale).unlink(missing_ok=True)
    if settings.method == "lora":
        model.save_pretrained(str(out_dir))
        (out_dir / "README.md").unlink(missing_ok=True)  # peft's empty model-card template
        config_path = out_dir / ADAPTER_CONFIG
        adapter = json.loads(config_path.read_text(encoding="utf-8"))
        adapter["base_model_name_or_path"] = "e5-base"  # built by `finnews models build-base`; no local path
        config_path.write_text(json.dumps(adapter, indent=2) + "\n", encoding="utf-8")
    else:
        state = {
            k: v.detach().to(torch.float16).contiguous()
            for k, v in model.state_dict().items()
            if "word_embeddings" not in k and "position_ids" not in k
        }
        save_file(state, str(out_dir / FULL_WEIGHTS))
        model.config.save_pretrained(str(out_dir))
    info = {"tags": TAGS, "method": settings.method, "max_length": settings.max_length, "training": asdict(settings), **(extra or {})}
    (out_dir / SETTINGS_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out_dir


def score_sentences(tagger: WordTagger, sentences: Sequence[TaggedSentence]) -> SpanScorer:
    """Strict span P/R/F1 of ``tagger`` on gold sentences; predictions on unannotated words are not scored."""
    scorer = SpanScorer(LABELS)
    predicted = tagger.predict([s.words for s in sentences])
    for sentence, pred in zip(sentences, predicted):
        if sentence.no_misc:  # that corpus has no MISC class: MISC predictions are not scored
            pred = [p for p in pred if p[2] != "MISC"]
        gold = decode([0 if t == IGNORE else t for t in sentence.tags])
        unannotated = decode([1 if t == IGNORE else 0 for t in sentence.tags])  # runs of IGNORE as ranges
        scorer.add(gold, pred, ignore_ranges=[(s, e) for s, e, _ in unannotated])
    return scorer


def finetune(
    train: Sequence[TaggedSentence],
    dev: Sequence[TaggedSentence],
    base_dir: Path,
    out_dir: Path,
    settings: FinetuneSettings,
    checkpoint: Optional[Path] = None,
    extra: Optional[dict] = None,
) -> FinetuneResult:
    """Fine-tune the e5 base on ``train``, keep the epoch with the best dev F1 in ``out_dir``.

    Args:
        train: training sentences.
        dev: sentences to pick the epoch on (never the held-out sets).
        base_dir: the e5 base (``finnews models build-base``).
        out_dir: where :func:`save_weights` writes the best epoch.
        settings: hyper-parameters.
        checkpoint: a file to save the state to after each epoch and resume from.
        extra: more entries for the saved ``e5_ner.json`` (e.g. ``data``: the training data's statistics).

    Returns:
        A :class:`FinetuneResult`.
    """
    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    data = encode_sentences(train, tokenizer, settings.max_length, settings.misc_open)
    ids, labels = data["input_ids"], data["labels"]
    lengths = [len(x) for x in ids]
    device = torch_device(settings.device, "ner_training.accurate_device")
    model = prepare_model(base_dir, settings).to(device)
    decay = [p for n, p in model.named_parameters() if p.requires_grad and not _no_decay(n)]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and _no_decay(n)]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": settings.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=settings.learning_rate,
    )
    steps_per_epoch = -(-len(ids) // settings.batch_size)
    total = steps_per_epoch * settings.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(settings.warmup_ratio * total), total)
    result = FinetuneResult(weights_dir=out_dir)
    first_epoch = 0
    best = -1.0
    if checkpoint is not None and checkpoint.is_file():
        state = torch.load(checkpoint, map_location="cpu", weights_only=False)
        if state["settings"] == asdict(settings) and state["examples"] == len(ids):
            model.load_state_dict(state["model"], strict=False)
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
            first_epoch, result.history = state["epoch"], state["history"]
            best = max((h["dev_f1"] for h in result.history), default=-1.0)
            result.best_epoch = max(result.history, key=lambda h: h["dev_f1"])["epoch"] if result.history else 0
            log.info("resuming after epoch %d from %s", first_epoch, checkpoint)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log.info("fine-tuning (%s): %d windows, %d steps/epoch, %d trainable parameters", settings.method, len(ids), steps_per_epoch, trainable)
    for epoch in range(first_epoch, settings.epochs):
        rng = np.random.default_rng(settings.seed + epoch)
        model.train()
        losses = []
        epoch_start = time.perf_counter()
        bar = tqdm(length_grouped_batches(lengths, settings.batch_size, rng), desc=f"epoch {epoch + 1}", file=sys.stderr)
        for batch in bar:
            width = max(lengths[i] for i in batch)
            input_ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
            target = torch.full((len(batch), width), IGNORE, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, i in enumerate(batch):
                input_ids[row, : lengths[i]] = torch.tensor(ids[i])
                target[row, : lengths[i]] = torch.tensor(labels[i])
                mask[row, : lengths[i]] = 1
            logits = model(input_ids=input_ids.to(device), attention_mask=mask.to(device)).logits
            loss = tag_loss(logits, target.to(device))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
            if len(losses) % 50 == 0:
                bar.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}")
        model.eval()
        scorer = score_sentences(WordTagger(model, tokenizer, settings.max_length), dev)
        counts = scorer.counts
        entry = {
            "epoch": epoch + 1, "loss": round(float(np.mean(losses)), 4), "dev_f1": round(counts["ALL"].f1, 4),
            "dev_org_f1": round(counts["ORG"].f1, 4), "dev": scorer.as_dict(),
            "train_seconds": round(time.perf_counter() - epoch_start),
        }
        result.history.append(entry)
        log.info("epoch %d: loss %.4f, dev F1 %.4f (ORG %.4f), %d s", epoch + 1, entry["loss"], entry["dev_f1"],
                 entry["dev_org_f1"], entry["train_seconds"])
        if entry["dev_f1"] > best:
            best, result.best_epoch = entry["dev_f1"], epoch + 1
            save_weights(model, out_dir, settings,
                         {**(extra or {}), "best_epoch": epoch + 1, "history": _short(result.history)})
        else:
            _update_history(out_dir, result.history)
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            torch.save({"settings": asdict(settings), "examples": len(ids), "epoch": epoch + 1, "history": result.history,
                        "model": {k: v for k, v in model.state_dict().items() if "word_embeddings" not in k},
                        "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, checkpoint)
    result.seconds = time.perf_counter() - started
    return result


def _no_decay(name: str) -> bool:
    return name.endswith("bias") or "LayerNorm" in name


def _short(history: list[dict]) -> list[dict]:
    return [{k: v for k, v in h.items() if k != "dev"} for h in history]


def _update_history(out_dir: Path, history: list[dict]) -> None:
    path = out_dir / SETTINGS_FILE
    if path.is_file():
        info = json.loads(path.read_text(encoding="utf-8"))
        info["history"] = _short(history)
        path.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def settings_from_config(training: Any) -> FinetuneSettings:
    """:class:`FinetuneSettings` from ``cfg.ner_training`` (its ``accurate_*`` keys)."""
    values = {name: getattr(training, f"accurate_{name}") for name in FinetuneSettings.__dataclass_fields__}
    return FinetuneSettings(**values)


def parse_settings(pairs: Sequence[str], base: Optional[FinetuneSettings] = None) -> FinetuneSettings:
    """:class:`FinetuneSettings` with ``key=value`` overrides (``epochs=8``, ``method=full``, ``misc_open=false``).

    Raises:
        ValueError: an unknown key or a value of the wrong type.
    """
    values = asdict(base or FinetuneSettings())
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or key not in values:
            raise ValueError(f"--set {pair!r}: expected key=value with key one of {', '.join(values)}")
        kind = type(values[key])
        if kind is bool:
            if raw.lower() not in ("true", "false", "1", "0"):
                raise ValueError(f"--set {pair!r}: {key} is true or false")
            values[key] = raw.lower() in ("true", "1")
        else:
            try:
                values[key] = kind(raw)
            except ValueError as exc:
                raise ValueError(f"--set {pair!r}: {key} must be {kind.__name__}") from exc
    return FinetuneSettings(**values)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m pipeline.ner.finetune``: one fine-tuning run on exported sentences, without spaCy.

    The sentences come from ``finnews train ner --accurate --export-sentences DIR``;
    the best epoch's weights and ``e5_ner.json`` (settings, dev F1 per epoch) are
    written to ``--out``. ``finnews train ner --accurate`` runs the same loop on
    the corpora directly and also exports and evaluates the spaCy pipeline.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pipeline.ner.finetune", description=main.__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, required=True, help="tagged training sentences (.jsonl or .jsonl.gz)")
    parser.add_argument("--dev", type=Path, required=True, help="tagged dev sentences to keep the best epoch on")
    parser.add_argument("--base", type=Path, required=True, help="the e5 base directory (finnews models build-base)")
    parser.add_argument("--out", type=Path, required=True, help="where the best epoch's weights are written")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help=f"override a setting ({', '.join(FinetuneSettings.__dataclass_fields__)})")
    parser.add_argument("--max-train", type=int, help="use only the first N training sentences (smoke tests)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = parse_settings(args.sets)
        train, dev = read_tagged(args.train), read_tagged(args.dev)
    except (OSError, ValueError) as exc:
        log.error("%s", exc)
        return 2
    if args.max_train:
        train = train[: args.max_train]
    stats = args.train.parent / "stats.json"  # written beside the sentences by --export-sentences
    extra = {"data": json.loads(stats.read_text(encoding="utf-8"))} if stats.is_file() else None
    result = finetune(train, dev, args.base, args.out, settings, extra=extra)
    best = result.history[result.best_epoch - 1]
    sys.stdout.write(f"best epoch {result.best_epoch}: dev F1 {best['dev_f1']:.4f} (ORG {best['dev_org_f1']:.4f}), "
                     f"{result.seconds:.0f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
