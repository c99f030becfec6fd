"""Person-name completion (finnews_person_names) and the first-name list builder."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

from pipeline.config import PROJECT_ROOT, load_config
from pipeline.ner.first_names import NAME_SHAPE, TITLES, faker_first_names
from pipeline.nlp import build_nlp
from pipeline.nlp import persons, segmentation  # noqa: F401  (registers the components)
from pipeline.nlp.persons import load_first_names
from pipeline.nlp.tokenizer import customize_tokenizer
from tests.conftest import DEEPSEEK_ARTICLE, SHARED_CORPORA, requires_deepseek, requires_shared


@pytest.fixture(scope="module")
def nlp():
    """A real German tokenizer, sentence rules and the person component; the test sets the NER's entities."""
    blank = spacy.blank("de")
    customize_tokenizer(blank.tokenizer)
    blank.add_pipe("finnews_sentences")
    blank.add_pipe("finnews_person_names")
    return blank


def tag(nlp, text, entities=()):
    """Run ``nlp`` on ``text`` with ``entities`` ((surface, label), first occurrence) set as the NER's output."""
    doc = nlp.make_doc(text)
    doc = nlp.get_pipe("finnews_sentences")(doc)
    spans = []
    for surface, label in entities:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = spans
    doc = nlp.get_pipe("finnews_person_names")(doc)
    return [(e.text, e.label_) for e in doc.ents]


@pytest.mark.parametrize(
    "text, entities, expected",
    [
        # rule 1: given names before a person
        ("Auch Lena Brückner bekommt eine Rolle.", [("Brückner", "PER")], [("Lena Brückner", "PER")]),
        ("sagte Vorstand Jens-Peter Kirchhoff .", [("Peter Kirchhoff", "PER")], [("Jens-Peter Kirchhoff", "PER")]),
        ("sagte Vorstand Jens-Peter Kirchhoff .", [("Jens-", "PER"), ("Peter Kirchhoff", "PER")],
         [("Jens-Peter Kirchhoff", "PER")]),
        ("Der Chef Karl-Heinz Brandl lauert.", [("Karl", "LOC"), ("Heinz Brandl", "PER")],
         [("Karl-Heinz Brandl", "PER")]),
        # rule 2: a given name takes the surname after it; a hyphenated syllable pair is a given name
        ("Dass Alexander Virgo von der Bank das sagte.", [("Alexander", "PER")], [("Alexander Virgo", "PER")]),
        ("„Das ist gut“, sagt Vey-Sern Ling, Direktor.", [("Vey-Sern", "PER")], [("Vey-Sern Ling", "PER")]),
        # rule 3: given names and a surname outside any entity
        ("Die Erwartungen seien übertroffen, erläutert Deborah Kessler dazu.", [], [("Deborah Kessler", "PER")]),
        ("Es spielt Anna Katharina Elisabeth Ostermann .", [], [("Anna Katharina Elisabeth Ostermann", "PER")]),
        ("Er kauft die Digitalagentur Conrad Caine.", [], [("Conrad Caine", "ORG")]),
        # rule 5: a role noun, given names and a surname that the NER took for an organisation
        ("Das sagte US-Ökonom James Galbraith am Montag.", [("US-Ökonom James Galbraith", "ORG")],
         [("James Galbraith", "PER")]),
        ("Laut Staatsanwalt Herbert Harammer war das so.", [("Staatsanwalt Herbert Harammer", "ORG")],
         [("Herbert Harammer", "PER")]),
        ("Freispruch für den BZÖ-Geschäftsführer Arno Eccher .", [("Arno Eccher", "ORG")], [("Arno Eccher", "PER")]),
        # rule 4: a double surname after a given name
        ("Es gratuliert Kristina Hauff-Lenz dem Autor.", [("Kristina Hauff", "PER")],
         [("Kristina Hauff-Lenz", "PER")]),
        # rule 6: a surname the article names a person by, with an unknown given name before it
        ("„Gut“, sagt Yamada. Aiko Yamada, die Fonds verwaltet, bleibt dabei.", [("Yamada", "PER")],
         [("Yamada", "PER"), ("Aiko Yamada", "PER")]),
        ("Das sagt Nirgunan Tiruchelvam dazu.", [("Tiruchelvam", "PER")], [("Nirgunan Tiruchelvam", "PER")]),
        # rule 7: a lone surname the NER took for an organisation, where the person is named in full
        ("Laut Yamada steigt der Yen, sagt Aiko Yamada.", [("Yamada", "ORG"), ("Aiko Yamada", "PER")],
         [("Yamada", "PER"), ("Aiko Yamada", "PER")]),
    ],
)
def test_completes_person_names(nlp, text, entities, expected):
    assert tag(nlp, text, entities) == expected


