"""The sentiment sweep runner: its settings file, command lines and ranking (no training here)."""

from __future__ import annotations

import json
import sys

import pytest

from pipeline.sentiment.model import ClassifierMeta
from pipeline.sentiment.sweep import SWEEP_CONFIG, load_sweep, read_result, run_sweep, train_command


def test_shipped_sweep_file_lists_the_recipe_first_and_only_known_settings():
    from pipeline.config import SentimentTrainConfig

    runs = load_sweep(SWEEP_CONFIG)
    assert next(iter(runs.items())) == ("base_s13", [])  # the shipped recipe as it is
    keys = set(SentimentTrainConfig.model_fields)
    for name, sets in runs.items():
        assert all("=" in s and s.split("=", 1)[0] in keys for s in sets), name


def test_bad_sweep_file_is_refused(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text("runs: [a, b]\n")
    with pytest.raises(ValueError, match="expected 'runs:'"):
        load_sweep(path)


def test_train_command_passes_device_and_settings(tmp_path):
    cmd = train_command("lr", ["learning_rate=2e-4", "seed=1"], tmp_path, "cuda", ["--max-train", "8"])
    assert cmd[:5] == [sys.executable, "-m", "pipeline", "train", "sentiment"]
    assert cmd[cmd.index("--out") + 1] == str(tmp_path / "lr" / "model")
    sets = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--set"]
    assert sets == ["device=cuda", "learning_rate=2e-4", "seed=1"]
    assert cmd[-2:] == ["--max-train", "8"]


def _finished(model_dir, history, best):
    model_dir.mkdir()
    ClassifierMeta(extra={"history": history, "best_epoch": best}).write(model_dir)


def test_runs_are_scored_on_the_kept_epoch_and_ranked(tmp_path):
    _finished(tmp_path / "a", [{"dev_macro_f1": 0.5, "finance_dev_accuracy": 0.7},
                               {"dev_macro_f1": 0.4, "finance_dev_accuracy": 0.9}], 1)
    _finished(tmp_path / "b", [{"dev_macro_f1": 0.52}], 1)
    a, b = read_result("a", tmp_path / "a", 10), read_result("b", tmp_path / "b", 10)
    assert (a.status, a.score, a.best_epoch) == ("done", 0.6, 1)
    assert b.score == 0.52  # no finance dev: GerNTSA alone
    assert read_result("c", tmp_path / "c", 1).status == "failed"


def test_a_failing_run_is_reported_and_the_sweep_still_ends(tmp_path):
    # A key the trainer does not know fails at once (no corpora needed): reported, not fatal.
    results = run_sweep({"bad": ["no_such_key=1"]}, tmp_path, "cpu", parallel=1, budget_s=300, start_margin_s=0)
    assert [(r.name, r.status) for r in results] == [("bad", "failed")]
    assert (tmp_path / "bad.log").read_text()
