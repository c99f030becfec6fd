"""The sentiment stage with the shipped model: API, batching, CLI, loading of other models."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from pipeline.config import load_config
from pipeline.records import Article, Claim, Document
from pipeline.sentiment import SentimentStage, claim_item

CFG = load_config()
SHIPPED = CFG.resolve(CFG.sentiment.model)
pytestmark = pytest.mark.skipif(
    not (SHIPPED / "adapter_config.json").is_file(), reason="no trained model in models/sentiment"
)

NEGATIVE = [
    ("Nvidia etwa sackten im vorbörslichen US-Handel um 7,5 % auf knapp 132 US-Dollar ab.", "Nvidia"),
    ("Einer der größten Leidtragenden war Siemens Energy, die um bis zu 20 % abstürzten.", "Siemens Energy"),
    ("Der Autozulieferer Leoni hat Insolvenz angemeldet und streicht 2000 Stellen.", "Leoni"),
]
POSITIVE = [
    ("Die Aktie von SAP stieg nach starken Quartalszahlen um 9 % auf ein Rekordhoch.", "SAP"),
    ("Beiersdorf übertraf die Erwartungen deutlich und hob die Prognose für das Gesamtjahr an.", "Beiersdorf"),
]


@pytest.fixture(scope="module")
def stage():
    torch.set_num_threads(2)
    return SentimentStage.from_config(CFG)


def _items(pairs):
    return [(text, text.index(t), text.index(t) + len(t)) for text, t in pairs]


def test_predict_returns_calibrated_scores(stage):
    scores = stage.predict(_items(NEGATIVE + POSITIVE))
    assert len(scores) == len(NEGATIVE) + len(POSITIVE)
    for s in scores:
        total = s.p_positive + s.p_neutral + s.p_negative
        assert total == pytest.approx(1.0, abs=1e-4)
        assert s.score == max(s.p_positive, s.p_neutral, s.p_negative)
        assert s.label == max(("positive", "neutral", "negative"), key=lambda l: getattr(s, f"p_{l}"))


def test_clear_finance_news_gets_the_right_direction(stage):
    neg = stage.predict(_items(NEGATIVE))
    pos = stage.predict(_items(POSITIVE))
    assert all(s.p_negative > s.p_positive for s in neg), neg
    assert all(s.p_positive > s.p_negative for s in pos), pos


def test_batching_and_order_do_not_change_scores(stage):
    items = _items(NEGATIVE + POSITIVE)
    together = stage.predict(items)
    alone = [stage.predict([it])[0] for it in reversed(items)][::-1]
    for a, b in zip(together, alone):
        assert a.p_negative == pytest.approx(b.p_negative, abs=1e-4)
        assert a.label == b.label


def test_score_documents_fills_every_claim_across_documents(stage):
    docs = []
    for n, (text, target) in enumerate(NEGATIVE + POSITIVE):
        article_text = f"Überschrift {n}\n\n{text}"
        start = article_text.index(text)
        t = article_text.index(target, start)
        claim = Claim(f"c{n}", f"e{n}", target, text, start, start + len(text), t, t + len(target))
        docs.append(Document(article=Article(f"a{n}", "x.txt", "t", article_text, "0"), claims=[claim]))
    docs.append(Document(article=Article("empty", "y.txt", "t", "Nichts.", "0")))
    stage.score_documents(docs)
    labels = [d.claims[0].sentiment for d in docs if d.claims]
    assert all(s is not None for s in labels)
    direct = stage.predict(_items(NEGATIVE + POSITIVE))
    assert [s.label for s in labels] == [s.label for s in direct]


def test_claim_item_widens_to_include_the_target():
    text = "Nvidia: Die Aktie fiel um 7 %."
    claim = Claim("c", "e", "Nvidia", text, 8, len(text), 0, 6)
    item = claim_item(text, claim)
    assert item.text == text and item.text[item.target_start:item.target_end] == "Nvidia"


def test_describe_names_model_and_hashes(stage):
    info = stage.describe()
    assert info["model"] == CFG.sentiment.model
    assert len(info["model_sha256"]) == 64 and info["base_source_sha256"]
    json.dumps(info)


def test_cli_scores_jsonl_from_stdin(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    lines = [
        {"id": 1, "text": NEGATIVE[0][0], "target": "Nvidia"},
        {"id": 2, "text": POSITIVE[0][0], "target_start": POSITIVE[0][0].index("SAP"), "target_end": POSITIVE[0][0].index("SAP") + 3},
        {"id": 3, "text": "Kein Ziel hier.", "target": "Tesla"},
    ]
    stdin = "\n".join(json.dumps(l, ensure_ascii=False) for l in lines) + "\n"
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["sentiment", "-", "--out", str(out)], input=stdin)
    assert result.exit_code == 1  # one line could not be scored
    rows = [json.loads(l) for l in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[0]["label"] in ("positive", "neutral", "negative")
    assert rows[0]["p_negative"] > rows[0]["p_positive"]
    assert rows[1]["p_positive"] > rows[1]["p_negative"]
    assert "error" in rows[2] and "label" not in rows[2]
    assert sum(rows[0][k] for k in ("p_positive", "p_neutral", "p_negative")) == pytest.approx(1, abs=1e-3)


def test_cli_reads_bom_and_latin1_input_and_names_bad_lines(tmp_path, caplog, capsys):
    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.sentiment.jsonl import score_jsonl

    good = {"id": 1, "text": "Die Börse feiert: SAP steigt um 9 %.", "target": "SAP"}
    # A BOM (Windows editors write one) made the first line "invalid JSON".
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + (json.dumps(good, ensure_ascii=False) + "\n\n{kaputt\n").encode("utf-8"))
    out = tmp_path / "bom-out.jsonl"
    with caplog.at_level("WARNING"):
        result = CliRunner().invoke(app, ["sentiment", str(bom), "--out", str(out)])
    assert result.exit_code == 1, result.output  # the bad line, not the first one
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["label"] in ("positive", "neutral", "negative") and "error" in rows[1]
    assert any("line 3" in r.getMessage() for r in caplog.records), caplog.text  # which line to fix
    # latin-1 input (an export from a Windows tool) was a traceback.
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes((json.dumps(good, ensure_ascii=False) + "\n").encode("latin-1"))
    out = tmp_path / "latin-out.jsonl"
    result = CliRunner().invoke(app, ["sentiment", str(latin), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["text"] == good["text"] and "label" in row
    # A progress bar on stderr, as the runner has (shown on a terminal; forced here).
    capsys.readouterr()
    assert score_jsonl(str(latin), str(tmp_path / "p.jsonl"), CFG, progress=True) == 0
    assert "1/1" in capsys.readouterr().err


def test_any_sequence_classification_model_can_be_configured(tmp_path):
    """A plain HF model directory (here: a tiny BERT saved locally) loads instead of the adapter."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from pipeline.sentiment.model import SentimentClassifier

    tok = AutoTokenizer.from_pretrained(str(CFG.cache_dir / CFG.sentiment.base_model))
    cfg_small = BertConfig(vocab_size=tok.vocab_size + 40, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                           intermediate_size=64, num_labels=3, id2label={0: "POS", 1: "NEG", 2: "NEU"},
                           label2id={"POS": 0, "NEG": 1, "NEU": 2})
    BertForSequenceClassification(cfg_small).save_pretrained(tmp_path)
    tok.save_pretrained(tmp_path)
    clf = SentimentClassifier.from_config(CFG, model_ref=str(tmp_path))
    assert clf.order == [1, 2, 0]  # negative, neutral, positive
    probs = clf.probabilities(_items_as_target(NEGATIVE))
    assert probs.shape == (len(NEGATIVE), 3)
    assert np.allclose(probs.sum(1), 1, atol=1e-5)


def _items_as_target(pairs):
    from pipeline.sentiment.targets import TargetItem

    return [TargetItem(text, text.index(t), text.index(t) + len(t)) for text, t in pairs]


def test_loading_the_model_says_nothing_about_the_libraries(capsys):
    """No per-weight progress bar and no peft/transformers deprecation notice while loading,
    and transformers' own progress-bar switch is as it was afterwards."""
    import warnings

    from transformers.utils import logging as hf_logging

    from pipeline.sentiment.model import SentimentClassifier

    hf_logging.enable_progress_bar()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SentimentClassifier.from_config(CFG)
    assert not [w for w in caught if "gradient_checkpointing" in str(w.message)]
    assert "Loading weights" not in capsys.readouterr().err
    assert hf_logging.is_progress_bar_enabled()
