"""Common nouns for public bodies (``finnews_institution_nouns``): out of ``doc.ents``, still mentions."""

from __future__ import annotations

import pytest

from pipeline.nlp import institution_nouns  # noqa: F401  (registers finnews_institution_nouns)
from pipeline.nlp.extensions import entity_mentions
from tests.conftest import nlp_stage_document, run_component_on_ents


def _doc_with_ents(text: str, names: list[tuple[str, str]]):
    return run_component_on_ents("finnews_institution_nouns", text, names)


@pytest.mark.parametrize("text, name", [
    ("Die Bundesregierung widersprach.", "Bundesregierung"),
    ("Ein Sprecher des Wirtschaftsministeriums sagte das.", "Wirtschaftsministeriums"),
    ("Die EU-Kommission prüft den Fall.", "EU-Kommission"),
    ("Die Hamburger Mordkommission ermittelt.", "Hamburger Mordkommission"),
    ("Das teilte die Staatsanwaltschaft mit.", "Staatsanwaltschaft"),
    ("Der Beschluss des Bremer Senats fiel knapp.", "Bremer Senats"),
    ("Die Schließung des Finsterwalder Finanzamtes stiftet Unruhe.", "Finsterwalder Finanzamtes"),
])
def test_a_common_noun_for_a_public_body_leaves_doc_ents_and_stays_a_mention(text, name):
    doc = _doc_with_ents(text, [(name, "ORG")])
    assert list(doc.ents) == []
    (moved,) = doc.spans["institution_nouns"]
    assert moved.text == name and moved.label_ == "ORG" and moved._.entity_id == f"id-{name}"
    assert [m.text for m in entity_mentions(doc)] == [name]


@pytest.mark.parametrize("text, name, label", [
    ("Die Europäische Kommission prüft den Fall.", "Europäische Kommission", "ORG"),  # a name
    ("Das Bundesministerium der Finanzen schweigt.", "Bundesministerium der Finanzen", "ORG"),
    ("Die Staatsanwaltschaft München ermittelt.", "Staatsanwaltschaft München", "ORG"),
    ("Siemens und BMW legten zu.", "Siemens", "ORG"),
    ("Senator Meier sagte das.", "Senator Meier", "PER"),
    ("Die Polizei meldete nichts.", "Polizei", "LOC"),  # only organisations move
])
def test_names_and_other_entities_stay(text, name, label):
    doc = _doc_with_ents(text, [(name, label)])
    assert [e.text for e in doc.ents] == [name]
    assert list(doc.spans["institution_nouns"]) == []


def test_records_keep_institution_nouns_as_marked_mentions():
    document = nlp_stage_document("Hilfen", "Die Bundesregierung will Siemens Energy helfen, sagte ein Sprecher.")
    marked = {m.text: m.institution_noun for m in document.mentions}
    assert marked["Bundesregierung"] is True and marked["Siemens Energy"] is False
