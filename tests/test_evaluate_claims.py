"""The Claims section of ``finnews evaluate`` and the gold ``claims`` layer, worked out by hand."""

from __future__ import annotations

import json
from typing import Optional

import pytest

from pipeline.evaluate.align import pair_documents
from pipeline.evaluate.claim_metrics import score_claims
from pipeline.evaluate.gold import GoldFormatError, gold_document_to_dict, parse_gold_record, read_gold_jsonl
from pipeline.evaluate.scorecard import build_scorecard
from pipeline.records import Article, Claim, Document, Entity, EntityMention, SentimentScores

TEXT = "Während Nvidia um 5 % fiel, stieg DeepSeek stark. SAP legte zu, aber Siemens gab nach."
S1_END = TEXT.index(".") + 1
S2_START = TEXT.index("SAP")
ISINS = {"Nvidia": "US67066G1040", "DeepSeek": "unlisted", "SAP": "DE0007164600", "Siemens": "DE0007236101"}


def _at(part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


def _gold_claim(name: str, start: int, end: int, label: str) -> dict:
    t0, t1 = _at(name)
    return {"start": start, "end": end, "text": TEXT[start:end], "entity": name, "target_start": t0,
            "target_end": t1, "label": label}


def _gold_record(doc_id: str = "c1", claims: Optional[list] = None) -> dict:
    entities = [{"start": a, "end": b, "text": n, "label": "ORG", "name": n, "isin": ISINS[n]}
                for n in ISINS for a, b in [_at(n)]]
    if claims is None:
        claims = [
            _gold_claim("Nvidia", 0, S1_END, "negative"), _gold_claim("DeepSeek", 0, S1_END, "positive"),
            _gold_claim("SAP", S2_START, len(TEXT), "positive"),
            _gold_claim("Siemens", S2_START, len(TEXT), "negative"),
        ]
    return {"id": doc_id, "text": TEXT, "entities": entities, "claims": claims}


def _scores(label: str) -> SentimentScores:
    p = {"positive": 0.0, "neutral": 0.0, "negative": 0.0, label: 1.0}
    return SentimentScores(label, 1.0, p["positive"], p["neutral"], p["negative"])


def _prediction(doc_id: str = "c1") -> Document:
    ents, mentions, claims = [], [], []
    # Siemens is linked to another ISIN (Siemens Energy's), so it is not the gold Siemens.
    links = {"Nvidia": "US67066G1040", "DeepSeek": None, "SAP": "DE0007164600", "Siemens": "DE000ENER6Y0"}
    for n, (name, isin) in enumerate(links.items(), start=1):
        a, b = _at(name)
        mention = EntityMention(name, "ORG", a, b, f"E{n}")
        mentions.append(mention)
        ents.append(Entity(f"E{n}", name, "ORG", [mention], isin=isin, listed=isin is not None))

    def claim(n: int, name: str, start: int, end: int, label: str) -> Claim:
        a, b = _at(name)
        return Claim(f"C{n}", f"E{list(links).index(name) + 1}", name, TEXT[start:end], start, end, a, b,
                     sentiment=_scores(label))

    claims = [
        claim(1, "Nvidia", 0, TEXT.index(","), "negative"),  # narrowed, right label
        claim(2, "DeepSeek", 0, S1_END, "positive"),  # the whole sentence: holds Nvidia too
        claim(3, "SAP", S2_START, TEXT.index(", aber"), "negative"),  # narrowed, wrong label
        claim(4, "Siemens", TEXT.index("aber"), len(TEXT), "negative"),  # narrowed, but the wrong Siemens
    ]
    return Document(article=Article(doc_id, "", "", TEXT, ""), mentions=mentions, entities=ents, claims=claims)


def test_found_narrowed_and_label_counts():
    gold = [parse_gold_record(_gold_record())]
    section = score_claims(pair_documents(gold, [_prediction()]))
    m = section.metrics
    # 4 gold claims; Siemens' predicted claim is about another ISIN: 3 found.
    # Nvidia and SAP narrowed, DeepSeek's claim spans Nvidia's mention: 2 narrowed.
    # Labels of the 3 found: Nvidia and DeepSeek right, SAP wrong.
    assert (m["sentences"], m["gold"], m["found"], m["narrowed"]) == (2, 4, 3, 2)
    assert m["found_share"] == 0.75 and m["narrowed_share"] == 0.5
    assert m["labelled"] == 3 and m["label_accuracy"] == pytest.approx(2 / 3)
    assert section.headlines[0].value == 0.5
    whats = sorted(e.what for e in section.errors)
    assert whats == ["claim for DeepSeek not narrowed", "no claim for Siemens", "wrong label for SAP"]


def test_without_sentiment_labels_are_not_scored_and_a_missing_prediction_counts_as_misses():
    gold = [parse_gold_record(_gold_record("c1")), parse_gold_record(_gold_record("c2"))]
    pred = _prediction("c1")
    for c in pred.claims:
        c.sentiment = None
    section = score_claims(pair_documents(gold, [pred]))
    m = section.metrics
    assert (m["documents"], m["gold"], m["found"], m["narrowed"]) == (2, 8, 3, 2)
    assert m["label_accuracy"] is None and m["labelled"] == 0 and section.notes


def test_claims_section_only_when_the_gold_has_claims():
    with_claims = parse_gold_record(_gold_record("c1"))
    no_contrast = parse_gold_record(_gold_record("c2", claims=[]))
    record = _gold_record("c3")
    del record["claims"]
    unannotated = parse_gold_record(record)
    assert "claims" in with_claims.layers and "claims" in no_contrast.layers and "claims" not in unannotated.layers
    preds = [_prediction("c1"), _prediction("c2"), _prediction("c3")]
    card = build_scorecard(pair_documents([with_claims, no_contrast, unannotated], preds), "x", "gold", "test",
                           bootstrap_samples=0)
    claims = card.section("claims")
    assert claims is not None and claims.metrics["documents"] == 2 and claims.metrics["gold"] == 4
    card = build_scorecard(pair_documents([unannotated], preds[2:]), "x", "gold", "test", bootstrap_samples=0)
    assert card.section("claims") is None


def test_gold_claims_are_read_validated_and_written_back(tmp_path):
    doc = parse_gold_record(_gold_record())
    assert [c.entity for c in doc.claims] == ["Nvidia", "DeepSeek", "SAP", "Siemens"]
    assert parse_gold_record(gold_document_to_dict(doc)) == doc
    bad = _gold_record()
    bad["claims"][0]["text"] = "Während Nvidia"
    bad["claims"][1]["target_start"] = S1_END + 1
    bad["claims"][2]["label"] = "bullish"
    bad["claims"][3]["entity"] = "Siemens Energy"
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(GoldFormatError) as info:
        read_gold_jsonl(path)
    problems = "\n".join(info.value.problems)
    assert "claims[0]" in problems and "annotation says 'Während Nvidia'" in problems
    assert "claims[1]: target" in problems and "is not inside the claim" in problems
    assert "claims[2]: unknown label 'bullish'" in problems
    assert "claims[3]: entity 'Siemens Energy' is no entity name" in problems
