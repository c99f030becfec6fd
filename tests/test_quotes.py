"""Tests of the quotation component ``finnews_quotes`` (pipeline/nlp/quotes.py).

The examples are German sentences written for these tests; they run through a
real spaCy pipeline (blank German, the finance tokenizer, the sentence rules
and the component with the lexicon in configs/quotes/lexicon.yaml).
"""

from __future__ import annotations

from pathlib import Path

import re

import pytest
import spacy

import pipeline.nlp  # noqa: F401  (registers the extensions and components)
from pipeline.config import PROJECT_ROOT, load_config
from pipeline.nlp.quotes import QuoteComponent
from pipeline.nlp.quotes_grammar import is_konjunktiv1
from pipeline.nlp.quotes_marks import find_marked_quotes
from pipeline.nlp.speech_verbs import load_speech_lexicon, strong_forms, weak_forms
from pipeline.nlp.tokenizer import customize_tokenizer

LEXICON = PROJECT_ROOT / "configs" / "quotes" / "lexicon.yaml"
DEEPSEEK = PROJECT_ROOT.parent / "shared" / "articles" / "2025-01-27-deepseek-techwerte.txt"


def make_nlp(**config):
    nlp = spacy.blank("de")
    customize_tokenizer(nlp.tokenizer)
    nlp.add_pipe("finnews_sentences")
    nlp.add_pipe("finnews_quotes", config=config).initialize()
    return nlp


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


@pytest.fixture(scope="module")
def wikinews_nlp():
    return make_nlp(conventions="wikinews")


def quotes(nlp, text, kind=None):
    doc = nlp(text)
    return [q for q in doc.spans["quotes"] if kind is None or q.label_ == kind]


def speaker(q):
    return q._.speaker.text if q._.speaker is not None else None


# ---------------------------------------------------------------- quotation marks


@pytest.mark.parametrize(
    "text",
    [
        "„Das Geschäft läuft gut“, sagte Anna Berger.",
        '"Das Geschäft läuft gut", sagte Anna Berger.',
        "»Das Geschäft läuft gut«, sagte Anna Berger.",
        "«Das Geschäft läuft gut», sagte Anna Berger.",
        "‚Das Geschäft läuft gut‘, sagte Anna Berger.",
        "“Das Geschäft läuft gut”, sagte Anna Berger.",
    ],
)
def test_every_quotation_style_gives_the_content_without_marks(nlp, text):
    (q,) = quotes(nlp, text)
    assert q.label_ == "direct"
    assert q.text == "Das Geschäft läuft gut"
    assert speaker(q) == "Anna Berger"
    assert q._.cue.text == "sagte"


def test_marks_inside_a_quotation_belong_to_it():
    text = "„Er nannte das ‚absurd‘ und ging“, sagte sie."
    (mq,) = find_marked_quotes(text)
    assert text[mq.start : mq.end] == "Er nannte das ‚absurd‘ und ging"


def test_apostrophes_and_wiki_markup_are_not_quotation_marks():
    assert find_marked_quotes("Moody's und S&P’s Urteil, ''kursiv'' gesetzt, geht’s gut.") == []


def test_a_quotation_over_two_paragraphs_is_one_span(nlp):
    text = (
        "Der Chef sagte: „Wir haben ein schwieriges Jahr hinter uns.\n\n"
        "„Aber wir schneiden die Kosten schneller als geplant.“\n\nDann ging er."
    )
    (q,) = quotes(nlp, text, "direct")
    assert q.text.startswith("Wir haben ein schwieriges Jahr")
    assert q.text.endswith("schneller als geplant.")
    assert speaker(q) == "Der Chef"


def test_an_unclosed_mark_yields_nothing():
    assert find_marked_quotes("Er sagte „das ist offen\n\nNeuer Absatz ohne Ende.") == []


# ---------------------------------------------------------------- titles and scare quotes


@pytest.mark.parametrize(
    "text",
    [
        "Mozilla verdient mit dem Browser „Firefox“ weiter Geld.",
        "Morgan Stanley bestätigte die Einstufung „Equal Weight“ für die Aktie.",
        "Die Analysten stuften das Papier mit „Overweight“ ein.",
        "Der Film „Million Dollar Baby“ gewann vier Preise.",
        "Im Londoner „Hard Rock Café“ wurde gefeiert.",
        "Auf dem „2. Deutschen Klimakongress der EnBW Energie Baden-Württemberg AG“ sprach er lange.",
        "Die Schützen traten bei der „VII Championnat du Monde de Tir de Précision“ an.",
        "Das meldete die BBC auf „news.bbc.co.uk“.",
    ],
)
def test_titles_names_and_ratings_are_not_quotations(nlp, text):
    assert quotes(nlp, text, "direct") == []


def test_a_quotation_with_small_words_and_a_verb_is_no_title(nlp):
    (q,) = quotes(nlp, "„Das ist der Anfang vom Ende der Krise“, sagte Müller.", "direct")
    assert q.text == "Das ist der Anfang vom Ende der Krise"


def test_a_single_word_in_marks_after_sprach_von_is_a_quotation(nlp):
    (q,) = quotes(nlp, 'Betriebsratschefin Petra Lindner sprach von einem "Vertrauensbruch".', "direct")
    assert (q.text, q._.speaker_name) == ("Vertrauensbruch", "Petra Lindner")


def test_a_lower_case_phrase_in_marks_is_a_partial_quotation(nlp):
    (q,) = quotes(nlp, "Die Gewerkschaft nannte den Plan „völlig unverhältnismäßig“.", "direct")
    assert q.text == "völlig unverhältnismäßig"
    assert speaker(q) == "Die Gewerkschaft"


# ---------------------------------------------------------------- cues and speakers


def test_speaker_with_role_apposition(nlp):
    (q,) = quotes(
        nlp,
        "„DeepSeek zeigt, dass es möglich ist, günstige Modelle zu bauen“, sagt Vey-Sern Ling, "
        "Managing Director bei Union Bancaire Privee.",
    )
    assert speaker(q) == "Vey-Sern Ling"
    assert q._.speaker_name == "Vey-Sern Ling"
    assert q._.speaker_role == "Managing Director bei Union Bancaire Privee"


def test_wikinews_conventions_keep_the_apposition_in_the_mention(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "„Das ist gut“, sagt Vey-Sern Ling, Managing Director bei Union Bancaire Privee.")
    assert speaker(q) == "Vey-Sern Ling, Managing Director bei Union Bancaire Privee"
    assert q._.speaker_name == "Vey-Sern Ling"


def test_role_before_the_name(nlp):
    (q,) = quotes(nlp, "„Der Markt ist nervös“, sagte Marktanalyst Jonas Wendler von der DZ Bank.")
    assert speaker(q) == "Jonas Wendler"
    assert q._.speaker_role.startswith("Marktanalyst")


def test_separable_verb_after_the_quotation(nlp):
    (q,) = quotes(nlp, "Das Modell „stellt die Ressourcen der Konzerne in Frage“, merkt Aletheia Capital an.")
    assert q.text == "stellt die Ressourcen der Konzerne in Frage"
    assert speaker(q) == "Aletheia Capital"
    assert q._.cue.text == "merkt"


def test_speaker_before_the_verb_and_colon(nlp):
    (q,) = quotes(nlp, "Der Finanzchef der Firma sagte am Montag: „Wir sind gut ins Jahr gestartet.“")
    assert speaker(q) == "Der Finanzchef der Firma"
    assert q._.cue.text == "sagte"


def test_speaker_after_an_adverbial_phrase(nlp):
    (q,) = quotes(nlp, "Am Montag erklärte der Sprecher des Konzerns: „Die Zahlen sind vorläufig.“")
    assert speaker(q) == "der Sprecher des Konzerns"


def test_group_speaker_with_name(nlp):
    (q,) = quotes(
        nlp,
        "„Das Szenario scheint übertrieben“, schreiben die Experten um Stacy Rasgon von Analysehaus Bernstein Research.",
    )
    assert q._.speaker_name == "Stacy Rasgon"
    assert q._.cue.text == "schreiben"


def test_a_continued_quotation_keeps_the_speaker_without_a_new_cue(nlp):
    found = quotes(
        nlp,
        "„Wir wachsen in allen Segmenten“, sagte Stefan Albrecht. „Das Geschäft mit Glasfaser legt am stärksten zu.“",
        "direct",
    )
    assert [q.text for q in found] == ["Wir wachsen in allen Segmenten", "Das Geschäft mit Glasfaser legt am stärksten zu."]
    assert [q._.speaker_name for q in found] == ["Stefan Albrecht", "Stefan Albrecht"]
    assert found[1]._.cue is None and found[1]._.speaker is None


def test_partial_quotation_in_reported_speech(nlp):
    found = quotes(
        nlp,
        "Das neue Modell sei „höchst problematisch für die These, dass hohe Ausgaben nötig sind“, "
        "erklärte Nirgunan Tiruchelvam, Chef des Bereichs Internet bei Aletheia Capital.",
    )
    direct = [q for q in found if q.label_ == "direct"]
    assert [q.text for q in direct] == ["höchst problematisch für die These, dass hohe Ausgaben nötig sind"]
    assert direct[0]._.speaker_name == "Nirgunan Tiruchelvam"
    assert direct[0]._.speaker_role == "Chef des Bereichs Internet bei Aletheia Capital"
    # the sentence around it is reported speech in Konjunktiv with the same speaker
    (indirect,) = [q for q in found if q.label_ == "indirect"]
    assert indirect.text.startswith("Das neue Modell sei")


# ---------------------------------------------------------------- indirect and reported speech


def test_dass_clause_after_a_separable_verb(nlp):
    (q,) = quotes(nlp, "Die Betreiberfirma Vattenfall teilte mit, dass das Kraftwerk am Sonntag wieder Strom liefere.")
    assert q.label_ == "indirect"
    assert q.text == "dass das Kraftwerk am Sonntag wieder Strom liefere"
    assert q._.cue.text == "teilte"
    assert q._.speaker_name == "Vattenfall"


