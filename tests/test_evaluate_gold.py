"""The gold JSONL format: loading, validation messages, round trip, format detection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate.gold import (
    GoldFormatError,
    default_tokens,
    gold_document_to_dict,
    gold_to_article,
    parse_gold_record,
    read_gold_jsonl,
    write_gold_jsonl,
)
from pipeline.evaluate.sources import detect_format, load_gold_source

DATA = Path(__file__).parent / "data" / "evaluate"
GOLD = DATA / "gold_small.jsonl"


def _lines() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_small_gold_loads_with_every_layer():
    docs = read_gold_jsonl(GOLD)
    assert [d.id for d in docs] == ["a1-sap", "a2-deepseek"]
    sap = docs[0]
    assert sap.layers == {"entities", "linking", "figures", "quotes", "sentiment"}
    # Every span's text is the slice of the article text.
    for e in sap.entities:
        assert sap.text[e.start:e.end] == e.text
    infineon = next(e for e in sap.entities if e.name == "Infineon")
    assert infineon.listed is True
    deepseek = next(e for e in docs[1].entities if e.name == "DeepSeek")
    assert deepseek.listed is False
    klein = next(e for e in sap.entities if e.label == "PER")
    assert klein.listed is None
    assert docs[1].figures[0].qualifier == "knapp" and docs[1].figures[0].value == -6e11


def test_span_text_mismatch_is_reported_with_id_field_and_both_texts(tmp_path):
    records = _lines()
    records[0]["entities"][1]["text"] = "SAPX"
    with pytest.raises(GoldFormatError) as err:
        read_gold_jsonl(_write(tmp_path, records))
    message = str(err.value)
    assert "gold.jsonl:1" in message and "a1-sap entities[1]" in message
    assert "'SAP'" in message and "'SAPX'" in message
    assert len(err.value.problems) == 1


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    records = _lines()
    records[0]["entities"][0]["label"] = "COMPANY"
    records[0]["figures"][0]["end"] += 1
    records[1]["quotes"][0]["cue"] = "meinte"
    records[1]["sentiment"][0]["label"] = "bullish"
    records[1]["id"] = "a1-sap"
    with pytest.raises(GoldFormatError) as err:
        read_gold_jsonl(_write(tmp_path, records))
    problems = err.value.problems
    assert any("unknown label 'COMPANY'" in p for p in problems)
    assert any("figures[0]" in p for p in problems)
    assert any("quotes[0] cue" in p for p in problems)
    assert any("'bullish'" in p for p in problems)
    assert any("repeats line 1" in p for p in problems)


def test_missing_key_and_bad_json_name_the_line(tmp_path):
    records = _lines()
    del records[1]["text"]
    path = _write(tmp_path, records)
    path.write_text(path.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    with pytest.raises(GoldFormatError) as err:
        read_gold_jsonl(path)
    assert any(p.startswith("gold.jsonl:2: missing key 'text'") for p in err.value.problems)
    assert any(p.startswith("gold.jsonl:3: not valid JSON") for p in err.value.problems)


def test_about_and_sentiment_must_name_entities(tmp_path):
    records = _lines()
    records[0]["figures"][0]["about"] = ["SAP SE"]
    records[0]["sentiment"][0]["entity"] = "Siemens"
    with pytest.raises(GoldFormatError) as err:
        read_gold_jsonl(_write(tmp_path, records))
    assert any("'SAP SE'" in p for p in err.value.problems)
    assert any("'Siemens'" in p for p in err.value.problems)


def test_absent_layer_is_not_annotated_but_empty_layer_is(tmp_path):
    records = _lines()
    del records[0]["quotes"]
    records[1]["quotes"] = []
    docs = read_gold_jsonl(_write(tmp_path, records))
    assert "quotes" not in docs[0].layers
    assert "quotes" in docs[1].layers and docs[1].quotes == []


def test_round_trip_through_dict_and_file(tmp_path):
    docs = read_gold_jsonl(GOLD)
    again = [parse_gold_record(gold_document_to_dict(d)) for d in docs]
    for a, b in zip(docs, again):
        b.source_path = a.source_path
        assert a == b
    out = tmp_path / "copy.jsonl"
    assert write_gold_jsonl(docs, out) == 2
    assert [d.id for d in read_gold_jsonl(out)] == ["a1-sap", "a2-deepseek"]


def test_limit_keeps_the_first_documents():
    assert [d.id for d in read_gold_jsonl(GOLD, limit=1)] == ["a1-sap"]


def test_gold_to_article_uses_the_gold_id():
    doc = read_gold_jsonl(GOLD)[0]
    article = gold_to_article(doc)
    assert article.article_id == "a1-sap" and article.text == doc.text and article.title == "SAP hebt Prognose an"
    assert len(article.sha256) == 64


def test_default_tokens_split_words_and_punctuation():
    text = "„Wir sind zufrieden“, sagte Klein."
    assert [text[a:b] for a, b in default_tokens(text)] == ["„", "Wir", "sind", "zufrieden", "“", ",", "sagte", "Klein", "."]


def test_format_detection(tmp_path):
    assert detect_format(GOLD) == "gold"
    assert detect_format(DATA / "wikinews_mini.json") == "wikinews"
    doccano = tmp_path / "export.jsonl"
    doccano.write_text(json.dumps({"text": "SAP steigt", "label": [[0, 3, "ORG"]]}) + "\n", encoding="utf-8")
    assert detect_format(doccano) == "doccano"
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "part1.jsonl").write_text(GOLD.read_text(encoding="utf-8"), encoding="utf-8")
    source = load_gold_source(folder)
    assert source.format == "gold" and len(source.documents) == 2
    with pytest.raises(GoldFormatError):
        load_gold_source(tmp_path / "missing.jsonl")
