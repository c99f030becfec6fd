"""Currency names (``finnews_currency_names``): MISC in ``doc.ents`` as GermEval tags them, no mentions."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.ingest import join_paragraphs, text_sha256
from pipeline.nlp import NlpStage, build_nlp
from pipeline.nlp import currency_names  # noqa: F401  (registers finnews_currency_names)
from pipeline.nlp.extensions import entity_mentions
from pipeline.records import Article
from tests.conftest import run_component_on_ents


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(load_config())


def _currencies(text: str, ents: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """The currency names the component finds in ``text`` (finance tokenizer, given entities)."""
    doc = run_component_on_ents("finnews_currency_names", text, ents)
    assert all(s.label_ == "MISC" for s in doc.spans["currency_names"])
    return [s.text for s in doc.spans["currency_names"]]


def test_after_an_amount_alone_and_with_a_country_part():
    assert _currencies("Der Umsatz stieg auf 5,2 Mrd. Euro, der Euro gab gegenüber dem US-Dollar nach.") == \
        ["Euro", "Euro", "US-Dollar"]
    assert _currencies("Die Aktie kostet 88,30 € und früher 5 D-Mark.") == ["€", "D-Mark"]


def test_words_that_are_also_places_or_common_nouns_need_an_amount():
    assert _currencies("In Franken kostet das Brot 3 Franken, am Rand des Marktes 2 Pfund.") == ["Franken", "Pfund"]


def test_not_inside_a_compound_word_nor_over_an_entity():
    assert _currencies("Der Euro-Hilfsfonds und der Dollar-Kurs.") == []
    assert _currencies("Der Euro Stoxx 50 fiel.", ents=(("Euro Stoxx 50", "INDEX"),)) == []


def test_full_pipeline_currencies_are_ents_but_no_mentions_or_records(nlp):
    text = "Der Euro gab nach. Siemens verdiente 2,1 Mrd. Euro."
    doc = nlp(text)
    assert [(e.text, e.label_) for e in doc.ents if e.text == "Euro"] == [("Euro", "MISC"), ("Euro", "MISC")]
    assert "Euro" not in {e.text for e in entity_mentions(doc)}
    (money,) = [f for f in doc.spans["figures"] if f.label_ == "money"]
    assert money._.figure["unit"] == "EUR" and money._.figure["value"] == pytest.approx(2.1e9)
    stage = NlpStage.from_config(load_config())
    body = join_paragraphs(["Euro schwächer", text])
    (document,) = stage.process([Article("t", "t.txt", "Euro schwächer", body, text_sha256(body))])
    assert all(m.text != "Euro" for m in document.mentions)
    assert all(e.name != "Euro" for e in document.entities)