def test_konjunktiv_clause_after_a_comma(nlp):
    (q,) = quotes(nlp, "Der Staatsanwalt sagte, der Angeklagte habe die Tat gestanden.")
    assert (q.label_, q.text, speaker(q)) == ("indirect", "der Angeklagte habe die Tat gestanden", "Der Staatsanwalt")


def test_clause_before_the_cue(nlp):
    (q,) = quotes(nlp, "Die Nachfrage bleibe hoch, sagte die Analystin Miriam Kohl.")
    assert (q.label_, q.text, q._.speaker_name) == ("indirect", "Die Nachfrage bleibe hoch", "Miriam Kohl")


def test_so_marker(nlp):
    (q,) = quotes(nlp, "Die Debatte könnte eine Konsolidierung auslösen, so ein Börsianer.")
    assert (q.label_, q.text, speaker(q), q._.cue.text) == (
        "indirect",
        "Die Debatte könnte eine Konsolidierung auslösen",
        "ein Börsianer",
        "so",
    )


def test_laut_marker(nlp):
    (q,) = quotes(nlp, "Laut Chefvolkswirt Felix Arendt dürfte die Zinswende damit abgeschlossen sein.")
    assert q.label_ == "indirect"
    assert q.text == "dürfte die Zinswende damit abgeschlossen sein"
    assert q._.cue.text == "Laut"
    assert q._.speaker_name == "Felix Arendt"


def test_nach_angaben_and_zufolge(nlp):
    (q,) = quotes(nlp, "Nach Angaben der Polizei wurde bei dem Unfall niemand verletzt.")
    assert (q.label_, q.text, q._.cue.text) == ("indirect", "wurde bei dem Unfall niemand verletzt", "Nach")
    (q,) = quotes(nlp, "Branchenschätzungen zufolge dürfte der Sturm Schäden von 35 Mrd. Dollar verursacht haben.")
    assert (q.text, q._.cue.text, speaker(q)) == (
        "dürfte der Sturm Schäden von 35 Mrd. Dollar verursacht haben",
        "zufolge",
        "Branchenschätzungen",
    )


def test_wie_clause_attributes_the_sentence(nlp):
    (q,) = quotes(nlp, "Der Umsatz stieg um 9 % auf 8,9 Mrd. Euro, wie der Dax-Konzern am Dienstag in Walldorf mitteilte.")
    assert (q.label_, q.text, q._.cue.text, speaker(q)) == (
        "indirect",
        "Der Umsatz stieg um 9 % auf 8,9 Mrd. Euro",
        "mitteilte",
        "der Dax-Konzern",
    )
    (q,) = quotes(nlp, "Wie die Firma mitteilte, wurden 200 Stellen gestrichen.")
    assert q.text == "wurden 200 Stellen gestrichen"


def test_demnach_is_a_cue_only_under_wikinews_conventions(nlp, wikinews_nlp):
    text = "Die Polizei veröffentlichte einen Bericht. Demnach sei niemand verletzt worden."
    assert all(q._.cue is None or q._.cue.text != "Demnach" for q in quotes(nlp, text))
    assert any(q._.cue is not None and q._.cue.text == "Demnach" for q in quotes(wikinews_nlp, text))


def test_konjunktiv_run_reports_the_last_speaker(nlp):
    found = quotes(
        nlp,
        "„Das Weltuntergangsszenario scheint übertrieben“, schreiben die Experten von Bernstein. "
        "Die Modelle von DeepSeek seien gut. Zudem überrasche die Effizienz nicht. "
        "Am Abend schloss der Dax im Plus.",
    )
    indirect = [q for q in found if q.label_ == "indirect"]
    assert [q.text for q in indirect] == ["Die Modelle von DeepSeek seien gut", "Zudem überrasche die Effizienz nicht"]
    assert all(q._.speaker_name == "Bernstein" for q in indirect)  # the experts speak for Bernstein
    # no cue attaches them to a mention in their own sentence (the gold format's null mention)
    assert all(q._.cue is None and q._.speaker is None for q in indirect)


def test_wikinews_conventions_merge_a_konjunktiv_run(wikinews_nlp):
    found = quotes(
        wikinews_nlp,
        "„Das scheint übertrieben“, schreiben die Experten. Die Modelle seien gut. Zudem überrasche die Effizienz nicht.",
        "indirect",
    )
    assert [q.text for q in found] == ["Die Modelle seien gut. Zudem überrasche die Effizienz nicht."]


def test_konjunktiv_without_a_speaker_nearby_is_not_reported_speech(nlp):
    assert quotes(nlp, "Der Dax stieg um 1 %. Wie dem auch sei, die Woche endete ruhig.") == []


def test_reported_speech_act(nlp):
    (q,) = quotes(nlp, "Die Gewerkschaft forderte eine schnellere Entscheidung.")
    assert (q.label_, q.text, speaker(q), q._.cue.text) == (
        "reported",
        "eine schnellere Entscheidung",
        "Die Gewerkschaft",
        "forderte",
    )


def test_reported_speech_is_the_whole_clause_under_wikinews_conventions(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "Die Gewerkschaft forderte eine schnellere Entscheidung.")
    assert q.text == "Die Gewerkschaft forderte eine schnellere Entscheidung."


def test_a_verb_of_saying_in_a_relative_clause_is_not_a_speaker_of_the_sentence(nlp):
    found = quotes(nlp, "Die Sorgen angesichts der Preise, die der Konzern verlangt, seien berechtigt.")
    assert all(speaker(q) != "der Konzern" for q in found)


@pytest.mark.parametrize(
    "text, index, expected",
    [
        ("Das Modell sei gut.", 2, True),
        ("Zudem überrasche die Effizienz nicht.", 1, True),
        ("Ich habe das gesagt.", 1, False),  # 1st person indicative
        ("Die neue Anlage läuft.", 1, False),  # an adjective
        ("Das Werk wurde geschlossen.", 2, False),  # past indicative
    ],
)
def test_konjunktiv_i(nlp, text, index, expected):
    lexicon = nlp.get_pipe("finnews_quotes").finder.lex
    doc = nlp(text)
    assert is_konjunktiv1(doc, index, lexicon) is expected


# ---------------------------------------------------------------- pronouns


def test_pronoun_speaker_is_resolved_to_the_last_named_speaker(nlp):
    found = quotes(
        nlp,
        "„Wir sind gut auf Kurs“, sagte Finanzchefin Katrin Sommer. Sie betonte, dass die Prognose stehe.",
    )
    last = found[-1]
    assert speaker(last) == "Sie"
    assert last._.speaker_name == "Katrin Sommer"


@pytest.mark.parametrize(
    "pronoun, name",
    [
        ("Er", "Jonas Falk"),  # the latest man
        ("Sie", "Katrin Sommer"),  # past the man to the latest woman
    ],
)
def test_pronoun_takes_the_latest_speaker_of_its_gender(nlp, pronoun, name):
    found = quotes(
        nlp,
        "„Wir sind gut auf Kurs“, sagte Katrin Sommer. „Das sehe ich anders“, sagte Jonas Falk. "
        f"{pronoun} betonte, dass die Prognose wackle.",
    )
    last = found[-1]
    assert speaker(last) == pronoun
    assert last._.speaker_name == name


def test_pronoun_is_not_resolved_when_no_speaker_of_its_gender_is_near(nlp):
    found = quotes(nlp, "„Wir sind gut auf Kurs“, sagte Finanzchefin Katrin Sommer. Er betonte, dass die Prognose wackle.")
    assert found[-1]._.speaker_name == "Er"


def test_pronoun_is_not_resolved_to_two_people_named_together(nlp):
    text = "Peter Brandt und Jonas Falk stellten die Zahlen vor. Er betonte, dass die Marge steige."
    assert quotes(nlp, text)[-1]._.speaker_name == "Er"


def test_feminine_role_noun_gives_the_gender_of_an_unknown_given_name(nlp):
    # "Kim" is a man's and a woman's name; "Fondsmanagerin" tells
    text = ("„Der schwache Yen hilft“, sagte Fondsmanagerin Kim Sato. „Das reicht nicht“, sagte Analyst Tobias Kern. "
            "„Die Exporteure verdienen prächtig“, sagte sie.")
    assert quotes(nlp, text)[-1]._.speaker_name == "Kim Sato"


def test_pronoun_refers_to_the_person_named_as_subject_before(nlp):
    text = ("Der Konzern hat mehr verdient als erwartet. Vorstandschef Peter Brandt zeigte sich zufrieden. "
            "„Unsere Pipeline ist so stark wie nie“, sagte er am Donnerstag in Basel.")
    (q,) = quotes(nlp, text, "direct")
    assert speaker(q) == "er"
    assert q._.speaker_name == "Peter Brandt"


@pytest.fixture(scope="module")
def project_nlp():
    from pipeline.nlp import build_nlp

    return build_nlp(load_config())


def test_an_organisation_in_the_sentence_before_is_no_rival_for_er(project_nlp):
    nlp = project_nlp
    text = ("Die Deutsche Bank hatte zuvor einen Gewinnanstieg um 12 % gemeldet. Die Schadenquote sei niedrig "
            "geblieben, schrieb Analyst Felix Brandt von der Commerzbank. Er bestätigte seine Kaufempfehlung.")
    last = [q for q in nlp(text).spans["quotes"] if q._.speaker is not None and q._.speaker.text == "Er"]
    assert [q._.speaker_name for q in last] == ["Felix Brandt"]


def test_a_later_mention_of_the_surname_keeps_the_speaker_near(nlp):
    text = ("„Die Bewertungen sind moderat“, sagt Christian Albers. Die Zinsen dürften sinken. "
            "Der Handelsstreit bleibt ein Risiko. Die Konjunktur erholt sich. Autowerte meidet Albers deshalb. "
            "Versicherer gefallen ihm besser. Der Leitindex dürfte um 8 % zulegen, erklärte er.")
    assert quotes(nlp, text)[-1]._.speaker_name == "Christian Albers"


