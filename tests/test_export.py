"""Exports: CSV safety, atomic writes, and the documents.jsonl round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipeline.aggregate import aggregate_corpus, aggregate_document, score_label, weighted_score
from pipeline.config import AggregateConfig
from pipeline.export import (
    CLAIMS_COLUMNS,
    atomic_write_text,
    csv_text,
    document_from_json,
    document_to_json,
    neutralize_cell,
    read_documents,
    write_outputs,
)
from pipeline.records import (
    Article,
    Claim,
    Document,
    Entity,
    EntityMention,
    Figure,
    IngestError,
    Quote,
    SentimentScores,
)

TEXT = "Nvidia fällt\n\nNvidia fiel um 7,5 %, während DeepSeek zulegte. =SUMME(A1) sagte er."


def make_document() -> Document:
    article = Article("a/1", "in/a/1.txt", "Nvidia fällt", TEXT, "abc", encoding="utf-8")
    m1 = EntityMention("Nvidia", "ORG", 0, 6, "E1", "gazetteer")
    m2 = EntityMention("Nvidia", "ORG", 14, 20, "E1", "gazetteer")
    m3 = EntityMention("DeepSeek", "ORG", 43, 51, "E2", "ner")
    nvidia = Entity("E1", "Nvidia", "ORG", [m1, m2], isin="US67066G1040", ticker="NVDA", exchange="NASDAQ", listed=True)
    deepseek = Entity("E2", "DeepSeek", "ORG", [m3], listed=False)
    figure = Figure("F1", "percent", "7,5 %", 29, 34, -7.5, "%", "down", "", entity_ids=["E1"])
    quote = Quote("Q1", "indirect", "=SUMME(A1)", 61, 71, speaker="er", speaker_mention="er", speaker_start=78, speaker_end=80)
    claims = [
        Claim("C1", "E1", "Nvidia", TEXT[14:35], 14, 35, 14, 20, ["F1"],
              sentiment=SentimentScores("negative", 0.9, 0.05, 0.05, 0.9)),
        Claim("C2", "E2", "DeepSeek", TEXT[36:60], 36, 60, 43, 51,
              sentiment=SentimentScores("positive", 0.6, 0.6, 0.3, 0.1)),
    ]
    return Document(article, [m1, m2, m3], [nvidia, deepseek], [figure], [quote], claims)


def test_neutralize_cell() -> None:
    assert neutralize_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert neutralize_cell("+49 69") == "'+49 69"
    assert neutralize_cell("-6,3 %") == "'-6,3 %"
    assert neutralize_cell("@SUM") == "'@SUM"
    assert neutralize_cell("Nvidia") == "Nvidia"


def test_csv_quotes_text_and_keeps_numbers_plain() -> None:
    text = csv_text(["entity", "value", "sentence"], [{"entity": "Nvidia", "value": -6.3, "sentence": "-6,3 %, \"laut\" X"}])
    lines = text.split("\r\n")
    assert lines[0] == '"entity","value","sentence"'
    assert lines[1] == '"Nvidia",-6.3,"\'-6,3 %, ""laut"" X"'
    row = next(csv.DictReader(io.StringIO(text)))
    assert float(row["value"]) == -6.3


def test_document_json_round_trip() -> None:
    document = make_document()
    data = json.loads(json.dumps(document_to_json(document)))
    assert [e["text"] for e in data["entities"]] == ["Nvidia", "Nvidia", "DeepSeek"]
    assert data["percentages"][0]["value"] == -7.5 and data["money"] == []
    assert document_from_json(data) == document


def test_aggregate_weighted_score_and_label() -> None:
    document = make_document()
    rows = {r.entity: r for r in aggregate_document(document, AggregateConfig(figure_weight=0.0))}
    # Nvidia: one claim, score 0.9 * (0.05 - 0.9) / 0.9 = -0.85
    assert rows["Nvidia"].sentiment_score == pytest.approx(-0.85)
    assert rows["Nvidia"].sentiment_label == "negative" and rows["Nvidia"].negative == 1
    # DeepSeek: 0.6 * (0.6 - 0.1) / 0.6 = 0.5
    assert rows["DeepSeek"].sentiment_score == pytest.approx(0.5)
    assert rows["DeepSeek"].listed is False and rows["Nvidia"].mentions == 2
    assert weighted_score([]) is None and score_label(None, AggregateConfig()) == ""
    assert score_label(0.1, AggregateConfig()) == "neutral"


def test_a_claims_percentage_moves_blend_with_the_model() -> None:
    document = make_document()
    nvidia = next(c for c in document.claims if c.entity == "Nvidia")
    assert nvidia.figure_ids, "the fixture claim carries Nvidia's -7.5 % move"
    rows = {r.entity: r for r in aggregate_document(document, AggregateConfig(figure_weight=0.5))}
    # (1 - 0.5) * (0.05 - 0.9) + 0.5 * (-1) = -0.925
    assert rows["Nvidia"].sentiment_score == pytest.approx(-0.925)
    # A falling cost is no bad news: no figure signal where the claim names one.
    nvidia.sentence = "Die Kosten von Nvidia sanken um 7,5 %."
    rows = {r.entity: r for r in aggregate_document(document, AggregateConfig(figure_weight=0.5))}
    assert rows["Nvidia"].sentiment_score == pytest.approx(-0.85)


@pytest.mark.parametrize("role", ["source", "cause"])
def test_source_and_cause_claims_do_not_score_their_entity(role: str) -> None:
    document = make_document()
    deepseek = next(c for c in document.claims if c.entity == "DeepSeek")
    deepseek.role = role
    rows = {r.entity: r for r in aggregate_document(document, AggregateConfig(figure_weight=0.0))}
    # Only source (or cause) claims: said nothing about DeepSeek's own fortunes, so neutral with score 0.
    assert rows["DeepSeek"].sentiment_score == 0.0 and rows["DeepSeek"].sentiment_label == "neutral"
    assert rows["DeepSeek"].claims == 1
    assert rows["Nvidia"].sentiment_score == pytest.approx(-0.85)


def test_aggregate_corpus_keys_by_isin() -> None:
    first, second = make_document(), make_document()
    second.article.article_id = "a/2"
    second.entities[0].name = "NVIDIA Corp."
    corpus = {r.key: r for r in aggregate_corpus([first, second], AggregateConfig())}
    assert corpus["US67066G1040"].articles == 2 and corpus["US67066G1040"].mentions == 4
    assert corpus["ORG:deepseek"].claims == 2


def test_write_outputs_contract_and_read_back(tmp_path: Path) -> None:
    document = make_document()
    cfg = AggregateConfig()
    errors = [IngestError("in/bad.txt", "", "empty file")]
    write_outputs(tmp_path, [document], aggregate_document(document, cfg), aggregate_corpus([document], cfg), errors, {"x": 1})
    claims = list(csv.DictReader((tmp_path / "claims.csv").open(encoding="utf-8")))
    assert list(claims[0])[:13] == CLAIMS_COLUMNS[:13]
    assert claims[0]["isin"] == "US67066G1040" and claims[0]["label"] == "negative"
    quotes = list(csv.DictReader((tmp_path / "quotes.csv").open(encoding="utf-8")))
    assert quotes[0]["quote"] == "'=SUMME(A1)"  # neutralised, and no formula
    figures = list(csv.DictReader((tmp_path / "figures.csv").open(encoding="utf-8")))
    assert figures[0]["value"] == "-7.5" and figures[0]["entity"] == "Nvidia"
    assert (tmp_path / "errors.csv").read_text(encoding="utf-8").splitlines()[1] == '"in/bad.txt","","empty file"'
    assert read_documents(tmp_path) == [document]
    assert not list(tmp_path.glob(".*.tmp"))


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    atomic_write_text(target, "old")

    with pytest.raises(TypeError):
        atomic_write_text(target, 42)  # type: ignore[arg-type]  # writing an int fails mid-way
    assert target.read_text() == "old"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_share_move_in_words_blends_like_a_percentage() -> None:
    document = make_document()
    deepseek = next(c for c in document.claims if c.entity == "DeepSeek")
    assert not deepseek.figure_ids
    deepseek.move = "down"  # "… – Aktie fällt"
    rows = {r.entity: r for r in aggregate_document(document, AggregateConfig(figure_weight=0.5))}
    # (1 - 0.5) * (0.6 - 0.1) + 0.5 * (-1) = -0.25
    assert rows["DeepSeek"].sentiment_score == pytest.approx(-0.25)
    rows = {r.entity: r for r in aggregate_document(document, AggregateConfig(figure_weight=0.0))}
    assert rows["DeepSeek"].sentiment_score == pytest.approx(0.5)
