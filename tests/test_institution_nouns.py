"""Common nouns for public bodies (``finnews_institution_nouns``): out of ``doc.ents``, still mentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.evaluate.align import pair_documents
from pipeline.evaluate.conll import read_germeval
from pipeline.evaluate.gold import gold_to_article
from pipeline.evaluate.ner_metrics import score_entities
from pipeline.ingest import join_paragraphs, text_sha256
from pipeline.nlp import NlpStage
from pipeline.nlp import institution_nouns  # noqa: F401  (registers finnews_institution_nouns)
from pipeline.nlp.extensions import entity_mentions
from pipeline.records import Article, Document, EntityMention
from tests.conftest import run_component_on_ents

DATA = Path(__file__).parent / "data" / "evaluate"


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
    stage = NlpStage.from_config(load_config())
    text = join_paragraphs(["Hilfen", "Die Bundesregierung will Siemens Energy helfen, sagte ein Sprecher."])
    (document,) = stage.process([Article("t", "t.txt", "Hilfen", text, text_sha256(text))])
    marked = {m.text: m.institution_noun for m in document.mentions}
    assert marked["Bundesregierung"] is True and marked["Siemens Energy"] is False


def test_germeval_gold_does_not_score_institution_nouns_but_other_gold_does():
    (gold, _) = read_germeval(DATA / "germeval_mini.tsv")  # "Die Siemens-Aktie stieg in Frankfurt am Main ."
    text = gold.text
    start = text.index("Aktie")
    mentions = [EntityMention("Aktie", "ORG", start, start + 5, institution_noun=True),
                EntityMention("Frankfurt am Main", "LOC", text.index("Frankfurt"), text.index(" ."))]
    pred = Document(article=gold_to_article(gold), mentions=mentions)
    strict = score_entities(pair_documents([gold], [pred])).metrics["micro"]["strict"]
    assert (strict["actual"], strict["correct"], strict["precision"]) == (1, 1, 1.0)
    gold.annotates_institution_nouns = True
    strict = score_entities(pair_documents([gold], [pred])).metrics["micro"]["strict"]
    assert (strict["actual"], strict["correct"]) == (2, 1)