def test_plural_sie_speaks_for_the_group_not_the_last_person(nlp):
    text = ("„Das liegt im Rahmen“, sagte Vorstandsmitglied Claudia Reinhardt. Die Analysten von Goldbach Research "
            "sehen die Verluste als übertrieben. Die Preise dürften weiter steigen, schrieben sie.")
    last = quotes(nlp, text)[-1]
    assert speaker(last) == "sie"
    assert last._.speaker_name == "Goldbach Research"
    text = "„Das liegt im Rahmen“, sagte Claudia Reinhardt. Die Preise dürften weiter steigen, schrieben sie."
    assert quotes(nlp, text)[-1]._.speaker_name == "sie"  # a group of people, but none named


# ---------------------------------------------------------------- speaker mentions: extent and name


@pytest.mark.parametrize(
    "text, mention, name, role",
    [
        # an organisation named after nouns that describe it speaks by its name
        ("Die Genfer Privatbank Pictet bestätigte ihre Kaufempfehlung für die Aktie.",
         "Pictet", "Pictet", "Genfer Privatbank"),
        ("Rivale Nokia meldete am selben Tag ebenfalls höhere Investitionen.", "Nokia", "Nokia", "Rivale"),
        # an organisation that opens a compound with a role noun does not speak; one before a
        # spokesperson noun does
        ("Die Inflation lasse nach, sagte die Bundesbank-Vizepräsidentin am Montag.",
         "die Bundesbank-Vizepräsidentin", "die Bundesbank-Vizepräsidentin", ""),
        ("Die Kurse seien zu hoch, schrieben die Commerzbank-Analysten.", "Commerzbank", "Commerzbank", ""),
        # a place adjective and a noun are no name: the whole phrase is the mention
        ("Die Lufthansa hat den Gewinn gesteigert. Die Nachfrage sei hoch, wie der Kölner Konzern am Dienstag "
         "mitteilte.", "der Kölner Konzern", "Lufthansa", "Kölner Konzern"),
    ],
)
def test_speaker_mention_of_an_organisation_or_unnamed_speaker(project_nlp, text, mention, name, role):
    (q,) = project_nlp(text).spans["quotes"]
    assert (speaker(q), q._.speaker_name, q._.speaker_role) == (mention, name, role)


@pytest.mark.parametrize(
    "text, mention",
    [
        ("„Die Stimmung kippt“, sagte ein Mailänder Händler.", "ein Mailänder Händler"),
        ("„Die Stimmung kippt“, sagte ein Händler in Mailand.", "ein Händler"),  # the place says where, not who
        ("„Die Stimmung kippt“, sagte ein Börsianer aus Zürich.", "ein Börsianer"),
    ],
)
def test_unnamed_speaker_mention_is_the_noun_phrase_without_its_place(nlp, wikinews_nlp, text, mention):
    (q,) = quotes(nlp, text)
    assert (speaker(q), q._.speaker_name) == (mention, mention)
    (q,) = quotes(wikinews_nlp, text)
    assert speaker(q).startswith(mention)  # the corpus keeps the whole phrase


def test_wikinews_names_a_pronoun_speaker_by_the_pronoun(wikinews_nlp):
    text = "„Wir sind gut auf Kurs“, sagte Katrin Sommer. Sie betonte, dass die Prognose stehe."
    last = quotes(wikinews_nlp, text)[-1]
    assert (speaker(last), last._.speaker_name) == ("Sie", "Sie")


def test_given_name_genders_are_shipped_and_loaded():
    from pipeline.nlp.speech_verbs import load_given_name_genders

    genders = load_given_name_genders(PROJECT_ROOT / "configs" / "quotes" / "given_names.txt")
    assert len(genders) > 5000
    assert (genders["Katrin"], genders["Martin"], genders["Christine"], genders["Akira"]) == ("f", "m", "f", "m")
    assert "Andrea" not in genders and "Kim" not in genders  # men's and women's names
    assert load_speech_lexicon(LEXICON).given_names == genders


def test_shipped_given_name_list_is_what_the_build_command_makes(tmp_path: Path):
    pytest.importorskip("faker")
    from pipeline.nlp.quotes_speakers import main

    assert main(["--out", str(tmp_path / "names.txt")]) == 0
    assert (tmp_path / "names.txt").read_text(encoding="utf-8") == \
        (PROJECT_ROOT / "configs" / "quotes" / "given_names.txt").read_text(encoding="utf-8")


def test_role_noun_is_resolved_to_the_speaker_with_that_role(nlp):
    found = quotes(
        nlp,
        "„Der Dax hat Luft nach oben“, sagte Christian Albers, Chefstratege der DZ Bank. "
        "Die Bewertungen seien moderat, sagt der Stratege.",
    )
    last = found[-1]
    assert speaker(last) == "der Stratege"
    assert last._.speaker_name == "Christian Albers"


def test_a_spokesperson_speaks_for_the_organisation(nlp):
    (q,) = quotes(nlp, "Ein Sprecher des Finanzministeriums bekräftigte, dass der Bund seine Anteile halte.")
    assert q._.speaker_name == "Finanzministeriums"
    (q,) = quotes(nlp, "Der Sprecher des Konzerns sagte: „Die Zahlen sind vorläufig.“")
    assert q._.speaker_name == "Der Sprecher des Konzerns"  # "des Konzerns" names no one


def test_toyota_finance_chief_is_a_person(nlp):
    (q,) = quotes(nlp, "„Die Zölle kosten uns viel Geld“, sagte Toyota-Finanzchef Kenta Mori.")
    assert (q._.speaker_name, q._.speaker_role) == ("Kenta Mori", "Toyota-Finanzchef")


def test_names_come_from_doc_ents_when_the_ner_provides_them():
    nlp = make_nlp()
    doc = nlp.make_doc("„Die Lage ist ernst“, sagte der Sprecher Hans Peter Müller-Wohlfahrt gestern.")
    for _, proc in nlp.pipeline:
        if proc is nlp.get_pipe("finnews_quotes"):
            continue
        doc = proc(doc)
    start = doc.text.index("Hans")
    doc.ents = [doc.char_span(start, start + len("Hans Peter Müller-Wohlfahrt"), label="PER")]
    doc = nlp.get_pipe("finnews_quotes")(doc)
    (q,) = doc.spans["quotes"]
    assert q._.speaker_name == "Hans Peter Müller-Wohlfahrt"


def test_names_from_a_ner_that_tags_roles_or_half_names():
    nlp = make_nlp()
    text = "„Die Lage ist ernst“, sagte Stratege Jonas Wendler. „Es wird schwer“, sagte Sabine Kraft. „Es bleibt so“, schrieb die Analystin."
    doc = nlp.make_doc(text)
    doc = nlp.get_pipe("finnews_sentences")(doc)
    spans = []
    for words in ("Stratege Jonas Wendler", "Sabine", "Analystin"):
        start = text.index(words)
        spans.append(doc.char_span(start, start + len(words), label="PER"))
    doc.ents = spans
    doc = nlp.get_pipe("finnews_quotes")(doc)
    assert [q._.speaker_name for q in doc.spans["quotes"]] == ["Jonas Wendler", "Sabine Kraft", "die Analystin"]


def test_a_group_around_a_person_from_the_ner_keeps_the_organisation_as_role():
    nlp = make_nlp()
    text = "„Die Sorgen sind übertrieben“, schreiben die Experten um Tom Weller von Analysehaus Nordlicht Research."
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc(text))
    start = text.index("Tom Weller")
    doc.ents = [doc.char_span(start, start + len("Tom Weller"), label="PER")]
    (q,) = nlp.get_pipe("finnews_quotes")(doc).spans["quotes"]
    assert (q._.speaker_name, q._.speaker_role) == ("Tom Weller", "Analysehaus Nordlicht Research")


def _doc_with_named_ents(nlp, text, ents):
    """Sentences, then entities ``(surface, label, entity name, nth occurrence)`` set by hand with the
    names the companies component would give their clusters."""
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc(text))
    spans = []
    for surface, label, name, nth in ents:
        start = [i for i in range(len(text)) if text.startswith(surface, i)][nth]
        spans.append((doc.char_span(start, start + len(surface), label=label), name))
    doc.ents = [span for span, _ in spans]
    for span, name in spans:
        span._.entity_name = name
    return nlp.get_pipe("finnews_quotes")(doc)


def test_a_later_short_name_takes_the_full_name_of_its_entity():
    text = ("„Die Sorgen sind übertrieben“, sagte Tom Weller. Die Kosten seien nicht vergleichbar, sagte Weller. "
            "Das sei falsch, sagte Weber.")
    doc = _doc_with_named_ents(make_nlp(), text, [("Tom Weller", "PER", "Tom Weller", 0),
                                                  ("Weller", "PER", "Tom Weller", 1), ("Weber", "PER", "Weber", 0)])
    found = doc.spans["quotes"]
    assert [q._.speaker_name for q in found] == ["Tom Weller", "Tom Weller", "Weber"]
    assert found[1]._.speaker.text == "Weller"  # the mention stays what the text says


def test_a_headline_surname_after_a_company_role_takes_the_full_name_from_the_article():
    text = ("Kontron-Chef Schuster: ‚Wir wachsen schneller als der Markt‘\n\n"
            "Vorstandschef Hannes Schuster sagte, Kontron wachse schneller als der Markt.")
    doc = _doc_with_named_ents(make_nlp(), text, [("Kontron", "ORG", "Kontron", 0),
                                                  ("Hannes Schuster", "PER", "Hannes Schuster", 0),
                                                  ("Kontron", "ORG", "Kontron", 1)])
    headline = doc.spans["quotes"][0]
    assert headline.text == "Wir wachsen schneller als der Markt"
    assert (headline._.speaker.text, headline._.speaker_name) == ("Schuster", "Hannes Schuster")
    assert headline._.speaker_role == "Kontron-Chef"


