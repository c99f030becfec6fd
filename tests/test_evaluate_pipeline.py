"""``finnews evaluate`` on the real configured pipeline: in-memory and from a run folder agree."""

from __future__ import annotations

from pathlib import Path


from pipeline.config import load_config
from pipeline.evaluate.align import pair_documents
from pipeline.evaluate.command import evaluate_source
from pipeline.evaluate.predict import predict_entity_sentiment, predict_with_pipeline
from pipeline.evaluate.report import scorecard_to_dict
from pipeline.evaluate.scorecard import build_scorecard
from pipeline.evaluate.sources import load_gold_source
from pipeline.runner import Stages, run_pipeline

GOLD = Path(__file__).parent / "data" / "evaluate" / "gold_small.jsonl"


def test_scores_from_a_run_folder_equal_scores_computed_in_memory(tmp_path):
    cfg = load_config()
    stages = Stages.from_config(cfg)
    source = load_gold_source(GOLD)
    layers = set().union(*(g.layers for g in source.documents))

    docs = predict_with_pipeline(source.documents, cfg, layers, stages=stages)
    assert [d.article.article_id for d in docs] == ["a1-sap", "a2-deepseek"]
    pairs = pair_documents(source.documents, docs, predict_entity_sentiment(docs, cfg))
    in_memory = scorecard_to_dict(build_scorecard(pairs, str(GOLD), "gold", "pipeline", bootstrap_samples=0))

    # `finnews run` over the gold JSONL names the records FILE#id and may add the
    # headline to the text; evaluate matches the ids and realigns the offsets.
    run_pipeline([GOLD], tmp_path / "run", cfg, stages=stages)
    from_run = scorecard_to_dict(evaluate_source(source, cfg, predictions=tmp_path / "run", bootstrap_samples=0))

    assert from_run["missing_predictions"] == 0
    assert from_run["headlines"] == in_memory["headlines"]
    assert from_run["sections"] == in_memory["sections"]
    for headline in in_memory["headlines"].values():
        assert 0.0 <= headline["value"] <= 1.0
    assert set(in_memory["sections"]) == {"entities", "linking", "figures", "quotes", "sentiment"}
