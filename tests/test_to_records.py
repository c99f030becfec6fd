"""The spaCy stage end to end: the configured pipeline's Doc becomes Document records."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.ingest import join_paragraphs, text_sha256
from pipeline.nlp import NlpStage
from pipeline.records import Article


@pytest.fixture(scope="module")
def stage() -> NlpStage:
    return NlpStage.from_config(load_config())


def article(text: str) -> Article:
    text = join_paragraphs(text.split("\n\n"))
    return Article("t", "t.txt", text.split("\n\n")[0], text, text_sha256(text))


def test_two_companies_in_one_sentence_get_their_own_claims(stage: NlpStage) -> None:
    (doc,) = stage.process([article("Chipwerte gemischt\n\nNvidia fiel um 7 %, während Infineon um 2 % zulegte.")])
    names = {e.entity_id: e.name for e in doc.entities}
    claimed = sorted(names[c.entity_id] for c in doc.claims)
    assert claimed == ["Infineon", "Nvidia"]
    for claim in doc.claims:
        target = doc.article.text[claim.target_start:claim.target_end]
        assert target == names[claim.entity_id]
        assert claim.start <= claim.target_start < claim.target_end <= claim.end
    by_entity = {names[c.entity_id]: c for c in doc.claims}
    figures = {f.figure_id: f for f in doc.figures}
    assert [figures[f].value for f in by_entity["Nvidia"].figure_ids] == [-7.0]
    assert [figures[f].value for f in by_entity["Infineon"].figure_ids] == [2.0]


def test_mentions_of_one_company_share_an_entity(stage: NlpStage) -> None:
    (doc,) = stage.process([article("Nvidia im Fokus\n\nNvidias Aktie fiel. Die Nvidia-Papiere verloren 3 %.")])
    nvidia = [e for e in doc.entities if e.name == "Nvidia"]
    assert len(nvidia) == 1 and len(nvidia[0].mentions) == 3
    for mention in doc.mentions:
        assert doc.article.text[mention.start:mention.end] == mention.text


def test_public_body_gets_no_claim_and_is_no_company(stage: NlpStage) -> None:
    (doc,) = stage.process([article("Zinsen\n\nDie EZB senkte die Zinsen, die Deutsche Bank gewann 2 %.")])
    kinds = {e.name: e.org_kind for e in doc.entities if e.label == "ORG"}
    assert kinds.get("EZB") == "public_body" and kinds.get("Deutsche Bank") == "company"
    claimed = {e.name for e in doc.entities for c in doc.claims if c.entity_id == e.entity_id}
    assert claimed == {"Deutsche Bank"}


def test_a_speaker_named_by_a_description_or_pronoun_belongs_to_that_entity(stage: NlpStage) -> None:
    text = ("Volkswagen spart\n\nDie Volkswagen AG will Kosten sparen. Die Ausgaben sollen um 900 Millionen Euro "
            "sinken, wie der Konzern am Mittwoch mitteilte. Markenchef Thomas Schäfer zeigte sich zufrieden. "
            "„Wir sind auf Kurs“, sagte er.")
    (doc,) = stage.process([article(text)])
    names = {e.entity_id: e.name for e in doc.entities}
    speakers = {q.speaker_mention: names.get(q.speaker_entity_id) for q in doc.quotes}
    assert speakers["der Konzern"] == names[next(e.entity_id for e in doc.entities if e.name.startswith("Volkswagen"))]
    assert speakers["er"] == "Thomas Schäfer"