def test_a_possessive_opinion_phrase_speaks_for_the_last_named_speaker(nlp):
    found = quotes(nlp, "„Wir sind bereit“, sagte Finanzminister Hans Jörg Schelling. "
                        "Seiner Meinung nach sei der Grexit der beste Weg.")
    assert [(speaker(q), q._.speaker_name) for q in found] == [
        ("Hans Jörg Schelling", "Hans Jörg Schelling"), ("Seiner Meinung", "Hans Jörg Schelling")]
    (alone,) = quotes(nlp, "Seiner Meinung nach sei der Grexit der beste Weg.")
    assert alone._.speaker_name == "Seiner Meinung"  # nobody named before: the words stay


# ---------------------------------------------------------------- speakers away from the cue


def test_an_object_first_puts_the_speaker_after_the_verb(wikinews_nlp):
    (q,) = quotes(
        wikinews_nlp,
        "Den Unmut der Belegschaft brachte die Betriebsratsvorsitzende Petra Lang zum Ausdruck: „So geht es nicht weiter.“",
        "direct",
    )
    assert speaker(q) == "die Betriebsratsvorsitzende Petra Lang"
    found = quotes(
        wikinews_nlp,
        "Dieter Krause hält wenig von dem Plan. Die Äußerungen der Ministerin bezeichnete Krause als „völlig verfehlt“.",
        "direct",
    )
    assert [speaker(q) for q in found] == ["Krause"]


def test_an_organisation_before_the_verb_stays_the_speaker(nlp):
    (q,) = quotes(nlp, "Die Gewerkschaft forderte Garantien für alle deutschen Standorte.", "reported")
    assert speaker(q) == "Die Gewerkschaft"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Der 23-jährige Stürmer sagte: „Ich bleibe in Bremen.“", "Der 23-jährige Stürmer"),
        ("Auch der US-amerikanische Botschafter John Miller sagte: „Wir helfen.“", "der US-amerikanische Botschafter John Miller"),
        ("Einer der 13 beteiligten Feuerwehrleute sagte: „So etwas habe ich noch nie gesehen.“", "Einer der 13 beteiligten Feuerwehrleute"),
    ],
)
def test_numbers_and_compound_adjectives_inside_the_speaker_phrase(wikinews_nlp, text, expected):
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert speaker(q) == expected


def test_a_document_named_before_heisst_es(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "In dem Antrag heißt es wörtlich: „Die Frist ist zu kurz.“")
    assert q.label_ == "direct" and speaker(q) == "dem Antrag"
    found = quotes(wikinews_nlp, "Im letzten Bericht des Verbands, der am Montag erschien, heißt es: „Die Lage bleibt angespannt.“")
    assert [(q.label_, speaker(q)) for q in found] == [("direct", "letzten Bericht des Verbands")]


def test_a_cue_in_the_next_sentence_that_points_back(nlp):
    found = quotes(nlp, "„Ja, es gibt Zumutungen.“ Das sagte Finanzminister Peer Hansen am Dienstag im Bundestag.", "direct")
    assert [(speaker(q), q._.cue.text) for q in found] == [("Peer Hansen", "sagte")]
    found = quotes(nlp, "„Ja, es gibt Zumutungen.“ Das Parlament tagte am Dienstag.", "direct")
    assert [speaker(q) for q in found] == [None]


def test_a_newspaper_in_quotation_marks_is_the_speaker(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "„Das Update ist das größte seit Jahren“, schreibt die „Computerwoche“.", "direct")
    assert speaker(q) == "die „Computerwoche“"
    (q,) = quotes(wikinews_nlp, "Laut „Reuters“ wurde der Vertrag am Montag unterzeichnet.", "indirect")
    assert speaker(q) == "„Reuters“"


def test_a_second_main_clause_shares_the_subject(nlp):
    found = quotes(
        nlp,
        "Jana Weber wollte sich nicht festlegen, sagte aber, die Partei müsse „jetzt schnell entscheiden“.",
        "direct",
    )
    assert [q._.speaker_name for q in found] == ["Jana Weber"]


def test_a_name_before_an_apposition_without_its_closing_comma(nlp, wikinews_nlp):
    text = "Stephan Maier, ein Klimaexperte vom WWF erklärte: „Der Bericht ist ein wichtiges Dokument.“"
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert speaker(q) == "Stephan Maier, ein Klimaexperte vom WWF"
    (q,) = quotes(nlp, text, "direct")
    assert (speaker(q), q._.speaker_role) == ("Stephan Maier", "ein Klimaexperte vom WWF")
    (q,) = quotes(nlp, "Hans Ott, der Generalsekretär des Verbands sagte: „Wir bleiben.“", "direct")
    assert (speaker(q), q._.speaker_role) == ("Hans Ott", "der Generalsekretär des Verbands")


def test_a_colon_after_reported_speech_continues_its_speaker(nlp):
    found = quotes(
        nlp,
        "„Wir helfen sofort“, sagte Ministerpräsidentin Anna Bligh. "
        "Das Land sei den Nachbarn zu Dank verpflichtet: „Sie haben uns auch geholfen.“",
        "direct",
    )
    assert [q._.speaker_name for q in found] == ["Anna Bligh", "Anna Bligh"]


def test_a_verb_of_saying_without_a_quotation_gives_the_next_quotation_its_speaker(nlp):
    found = quotes(
        nlp,
        "Die Abgeordnete Lea Brandt kritisierte die Haltung der Regierung. „Diese Politik ist unfair und falsch.“",
        "direct",
    )
    assert [q._.speaker_name for q in found] == ["Lea Brandt"]
    assert found[0]._.speaker is None  # finnews conventions: no cue of its own, no mention


@pytest.mark.parametrize(
    "text, expected",
    [
        # a newspaper named in marks inside the phrase
        ("„Die Lage ist ernst“, sagte Moritz Brandt von der „Aktion Kinderhilfe“ am Montag.", "Moritz Brandt von der „Aktion Kinderhilfe“"),
        ("Laut einem Artikel der „Hamburger Morgenpost“ ist der Hafen voll.", "einem Artikel der „Hamburger Morgenpost“"),
        # a party in brackets after the name
        ("Am Rande der Sitzung erklärte der Ministerpräsident des Landes, Karl Weber (CDU), dazu: „Wir warten ab.“", "der Ministerpräsident des Landes, Karl Weber (CDU)"),
        # an apostrophe inside a name
        ("„Niemand wurde verletzt“, sagte Mark O’Brien, der Sprecher der Feuerwehr.", "Mark O’Brien, der Sprecher der Feuerwehr"),
        # a name with a role apposition that looks like a name ("Spieler von Hoffenheim")
        ("„Das ist ärgerlich“, sagte Andreas Kern, Spieler von Hoffenheim, nach dem Spiel.", "Andreas Kern, Spieler von Hoffenheim"),
        # an apposition after a role and a one-word name
        ("Nach Ansicht von Senator Dodd, Vorsitzender des Bankenausschusses im Senat, hat die Notenbank „versagt“.", "Ansicht von Senator Dodd, Vorsitzender des Bankenausschusses im Senat"),
        # the closing comma of the name apposition left out
        ("Als „verpasste Chance“ beurteilte der Geschäftsführer der Fraktion, Volker Brecht das Ergebnis.", "der Geschäftsführer der Fraktion, Volker Brecht"),
    ],
)
def test_wikinews_speaker_phrases_keep_their_parts(wikinews_nlp, text, expected):
    found = [q for q in quotes(wikinews_nlp, text) if q._.speaker is not None]
    assert found and speaker(found[0]) == expected


def test_a_name_in_marks_inside_a_phrase_is_not_a_quotation(nlp):
    assert quotes(nlp, "Die Nachrichtenagentur „Neue Presse“ meldete am Montag einen Rekord.", "direct") == []


def test_who_quotes_is_the_speaker_of_zitieren_under_wikinews_conventions(nlp, wikinews_nlp):
    text = "Der „Stadtanzeiger“ zitiert den Bürgermeister mit den Worten: „Wir bauen die Brücke neu.“"
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert speaker(q) == "Der „Stadtanzeiger“"
    (q,) = quotes(nlp, text, "direct")
    assert speaker(q) == "den Bürgermeister"
    (q,) = quotes(wikinews_nlp, "„Wir sind unwillkommene Zeugen“, zitierte man Yolanda Pérez vom Sender RTVE.", "direct")
    assert speaker(q) == "Yolanda Pérez vom Sender RTVE"


def test_a_verb_of_saying_goes_before_a_marker(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "In der Fraktion sagte die Kanzlerin einigen Teilnehmern zufolge: „Er war ein Stabilisator.“", "direct")
    assert (speaker(q), q._.cue.text) == ("die Kanzlerin", "sagte")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Die Kommission kritisierte das Gesetz scharf: So sagte Olli Berg, Kommissar für Erweiterung: „Das geht nicht.“", "Olli Berg"),
        ("Relativierend fügt Gall hinzu: „Das gilt nicht für alle Versammlungen.“", "Gall"),
    ],
)
def test_adverbs_at_a_sentence_or_colon_start_are_not_speakers(nlp, text, expected):
    (q,) = quotes(nlp, text, "direct")
    assert speaker(q) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("„Wir geben nicht auf!“, rief der Aktivist Jan Roth vor den Demonstranten aus.", "Jan Roth"),
        ("„Das ist feige“, verurteilte Ministerin Eva Lind den Angriff.", "Eva Lind"),
        ("„Wir wollen den Titel“, machte Trainer Tom Bauer klar.", "Tom Bauer"),
    ],
)
def test_more_verbs_of_saying(nlp, text, expected):
    (q,) = quotes(nlp, text, "direct")
    assert speaker(q) == expected


def test_the_named_subject_of_its_own_sentence_beats_a_carried_speaker(nlp):
    text = "„Wir ziehen uns zurück“, sagte Parteichef Otto Renz. Lea Brandt ist der Meinung, dass die Reform „viel zu spät“ komme."
    found = quotes(nlp, text, "direct")
    assert [(q.text, speaker(q)) for q in found] == [("Wir ziehen uns zurück", "Otto Renz"), ("viel zu spät", "Lea Brandt")]


