"""The batch job and the CLI: output files, exit codes, resume, bad input accounting."""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
import yaml
from spacy.language import Language
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import Config, NlpConfig, SentimentConfig
from pipeline.export import OUTPUT_FILES
from pipeline.records import CorpusEntity
from pipeline.runner import PARTIAL_DIR, RunResult, Stages, print_summary, run_pipeline

OUTPUTS = [
    "documents.jsonl", "entity_sentiment.csv", "claims.csv", "quotes.csv", "figures.csv",
    "corpus_entities.csv", "errors.csv", "run.json",
]
ARTICLES = {
    "markt.txt": "Dax schließt schwächer\n\nDer Dax fiel am Montag um 1,2 %. Händler nannten Gewinnmitnahmen.",
    "sap.txt": "SAP hebt Prognose an\n\nSAP erhöhte die Prognose. Die Aktie stieg um 4 %.",
    "bayer.md": "# Bayer unter Druck\n\nBayer verlor nach einem Urteil **deutlich**.",
    "zins.txt": "EZB senkt Zinsen\n\nDie EZB senkte den Leitzins um 0,25 Prozentpunkte.",
}


@pytest.fixture(scope="module")
def light_config() -> Config:
    """A fast pipeline (no models): the spine is what these tests check."""
    return Config(
        nlp=NlpConfig(model="blank:de", components={"finnews_sentences": {}}),
        sentiment=SentimentConfig(enabled=False),
    )


@pytest.fixture(scope="module")
def stages(light_config: Config) -> Stages:
    return Stages.from_config(light_config)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def light_config_file(tmp_path: Path) -> Path:
    path = tmp_path / "light.yaml"
    path.write_text(yaml.safe_dump({"nlp": {"model": "blank:de", "components": {"finnews_sentences": {}}},
                                    "sentiment": {"enabled": False}}), encoding="utf-8")
    return path


def _outputs(out: Path) -> dict[str, str]:
    return {name: (out / name).read_text(encoding="utf-8") for name in OUTPUTS if name != "run.json"}


def test_run_writes_every_output_file(corpus: Path, tmp_path: Path, light_config: Config, stages: Stages) -> None:
    out = tmp_path / "out"
    result = run_pipeline([corpus], out, light_config, stages=stages)
    assert not result.failed
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    assert not (out / PARTIAL_DIR).exists()
    docs = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["article_id"] for d in docs] == ["bayer", "markt", "sap", "zins"]
    for doc in docs:
        for key in ("article_id", "source_path", "title", "sha256", "text", "entities", "percentages", "money", "quotes", "claims"):
            assert key in doc
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["articles"] == 4 and run["counts"]["errors"] == 0
    assert {"ingest", "nlp", "aggregate"} <= set(run["timings_seconds"])
    assert run["finnews_version"] and run["config"]["nlp"]["model"] == "blank:de"
    header = next(csv.reader((out / "entity_sentiment.csv").open(encoding="utf-8")))
    assert header[:14] == ["article_id", "entity", "entity_type", "ticker", "isin", "exchange", "listed", "mentions",
                           "claims", "positive", "neutral", "negative", "sentiment_score", "sentiment_label"]


def test_every_input_accounted_for(corpus: Path, tmp_path: Path, light_config: Config, stages: Stages, data_dir: Path) -> None:
    for name in ("empty.txt", "binary.txt", "mixed.jsonl", "broken.json"):
        shutil.copy(data_dir / "broken" / name, corpus / name)
    shutil.copy(corpus / "sap.txt", corpus / "zz-sap-kopie.txt")
    out = tmp_path / "out"
    result = run_pipeline([corpus], out, light_config, stages=stages)
    assert result.failed
    docs = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    errors = list(csv.DictReader((out / "errors.csv").open(encoding="utf-8")))
    by_file = {}
    for row in errors:
        by_file.setdefault(Path(row["source_path"]).name, []).append(row["reason"])
    assert set(by_file) == {"empty.txt", "binary.txt", "mixed.jsonl", "broken.json", "zz-sap-kopie.txt"}
    assert by_file["zz-sap-kopie.txt"][0].startswith("duplicate of sap")
    # 4 good articles + 2 good JSONL records; 3 bad JSONL lines, 3 bad files, 1 duplicate
    assert len(docs) == 6 and len(errors) == 7
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["errors"] == 6 and run["counts"]["duplicates"] == 1


