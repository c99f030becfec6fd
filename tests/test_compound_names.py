"""Names inside compound words (``finnews_compound_names``): out of ``doc.ents``, still mentions."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.nlp import build_nlp
from pipeline.nlp import compound_names  # noqa: F401  (registers finnews_compound_names)
from pipeline.nlp.extensions import entity_mentions
from tests.conftest import nlp_stage_document, run_component_on_ents


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(load_config())


def _doc_with_ents(text: str, names: list[tuple[str, str]]):
    return run_component_on_ents("finnews_compound_names", text, names)


def test_name_before_a_hyphenated_head_leaves_doc_ents_and_keeps_its_extensions():
    doc = _doc_with_ents("Die VW-Aktie fiel, BMW stieg.", [("VW", "ORG"), ("BMW", "ORG")])
    assert [e.text for e in doc.ents] == ["BMW"]
    (vw,) = doc.spans["compound_names"]
    assert vw.text == "VW" and vw.label_ == "ORG" and vw._.entity_id == "id-VW"
    assert [m.text for m in entity_mentions(doc)] == ["VW", "BMW"]


def test_a_pair_of_names_joined_by_a_hyphen_stays():
    # "Berlin-Hannover" is a route of two places: the word after the hyphen is a name itself.
    doc = _doc_with_ents("Die Strecke Berlin-Hannover ist gesperrt.", [("Berlin", "LOC"), ("Hannover", "LOC")])
    assert [e.text for e in doc.ents] == ["Berlin", "Hannover"]
    assert list(doc.spans["compound_names"]) == []


def test_a_name_with_the_hyphen_inside_and_a_name_standing_alone_stay():
    doc = _doc_with_ents("Mercedes-Benz und Siemens - das sind Konzerne.", [("Mercedes-Benz", "ORG"), ("Siemens", "ORG")])
    assert [e.text for e in doc.ents] == ["Mercedes-Benz", "Siemens"]


def test_full_pipeline_names_inside_compounds_are_mentions_not_ents(nlp):
    doc = nlp("Die VW-Aktie fiel um 3 %. Der Ex-Siemens-Chef warb bei Facebook- und Twitter-Nutzern. Daimler legte zu.")
    ents = {e.text for e in doc.ents}
    parts = [e.text.rstrip("-") for e in doc.spans["compound_names"]]
    assert {"VW", "Siemens", "Facebook", "Twitter"} <= set(parts)
    assert not ents & {"VW", "Siemens", "Facebook-", "Twitter"}
    assert "Daimler" in ents
    # The components before it read them as entities: the figure is about VW and VW has a claim.
    (figure,) = doc.spans["figures"]
    assert [a.text for a in figure._.about] == ["VW"]


def test_records_keep_compound_names_as_marked_mentions():
    document = nlp_stage_document("Autowerte", "Die VW-Aktie fiel um 3 %, Daimler legte zu.")
    marked = {m.text: m.in_compound for m in document.mentions}
    assert marked["VW"] is True and marked["Daimler"] is False
    vw = next(e for e in document.entities if e.name == "VW")
    assert [c.entity_id for c in document.claims].count(vw.entity_id) == 1