def test_a_quotation_with_a_cue_of_its_own_does_not_continue_the_last_speaker(nlp):
    found = quotes(nlp, "„Wir bleiben“, sagte Otto Renz. „Das wird teuer“, wurde im Ausschuss gesagt.", "direct")
    assert [q._.speaker_name for q in found] == ["Otto Renz", ""]
    assert found[1]._.cue.text == "gesagt"


# ---------------------------------------------------------------- lexicon and component


def test_weak_and_strong_verb_forms():
    finite, participle = weak_forms("erklären")
    assert {"erklärt", "erklärte", "erklärten"} <= finite and participle == "erklärt"
    finite, participle = weak_forms("berichten")
    assert "berichtete" in finite and participle == "berichtet"
    assert weak_forms("rechnen")[0] >= {"rechnet", "rechnete"}
    finite, participle = strong_forms("schreiben", ["schreibt", "schrieb", "geschrieben"])
    assert {"schreibt", "schrieb", "schrieben", "schreibe"} <= finite and participle == "geschrieben"


def test_lexicon_particle_verbs():
    lexicon = load_speech_lexicon(LEXICON)
    entry = lexicon.verbs["anmerken"]
    assert entry.particle == "an"
    assert "merkt" in entry.finite and {"anmerkte", "angemerkt"} <= entry.joined
    assert "mitteilen" in lexicon.finite_index["teilte"]


def test_lexicon_rejects_unknown_reported_verbs(tmp_path: Path):
    path = tmp_path / "lexicon.yaml"
    path.write_text("speech_verbs:\n  weak: [sagen]\n  reported: [fordern]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="fordern"):
        load_speech_lexicon(path)


def test_invalid_conventions_are_rejected():
    with pytest.raises(ValueError, match="conventions"):
        make_nlp(conventions="nonsense")


def test_component_round_trips_through_disk(tmp_path: Path):
    nlp = make_nlp(conventions="wikinews")
    nlp.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    text = "„Das ist gut“, sagt Vey-Sern Ling, Managing Director bei Union Bancaire Privee."
    before = [(q.text, speaker(q)) for q in nlp(text).spans["quotes"]]
    after = [(q.text, speaker(q)) for q in reloaded(text).spans["quotes"]]
    assert before == after and before
    component = reloaded.get_pipe("finnews_quotes")
    assert isinstance(component, QuoteComponent) and component.settings["conventions"] == "wikinews"
    assert component.finder is not None and component.finder.lex.given_names["Katrin"] == "f"


def test_match_is_pure_and_set_annotations_writes(nlp):
    component = nlp.get_pipe("finnews_quotes")
    doc = nlp.make_doc("„Es läuft“, sagte sie.")
    doc = nlp.get_pipe("finnews_sentences")(doc)
    matches = component.match(doc)
    assert "quotes" not in doc.spans and len(matches) == 1
    component.set_annotations(doc, matches)
    assert [q.text for q in doc.spans["quotes"]] == ["Es läuft"]


# ---------------------------------------------------------------- the project pipeline


@pytest.mark.skipif(not DEEPSEEK.exists(), reason="needs ../shared/articles/2025-01-27-deepseek-techwerte.txt")
def test_deepseek_article_has_its_five_direct_quotes_with_speakers():
    from pipeline.nlp import build_nlp

    nlp = build_nlp(load_config())
    doc = nlp(DEEPSEEK.read_text(encoding="utf-8"))
    direct = [q for q in doc.spans["quotes"] if q.label_ == "direct"]
    assert [q._.speaker_name for q in direct] == [
        "Vey-Sern Ling",
        "Vey-Sern Ling",
        "Aletheia Capital",
        "Nirgunan Tiruchelvam",
        "Stacy Rasgon",
    ]
    assert direct[1]._.cue is None  # continued without a new cue
    assert direct[1].text.startswith("Das kann das Investmentszenario")
    assert direct[3].text.startswith("höchst problematisch")
    indirect = [q for q in doc.spans["quotes"] if q.label_ == "indirect"]
    cues = {q._.cue.text for q in indirect if q._.cue is not None}
    assert {"so", "laut"} <= cues


def test_a_surname_with_a_particle_starts_a_sentence(nlp):
    text = ("Ursula von der Leyen besuchte die Filiale. Von der Leyen betonte, unter den Verkäuferinnen "
            "seien „viele Frauen mit Erfahrung“.")
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker is not None and q._.speaker.text.endswith("Leyen")
    # A preposition at the start of a sentence is no name.
    (q,) = quotes(nlp, "Von der Regierung hieß es, man sei „sehr zufrieden“.", "direct")
    assert q._.speaker is None or q._.speaker.text != "Von der Regierung"


def test_so_charakterisierte_is_a_cue(nlp):
    text = "„Er ist die eiserne Hand im Handschuh“, so charakterisierte ihn der Gewerkschafter Bernard Aubin."
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker_name == "Bernard Aubin"


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("Die Analystin Petra Lindner sagte der Nachrichtenagentur Reuters, die Aktie sei klar unterbewertet.",
         "Petra Lindner"),
        ("Meier sagte dem Handelsblatt, die Aktie sei klar unterbewertet.", "Meier"),
    ],
)
def test_indirect_speech_after_the_one_spoken_to(nlp, text, speaker):
    (q,) = quotes(nlp, text, "indirect")
    assert q.text == "die Aktie sei klar unterbewertet" and q._.speaker_name == speaker


@pytest.mark.parametrize(
    "text, speaker",
    [
        # words in marks inside the clause that the verb of saying closes: its subject said them
        ("Der Vorstand hatte die Zahlen am Montag als „enttäuschend“ bezeichnet.", "Der Vorstand"),
        ("Die Ministerin hatte die Einigung „trotz einiger Vorbehalte“ bekanntgegeben.", "Die Ministerin"),
        # a separated particle after words in marks: "wies ... als „…“ zurück"
        ("Die Sprecherin wies die Vorwürfe am Rande der Hauptversammlung als „haltlos“ zurück.", "Die Sprecherin"),
    ],
)
def test_a_partial_quotation_inside_the_clause_of_its_verb(nlp, text, speaker):
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker is not None and q._.speaker.text == speaker


@pytest.mark.parametrize(
    "text",
    [
        # passive: what is described stands first, not who described it
        "Die Pläne werden von Kritikern als „Irrweg“ bezeichnet.",
        # another clause: the subject of the main clause did not say it
        "Die Hacker hinterließen eine Botschaft, welche die Techniker als „einen Haufen von Schulkindern“ bezeichnete.",
        # a partial quotation without a verb of saying gets no speaker
        "Meteorologen rechnen mit „sehr ergiebigen Niederschlägen“.",
    ],
)
def test_a_partial_quotation_outside_its_speakers_clause_gets_no_subject(nlp, text):
    for q in quotes(nlp, text, "direct"):
        assert q._.speaker is None or q._.speaker.text not in {"Die Pläne", "Die Hacker", "Meteorologen"}


def test_an_own_account_does_not_carry_to_the_next_quotation(wikinews_nlp):
    text = ("Die Anwältin Gülsen Celebi sagte, ihre Mandantin habe „große Angst“ gehabt. "
            "Nach ihren Informationen habe sich der Mann in den Niederlanden aufgehalten. "
            "„Ich dachte, dass sie ihn vor dem Gericht festnehmen.“")
    direct = quotes(wikinews_nlp, text, "direct")
    last = direct[-1]
    assert last.text.startswith("Ich dachte")
    assert last._.speaker is not None and "Informationen" not in last._.speaker.text
    assert "Celebi" in last._.speaker.text


def test_a_name_with_its_title_after_the_role_is_the_speaker(nlp, wikinews_nlp):
    text = ("„Die Organisation bleibt eine Bedrohung“, sagte der Oberkommandierende General der "
            "US-Streitkräfte im Irak, General George Casey, am Donnerstag.")
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker_name == "George Casey"
    assert q._.speaker_role.startswith("Oberkommandierende General")
    # Wikinews marks the whole phrase with its apposition.
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert q._.speaker.text.endswith("General George Casey")


def test_a_verb_closing_a_relative_clause_does_not_frame_later_words_in_marks(nlp):
    text = ("Laut Polizei ist die Demonstration, zu der ein Bündnis aufgerufen hatte, "
            "„weitgehend störungsfrei“ verlaufen.")
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker is not None and q._.speaker.text == "Polizei"


def test_a_fronted_thing_before_the_colon_is_no_speaker(nlp):
    text = ("Jegliche Mitverantwortung für die Affäre weist Hartmann von sich: "
            "„Diese Verantwortung kann nur der Vorsitzende übernehmen.“")
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker is not None and q._.speaker.text == "Hartmann"


def test_a_subordinate_clause_closed_by_verb_and_auxiliary_names_its_speaker(nlp):
    text = ("Das Gericht blieb hart, zumal Verteidiger Wolfgang Dingfelder immer wieder betont hatte, "
            "der Angeklagte sei nicht „dissozial“.")
    direct = quotes(nlp, text, "direct")
    assert [q._.speaker_name for q in direct] == ["Wolfgang Dingfelder"]


def test_the_speaker_of_the_clause_before_a_colon_goes_on_in_the_quotation(wikinews_nlp):
    text = ("Teamchef Jean Todt stellt sich vor seinen Piloten: „Schumacher ist immer noch der Meister. Die Schuld "
            "liegt bei uns“ wird der Franzose im Fachblatt „La Gazetta dello Sport“ zitiert. Er glaubt weiterhin, "
            "dass das Team gestärkt aus der Saison hervorgegangen sei: „Wir haben gelernt, bescheidener zu sein. "
            "Es genügt sehr wenig, um in eine schwierige Situation zu geraten.“")
    last = quotes(wikinews_nlp, text, "direct")[-1]
    assert last.text.startswith("Wir haben gelernt")
    # the mention is the subject of the quotation's own sentence, not the earlier speaker
    assert last._.speaker is not None and last._.speaker.text == "Er"