def test_resume_reuses_documents_and_yields_same_files(corpus: Path, tmp_path: Path, light_config: Config, stages: Stages) -> None:
    full = tmp_path / "full"
    run_pipeline([corpus], full, light_config, stages=stages)

    # An interrupted run: two articles done, the last partial line cut off mid-write.
    out = tmp_path / "resumed"
    first = run_pipeline([corpus / "sap.txt", corpus / "markt.txt"], out, light_config, stages=stages)
    partial = out / PARTIAL_DIR
    partial.mkdir()
    (partial / "state.json").write_text((out / "run.json").read_text(encoding="utf-8"), encoding="utf-8")
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    (partial / "documents.jsonl").write_text(lines[0] + "\n" + lines[1][:40], encoding="utf-8")
    (out / "documents.jsonl").unlink()
    assert len(first.documents) == 2

    result = run_pipeline([corpus], out, light_config, stages=stages, resume=True)
    assert result.resumed == 1
    assert _outputs(out) == _outputs(full)


def test_resume_ignores_other_configuration(corpus: Path, tmp_path: Path, light_config: Config, stages: Stages) -> None:
    out = tmp_path / "out"
    run_pipeline([corpus], out, light_config, stages=stages)
    other = light_config.model_copy(update={"aggregate": light_config.aggregate.model_copy(update={"positive_threshold": 0.5})})
    result = run_pipeline([corpus], out, other, stages=stages, resume=True)
    assert result.resumed == 0


runner = CliRunner()


def test_cli_exit_codes(corpus: Path, tmp_path: Path, light_config_file: Path, data_dir: Path) -> None:
    ok = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "ok"), "--config", str(light_config_file)])
    assert ok.exit_code == 0, ok.output
    assert "4 articles from 4 files" in ok.stdout
    shutil.copy(data_dir / "broken" / "empty.txt", corpus / "empty.txt")
    partial = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "p"), "--config", str(light_config_file)])
    assert partial.exit_code == 1
    missing = runner.invoke(app, ["run", str(tmp_path / "nope"), "--out", str(tmp_path / "m")])
    assert missing.exit_code == 2
    no_out = runner.invoke(app, ["run", str(corpus)])
    assert no_out.exit_code == 2
    bad_cfg = tmp_path / "bad.yaml"
    bad_cfg.write_text("nlp:\n  modle: blank:de\n", encoding="utf-8")
    typo = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "t"), "--config", str(bad_cfg)])
    assert typo.exit_code == 2
    unknown_profile = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "u"), "--config",
                                          str(light_config_file), "--profile", "nope"])
    assert unknown_profile.exit_code == 2


def test_cli_glob_and_no_summary(corpus: Path, tmp_path: Path, light_config_file: Path) -> None:
    result = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "g"), "--glob", "*.md", "--no-summary",
                                 "--config", str(light_config_file)])
    assert result.exit_code == 0 and result.stdout == ""
    docs = (tmp_path / "g" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(d)["article_id"] for d in docs] == ["bayer"]


def test_python_dash_m_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "run" in proc.stdout
    version = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, timeout=120)
    assert version.stdout.startswith("finnews ")


def test_summary_table_lists_companies_only() -> None:
    def row(name: str, listed: Optional[bool], ticker: Optional[str] = None) -> CorpusEntity:
        return CorpusEntity(key=name, entity=name, entity_type="ORG", ticker=ticker, isin=None, listed=listed,
                            articles=1, mentions=1, claims=0, positive=0, neutral=0, negative=0,
                            mean_score=None, sentiment_label=None)

    result = RunResult(documents=[], entity_rows=[], errors=[], duplicates=[], files=1,
                       corpus=[row("Nvidia", True, "NVDA"), row("DeepSeek", False), row("Bundeswehr", None)])
    stream = io.StringIO()
    print_summary(result, stream)
    table = stream.getvalue()
    assert "NVDA" in table and "DeepSeek" in table and "not listed" in table
    assert "Bundeswehr" not in table


@pytest.mark.parametrize("inside", ["out", ""])
def test_outputs_of_an_earlier_run_are_not_read_as_articles(corpus: Path, light_config: Config, stages: Stages,
                                                            inside: str) -> None:
    # --out inside (or equal to) the input folder: documents.jsonl and run.json are .jsonl/.json files.
    out = corpus / inside if inside else corpus
    first = run_pipeline([corpus], out, light_config, stages=stages)
    assert {p.name for p in out.iterdir() if p.suffix not in (".txt", ".md")} == set(OUTPUT_FILES)
    second = run_pipeline([corpus], out, light_config, stages=stages)
    assert not second.failed and not second.duplicates, second.errors + second.duplicates
    assert second.files == first.files == 4 and len(second.documents) == 4