@pytest.mark.parametrize(
    "text, entities, expected",
    [
        # a surname must not be a month, a function word, a street or part of a compound
        ("Seit Jürgen Januar keine Zahlen meldet.", [], []),
        ("Die Behörde am Robert Koch-Institut meldet Zahlen.", [], []),
        ("Er wohnt an der Friedrich Ebert Straße in Bonn.", [], []),
        ("Sie ging mit Anna und Paul nach Hause.", [], []),
        # a compound after a person is no double surname; a name inside another entity is left alone
        ("Die Angela Merkel-Regierung plant das.", [("Angela Merkel", "PER")], [("Angela Merkel", "PER")]),
        ("Verkauft wurden Wilhelm Brandl Convenience-Fertiggerichte .", [("Wilhelm Brandl Convenience", "PER")],
         [("Wilhelm Brandl Convenience", "PER")]),
        ("Die Aktie von Hugo Boss fiel.", [("Hugo Boss", "ORG")], [("Hugo Boss", "ORG")]),
        # an organisation without a role noun before the name stays one ("Tom Tailor" is a brand)
        ("Die Modemarke Tom Tailor wächst.", [("Tom Tailor", "ORG")], [("Tom Tailor", "ORG")]),
        # a company after a noun that is a role and a kind of company stays one
        ("Er holte den Unternehmensberater Alix Partners .", [("Alix Partners", "ORG")], [("Alix Partners", "ORG")]),
        # the surname must be in the same sentence
        ("Es sprach Thomas. Meier schwieg.", [("Thomas", "PER")], [("Thomas", "PER")]),
        # rule 6 takes no role noun, title or German noun for a given name
        ("„Gut“, sagt Yamada. Laut Yamada steigt der Yen. Fondsmanagerin Yamada bleibt dabei, Frau Yamada auch.",
         [("Yamada", "PER")], [("Yamada", "PER")]),
        # ... and no noun where no name is expected
        ("Es geht um Kampusch. Im Fall Kampusch ermittelt die Polizei.", [("Kampusch", "PER")], [("Kampusch", "PER")]),
    ],
)
def test_leaves_non_names_alone(nlp, text, entities, expected):
    assert tag(nlp, text, entities) == expected


@pytest.mark.parametrize(
    "text, entities, expected",
    [
        # rule 8: a lone name between a verb of saying and a punctuation mark is the speaker
        ("Die Chance sei zu begrüßen, sagt Daum.", [], [("Daum", "PER")]),
        ("Im Radio ergänzte Pfeiffer, das Defizit sei hoch.", [], [("Pfeiffer", "PER")]),
        ("Das sei gut , so Meier .", [], [("Meier", "PER")]),  # text tokenised with spaces, as GermEval's
        # ... not a German noun, another entity, a compound or a word before more words
        ("Das zeige die Lage, sagt Studie.", [], []),
        ("Das sei gut, sagte Siemens.", [("Siemens", "ORG")], [("Siemens", "ORG")]),
        ("Das sei gut, sagte Bundesbank-Präsident Nagel.", [], []),
        ("Dann sagte Müller den Termin ab.", [], []),
        # ... also where the NER took it for a place, at the end of the sentence only
        ("Man handle nach dem Prinzip der Gegenseitigkeit, sagte Peskow.", [("Peskow", "LOC")], [("Peskow", "PER")]),
        ("Die stärksten Rückgänge meldeten Spanien, Litauen und Irland.",
         [("Spanien", "LOC"), ("Litauen", "LOC"), ("Irland", "LOC")],
         [("Spanien", "LOC"), ("Litauen", "LOC"), ("Irland", "LOC")]),
    ],
)
def test_speaker_after_a_verb_of_saying(nlp, text, entities, expected):
    assert tag(nlp, text, entities) == expected


def test_shipped_first_name_list_is_clean():
    names = load_first_names(PROJECT_ROOT / "configs" / "first_names.txt")
    assert len(names) > 3000
    assert {"Alexander", "Jürgen", "Deborah", "Jens", "Kristina"} <= names
    # titles, months and nouns that the training text uses as plain words are left out
    assert not names & TITLES
    assert not names & {"August", "Mark", "Januar", "Brent"}
    assert all(NAME_SHAPE.match(n) for n in names)


def test_faker_names_have_name_shape():
    pytest.importorskip("faker")
    names = faker_first_names(("de_DE", "en_US"))
    assert {"Jürgen", "Alec"} <= names
    assert all(NAME_SHAPE.match(n) for n in names)


def test_default_pipeline_runs_the_component_after_the_company_ruler():
    nlp = build_nlp(load_config())
    names = nlp.pipe_names
    assert names.index("finnews_companies") < names.index("finnews_person_names") < names.index("finnews_quotes")