def test_konjunktiv_ii_right_after_a_quotation_goes_on_reporting_its_speaker(nlp):
    text = ("„Lieber verzichte ich auf die Sendung“, so Suttner. Außerdem hätte der Sender dem Gegner "
            "„die Gelegenheit gegeben, sich gut zu verkaufen“.")
    direct = quotes(nlp, text, "direct")
    assert [q._.speaker_name for q in direct] == ["Suttner", "Suttner"]
    # without Konjunktiv the partial quotation's speaker stays unknown
    text = "„Lieber verzichte ich auf die Sendung“, so Suttner. Meteorologen rechnen mit „sehr ergiebigen Niederschlägen“."
    assert quotes(nlp, text, "direct")[-1]._.speaker is None


def test_words_in_marks_after_als_are_the_subjects_characterisation(nlp):
    text = "Der Außenminister Donald Rumsfeld attackierte den Iran als den „führenden Förderer von Terrorismus“."
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker_name == "Donald Rumsfeld"
    # passive: the subject is what is characterised
    (q,) = quotes(nlp, "Die Pläne wurden in der Presse als „völlig verfehlt“ kritisiert.", "direct")
    assert q._.speaker is None or q._.speaker.text != "Die Pläne"


def test_no_genitive_attribute_after_an_acronym(wikinews_nlp):
    text = ("Das Zentrum dient laut einer Pressemitteilung des BMI der Verbesserung der "
            "„schnellen Zusammenarbeit aller Behörden bei Angriffen“.")
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert q._.speaker is not None and q._.speaker.text == "einer Pressemitteilung des BMI"


def test_a_zu_infinitive_of_a_particle_verb_is_no_cue(nlp):
    text = "Den Bürgern werde verweigert, unabhängige Gerichte anzurufen. Die Klauseln seien „alarmierend“."
    for q in quotes(nlp, text):
        assert "Gerichte" not in q._.speaker_name


def test_a_pronoun_after_a_conjunction_speaks_for_the_main_clause_subject(nlp, wikinews_nlp):
    text = ("Die Schutzvereinigung für Wertpapierbesitz (DSW) schlug in die gleiche Kerbe, indem sie den "
            "Aufsichtsrat zum Handeln aufforderte: „Einen solchen Chef kann sich die Bank nicht leisten.“")
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert q._.speaker.text == "sie"  # the corpus marks the clause's own subject
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker_name == "Schutzvereinigung für Wertpapierbesitz (DSW)"


@pytest.mark.parametrize(
    "text, name",
    [
        # the name and its apposition between an auxiliary and the verb after the quotation
        ("Das sei „eine echte Chance für Video“, wird Mike Downey, Produktmanager bei Adobe, zitiert.", "Mike Downey"),
        # a focus particle between the speaker and the verb
        ("Hartmann selbst schrieb in einer Presseerklärung, sie wolle „allen eine Abstimmung ersparen“.", "Hartmann"),
    ],
)
def test_speaker_before_the_verb_with_apposition_or_particle(nlp, text, name):
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker_name == name


def test_a_role_and_name_after_another_main_clause_speak(nlp):
    text = ("Die Ministerin wies diese Behauptung zurück, die bildungspolitische Sprecherin der Fraktion, "
            "Sandra Boser (GRÜNE), erklärte: „Neiddebatten sind völlig fehl am Platz.“")
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker_name == "Sandra Boser"
    assert "Sprecherin der Fraktion" in q._.speaker_role


def test_a_focus_particle_before_the_subject_is_not_the_subject(wikinews_nlp):
    text = ("Auch der US-amerikanische Außenminister Donald Rumsfeld attackierte den Iran als den "
            "„führenden Förderer von Terrorismus“.")
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert q._.speaker.text == "der US-amerikanische Außenminister Donald Rumsfeld"


def test_after_a_colon_a_clause_has_its_own_subject(nlp):
    text = ("Auch andere Zulieferer stehen unter Druck: ZF Friedrichshafen hatte im Frühjahr einen Verlust gemeldet, "
            "die Aktie der Continental AG hat seit Jahresbeginn 12 % eingebüßt.")
    for q in quotes(nlp, text):
        assert "Zulieferer" not in q._.speaker_name


def test_nach_bewertung_names_the_source(wikinews_nlp):
    text = ("Die Nachrichten seien eine offensive Art von Werbung, die jedoch nach Bewertung von Polizei und "
            "Staatsanwaltschaft „keinen Anlass für strafrechtliche Maßnahmen“ hergibt.")
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert q._.speaker is not None and q._.speaker.text.startswith("Bewertung von Polizei")


def test_a_clause_after_heisst_es_with_the_source_before_is_indirect_speech(nlp):
    text = ("In einem Positionspapier des Ministeriums heißt es, die Prüfung habe ergeben, dass die Regeln "
            "gewirkt hätten. Deshalb sei es „folgerichtig, die bewährten Regeln beizubehalten“.")
    indirect = quotes(nlp, text, "indirect")
    assert indirect and indirect[0].text.startswith("die Prüfung habe ergeben")
    assert "Positionspapier" in indirect[0]._.speaker_name
    (direct,) = quotes(nlp, text, "direct")
    assert "Positionspapier" in direct._.speaker_name


def test_the_subject_after_a_leading_subordinate_clause(wikinews_nlp):
    text = ("Gülsen Celebi gab an, dass ihre Mandantin „große Angst hatte“. Zuerst habe sie nicht damit gerechnet, "
            "dass der Mann erscheinen würde. Da ihre Mandantin Angst hatte, habe Celebi „die Verhandlung sogar noch "
            "herausgezögert“.")
    last = quotes(wikinews_nlp, text, "direct")[-1]
    assert last._.speaker.text == "Celebi"


def test_a_long_fronted_phrase_before_verb_and_subject(nlp):
    text = ("Zur aktuellen Lage des Unternehmens und seiner neuen Aufgabe wird Watzke auf der Internetseite "
            "des Vereins wie folgt zitiert: „Es gab bestimmt auch Jahre, wo ich dieses Amt mit mehr Freude "
            "übernommen hätte.“")
    (q,) = quotes(nlp, text, "direct")
    assert q._.speaker_name == "Watzke"


def test_lassen_with_an_infinitive_of_saying_is_a_cue(nlp):
    text = "„Der Fonds unterstützt das Land“, ließ ein Sprecher aus Washington kurz verlauten."
    (q,) = quotes(nlp, text, "direct")
    assert q._.cue is not None and q._.cue.text == "ließ"
    assert "Sprecher" in q._.speaker.text
    # lassen without an infinitive of saying is no cue
    assert not [c for c in quotes(nlp, "Die Regierung ließ die Brücke bauen. „Das ist gut.“")
                if c._.cue is not None and c._.cue.text == "ließ"]


def test_a_name_with_a_long_apposition_before_the_verb(nlp, wikinews_nlp):
    text = ("John Kline, ein Repräsentant aus Minnesota und Marineoberst außer Dienst, sagte, der Vorfall sei "
            "kein Unfall gewesen.")
    (q,) = quotes(nlp, text, "indirect")
    assert q._.speaker_name == "John Kline"
    assert q._.speaker_role == "ein Repräsentant aus Minnesota und Marineoberst außer Dienst"
    (q,) = quotes(wikinews_nlp, text, "indirect")
    assert q._.speaker.text.endswith("außer Dienst")
    # a relative clause between the commas is no apposition
    (q,) = quotes(nlp, "John Kline, der gestern ankam, sagte, der Vorfall sei kein Unfall gewesen.", "indirect")
    assert "ankam" not in q._.speaker_role


def test_an_institute_for_something_somewhere_is_one_name(wikinews_nlp):
    text = ("Sascha Kempf vom Max-Planck-Institut für Kernphysik in Heidelberg erläutert die Hypothese so: "
            "„Da gibt es zwei Partikelarten.“")
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert q._.speaker.text == "Sascha Kempf vom Max-Planck-Institut für Kernphysik in Heidelberg"


def test_an_acronym_and_the_word_after_it_are_one_name(nlp, wikinews_nlp):
    text = "Es gebe keine Möglichkeit, sich dagegen zu wehren, schreibt der AK Vorratsdatenspeicherung."
    (q,) = quotes(nlp, text, "indirect")
    assert q._.speaker_name == "AK Vorratsdatenspeicherung"
    (q,) = quotes(wikinews_nlp, text, "indirect")
    assert q._.speaker.text == "der AK Vorratsdatenspeicherung"


def test_a_word_in_marks_in_a_dass_clause_of_a_verb_of_saying_is_quoted(nlp):
    text = "Die Abgeordnete Claudia Mo urteilte, dass Hongkong in einen „Bunker“ verwandelt würde."
    direct = quotes(nlp, text, "direct")
    assert [q.text for q in direct] == ["Bunker"] and direct[0]._.speaker_name == "Claudia Mo"
    # outside such a clause one capitalised word in marks stays a name or title
    assert quotes(nlp, "Die Abgeordnete sprach im „Bunker“ mit Journalisten.", "direct") == []


def test_words_in_marks_take_the_verb_whose_object_they_are(nlp):
    text = ("Der Betriebsrat bezeichnete den Bescheid außerdem als „Zumutung“ und kündigte an, "
            "dagegen zu klagen.")
    direct = quotes(nlp, text, "direct")
    assert [q.text for q in direct] == ["Zumutung"]
    assert direct[0]._.cue.text == "bezeichnete" and direct[0]._.speaker.text == "Der Betriebsrat"


def test_als_before_the_marks_reaches_past_a_long_middle_field(nlp):
    text = ("Die Verbraucherzentrale bezeichnete den Tarif wegen seiner vielen versteckten Gebühren im "
            "Kleingedruckten als „Mogelpackung“.")
    direct = quotes(nlp, text, "direct")
    assert [q.text for q in direct] == ["Mogelpackung"]
    assert direct[0]._.speaker.text == "Die Verbraucherzentrale"
    # without "als" a capitalised word in marks that far from the verb stays a name
    assert quotes(nlp, "Die Verbraucherzentrale bezeichnete den Tarif wegen seiner vielen versteckten "
                       "Gebühren im Kleingedruckten des Anbieters „Tarifwelt“ als teuer.", "direct") == []


