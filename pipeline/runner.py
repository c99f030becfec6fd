"""The batch job behind ``finnews run``: ingest -> nlp -> sentiment -> link -> aggregate -> export.

Articles are processed in chunks; after each chunk the finished documents are
appended to ``OUT/.partial/documents.jsonl``, so ``--resume`` after a crash or
Ctrl-C reuses them (matched by the SHA-256 of the text, and only when the
configuration and models are the same). The final files are written at the end
from all documents, in input order, so a resumed run writes the same files as an
uninterrupted one (``run.json`` differs only in timings and the resume count).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, TextIO

from tqdm import tqdm

from pipeline import __version__
from pipeline.aggregate import aggregate_corpus, aggregate_document
from pipeline.config import Config
from pipeline.export import OUTPUT_FILES, document_from_json, document_to_json, format_table, write_outputs
from pipeline.hashing import directory_sha256
from pipeline.ingest import ingest
from pipeline.link import LinkStage
from pipeline.nlp import NlpStage
from pipeline.records import Article, CorpusEntity, Document, EntitySentiment, IngestError

log = logging.getLogger(__name__)

PARTIAL_DIR = ".partial"
CHUNK_SIZE = 32


@dataclass
class Stages:
    """The model-backed stages, built once per run."""

    nlp: NlpStage
    sentiment: Optional[Any] = None
    link: Optional[Any] = None

    @classmethod
    def from_config(cls, cfg: Config) -> "Stages":
        nlp = NlpStage.from_config(cfg)
        sentiment = None
        if cfg.sentiment.enabled:
            from pipeline.sentiment import SentimentStage

            sentiment = SentimentStage.from_config(cfg)
        return cls(nlp=nlp, sentiment=sentiment, link=LinkStage.from_config(cfg))

    def describe(self) -> dict[str, Any]:
        nlp = self.nlp.nlp
        info: dict[str, Any] = {
            "nlp": {
                "model": nlp.meta.get("name", ""),
                "version": nlp.meta.get("version", ""),
                "pipeline": list(nlp.pipe_names),
            }
        }
        if self.nlp.model_path is not None:
            info["nlp"]["path"] = str(self.nlp.model_path)
            info["nlp"]["sha256"] = directory_sha256(self.nlp.model_path)
        if self.sentiment is not None:
            info["sentiment"] = self.sentiment.describe()
        if self.link is not None:
            info["link"] = self.link.describe()
        return info


@dataclass
class RunResult:
    documents: list[Document]
    entity_rows: list[EntitySentiment]
    corpus: list[CorpusEntity]
    errors: list[IngestError]
    duplicates: list[IngestError]
    files: int
    resumed: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    out: Optional[Path] = None

    @property
    def failed(self) -> bool:
        """True when some input could not be processed (duplicates are not failures)."""
        return bool(self.errors)


class StageError(Exception):
    """A stage raised while processing articles; ``stage`` names it, the original is the ``__cause__``."""

    def __init__(self, stage: str, exc: BaseException):
        self.stage = stage
        self.error = f"{type(exc).__name__}: {exc}"
        super().__init__(f"{stage} stage failed: {self.error}")


@contextmanager
def _stage(name: str, timings: dict[str, float]) -> Iterator[None]:
    """Time one stage and name it in any exception it raises (for errors.csv)."""
    t = time.perf_counter()
    try:
        yield
    except Exception as exc:
        raise StageError(name, exc) from exc
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t


def process_articles(
    articles: Iterable[Article],
    cfg: Config,
    stages: Optional[Stages] = None,
    timings: Optional[dict[str, float]] = None,
) -> list[Document]:
    """Run nlp -> sentiment -> link over articles in memory and return their documents.

    Args:
        articles: ingested articles.
        cfg: the configuration.
        stages: prebuilt stages (built from ``cfg`` when ``None``).
        timings: if given, seconds spent per stage are added to it.

    Raises:
        StageError: a stage raised; it names the stage and chains the original exception.
    """
    stages = stages or Stages.from_config(cfg)
    timings = timings if timings is not None else defaultdict(float)
    articles = list(articles)
    with _stage("nlp", timings):
        documents = list(stages.nlp.process(articles))
    if stages.sentiment is not None:
        with _stage("sentiment", timings):
            stages.sentiment.score_documents(documents)
    if stages.link is not None:
        with _stage("link", timings):
            for document in documents:
                stages.link.link_document(document)
    return documents


def _process_isolated(
    chunk: list[Article], cfg: Config, stages: Stages, timings: dict[str, float], failures: list[IngestError]
) -> list[Document]:
    """Process a chunk; when it raises, retry its articles one by one so one bad article fails alone.

    The happy path is one batched call; only a failing chunk pays for the retries.
    Articles that fail on their own are added to ``failures`` (stage and message;
    the traceback goes to the debug log).
    """
    try:
        return process_articles(chunk, cfg, stages, timings)
    except StageError as exc:
        if len(chunk) == 1:
            failed = [(chunk[0], exc)]
            documents: list[Document] = []
        else:
            log.info("%s; retrying its %d articles one by one", exc, len(chunk))
            failed, documents = [], []
            for article in chunk:
                try:
                    documents += process_articles([article], cfg, stages, timings)
                except StageError as one:
                    failed.append((article, one))
    for article, error in failed:
        log.warning("article %s (%s) not processed: %s", article.article_id, article.source_path, error)
        log.debug("traceback of the failure in %s", article.article_id, exc_info=error.__cause__)
        failures.append(IngestError(article.source_path, article.article_id, str(error), stage=error.stage))
    return documents


def fingerprint(cfg: Config, models: dict[str, Any]) -> str:
    """A hash of everything that changes results: config, models, version."""
    payload = json.dumps(
        {"version": __version__, "config": cfg.model_dump(mode="json"), "models": models},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _load_partial(out: Path, expected: str) -> dict[str, Document]:
    """Documents of an interrupted or earlier run in ``out``, keyed by sha256, if its fingerprint matches."""
    partial = out / PARTIAL_DIR
    state_path = partial / "state.json"
    sources = [partial / "documents.jsonl", out / "documents.jsonl"]
    state_file = state_path if state_path.exists() else out / "run.json"
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    if state.get("fingerprint") != expected:
        log.warning("--resume: the previous run in %s used another configuration or model; starting over", out)
        return {}
    found: dict[str, Document] = {}
    for path in sources:
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    document = document_from_json(json.loads(line))
                except (json.JSONDecodeError, TypeError, KeyError):
                    continue  # a line cut off by the interruption
                found.setdefault(document.article.sha256, document)
    return found


def run_pipeline(
    inputs: list[Path],
    out: Path,
    cfg: Config,
    globs: Iterable[str] = (),
    resume: bool = False,
    stages: Optional[Stages] = None,
) -> RunResult:
    """Run the whole job over ``inputs`` and write the output files into ``out``."""
    timings: dict[str, float] = defaultdict(float)
    started = time.time()
    t = time.perf_counter()
    # An earlier run's documents.jsonl and run.json in an input folder are no articles.
    report = ingest(inputs, cfg.ingest, globs, exclude=[out / name for name in OUTPUT_FILES])
    timings["ingest"] = time.perf_counter() - t
    log.info("%d files: %d articles, %d errors, %d duplicates", report.files, len(report.articles),
             len(report.errors), len(report.duplicates))

    stages = stages or Stages.from_config(cfg)
    models = stages.describe()
    run_fingerprint = fingerprint(cfg, models)
    out.mkdir(parents=True, exist_ok=True)
    previous = _load_partial(out, run_fingerprint) if resume else {}
    partial = out / PARTIAL_DIR
    partial.mkdir(exist_ok=True)
    (partial / "state.json").write_text(json.dumps({"fingerprint": run_fingerprint}), encoding="utf-8")
    partial_docs = partial / "documents.jsonl"
    done: dict[str, Document] = {}
    failures: list[IngestError] = []  # articles a stage raised on
    resumed = 0
    with partial_docs.open("w", encoding="utf-8") as sink:
        todo = []
        for article in report.articles:
            old = previous.get(article.sha256)
            if old is not None:
                old.article = article  # same text, so every offset still holds
                done[article.sha256] = old
                resumed += 1
                sink.write(json.dumps(document_to_json(old), ensure_ascii=False) + "\n")
            else:
                todo.append(article)
        sink.flush()
        if resumed:
            log.info("--resume: reusing %d documents from %s", resumed, out)
        with tqdm(total=len(todo), desc="articles", unit="art", file=sys.stderr, disable=None) as bar:
            for i in range(0, len(todo), CHUNK_SIZE):
                chunk = todo[i : i + CHUNK_SIZE]
                for document in _process_isolated(chunk, cfg, stages, timings, failures):
                    done[document.article.sha256] = document
                    sink.write(json.dumps(document_to_json(document), ensure_ascii=False) + "\n")
                sink.flush()
                bar.update(len(chunk))

    documents = [done[a.sha256] for a in report.articles if a.sha256 in done]
    errors = report.errors + failures
    t = time.perf_counter()
    entity_rows = [row for d in documents for row in aggregate_document(d, cfg.aggregate)]
    corpus = aggregate_corpus(documents, cfg.aggregate)
    timings["aggregate"] = time.perf_counter() - t
    result = RunResult(
        documents=documents,
        entity_rows=entity_rows,
        corpus=corpus,
        errors=errors,
        duplicates=report.duplicates,
        files=report.files,
        resumed=resumed,
        timings=dict(timings),
        out=out,
    )
    t = time.perf_counter()
    run_info = run_summary(result, cfg, models, run_fingerprint, started)
    write_outputs(out, documents, entity_rows, corpus, errors + report.duplicates, run_info,
                  cfg.export.csv_formula_prefix)
    timings["export"] = time.perf_counter() - t
    shutil.rmtree(partial, ignore_errors=True)
    result.timings = dict(timings)
    return result


def run_summary(result: RunResult, cfg: Config, models: dict[str, Any], run_fingerprint: str, started: float) -> dict[str, Any]:
    """The content of ``run.json``."""
    docs = result.documents
    return {
        "finnews_version": __version__,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 3),
        "fingerprint": run_fingerprint,
        "config": cfg.model_dump(mode="json"),
        "models": models,
        "counts": {
            "files": result.files,
            "articles": len(docs),
            "errors": len(result.errors),
            "duplicates": len(result.duplicates),
            "resumed": result.resumed,
            "entities": sum(len(d.entities) for d in docs),
            "mentions": sum(len(d.mentions) for d in docs),
            "claims": sum(len(d.claims) for d in docs),
            "quotes": sum(len(d.quotes) for d in docs),
            "percentages": sum(1 for d in docs for f in d.figures if f.kind == "percent"),
            "money": sum(1 for d in docs for f in d.figures if f.kind == "money"),
        },
        "failed_articles": [
            {"article_id": e.record, "source_path": e.source_path, "stage": e.stage, "error": e.reason.partition(": ")[2]}
            for e in result.errors if e.stage
        ],
        "timings_seconds": {k: round(v, 3) for k, v in result.timings.items()},
    }


def print_summary(result: RunResult, stream: TextIO, limit: int = 25) -> None:
    """Print the companies found, with their links and sentiment, as a table.

    Organisations that are no company (``listed`` is ``None``: the EZB, a union)
    stay in ``corpus_entities.csv`` but not in this table of companies.
    """
    companies = [r for r in result.corpus if r.entity_type == "ORG" and r.listed is not None]
    rows = [
        [r.entity, r.ticker or ("not listed" if r.listed is False else ""), r.isin or "", r.articles, r.mentions,
         r.claims, r.mean_score, r.sentiment_label]
        for r in companies[:limit]
    ]
    stream.write(format_table(["company", "ticker", "isin", "articles", "mentions", "claims", "score", "sentiment"], rows))
    if len(companies) > limit:
        stream.write(f"... and {len(companies) - limit} more in corpus_entities.csv\n")
    docs = result.documents
    stream.write(
        f"\n{len(docs)} articles from {result.files} files"
        f" ({len(result.errors)} failed, {len(result.duplicates)} duplicates skipped"
        + (f", {result.resumed} resumed" if result.resumed else "")
        + f"); {sum(len(d.claims) for d in docs)} claims, {sum(len(d.quotes) for d in docs)} quotes,"
        f" {sum(len(d.figures) for d in docs)} figures"
        + (f"; outputs in {result.out}" if result.out else "")
        + "\n"
    )
    if result.errors:
        stream.write(f"failed inputs are listed in {result.out}/errors.csv\n" if result.out else "")
