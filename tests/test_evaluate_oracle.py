"""``finnews evaluate --gold-entities``: gold entity mentions replace the entity components, the rest runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import PROJECT_ROOT, load_config
from pipeline.evaluate.command import evaluate_source
from pipeline.evaluate.gold import parse_gold_record
from pipeline.evaluate.oracle import COMPONENT, use_gold_entities
from pipeline.evaluate.predict import PredictionError, predict_with_pipeline
from pipeline.evaluate.report import scorecard_to_dict
from pipeline.evaluate.sources import GoldSource, load_gold_source
from pipeline.nlp import build_nlp

FIGURES_ONLY = PROJECT_ROOT / "configs" / "figures_only.yaml"
DATA = Path(__file__).parent / "data" / "evaluate"
runner = CliRunner()

# "Kranich Logistik" is in no gazetteer, so only the oracle knows it; the company
# ruler alone ties "12 %" to the company carried over from the sentence before.
TEXT = ("Im Dax fielen Infineon und Siemens jeweils um mehr als 4 %. Der Spediteur Kranich Logistik steigerte "
        "seinen Umsatz um 12 %. Bayer stieg, während BASF fiel.")


def _at(part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


def _entity(part: str, label: str, isin, name: str | None = None) -> dict:
    start, end = _at(part)
    return {"start": start, "end": end, "text": part, "label": label, "name": name or part, "isin": isin}


def _record() -> dict:
    s1 = TEXT.index("Bayer")
    return {
        "id": "oracle-1",
        "text": TEXT,
        "entities": [
            _entity("Dax", "INDEX", None),
            _entity("Infineon", "ORG", "DE0006231004"),
            _entity("Siemens", "ORG", "DE0007236101"),
            _entity("Kranich Logistik", "ORG", "unlisted"),
            _entity("Bayer", "ORG", "DE000BAY0017"),
            _entity("BASF", "ORG", "DE000BASF111"),
        ],
        "figures": [
            {**dict(zip(("start", "end"), _at("4 %"))), "text": "4 %", "kind": "percent", "value": -4.0, "unit": "%",
             "direction": "down", "qualifier": "mehr als", "about": ["Infineon", "Siemens"]},
            {**dict(zip(("start", "end"), _at("12 %"))), "text": "12 %", "kind": "percent", "value": 12.0,
             "unit": "%", "direction": "up", "about": ["Kranich Logistik"]},
        ],
        "claims": [
            {"start": s1, "end": len(TEXT), "text": TEXT[s1:], "entity": "Bayer",
             **dict(zip(("target_start", "target_end"), _at("Bayer"))), "label": "positive"},
            {"start": s1, "end": len(TEXT), "text": TEXT[s1:], "entity": "BASF",
             **dict(zip(("target_start", "target_end"), _at("BASF"))), "label": "negative"},
        ],
    }


def _source() -> GoldSource:
    return GoldSource(Path("oracle.jsonl"), "gold", [parse_gold_record(_record())])


def test_gold_mentions_replace_ruler_and_clustering_and_later_components_run():
    cfg = load_config(FIGURES_ONLY)
    nlp = build_nlp(cfg)
    record = _record()
    record["entities"] = [e for e in record["entities"] if e["text"] != "BASF"]  # the ruler would find BASF
    record["entities"].append(_entity("Kranich", "ORG", "unlisted", name="Kranich Logistik"))
    gold = parse_gold_record(record)

    use_gold_entities(nlp, [gold], cfg.evaluate.gold_entity_components)
    assert nlp.disabled == ["finnews_companies", "finnews_entity_clusters"]
    # The NER convention components find no entities: they stay on and mark gold names inside
    # compounds and gold common nouns for public bodies.
    assert nlp.pipe_names == ["finnews_sentences", COMPONENT, "finnews_figures", "finnews_claims",
                              "finnews_compound_names", "finnews_institution_nouns"]

    doc = nlp(TEXT)
    ents = {e.text: e for e in doc.ents}
    # "Kranich" overlaps the longer gold mention "Kranich Logistik", which is kept.
    assert list(ents) == ["Dax", "Infineon", "Siemens", "Kranich Logistik", "Bayer"]
    assert ents["Dax"].label_ == "INDEX" and ents["Kranich Logistik"].label_ == "ORG"
    assert {e.kb_id_ for e in doc.ents} == {"gold"}
    assert ents["Kranich Logistik"]._.entity_name == "Kranich Logistik"
    assert len({e._.entity_id for e in doc.ents}) == 5
    about = {f.text: [a.text for a in f._.about] for f in doc.spans["figures"]}
    assert about["12 %"] == ["Kranich Logistik"]
    assert "BASF" not in {c.text for c in doc.spans["claims"]}  # no gold mention, no claim


def test_one_cluster_per_gold_name():
    cfg = load_config(FIGURES_ONLY)
    nlp = build_nlp(cfg)
    text = "Nvidias Umsatz stieg um 5 %. Nvidia bleibt vorn."
    gold = parse_gold_record({"id": "n", "text": text, "entities": [
        {"start": 0, "end": 7, "text": "Nvidias", "label": "ORG", "name": "Nvidia", "isin": "US67066G1040"},
        {"start": 29, "end": 35, "text": "Nvidia", "label": "ORG", "name": "Nvidia", "isin": "US67066G1040"},
    ]})
    use_gold_entities(nlp, [gold])
    first, second = nlp(text).ents
    assert first.text == "Nvidias" and first._.entity_name == second._.entity_name == "Nvidia"
    assert first._.entity_id == second._.entity_id


def test_nlp_only_scores_with_and_without_gold_entities():
    cfg = load_config(FIGURES_ONLY)
    plain = scorecard_to_dict(evaluate_source(_source(), cfg, nlp_only=True, bootstrap_samples=0))
    oracle = scorecard_to_dict(evaluate_source(_source(), cfg, nlp_only=True, gold_entities=True, bootstrap_samples=0))
    # Gold items: 4 % about Infineon and about Siemens, 12 % about Kranich Logistik.
    # The ruler misses Kranich Logistik: 2 of 3 items right, and its 12 % item is about another company.
    items = plain["sections"]["figures"]["percent"]["value_and_entity"]
    assert (items["tp"], items["fp"], items["fn"]) == (2, 1, 1)
    assert items["f1"] == pytest.approx(2 / 3)
    # With the gold mentions every item is right.
    items = oracle["sections"]["figures"]["percent"]["value_and_entity"]
    assert (items["tp"], items["fp"], items["fn"]) == (3, 0, 0)
    assert oracle["predictions"] == "nlp stage (blank:de) with gold entities"
    assert oracle["sections"]["entities"]["micro"]["strict"]["f1"] == 1.0
    claims = oracle["sections"]["claims"]
    assert (claims["gold"], claims["found"], claims["narrowed"]) == (2, 2, 2)


def test_full_pipeline_links_and_scores_the_gold_entities():
    cfg = load_config()
    gold = _source().documents
    (doc,) = predict_with_pipeline(gold, cfg, {"entities", "linking", "figures", "claims"}, gold_entities=True)
    by_name = {e.name: e for e in doc.entities}
    assert set(by_name) == {"Dax", "Infineon", "Siemens", "Kranich Logistik", "Bayer", "BASF"}
    assert {m.source for m in doc.mentions} == {"gold"}
    assert by_name["Kranich Logistik"].listed is False  # the link stage ran on the gold entities
    figure = next(f for f in doc.figures if f.text == "12 %")
    assert figure.entity_ids == [by_name["Kranich Logistik"].entity_id]
    card = scorecard_to_dict(evaluate_source(_source(), cfg, gold_entities=True, bootstrap_samples=0))
    assert card["predictions"] == "pipeline with gold entities"
    assert card["sections"]["figures"]["percent"]["value_and_entity"]["f1"] == 1.0


def test_gold_entities_needs_entities_and_the_pipeline():
    cfg = load_config(FIGURES_ONLY)
    with pytest.raises(PredictionError, match="annotates none"):
        evaluate_source(load_gold_source(DATA / "wikinews_mini.json"), cfg, gold_entities=True)
    with pytest.raises(PredictionError, match="--baseline"):
        evaluate_source(_source(), cfg, baseline="empty", gold_entities=True)


def test_cli_gold_entities(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(_record(), ensure_ascii=False) + "\n", encoding="utf-8")
    args = ["evaluate", str(gold), "--gold-entities", "--nlp-only", "-c", str(FIGURES_ONLY), "--bootstrap", "0"]
    result = runner.invoke(app, args + ["--json", "-"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)["scorecards"][0]
    assert card["headlines"]["figures.percent.f1"]["value"] == 1.0
    assert card["headlines"]["claims.narrowed"]["value"] == 1.0
    text = runner.invoke(app, args)
    assert "with gold entities" in text.stdout and "## Claims (contrast sentences)" in text.stdout
    assert runner.invoke(app, ["evaluate", str(gold), "--gold-entities", "--baseline", "empty"]).exit_code == 2