def test_an_extra_space_inside_a_line_is_no_word(nlp, wikinews_nlp):
    (q,) = quotes(nlp, "Der Vorstandschef der Firma,  Jonas Weber, sagte: „Wir wachsen weiter.“", "direct")
    assert q._.speaker.text == "Jonas Weber" and q.text == "Wir wachsen weiter."
    (q,) = quotes(wikinews_nlp, "Der Vorstandschef der Firma,  Jonas Weber, sagte: „Wir wachsen weiter.“", "direct")
    assert q._.speaker.text == "Der Vorstandschef der Firma,  Jonas Weber"  # offsets of the text as written
    (q,) = quotes(nlp, "Laut  Jonas Weber sei das Werk sicher.", "indirect")
    assert q._.speaker.text == "Jonas Weber" and q.text == "sei das Werk sicher"
    # a line break still ends a heading
    assert quotes(nlp, "Laut Plan\n\nDas Werk ist sicher.", "indirect") == []


def test_nennen_names_a_thing_unless_it_characterises_an_object(nlp):
    assert quotes(nlp, "Seit Mai gilt ein neuer Tarif, genannt „Basis Plus“, für alle Kunden.", "direct") == []
    assert quotes(nlp, "Das nennt man einen „Aktiensplit“.", "direct") == []
    (q,) = quotes(nlp, "Die Gewerkschaft nannte den Plan einen „Wortbruch“.", "direct")
    assert q.text == "Wortbruch" and q._.speaker.text == "Die Gewerkschaft"


def test_a_participle_used_as_an_adjective_is_no_cue(nlp):
    text = "Mit dem neu formulierten Gesetz soll eine Lücke geschlossen werden, „um neuen Gefahren zu begegnen“."
    assert [q._.speaker for q in quotes(nlp, text, "direct")] == [None]
    assert [q._.cue for q in quotes(nlp, text, "direct")] == [None]
    # after a comma the article is a relative pronoun and the verb a cue
    (q,) = quotes(nlp, "Es gab Fachleute aus Berlin, die kritisierten, dass die Studie Fehler habe.", "indirect")
    assert q._.cue.text == "kritisierten"


def test_skandieren_is_a_verb_of_saying(nlp):
    (q,) = quotes(nlp, "Die Demonstranten skandierten vor dem Rathaus Parolen wie „Wir bleiben hier!“", "direct")
    assert q.text == "Wir bleiben hier!" and q._.speaker.text == "Die Demonstranten"
    assert q._.cue.text == "skandierten"


def test_the_agent_of_a_passive_verb_of_saying_speaks(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "Die Reform wird von vielen Ökonomen als „überfällig“ bezeichnet.", "direct")
    assert q._.speaker.text == "vielen Ökonomen"
    (q,) = quotes(wikinews_nlp, "In der Presse war der Vertrag schon als „Geschäft des Jahrzehnts“ bezeichnet worden.", "direct")
    assert q._.speaker.text == "der Presse"
    # an active clause keeps its subject
    (q,) = quotes(wikinews_nlp, "Die Ökonomen haben die Reform von Anfang an als „überfällig“ bezeichnet.", "direct")
    assert q._.speaker.text == "Die Ökonomen"


def test_a_possessive_opinion_before_nach_is_a_cue_like_zufolge(wikinews_nlp):
    text = "Die Ministerin besuchte das Hochwassergebiet. Ihrer Einschätzung nach „wird der Wiederaufbau Jahre dauern“."
    direct = quotes(wikinews_nlp, text, "direct")
    assert [q._.speaker.text for q in direct] == ["Ihrer Einschätzung"]
    (q,) = quotes(wikinews_nlp, "Seiner Meinung nach sei die Lage ernst.", "indirect")
    assert q._.speaker.text == "Seiner Meinung" and q._.cue.text == "nach"
    # "nach" after a noun without a possessive is a preposition
    assert quotes(wikinews_nlp, "Der Meinung nach zu urteilen ist alles gut.", "indirect") == []


def test_adjacent_quotations_merge_only_within_a_paragraph(wikinews_nlp):
    text = ("Die Trainerin sagte: „Wir sind bereit.“ „Das Team ist stark.“\n\n"
            "„Ich erwarte ein enges Spiel“, sagte der Kapitän Jonas Weber.")
    direct = quotes(wikinews_nlp, text, "direct")
    assert [q.text for q in direct] == ["Wir sind bereit.“ „Das Team ist stark.", "Ich erwarte ein enges Spiel"]
    assert [q._.speaker.text for q in direct] == ["Die Trainerin", "der Kapitän Jonas Weber"]


def test_an_extended_participial_attribute_belongs_to_the_speaker_phrase(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "„Wir kommen wieder“, schrieb die in Hamburg geborene Sängerin Lena Vogt.", "direct")
    assert q._.speaker.text == "die in Hamburg geborene Sängerin Lena Vogt"
    (q,) = quotes(wikinews_nlp, "Der das Projekt leitende Ingenieur erklärte: „Die Brücke hält.“", "direct")
    assert q._.speaker.text == "Der das Projekt leitende Ingenieur"
    # a plain adjective and a verb are no such attribute
    (q,) = quotes(wikinews_nlp, "Die neue Chefin sagte: „Wir wachsen.“", "direct")
    assert q._.speaker.text == "Die neue Chefin"


def test_a_sentence_initial_adverb_is_no_subject(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "Aktuell lässt die Sängerin über ihre Anwälte Folgendes erklären: „Ich bleibe.“", "direct")
    assert q._.speaker.text == "die Sängerin"


def test_a_place_after_the_head_fills_the_subject_before_the_verb(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "Das Komitee im norwegischen Oslo würdigte damit den Einsatz zur „Stärkung der Diplomatie“.", "direct")
    assert q._.speaker.text == "Das Komitee im norwegischen Oslo"
    (q,) = quotes(wikinews_nlp, "Seine Kollegin im Landtag, Anna Roth, sagte, das sei falsch.", "indirect")
    assert q._.speaker.text == "Seine Kollegin im Landtag, Anna Roth"
    # after the verb the place stays out: "sagte Roth im Interview"
    (q,) = quotes(wikinews_nlp, "„Das ist falsch“, sagte Anna Roth im Interview.", "direct")
    assert q._.speaker.text == "Anna Roth"


def test_the_copy_without_extra_spaces_keeps_sentences_and_entities():
    from spacy.tokens import Span as SpacySpan

    from pipeline.nlp.quotes_finder import without_blank_tokens

    nlp = make_nlp()
    doc = nlp.make_doc("Der Chef,  Jonas Weber, sagte das.  Dann ging er.")
    nlp.get_pipe("finnews_sentences")(doc)
    assert doc[3].is_space and doc[3].text == " "  # the tokenizer keeps the extra space as a token
    doc.ents = [SpacySpan(doc, 4, 6, label="PER")]
    compact, index = without_blank_tokens(doc)
    assert [t.text for t in compact].count(" ") == 0
    assert [(e.text, e.label_) for e in compact.ents] == [("Jonas Weber", "PER")]
    assert [s.text for s in compact.sents] == ["Der Chef, Jonas Weber, sagte das.", "Dann ging er."]
    assert [doc[i].text for i in index] == [t.text for t in compact]
    assert without_blank_tokens(nlp.make_doc("Ohne doppelte Leerzeichen."))[0].text == "Ohne doppelte Leerzeichen."


def test_letztere_is_a_speaker_pronoun(wikinews_nlp):
    text = ("Neben dem Sprecher stand die Sängerin Lena Vogt. „Die Tiere leiden jeden Tag in ihren Käfigen“, "
            "so letztere. „Das muss aufhören.“")
    direct = quotes(wikinews_nlp, text, "direct")
    assert [q._.speaker.text for q in direct] == ["letztere", "letztere"]


def test_a_participial_attribute_does_not_run_across_a_finite_auxiliary(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "Die taz hat gestern über geplante Kürzungen berichtet, die Regierung wolle sparen.", "indirect")
    assert "hat" not in q._.speaker.text.split()


def test_a_relative_clause_closed_by_its_verb_after_the_marks_speaks_for_its_antecedent(wikinews_nlp):
    text = "Die Zeitung druckte eine Erklärung, welche die Reform als „einen Rückschritt für alle“ bezeichnete."
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert q._.speaker.text == "eine Erklärung"
    # passive: what is described does not speak
    (q,) = quotes(wikinews_nlp, "Die Wolken, die als „nebelartig und giftig“ beschrieben wurden, zogen ab.", "direct")
    assert q._.speaker is None or q._.speaker.text != "Die Wolken"


def test_a_place_the_news_comes_from_before_heisst_es_is_the_source(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "Aus Berlin hieß es, das Vorgehen sei „eine schwere Verletzung“ des Abkommens.", "indirect")
    assert q._.speaker.text == "Berlin"


def test_a_quoted_dass_clause_speaks_for_the_subject_of_its_main_clause(wikinews_nlp):
    text = "Das Gericht kam damit zu dem Schluss, „dass die Beweise nicht ausreichen“."
    (q,) = quotes(wikinews_nlp, text, "direct")
    assert q._.speaker.text == "Das Gericht"


def test_zusichern_is_a_verb_of_saying(wikinews_nlp):
    (q,) = quotes(wikinews_nlp, "Die Ministerin sicherte den Bauern zu, dass „niemand allein gelassen wird“.", "direct")
    assert q._.speaker.text == "Die Ministerin"