@requires_deepseek
def test_deepseek_article_speakers_are_named_in_full():
    nlp = build_nlp(load_config())
    doc = nlp(DEEPSEEK_ARTICLE.read_text(encoding="utf-8"))
    persons = {e.text for e in doc.ents if e.label_ == "PER"}
    assert {"Vey-Sern Ling", "Alexander Virgo"} <= persons
    assert not {"Vey-Sern", "Alexander"} & persons


@requires_shared
def test_shipped_list_is_what_the_build_command_makes(tmp_path):
    pytest.importorskip("faker")
    from pipeline.ner.first_names import main

    assert main(["--data-dir", str(SHARED_CORPORA), "--out", str(tmp_path / "names.txt")]) == 0
    assert (tmp_path / "names.txt").read_text(encoding="utf-8") == \
        (PROJECT_ROOT / "configs" / "first_names.txt").read_text(encoding="utf-8")


def test_a_council_before_a_person_is_the_persons_title(nlp):
    # Swiss federal councillors are called by their council; the council alone stays an organisation.
    assert tag(nlp, "Bundesrat Hans-Rudolf Merz sprach mit der UBS.",
               [("Bundesrat", "ORG"), ("Hans-Rudolf Merz", "PER"), ("UBS", "ORG")]) == \
        [("Hans-Rudolf Merz", "PER"), ("UBS", "ORG")]
    assert tag(nlp, "Der Bundesrat hatte im Juni gefordert, dass Sergio Ermotti zahlt.",
               [("Bundesrat", "ORG"), ("Sergio Ermotti", "PER")]) == [("Bundesrat", "ORG"), ("Sergio Ermotti", "PER")]


def test_double_given_names_make_one_given_name(nlp):
    # Rule 3: nothing tagged; rule 1: the NER found only "Walter Steinmeier"; rule 2: only the given names;
    # rule 5: the whole name tagged as an organisation.
    assert tag(nlp, "Bundespräsident Frank-Walter Steinmeier sagte am Montag, er sei besorgt.") == \
        [("Frank-Walter Steinmeier", "PER")]
    assert tag(nlp, "Bundespräsident Frank-Walter Steinmeier sagte am Montag, er sei besorgt.",
               [("Walter Steinmeier", "PER")]) == [("Frank-Walter Steinmeier", "PER")]
    assert tag(nlp, "Ifo-Chef Hans-Werner Sinn warnte vor einer Rezession.", [("Hans-Werner", "PER")]) == \
        [("Hans-Werner Sinn", "PER")]
    assert tag(nlp, "Laut Hans-Werner Sinn droht eine Krise.", [("Hans-Werner Sinn", "ORG")]) == \
        [("Hans-Werner Sinn", "PER")]


def test_hyphenated_words_that_are_no_double_given_name(nlp):
    # A street or foundation named after a person, and common nouns, are no given names.
    assert tag(nlp, "Die Hans-Böckler-Stiftung fördert die Studie.") == []
    assert tag(nlp, "Das Hotel-Restaurant Meier hat geöffnet.") == []


def test_a_double_given_names_first_part_taken_for_a_place_joins_the_person(nlp):
    assert tag(nlp, "Frank-Walter Steinmeier muss die Nachricht überbringen.",
               [("Frank", "LOC"), ("Walter Steinmeier", "PER")]) == [("Frank-Walter Steinmeier", "PER")]


def test_double_surnames(nlp):
    # Rule 3 with a double surname, and rule 4 after rule 1 has added the given name.
    assert tag(nlp, "Bundesrätin Karin Keller-Sutter sagte, die UBS müsse mehr Kapital halten.",
               [("UBS", "ORG")]) == [("Karin Keller-Sutter", "PER"), ("UBS", "ORG")]
    assert tag(nlp, "Das sagte Sabine Leutheusser-Schnarrenberger am Montag.", [("Leutheusser", "PER")]) == \
        [("Sabine Leutheusser-Schnarrenberger", "PER")]
    # A compound noun after the name is no second surname.
    assert tag(nlp, "Die Angela Merkel-Regierung tagte.") == []


def test_a_role_the_ner_joined_to_the_first_given_name_goes(nlp):
    # The CNN tags "Kanzlerkandidat Frank" ORG + "Walter Steinmeier" PER: the role is no organisation.
    assert tag(nlp, "Der Kanzlerkandidat Frank-Walter Steinmeier verteidigte die Ziele.",
               [("Kanzlerkandidat Frank", "ORG"), ("Walter Steinmeier", "PER")]) == [("Frank-Walter Steinmeier", "PER")]
    # A name the NER found before a given name stays: "Deutsche Bank" is no role noun.
    assert tag(nlp, "Die Deutsche Bank Karl-Heinz Meier sagte das.",
               [("Deutsche Bank Karl", "ORG"), ("Heinz Meier", "PER")]) == \
        [("Deutsche Bank Karl", "ORG"), ("Heinz Meier", "PER")]
