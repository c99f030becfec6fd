"""Format rules of the gold JSONL, checked by validate_gold_document (one test per rule)."""

from __future__ import annotations

import copy

import pytest

from pipeline.evaluate.gold import parse_gold_record, validate_gold_document

TEXT = "SAP steigt\n\nSAP gewann 3 %, sagte Anna Berg."
GOOD = {
    "id": "t1",
    "title": "SAP steigt",
    "text": TEXT,
    "entities": [
        {"start": 0, "end": 3, "text": "SAP", "label": "ORG", "name": "SAP", "isin": "DE0007164600"},
        {"start": 12, "end": 15, "text": "SAP", "label": "ORG", "name": "SAP", "isin": "DE0007164600"},
        {"start": 34, "end": 43, "text": "Anna Berg", "label": "PER", "name": "Anna Berg", "isin": None},
    ],
    "figures": [{"start": 23, "end": 26, "text": "3 %", "kind": "percent", "value": 3.0, "unit": "%",
                 "value_to": None, "direction": "up", "qualifier": "", "is_target": False, "about": ["SAP"]}],
    "quotes": [{"kind": "indirect", "start": 12, "end": 26, "text": "SAP gewann 3 %", "speaker": "Anna Berg",
                "speaker_start": 34, "speaker_end": 43, "cue": "sagte", "cue_start": 28, "cue_end": 33}],
    "sentiment": [{"entity": "SAP", "label": "positive"}],
}


def problems(mutate) -> list[str]:
    record = copy.deepcopy(GOOD)
    mutate(record)
    return validate_gold_document(parse_gold_record(record))


def test_the_reference_record_is_valid() -> None:
    assert problems(lambda r: None) == []


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["entities"][0].update(isin="DE0007164601"), "neither an ISIN (form and check digit)"),
        (lambda r: r["entities"][2].update(isin="DE0007164600"), "on a PER: only ORG entities"),
        (lambda r: r["figures"][0].update(unit="EUR"), "is a money unit, but kind is 'percent'"),
        (lambda r: r["figures"][0].update(unit="Prozent"), "unknown unit 'Prozent'"),
        (lambda r: r["entities"][0].update(end=0, text=""), "empty span 0:0"),
        (lambda r: r["quotes"][0].update(cue_start=None, cue_end=None), "cue: 'sagte' has no offsets"),
        (lambda r: r["quotes"][0].update(speaker_end=None), "only one of start/end is set"),
        (lambda r: r["entities"][1].update(text="SAB"), "annotation says 'SAB'"),
        (lambda r: r["figures"][0].update(about=["Siemens"]), "which is no entity name of the article"),
    ],
)
def test_each_format_rule_reports_its_problem(mutate, message: str) -> None:
    found = problems(mutate)
    assert any(message in p for p in found), found