def _quotes_with_companies(nlp, text, companies):
    """Run the quote component on ``text`` with ``companies`` (surfaces) as ORG entities."""
    from spacy.tokens import Span

    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc(text))
    ents = []
    for surface in companies:
        for m in re.finditer(re.escape(surface), text):
            span = doc.char_span(m.start(), m.end(), label="ORG")
            if span is not None:
                ents.append(span)
    doc.ents = sorted(ents, key=lambda s: s.start)
    return list(nlp.get_pipe("finnews_quotes")(doc).spans["quotes"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kronos meldete am Mittwoch Rekordzahlen. Die Erlöse seien um 12 % gestiegen, teilte das Unternehmen "
         "aus dem schwäbischen Ulm mit.", "Kronos"),
        ("Vandor verkauft mehr Maschinen. Die Nachfrage aus Asien ziehe an, sagte ein Konzernsprecher.", "Vandor"),
        ("Der Windkraftspezialist Nordwind und Vandor verhandeln. Nordwind baut Stellen ab. Die Kosten seien "
         "zu hoch, erklärte der Hamburger Konzern.", "Nordwind"),
        # the organisation behind an account noun
        ("Vandor wurde bestreikt. Nach Angaben des Konzerns fielen 80 % der Schichten aus.", "Vandor"),
        ("Der Streik traf viele Firmen. Nach Angaben von Kronos fielen 80 % der Schichten aus.", "Kronos"),
        ("Nach Angaben der Polizei wurden drei Menschen verletzt.", "Polizei"),
    ],
)
def test_a_generic_company_speaker_is_named_by_the_company_of_the_article(nlp, text, expected):
    found = _quotes_with_companies(nlp, text, ["Kronos", "Vandor", "Nordwind"])
    assert found and found[-1]._.speaker_name == expected


def test_a_generic_company_speaker_keeps_its_words_as_role(nlp):
    text = "Vandor verkauft mehr Maschinen. Die Nachfrage ziehe an, erklärte der Hamburger Konzern."
    (q,) = _quotes_with_companies(nlp, text, ["Vandor"])
    assert (q._.speaker_name, q._.speaker_role) == ("Vandor", "Hamburger Konzern")


def test_analysts_of_a_described_house_name_the_house(nlp):
    text = "Analysten des Hauses Kepler Cheuvreux nennen für Kronos ein Kursziel von 90 Euro."
    found = _quotes_with_companies(nlp, text, ["Kepler Cheuvreux", "Kronos"])
    assert [q._.speaker_name for q in found] == ["Kepler Cheuvreux"]


def test_a_generic_speaker_without_an_earlier_company_keeps_its_words(nlp):
    found = _quotes_with_companies(nlp, "Die Erlöse seien gestiegen, teilte das Unternehmen mit.", [])
    assert found and found[0]._.speaker_name == "das Unternehmen"


def test_er_is_not_resolved_to_a_named_organisation(nlp):
    text = "Die Analysten von Kronos Energy erwarten einen Rückgang der Nachfrage. Er sagte, die Preise würden fallen."
    found = _quotes_with_companies(nlp, text, ["Kronos Energy"])
    assert [q._.speaker_name for q in found if q.label_ == "indirect"] == ["Er"]
    # a person named with the organisation is a fine antecedent
    text = "„Die Preise fallen“, sagte Peter Brandt von Kronos Energy. Er erwartet einen Rückgang, sagte er."
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc(text))
    person, org = text.index("Peter Brandt"), text.index("Kronos Energy")
    doc.ents = [doc.char_span(person, person + 12, label="PER"), doc.char_span(org, org + 13, label="ORG")]
    found = list(nlp.get_pipe("finnews_quotes")(doc).spans["quotes"])
    assert [q._.speaker_name for q in found] == ["Peter Brandt", "Peter Brandt"]


def test_a_dateline_is_not_part_of_reported_speech(nlp):
    text = "Neue Marke geplant. Frankfurt – Die Bank will ihren Namen ändern, berichtete die Zeitung."
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc(text))
    place = text.index("Frankfurt")
    doc.ents = [doc.char_span(place, place + 9, label="LOC")]
    (q,) = [q for q in nlp.get_pipe("finnews_quotes")(doc).spans["quotes"] if q.label_ == "indirect"]
    assert q.text == "Die Bank will ihren Namen ändern"
    # without a place it stays: "Die Bank – so heißt es – …" is no dateline
    (q,) = quotes(nlp, "Kronos – so hieß es – wolle den Namen ändern, berichtete die Zeitung.", "indirect")
    assert q.text.startswith("Kronos")


@pytest.mark.parametrize(
    "text, expected",
    [
        # a separable verb's object stands before its particle
        ("Der Konzern kündigte eine höhere Dividende an.", [("eine höhere Dividende", "kündigte")]),
        # two coordinated verbs of saying, each with its own object
        ("Der Konzern meldete einen Rekordgewinn und kündigte eine höhere Dividende an.",
         [("einen Rekordgewinn", "meldete"), ("eine höhere Dividende", "kündigte")]),
        ("Kronos hatte im Juli einen Umsatzrückgang um 4 % gemeldet und eine neue Prognose bestätigt.",
         [("einen Umsatzrückgang um 4 %", "gemeldet"), ("eine neue Prognose", "bestätigt")]),
        # a unit sign ends its figure, not the quotation
        ("Kronos meldete einen Gewinnrückgang um 25 %.", [("einen Gewinnrückgang um 25 %", "meldete")]),
    ],
)
def test_reported_speech_objects(nlp, text, expected):
    assert [(q.text, q._.cue.text) for q in quotes(nlp, text, "reported")] == expected


# ---------------------------------------------------------------- long documents


def test_a_quotation_repeated_200_times_keeps_its_speaker_every_time(nlp):
    unit = "„Das Geschäft läuft gut“, sagte Anna Berger. Die Aktie stieg um 3 %. "
    one = [(q.text, q.label_, speaker(q)) for q in quotes(nlp, unit)]
    assert one == [("Das Geschäft läuft gut", "direct", "Anna Berger")]
    assert [(q.text, q.label_, speaker(q)) for q in quotes(nlp, unit * 200)] == one * 200


def _quotes_with_organisations(nlp, text, organisations):
    """Like :func:`_quotes_with_companies`, with ``organisations`` mapping surfaces to ``org_kind``."""
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc(text))
    ents = []
    for surface, kind in organisations.items():
        for m in re.finditer(re.escape(surface), text):
            span = doc.char_span(m.start(), m.end(), label="ORG")
            if span is not None:
                ents.append(span)
    doc.ents = sorted(ents, key=lambda s: s.start)
    for ent in doc.ents:
        ent._.org_kind = organisations[ent.text]
    return list(nlp.get_pipe("finnews_quotes")(doc).spans["quotes"])


@pytest.mark.parametrize(
    "text, expected",
    [
        # a company described by the kind of company it is, also in a compound the tokenizer splits
        ("Kronos verdiente mehr als erwartet. Der Gewinn stieg um 74 %, wie die Grossbank mitteilte.", "Kronos"),
        ("Kronos legte Zahlen vor. Der Umsatz stieg um 9 %, wie der MDax-Konzern am Dienstag mitteilte.", "Kronos"),
        ("Vandor meldete einen Großauftrag. Das Volumen liege bei 400 Mio. Euro, teilte der Anlagenbauer mit.", "Vandor"),
        # a public body or a union is looked for among organisations of its kind, not among companies
        ("Kronos streicht Stellen. Die IG Metall reagierte verärgert. Die Werke müssten bleiben, forderte die "
         "Gewerkschaft.", "IG Metall"),
        # ... the one introduced with the same noun first: "Die Aufsichtsbehörde Finma" for "die Behörde"
        ("Kronos will weniger Kapital halten. Die Aufsichtsbehörde Finma stellte sich hinter den Bundesrat. Das "
         "Kapital sei die beste Versicherung, erklärte die Behörde.", "Finma"),
        # a name with such a noun names itself; a trader is no company
        ("Kronos und die Commerzbank verhandeln. Die Zinsen seien zu hoch, sagte die Commerzbank.", "Commerzbank"),
        ("Kronos meldet Zahlen. Die Preise seien zu hoch, sagte ein Händler.", "ein Händler"),
        # a kind of business re-names the one company just named; "der Konzern" the article's company
        ("Vandor verlor 2 %. Vandor bleibt schwach. Gegen den Trend zog Kronos an. Das Volumen liege bei 400 Mio. "
         "Euro, teilte der Anlagenbauer mit.", "Kronos"),
        ("Vandor verlor 2 %. Vandor bleibt schwach. Gegen den Trend zog Kronos an. Das Volumen liege bei 400 Mio. "
         "Euro, teilte der Konzern mit.", "Vandor"),
        # "das Ministerium" alone is the ministry named before
        ("Das Wirtschaftsministerium legte Zahlen vor. Die Aufträge seien gesunken, teilte das Ministerium mit.",
         "Wirtschaftsministerium"),
        # a possessive makes it the chamber of the person named before
        ("Die IG Metall ist dagegen. Auch Präsident Klaus Hübner ist nicht begeistert. Seine Kammer sei zwar "
         "dafür, Zusammenschlüsse mit anderen Berufen zu ermöglichen, gemeinsame Gesellschaften würden aber "
         "abgelehnt.", "Seine Kammer"),
    ],
)
def test_a_described_organisation_is_named_by_an_earlier_one_of_its_kind(nlp, text, expected):
    kinds = {"Kronos": "company", "Vandor": "company", "Commerzbank": "company", "IG Metall": "other",
             "Finma": "public_body", "Bundesrat": "public_body", "Wirtschaftsministerium": "public_body"}
    found = _quotes_with_organisations(nlp, text, {s: k for s, k in kinds.items() if s in text})
    assert found and found[-1]._.speaker_name == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # an article and one noun or acronym that names an institution: the name is without the article
        ("Der Plan koste weniger, wie das Verkehrsministerium am Donnerstag mitteilte.", "Verkehrsministerium"),
        ("Die FDP verlangt Erleichterungen, die SP fordert strengere Regeln.", "SP"),
        # ... not a description, a role or an indefinite phrase
        ("Die Versicherung sei die beste, erklärte die Behörde.", "die Behörde"),
        ("Die Aufträge seien gesunken, teilte das Ministerium mit.", "das Ministerium"),
        ("Die Preise seien zu hoch, sagte ein Händler.", "ein Händler"),
    ],
)
def test_an_institution_named_by_its_noun_is_named_without_the_article(nlp, text, expected):
    found = _quotes_with_organisations(nlp, text, {})
    assert found and found[-1]._.speaker_name == expected