def test_cli_out_that_is_a_file_is_a_usage_error(corpus: Path, tmp_path: Path, light_config_file: Path) -> None:
    out = tmp_path / "taken"
    out.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["run", str(corpus), "--out", str(out), "--config", str(light_config_file)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.exception
    assert out.read_text(encoding="utf-8") == "not a folder"
    nested = runner.invoke(app, ["run", str(corpus), "--out", str(out / "sub"), "--config", str(light_config_file)])
    assert nested.exit_code == 2 and isinstance(nested.exception, SystemExit), nested.exception


def test_cli_sentiment_never_overwrites_its_input_and_checks_the_out_folder(tmp_path: Path) -> None:
    # Opening --out for writing first would empty the input before a line is read.
    lines = json.dumps({"id": 1, "text": "SAP hebt die Prognose an.", "target": "SAP"}) + "\n"
    path = tmp_path / "in.jsonl"
    path.write_text(lines, encoding="utf-8")
    same = runner.invoke(app, ["sentiment", str(path), "--out", str(path)])
    assert same.exit_code == 2 and path.read_text(encoding="utf-8") == lines
    (tmp_path / "link.jsonl").symlink_to(path)
    linked = runner.invoke(app, ["sentiment", str(path), "--out", str(tmp_path / "link.jsonl")])
    assert linked.exit_code == 2 and path.read_text(encoding="utf-8") == lines
    no_folder = runner.invoke(app, ["sentiment", str(path), "--out", str(tmp_path / "nope" / "out.jsonl")])
    assert no_folder.exit_code == 2 and isinstance(no_folder.exception, SystemExit), no_folder.exception


# A real spaCy component that fails on one article, as a buggy component or a pathological text would.
MARKER = "KAPUTT"


@Language.factory("finnews_test_fail_on_marker")
def _fail_on_marker(nlp: Language, name: str):
    def component(doc):
        if MARKER in doc.text:
            raise ValueError(f"cannot handle {MARKER}")
        return doc

    return component


FAILING_COMPONENTS = {"finnews_sentences": {}, "fail_on_marker": {"factory": "finnews_test_fail_on_marker"}}


def test_an_article_that_makes_a_stage_raise_fails_alone(corpus: Path, tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    (corpus / "kaputt.txt").write_text(f"Ein Artikel\n\nDieser Text ist {MARKER}.", encoding="utf-8")
    cfg = Config(nlp=NlpConfig(model="blank:de", components=FAILING_COMPONENTS), sentiment=SentimentConfig(enabled=False))
    out = tmp_path / "out"
    with caplog.at_level(logging.DEBUG, logger="pipeline.runner"):
        result = run_pipeline([corpus], out, cfg)
    assert result.failed
    docs = [json.loads(line)["article_id"] for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert docs == ["bayer", "markt", "sap", "zins"]  # the chunk's other articles are kept
    (error,) = list(csv.DictReader((out / "errors.csv").open(encoding="utf-8")))
    assert Path(error["source_path"]).name == "kaputt.txt" and error["record"] == "kaputt"
    assert error["reason"] == f"nlp stage failed: ValueError: cannot handle {MARKER}"  # no traceback in the CSV
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["errors"] == 1 and run["counts"]["articles"] == 4
    assert run["failed_articles"] == [{"article_id": "kaputt", "source_path": error["source_path"], "stage": "nlp",
                                       "error": f"ValueError: cannot handle {MARKER}"}]
    assert any(r.levelno == logging.DEBUG and r.exc_info for r in caplog.records)  # the traceback, for -vv
    cli_cfg = tmp_path / "failing.yaml"
    cli_cfg.write_text(yaml.safe_dump({"nlp": {"model": "blank:de", "components": FAILING_COMPONENTS},
                                       "sentiment": {"enabled": False}}), encoding="utf-8")
    cli = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "cli"), "--config", str(cli_cfg)])
    assert cli.exit_code == 1 and isinstance(cli.exception, SystemExit), cli.exception
    assert "4 articles from 5 files (1 failed" in cli.stdout
