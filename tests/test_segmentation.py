"""Sentence boundaries for German news (pipeline/nlp/segmentation.py)."""

from __future__ import annotations

import pytest
import spacy

import pipeline.nlp.segmentation  # noqa: F401  (registers finnews_sentences)
from pipeline.nlp.tokenizer import customize_tokenizer


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("de")
    customize_tokenizer(nlp.tokenizer)
    nlp.add_pipe("finnews_sentences")
    return nlp


def sents(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]


def test_headline_without_period_is_its_own_sentence(nlp) -> None:
    assert sents(nlp, "Aktien der Tech-Firmen sacken ab\n\nAm deutschen Markt fiel Aixtron.") == [
        "Aktien der Tech-Firmen sacken ab",
        "Am deutschen Markt fiel Aixtron.",
    ]


def test_opening_quote_starts_the_next_sentence(nlp) -> None:
    assert sents(nlp, "Der Dax fiel. „Das ist übertrieben“, sagt ein Händler.") == [
        "Der Dax fiel.",
        "„Das ist übertrieben“, sagt ein Händler.",
    ]


def test_closing_quote_after_period_stays_and_comma_continues(nlp) -> None:
    assert sents(nlp, "„Das ist gut.“, sagt er. „Wir bleiben.“ Er geht.") == [
        "„Das ist gut.“, sagt er.",
        "„Wir bleiben.“",
        "Er geht.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Microsoft kam auf 3,2 Bill. Dollar Börsenwert.",
        "Am 27. Januar fiel die Aktie.",
        "Der Konzern verdiente 5 Mrd. Euro und mehr.",
        "Laut Dr. Müller steigt der Kurs.",
        "Die Rechte hält die Warner Bros. Entertainment GmbH in Burbank.",
        "Es sagte Mag. Andreas Treichl am Montag.",
    ],
)
def test_abbreviations_and_ordinals_do_not_split(nlp, text: str) -> None:
    assert sents(nlp, text) == [text]


def test_repeated_final_punctuation_is_one_sentence_end(nlp) -> None:
    assert sents(nlp, "KONKURS!!! Die Kette schließt. Wirklich?! Ja.") == [
        "KONKURS!!!", "Die Kette schließt.", "Wirklich?!", "Ja."]


def test_lowercase_after_exclamation_inside_quote_continues(nlp) -> None:
    assert sents(nlp, 'Er rief: "Kaufen!" und legte auf. Danach fiel der Kurs.') == [
        'Er rief: "Kaufen!" und legte auf.',
        "Danach fiel der Kurs.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Er kam auf Platz 3. Die Aktie fiel.", ["Er kam auf Platz 3.", "Die Aktie fiel."]),
        ("Der Kurs lag bei 70.\n\nNeuer Absatz.", ["Der Kurs lag bei 70.", "Neuer Absatz."]),
        ("Am 3. Januar fiel der Kurs.", ["Am 3. Januar fiel der Kurs."]),
        ("Das Ziel liegt bei 80. „Das ist viel“, sagt er.", ["Das Ziel liegt bei 80.", "„Das ist viel“, sagt er."]),
        ("Der Verein stieg zuletzt 1995. Theo Zwanziger sagte nichts.",
         ["Der Verein stieg zuletzt 1995.", "Theo Zwanziger sagte nichts."]),
    ],
)
def test_sentence_final_number_is_split_from_its_period(nlp, text: str, expected: list[str]) -> None:
    doc = nlp(text)
    assert [s.text.strip() for s in doc.sents] == expected
    ordinals = [t.text for t in doc if t.text.endswith(".") and t.text[:-1].isdigit()]
    assert ordinals == (["3."] if "Januar" in text else [])


def test_a_four_digit_ordinal_after_an_article_stays_one(nlp) -> None:
    assert sents(nlp, "Er feierte zum 2000. Mal den Sieg.") == ["Er feierte zum 2000. Mal den Sieg."]


def test_a_long_paragraph_splits_as_its_sentences_do(nlp) -> None:
    # The sentence starts of a long document are those of its parts (and setting them stays linear).
    unit = "SAP steigt um 3 %. Siemens fällt um 2 %, sagte ein Händler. Er kam auf Platz 3. „Gut.“ Er geht. "
    one = sents(nlp, unit)
    assert len(one) == 5
    assert sents(nlp, unit * 300) == one * 300


def test_a_place_abbreviation_given_as_corpus_tokens_ends_no_sentence(nlp) -> None:
    # GermEval and CoNLL text joins corpus tokens with spaces: "St . Moritz" is one place.
    assert sents(nlp, "Sie fuhren nach St . Moritz und St . Anton . Dort schneite es .") == [
        "Sie fuhren nach St . Moritz und St . Anton .", "Dort schneite es ."]
