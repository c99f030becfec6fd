"""``finnews evaluate`` end to end: output, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app

DATA = Path(__file__).parent / "data" / "evaluate"
runner = CliRunner()


def test_text_scorecard_shows_only_annotated_sections():
    result = runner.invoke(app, ["evaluate", str(DATA / "wikinews_mini.json"), "--baseline", "quote-marks", "--errors", "2"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Quote tokens F1 (direct)" in out and "## Quotations" in out
    assert "Entities" not in out and "Sentiment" not in out  # the Wikinews file annotates quotes only
    assert "Worst misses (2 of" in out and "missed indirect quote" in out


def test_json_to_stdout_carries_headlines_with_intervals():
    result = runner.invoke(
        app, ["evaluate", str(DATA / "wikinews_mini.json"), "--baseline", "quote-marks", "--json", "-", "--bootstrap", "50"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    card = data["scorecards"][0]
    assert card["format"] == "wikinews" and card["documents"] == 1
    direct = card["headlines"]["quotes.direct.f1"]
    # One document: every resample is that document, so the interval is the value itself.
    assert direct["value"] == 1.0 and direct["ci_low"] == direct["ci_high"] == 1.0
    assert card["sections"]["quotes"]["tokens"]["all"]["quote"]["tp"] == 4


def test_json_file_and_errors_listing(tmp_path):
    out = tmp_path / "score.json"
    result = runner.invoke(
        app, ["evaluate", str(DATA / "wikinews_mini.json"), "--baseline", "empty", "--json", str(out), "--errors", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "Scorecard:" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    errors = data["scorecards"][0]["sections"]["quotes"]["errors"]
    assert len(errors) == 1 and errors[0]["what"].startswith("missed")


def test_usage_errors_exit_2(tmp_path):
    assert runner.invoke(app, ["evaluate", str(tmp_path / "nope.jsonl")]).exit_code == 2
    assert runner.invoke(app, ["evaluate", str(DATA / "gold_small.jsonl"), "--format", "xml"]).exit_code == 2
    bad = tmp_path / "bad.jsonl"
    line = json.loads((DATA / "gold_small.jsonl").read_text(encoding="utf-8").splitlines()[0])
    line["entities"][0]["end"] += 2
    bad.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["evaluate", str(bad), "--baseline", "empty"]).exit_code == 2
    assert runner.invoke(app, ["evaluate", str(DATA / "gold_small.jsonl"), "--predictions", str(tmp_path / "run")]).exit_code == 2
    assert runner.invoke(app, ["evaluate", str(DATA / "gold_small.jsonl"), "--baseline", "magic"]).exit_code == 2


def test_tag_selection_then_limit():
    args = ["evaluate", str(DATA / "germeval_mini.tsv"), "--baseline", "empty", "--json", "-", "--bootstrap", "0"]
    news = json.loads(runner.invoke(app, args + ["--tag", "news"]).stdout)["scorecards"][0]
    assert news["documents"] == 1
    # Angela Merkel and Spiegel are the news sentence's two gold mentions.
    assert news["sections"]["entities"]["micro"]["strict"]["possible"] == 2
    both = json.loads(runner.invoke(app, args + ["--tag", "news", "--tag", "wikipedia", "--limit", "1"]).stdout)
    assert both["scorecards"][0]["documents"] == 1
