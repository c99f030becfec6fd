"""Percentages and money amounts (``finnews_figures``) and German number reading.

Entities are set by hand on real tokenised docs (blank German + finance
tokenizer + sentence rules), so these tests exercise the figure rules alone; one
test runs the configured pipeline end to end on the DeepSeek article.
"""

from __future__ import annotations

import re

import pytest
import spacy

from pipeline.nlp import figures as figures_module  # noqa: F401  (registers finnews_figures)
from pipeline.nlp import segmentation  # noqa: F401  (registers finnews_sentences)
from pipeline.nlp.figures_lexicon import load_lexicon_data
from pipeline.nlp.numbers import parse_decimal, parse_digit_range, parse_number_word
from pipeline.nlp.tokenizer import customize_tokenizer
from tests.conftest import DEEPSEEK_ARTICLE, requires_deepseek

ORG, INDEX, PER = "ORG", "INDEX", "PER"


@pytest.fixture(scope="module")
def nlp():
    blank = spacy.blank("de")
    customize_tokenizer(blank.tokenizer)
    blank.add_pipe("finnews_sentences")
    blank.add_pipe("finnews_figures").initialize(nlp=blank)
    return blank


def annotate(nlp, text, entities=()):
    """Tokenise ``text``, mark every occurrence of each ``(surface, label)`` as an entity, run the figures."""
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc(text))
    spans = []
    for surface, label in sorted(entities, key=lambda e: -len(e[0])):
        for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
            span = doc.char_span(m.start(), m.end(), label=label)
            if span is not None and not any(s.start < span.end and span.start < s.end for s in spans):
                spans.append(span)
    doc.ents = sorted(spans, key=lambda s: s.start)
    for span in doc.ents:
        span._.entity_name = span.text
    return nlp.get_pipe("finnews_figures")(doc)


def rows(doc):
    """(text, kind, value, unit, about names) per figure."""
    return [
        (s.text, s.label_, s._.figure["value"], s._.figure["unit"], [e.text for e in s._.about])
        for s in doc.spans["figures"]
    ]


def only(doc):
    spans = list(doc.spans["figures"])
    assert len(spans) == 1, [s.text for s in spans]
    return spans[0]


# -- numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [("6,3", 6.3), ("-6,3", -6.3), ("−4,7", -4.7), ("+3", 3.0), ("1.250", 1250.0), ("1.250,50", 1250.5),
     ("1.250.000", 1250000.0), ("5.5", 5.5), ("1,250.50", 1250.5), ("0,25", 0.25)],
)
def test_parse_decimal_reads_german_and_english_digits(text, value):
    assert parse_decimal(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["27.", "27.01.2025", "12:30", "R1", "V3", "abc", ""])
def test_parse_decimal_rejects_ordinals_dates_times_and_names(text):
    assert parse_decimal(text) is None


def test_parse_digit_range():
    assert parse_digit_range("3–5") == (3.0, 5.0)
    assert parse_digit_range("3,5-4,5") == (3.5, 4.5)
    assert parse_digit_range("abc") is None


@pytest.mark.parametrize(
    "word, value",
    [("drei", 3), ("Drei", 3), ("zwölf", 12), ("fünfundzwanzig", 25), ("einundzwanzig", 21), ("zweihundert", 200),
     ("dreieinhalb", 3.5), ("anderthalb", 1.5), ("hundert", 100), ("zweitausend", 2000)],
)
def test_parse_number_word(word, value):
    words = {k.lower(): float(v) for k, v in load_lexicon_data()["number_words"].items()}
    assert parse_number_word(word, words) == pytest.approx(value)


def test_parse_number_word_rejects_ordinary_words():
    words = {k.lower(): float(v) for k, v in load_lexicon_data()["number_words"].items()}
    for word in ("Aktie", "und", "Hundertstel", "Runde"):
        assert parse_number_word(word, words) is None


# -- percentages: value, sign and direction ----------------------------------------


@pytest.mark.parametrize(
    "text, entities, span, value, direction",
    [
        ("Hellofresh (-12,5 %) war Schlusslicht im MDax.", [("Hellofresh", ORG), ("MDax", INDEX)], "-12,5 %", -12.5, "down"),
        ("Puma (minus 7,1 %) gab deutlich nach.", [("Puma", ORG)], "minus 7,1 %", -7.1, "down"),
        ("Adidas (plus 2,4 %) war gefragt.", [("Adidas", ORG)], "plus 2,4 %", 2.4, "up"),
        ("Für die Commerzbank-Aktie stand ein Minus von 2,8 % zu Buche.", [("Commerzbank", ORG)], "2,8 %", -2.8, "down"),
        ("Die Papiere von Bayer brachen um 9,4 % ein.", [("Bayer", ORG)], "9,4 %", -9.4, "down"),
        ("Die Aktien von Rheinmetall legten um 6 Prozent zu.", [("Rheinmetall", ORG)], "6 Prozent", 6.0, "up"),
        ("Beiersdorf büßte 3,3 % ein.", [("Beiersdorf", ORG)], "3,3 %", -3.3, "down"),
        ("Der MDax schloss 0,8 % tiefer.", [("MDax", INDEX)], "0,8 %", -0.8, "down"),
        ("Continental verlor zwei Prozent.", [("Continental", ORG)], "zwei Prozent", -2.0, "down"),
        ("Die Deutsche Bank gab um ein halbes Prozent nach.", [("Deutsche Bank", ORG)], "ein halbes Prozent", -0.5, "down"),
        ("Kursgewinne von vier Prozent verbuchte Merck.", [("Merck", ORG)], "vier Prozent", 4.0, "up"),
        ("Zalando-Papiere rutschten um 5 % ab.", [("Zalando", ORG)], "5 %", -5.0, "down"),
        ("Bei Vonovia ergab sich ein Umsatzplus von 7 %.", [("Vonovia", ORG)], "7 %", 7.0, "up"),
        ("Die Symrise-Aktie notierte 1,9 % im Minus.", [("Symrise", ORG)], "1,9 %", -1.9, "down"),
        ("Der Marktanteil von Tesla liegt bei 18 %.", [("Tesla", ORG)], "18 %", 18.0, "none"),
        ("Die Bruttomarge von Nvidia betrug 74,6 Prozent.", [("Nvidia", ORG)], "74,6 Prozent", 74.6, "none"),
        ("Die Inflation sank im März auf 2,2 Prozent.", [], "2,2 Prozent", 2.2, "none"),
        ("Eine 10-prozentige Beteiligung an Evotec wurde verkauft.", [("Evotec", ORG)], "10-prozentige", 10.0, "none"),
    ],
)
def test_percentage_value_sign_and_direction(nlp, text, entities, span, value, direction):
    figure = only(annotate(nlp, text, entities))
    assert figure.text == span
    assert figure.label_ == "percent"
    assert figure._.figure["value"] == pytest.approx(value)
    assert figure._.figure["direction"] == direction
    assert figure._.figure["unit"] == "%"


def test_the_nearest_verb_of_each_coordinated_clause_decides(nlp):
    doc = annotate(nlp, "Henkel fiel um 3 % und Beiersdorf stieg um 2 %.", [("Henkel", ORG), ("Beiersdorf", ORG)])
    assert rows(doc) == [("3 %", "percent", -3.0, "%", ["Henkel"]), ("2 %", "percent", 2.0, "%", ["Beiersdorf"])]


def test_a_gapped_verb_carries_over_to_the_next_clause(nlp):
    doc = annotate(nlp, "Der TecDax gab um 2 % nach, der SDax um 1,5 %.", [("TecDax", INDEX), ("SDax", INDEX)])
    assert [(r[2], r[4]) for r in rows(doc)] == [(-2.0, ["TecDax"]), (-1.5, ["SDax"])]


@pytest.mark.parametrize(
    "text, qualifier",
    [
        ("Hannover Rück gewann rund 3 %.", "rund"),
        ("Hannover Rück gewann um knapp 3 %.", "knapp"),
        ("Hannover Rück gewann etwa 3 %.", "etwa"),
        ("Hannover Rück gewann um bis zu 3 %.", "bis zu"),
        ("Hannover Rück gewann um mehr als 3 %.", "mehr als"),
        ("Hannover Rück gewann um etwas mehr als 3 %.", "etwas mehr als"),
        ("Hannover Rück gewann gut 3 %.", "gut"),
        ("Hannover Rück gewann fast 3 %.", "fast"),
        ("Hannover Rück gewann 3 %.", ""),
    ],
)
def test_qualifiers_are_recorded_and_kept_out_of_the_span(nlp, text, qualifier):
    figure = only(annotate(nlp, text, [("Hannover Rück", ORG)]))
    assert figure.text == "3 %"
    assert figure._.figure["qualifier"] == qualifier
    assert figure._.figure["value"] == pytest.approx(3.0)
    assert [e.text for e in figure._.about] == ["Hannover Rück"]


@pytest.mark.parametrize(
    "text, span, value, value_to",
    [
        ("Die Prognose reicht von 18 Prozent bis 250 Prozent.", "18 Prozent bis 250 Prozent", 18.0, 250.0),
        ("Die Marge soll zwischen 12 und 14 Prozent liegen.", "12 und 14 Prozent", 12.0, 14.0),
        ("Die Papiere verloren 2 bis 4 %.", "2 bis 4 %", -2.0, -4.0),
        ("Erwartet wird ein Wachstum von 3–5 %.", "3–5 %", 3.0, 5.0),
        ("Der Umsatz soll 21,6 bis 21,9 Mrd. Euro erreichen.", "21,6 bis 21,9 Mrd. Euro", 21.6e9, 21.9e9),
    ],
)
def test_ranges_are_one_figure(nlp, text, span, value, value_to):
    figure = only(annotate(nlp, text))
    assert figure.text == span
    assert figure._.figure["value"] == pytest.approx(value)
    assert figure._.figure["value_to"] == pytest.approx(value_to)


@pytest.mark.parametrize(
    "text, value",
    [
        ("Die EZB senkte den Einlagensatz um 0,25 Prozentpunkte.", -0.25),
        ("Die Marge von Porsche verbesserte sich um 1,5 Prozentpunkte.", 1.5),
        ("Die Rendite stieg um 25 Basispunkte.", 0.25),
        ("Die Fed erhöhte den Leitzins um einen Viertelprozentpunkt.", 0.25),
    ],
)
def test_percentage_points(nlp, text, value):
    figure = only(annotate(nlp, text, [("EZB", ORG), ("Porsche", ORG), ("Fed", ORG)]))
    assert figure._.figure["unit"] == "pp"
    assert figure._.figure["value"] == pytest.approx(value)


@pytest.mark.parametrize(
    "text, span, value, qualifier",
    [
        ("Der Gewinn von Palantir hat sich verdreifacht.", "verdreifacht", 200.0, ""),
        ("Die Rheinmetall-Aktie hat sich seit 2022 mehr als verzehnfacht.", "verzehnfacht", 900.0, "mehr als"),
        ("Der Kurs von Varta hat sich halbiert.", "halbiert", -50.0, ""),
        ("Die Papiere von SAP haben sich gut verdoppelt.", "verdoppelt", 100.0, "gut"),
    ],
)
def test_multiplier_verbs_are_percentages(nlp, text, span, value, qualifier):
    figure = only(annotate(nlp, text, [("Palantir", ORG), ("Rheinmetall", ORG), ("Varta", ORG), ("SAP", ORG)]))
    assert (figure.text, figure.label_) == (span, "percent")
    assert figure._.figure["value"] == pytest.approx(value)
    assert figure._.figure["qualifier"] == qualifier
    assert figure._.figure["direction"] == ("up" if value > 0 else "down")
    assert len(figure._.about) == 1


# -- money ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span, value, unit",
    [
        ("Der Umsatz von SAP stieg auf 8,5 Mrd. Euro.", "8,5 Mrd. Euro", 8.5e9, "EUR"),
        ("BMW investiert 1,7 Milliarden Euro in Ungarn.", "1,7 Milliarden Euro", 1.7e9, "EUR"),
        ("Apple ist 3,4 Bill. US-Dollar wert.", "3,4 Bill. US-Dollar", 3.4e12, "USD"),
        ("Alphabet ist zwei Billionen Dollar wert.", "zwei Billionen Dollar", 2e12, "USD"),
        ("Novartis zahlt 3,20 Franken Dividende.", "3,20 Franken", 3.2, "CHF"),
        ("Novartis verdiente 420 Mio. Fr. im Quartal.", "420 Mio. Fr.", 4.2e8, "CHF"),
        ("Toyota meldete einen Gewinn von 1,2 Billionen Yen.", "1,2 Billionen Yen", 1.2e12, "JPY"),
        ("Barclays verdiente 2 Mrd. Pfund.", "2 Mrd. Pfund", 2e9, "GBP"),
        ("Die Strafe für Meta beträgt 5 Mio. $.", "5 Mio. $", 5e6, "USD"),
        ("Die Strafe für Meta beträgt 800 Tsd. Euro.", "800 Tsd. Euro", 8e5, "EUR"),
        ("Eine Aktie von Uber kostet $70 an der Nyse.", "$70", 70.0, "USD"),
        ("Eine Aktie von Allianz kostet € 350 am Abend.", "€ 350", 350.0, "EUR"),
        ("Eine Aktie von Allianz kostet 350 €.", "350 €", 350.0, "EUR"),
        ("Die Telekom zahlt 90 Cent je Aktie.", "90 Cent", 0.9, "EUR"),
        ("OpenAI wurde nicht für 5 Mill. US-Dollar nachgebaut.", "5 Mill. US-Dollar", 5e6, "USD"),
        ("Die Übernahme kostet Merck 1.250 Mio. Euro.", "1.250 Mio. Euro", 1.25e9, "EUR"),
        ("Die Übernahme kostet Merck eine Milliarde Euro.", "eine Milliarde Euro", 1e9, "EUR"),
    ],
)
def test_money_amount_scale_and_currency(nlp, text, span, value, unit):
    orgs = ["SAP", "BMW", "Apple", "Alphabet", "Novartis", "Toyota", "Barclays", "Meta", "Uber", "Allianz", "Telekom",
            "OpenAI", "Merck"]
    figure = only(annotate(nlp, text, [(o, ORG) for o in orgs]))
    assert (figure.text, figure.label_, figure._.figure["unit"]) == (span, "money", unit)
    assert figure._.figure["value"] == pytest.approx(value, rel=1e-9)
    assert len(figure._.about) == 1


def test_a_prefixed_amount_at_the_end_of_a_sentence(nlp):
    # The tokenizer keeps "70." whole (as for an ordinal), so the span ends with the period.
    figure = only(annotate(nlp, "Eine Aktie von Uber kostet $70. Das ist viel.", [("Uber", ORG)]))
    assert (figure._.figure["value"], figure._.figure["unit"]) == (70.0, "USD")


def test_german_billion_is_the_english_trillion(nlp):
    figure = only(annotate(nlp, "Microsoft kommt auf knapp 3,2 Bill. Dollar.", [("Microsoft", ORG)]))
    assert figure._.figure["value"] == pytest.approx(3.2e12, rel=1e-9)
    assert figure._.figure["qualifier"] == "knapp"
    assert figure._.figure["direction"] == "none"


def test_money_that_shrinks_by_an_amount_is_signed(nlp):
    doc = annotate(nlp, "Der Börsenwert von Nvidia schrumpfte um 590 Mrd. Dollar auf 2,9 Bill. Dollar.", [("Nvidia", ORG)])
    assert [(r[0], r[2]) for r in rows(doc)] == [("590 Mrd. Dollar", -5.9e11), ("2,9 Bill. Dollar", 2.9e12)]
    assert [s._.figure["direction"] for s in doc.spans["figures"]] == ["down", "none"]


def test_a_level_after_a_preposition_is_not_signed(nlp):
    doc = annotate(nlp, "Die Munich-Re-Aktie fiel um 2 % auf 480 Euro und schloss bei über 470 Euro.", [("Munich-Re", ORG)])
    assert [(r[0], r[2]) for r in rows(doc)] == [("2 %", -2.0), ("480 Euro", 480.0), ("470 Euro", 470.0)]
    assert doc.spans["figures"][2]._.figure["qualifier"] == "über"


# -- price targets -------------------------------------------------------------------------


def test_price_target_from_and_to_both_marked_and_about_the_company_not_the_bank(nlp):
    doc = annotate(nlp, "Goldman Sachs hob das Kursziel für Siemens von 200 Euro auf 230 Euro an.",
                   [("Goldman Sachs", ORG), ("Siemens", ORG)])
    assert rows(doc) == [("200 Euro", "money", 200.0, "EUR", ["Siemens"]), ("230 Euro", "money", 230.0, "EUR", ["Siemens"])]
    assert all(s._.figure["is_target"] for s in doc.spans["figures"])


def test_price_target_with_elided_currency(nlp):
    doc = annotate(nlp, "Für Adidas hob die UBS das Kursziel von 200 auf 250 Euro an.", [("Adidas", ORG), ("UBS", ORG)])
    assert rows(doc) == [("200", "money", 200.0, "EUR", ["Adidas"]), ("250 Euro", "money", 250.0, "EUR", ["Adidas"])]
    assert all(s._.figure["is_target"] for s in doc.spans["figures"])


@pytest.mark.parametrize("person_marked", [True, False])
def test_price_target_named_by_an_analyst_of_a_bank(nlp, person_marked):
    entities = [("Infineon", ORG), ("Bank of America", ORG)] + ([("Eva Roth", PER)] if person_marked else [])
    doc = annotate(nlp, "Bei Infineon half es nicht, dass Eva Roth von der Bank of America ein Ziel von 45 Euro nannte.",
                   entities)
    figure = only(doc)
    assert figure._.figure["is_target"] is True
    assert [e.text for e in figure._.about] == ["Infineon"]


def test_a_revenue_goal_is_not_a_price_target(nlp):
    figure = only(annotate(nlp, "Das Ziel von Siemens ist ein Umsatz von 90 Mrd. Euro.", [("Siemens", ORG)]))
    assert figure._.figure["is_target"] is False


# -- what a figure is about ----------------------------------------------------------------------


def test_jeweils_gives_every_coordinated_company_and_not_the_index(nlp):
    figure = only(annotate(nlp, "Im MDax legten Hensoldt und Renk jeweils um mehr als 5 % zu.",
                           [("MDax", INDEX), ("Hensoldt", ORG), ("Renk", ORG)]))
    assert [e.text for e in figure._.about] == ["Hensoldt", "Renk"]
    assert figure._.figure["value"] == pytest.approx(5.0)


def test_bracketed_figures_belong_to_the_name_before_them(nlp):
    doc = annotate(nlp, "Am Markt litten Aktien wie Qiagen (-2,1 %), Sartorius (minus 4,4 %) und Evotec.",
                   [("Qiagen", ORG), ("Sartorius", ORG), ("Evotec", ORG)])
    assert rows(doc) == [("-2,1 %", "percent", -2.1, "%", ["Qiagen"]),
                         ("minus 4,4 %", "percent", -4.4, "%", ["Sartorius"])]


def test_bracketed_money_in_apposition(nlp):
    doc = annotate(nlp, "Nur Apple (3,4 Bill. Dollar) und Alphabet (2,1 Bill. Dollar) sind mehr wert.",
                   [("Apple", ORG), ("Alphabet", ORG)])
    assert [(r[2], r[4]) for r in rows(doc)] == [(3.4e12, ["Apple"]), (2.1e12, ["Alphabet"])]


@pytest.mark.parametrize(
    "text, entities, about",
    [
        ("Der Chiphersteller Infineon, dessen Aktien um 3 % nachgaben, senkte die Prognose.",
         [("Infineon", ORG)], ["Infineon"]),
        ("Der Softwarekonzern Oracle, für dessen Papiere sich ein Minus von 1,9 % abzeichnete, liegt hinter SAP.",
         [("Oracle", ORG), ("SAP", ORG)], ["Oracle"]),
        ("Einer der Verlierer war Zalando, die um bis zu 8 % fielen.", [("Zalando", ORG)], ["Zalando"]),
        ("Nach Zahlen von Amazon verloren die Papiere von Zalando 4 %.", [("Amazon", ORG), ("Zalando", ORG)], ["Zalando"]),
        ("Um 5 % legten die Papiere von BASF zu.", [("BASF", ORG)], ["BASF"]),
        ("Für den Leitindex Dax zeichneten sich Verluste von zwei Prozent ab.", [("Dax", INDEX)], ["Dax"]),
        ("Der Nasdaq 100 verlor 3 %.", [("Nasdaq 100", INDEX)], ["Nasdaq 100"]),
        ("Laut Bloomberg stieg der Umsatz von Tesla um 2 %.", [("Bloomberg", ORG), ("Tesla", ORG)], ["Tesla"]),
        ("Analyst Jan Berg von der Deutschen Bank erwartet ein Plus von 4 %.",
         [("Jan Berg", PER), ("Deutschen Bank", ORG)], []),
        ("Die Inflation in der Eurozone lag bei 2,4 %.", [], []),
        ("Infineon stieg im Dax um 2 %.", [("Infineon", ORG), ("Dax", INDEX)], ["Infineon"]),
    ],
)
def test_what_a_figure_is_about(nlp, text, entities, about):
    figure = only(annotate(nlp, text, entities))
    assert [e.text for e in figure._.about] == about


def test_a_name_after_the_comma_is_not_what_the_figure_before_it_is_about(nlp):
    # "Deutschen Bank" left unmarked, as when the entity recogniser misses it.
    doc = annotate(nlp, "Die Aktien der Deutschen Bank verloren 1,8 %, Commerzbank gaben 2,3 % nach.", [("Commerzbank", ORG)])
    assert [(r[2], r[4]) for r in rows(doc)] == [(-1.8, []), (-2.3, ["Commerzbank"])]


def test_a_pronoun_takes_the_company_of_the_previous_sentence(nlp):
    doc = annotate(nlp, "Hugo Boss stürzte um 11 % ab. Seit Jahresbeginn haben sie sich damit halbiert.",
                   [("Hugo Boss", ORG)])
    assert [r[4] for r in rows(doc)] == [["Hugo Boss"], ["Hugo Boss"]]


def test_a_pronoun_does_not_reach_into_the_next_paragraph(nlp):
    doc = annotate(nlp, "Hugo Boss stürzte um 11 % ab.\n\nSeit Jahresbeginn haben sie sich halbiert.", [("Hugo Boss", ORG)])
    assert [r[4] for r in rows(doc)] == [["Hugo Boss"], []]


@pytest.mark.parametrize(
    "second",
    [
        "Der Umsatz stieg um 9 % auf 8,9 Mrd. Euro.",
        "Das operative Ergebnis des Konzerns brach um 9 % ein.",
        "Die Aktie legte um 9 % zu.",
        "Damit ist der Walldorfer Softwarekonzern an der Börse 9 Mrd. Euro wert.",
    ],
)
def test_company_words_refer_to_the_main_company(nlp, second):
    text = f"SAP legt Zahlen vor. Auch Oracle meldete sich. SAP will wachsen.\n\n{second}"
    doc = annotate(nlp, text, [("SAP", ORG), ("Oracle", ORG)])
    assert [r[4] for r in rows(doc)][-1] == ["SAP"]


def test_an_index_word_refers_to_the_last_index(nlp):
    doc = annotate(nlp, "Der Dax sprang über 22.000 Punkte. Der deutsche Leitindex schloss 0,8 % höher.", [("Dax", INDEX)])
    assert rows(doc) == [("0,8 %", "percent", 0.8, "%", ["Dax"])]


@pytest.mark.parametrize(
    "text",
    [
        "Der für die Märkte maßgebliche Zins sinkt um 0,25 Prozentpunkte auf 2,0 %, wie die EZB mitteilte.",
        "Die Inflationsrate sank auf 2,2 %.",
        "Siemens legte Zahlen vor. Der Ölpreis stieg um 2 %.",
    ],
)
def test_macro_figures_are_about_nothing(nlp, text):
    doc = annotate(nlp, text, [("EZB", ORG), ("Siemens", ORG)])
    assert [r[4] for r in rows(doc)] == [[]] * len(doc.spans["figures"])


def test_a_bank_confirming_a_rating_is_not_what_the_target_is_about(nlp):
    text = "SAP senkte die Prognose. Die Schweizer Großbank UBS bestätigte ihre Kaufempfehlung mit einem Ziel von 300 Euro."
    doc = annotate(nlp, text, [("SAP", ORG), ("UBS", ORG)])
    assert rows(doc) == [("300 Euro", "money", 300.0, "EUR", ["SAP"])]


def test_macro_words_in_another_clause_do_not_hide_the_company(nlp):
    doc = annotate(nlp, "Sony verloren 11,2 %, weil Anleger auf sinkende Zinsen setzten.", [("Sony", ORG)])
    assert [r[4] for r in rows(doc)] == [["Sony"]]


def test_a_metric_of_a_generic_group_is_about_nothing(nlp):
    doc = annotate(nlp, "Union Investment ist vorsichtig. Ein starker Yen dürfte die Gewinne der Exporteure um 5 % schmälern.",
                   [("Union Investment", ORG)])
    assert [(r[2], r[4]) for r in rows(doc)] == [(-5.0, [])]


def test_a_resolved_company_stays_the_subject_for_the_next_sentence(nlp):
    text = ("Mozilla verhandelt mit Google. Mozilla braucht das Geld. Der Suchmaschinen-Konzern Alphabet zahlt. "
            "Der Konzern verdiente 35 Mrd. Dollar. Die Aktie stieg um 1,2 %.")
    doc = annotate(nlp, text, [("Mozilla", ORG), ("Google", ORG), ("Alphabet", ORG)])
    assert [r[4] for r in rows(doc)] == [["Alphabet"], ["Alphabet"]]


def test_a_company_spokesperson_speaks_for_the_main_company(nlp):
    text = "Tesla drosselt die Produktion. Laut einem Unternehmenssprecher sollen etwa ein Prozent weniger Autos entstehen."
    doc = annotate(nlp, text, [("Tesla", ORG)])
    assert [(r[2], r[4]) for r in rows(doc)] == [(-1.0, ["Tesla"])]


@pytest.mark.parametrize("text", ["Adnoc bietet 62 Euro je Covestro-Aktie.", "Adnoc bietet 62 Euro pro Aktie von Covestro."])
def test_a_per_share_amount_is_about_the_company_of_the_share(nlp, text):
    doc = annotate(nlp, text, [("Adnoc", ORG), ("Covestro", ORG)])
    assert [r[4] for r in rows(doc)] == [["Covestro"]]


def test_a_stake_is_about_the_holder_and_the_company_held(nlp):
    doc = annotate(nlp, "Die Allianz hat ihren Anteil an der Commerzbank auf 9 % aufgestockt.",
                   [("Allianz", ORG), ("Commerzbank", ORG)])
    assert [r[4] for r in rows(doc)] == [["Allianz", "Commerzbank"]]
    doc = annotate(nlp, "Der Bund, der noch 14 % an der Lufthansa hält, will verkaufen.", [("Bund", ORG), ("Lufthansa", ORG)])
    assert [r[4] for r in rows(doc)] == [["Bund", "Lufthansa"]]


def test_a_descriptor_noun_refers_to_the_name_it_described(nlp):
    text = "Der Chemiekonzern BASF meldete Zahlen. Auch Bayer legte vor. Die Aktie des Chemiekonzerns fiel um 2 %."
    doc = annotate(nlp, text, [("BASF", ORG), ("Bayer", ORG)])
    assert rows(doc) == [("2 %", "percent", -2.0, "%", ["BASF"])]


def test_a_share_word_refers_to_the_subject_of_the_previous_sentence(nlp):
    text = "Die Hannover Rück meldete Schäden. Munich Re stellte ebenfalls Zahlen vor. Die Aktie fiel um 2 %."
    doc = annotate(nlp, text, [("Hannover Rück", ORG), ("Munich Re", ORG)])
    assert rows(doc) == [("2 %", "percent", -2.0, "%", ["Munich Re"])]


def test_a_demonstrative_points_to_a_metric_of_the_main_company(nlp):
    text = "Nvidia legte Zahlen vor. Nvidia übertraf die Prognosen. Anleger achten auf die Bruttomarge. Diese lag bei 74 %."
    doc = annotate(nlp, text, [("Nvidia", ORG)])
    assert rows(doc) == [("74 %", "percent", 74.0, "%", ["Nvidia"])]


def test_the_lead_index_is_the_benchmark_not_the_last_index_named(nlp):
    text = "Der Dax fiel um 1 %. Der MDax verlor 2 %. Damit summierten sich die Verluste des Leitindex auf knapp 5 %."
    doc = annotate(nlp, text, [("Dax", INDEX), ("MDax", INDEX)])
    assert rows(doc)[-1] == ("5 %", "percent", -5.0, "%", ["Dax"])


def test_an_index_inside_a_company_compound_is_no_index_mention(nlp):
    doc = annotate(nlp, "SAP legte Zahlen vor. Der Umsatz stieg um 9 %, wie der Dax-Konzern mitteilte.",
                   [("SAP", ORG), ("Dax", INDEX)])
    assert rows(doc) == [("9 %", "percent", 9.0, "%", ["SAP"])]


def test_a_name_inside_an_apposition_or_inserted_clause_is_skipped(nlp):
    doc = annotate(nlp, "Auch Porsche SE, Großaktionär von Volkswagen, verlor 2 %.", [("Porsche SE", ORG), ("Volkswagen", ORG)])
    assert [r[4] for r in rows(doc)] == [["Porsche SE"]]
    doc = annotate(nlp, "Die Aktie von Bayer, das Lanxess einst abgespalten hatte, legte um 0,4 % zu.",
                   [("Bayer", ORG), ("Lanxess", ORG)])
    assert [r[4] for r in rows(doc)] == [["Bayer"]]


def test_a_list_with_a_missing_comma_still_coordinates(nlp):
    doc = annotate(nlp, "Titel wie Intel, Broadcom Micron oder Qualcomm verloren 3 bis 6 %.",
                   [("Intel", ORG), ("Broadcom", ORG), ("Micron", ORG), ("Qualcomm", ORG)])
    assert [r[4] for r in rows(doc)] == [["Intel", "Broadcom", "Micron", "Qualcomm"]]


def test_the_object_of_a_rating_verb_is_what_the_target_is_about(nlp):
    text = "Puma wurde abgestuft. Den Rivalen Adidas stuften die Analysten dagegen hoch, mit einem Kursziel von 260 Euro."
    doc = annotate(nlp, text, [("Puma", ORG), ("Adidas", ORG)])
    assert rows(doc) == [("260 Euro", "money", 260.0, "EUR", ["Adidas"])]


@pytest.mark.parametrize(
    "text, span, value, direction, qualifier",
    [
        ("Munich Re gewannen 1,6 %, Hannover Rück 1,1 %.", "1,1 %", 1.1, "up", ""),
        ("Evotec will die Kosten um weitere 30 Mio. Euro pro Jahr senken.", "30 Mio. Euro", -3e7, "down", ""),
        ("Symrise enttäuschte mit einem Wachstum von nur 2,1 %.", "2,1 %", 2.1, "up", ""),
        ("Softbank steigt mit bis zu 30 Mrd. Dollar bei OpenAI ein.", "30 Mrd. Dollar", 3e10, "none", "bis zu"),
        ("Amazon verlor an einem Tag gut 180 Milliarden Dollar an Börsenwert.", "180 Milliarden Dollar", -1.8e11, "down", "gut"),
        ("Die Prognose lautet 2 Mrd. Euro plus oder minus 100 Mio. Euro.", "100 Mio. Euro", 1e8, "none", ""),
        ("Kontron meldete einen Vertrag über 850 Tsd. Euro.", "850 Tsd. Euro", 8.5e5, "none", ""),
        ("Ein Anstieg des Yen um zehn Prozent würde Exporteure treffen.", "zehn Prozent", 10.0, "up", ""),
        ("Evotec erwartet ein Wachstum der Cloud-Erlöse von 26 bis 28 Prozent.", "26 bis 28 Prozent", 26.0, "up", ""),
        ("Das Minus beim Nettogewinn von Symrise betrug 7 %.", "7 %", -7.0, "down", ""),
    ],
)
def test_direction_and_qualifier_in_context(nlp, text, span, value, direction, qualifier):
    doc = annotate(nlp, text, [(o, ORG) for o in ("Munich Re", "Hannover Rück", "Evotec", "Symrise", "Softbank",
                                                  "OpenAI", "Amazon", "Kontron")])
    figure = [s for s in doc.spans["figures"] if s.text == span][0]
    assert figure._.figure["value"] == pytest.approx(value)
    assert figure._.figure["direction"] == direction
    assert figure._.figure["qualifier"] == qualifier


@pytest.mark.parametrize(
    "text",
    [
        "Im Jahr 2023 belegte Siemens Platz 3 der Rangliste.",
        "Das Modell DeepSeek-V3 folgt auf R1.",
        "Die Hotline 0800 123456 ist ab 8:30 Uhr erreichbar.",
        "Am 27. Januar 2025 schloss die Börse um 17.30 Uhr.",
        "Der Dax stand bei 21.000 Punkten.",
        "Seit 2023 Euro-Anleihen gefragt sind, steigt der Euro Stoxx 50.",
        "Einige Prozent der Anleger verkauften, Milliarden Euro flossen ab.",
    ],
)
def test_numbers_without_a_unit_are_not_figures(nlp, text):
    doc = annotate(nlp, text, [("Siemens", ORG), ("Dax", INDEX)])
    assert [s.text for s in doc.spans["figures"]] == []


# -- the component as a spaCy citizen ------------------------------------------------------------


def test_figures_are_spans_with_the_contract_fields(nlp):
    doc = annotate(nlp, "SAP legte um 2 % zu.", [("SAP", ORG)])
    figure = only(doc)
    assert set(figure._.figure) == {"value", "unit", "direction", "qualifier", "value_to", "is_target"}
    assert figure._.about[0] == doc.ents[0]


def test_match_is_pure_and_set_annotations_writes(nlp):
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc("Bayer fiel um 3 %."))
    component = nlp.get_pipe("finnews_figures")
    found = component.match(doc)
    assert "figures" not in doc.spans
    component.set_annotations(doc, found)
    assert [s.text for s in doc.spans["figures"]] == ["3 %"]


def test_pipeline_with_figures_saves_and_loads(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipe")
    assert (tmp_path / "pipe" / "finnews_figures" / "lexicon.json").is_file()
    loaded = spacy.load(tmp_path / "pipe")
    doc = loaded("Die Aktie fiel um 3,5 % auf 80 Euro.")
    assert [(s.text, s._.figure["value"]) for s in doc.spans["figures"]] == [("3,5 %", -3.5), ("80 Euro", 80.0)]


# -- the seed article --------------------------------------------------------------------------------

DEEPSEEK_ENTITIES = [
    ("Nasdaq 100", INDEX), ("Dax", INDEX), ("Nvidia", ORG), ("Apple", ORG), ("Microsoft", ORG), ("Aixtron", ORG),
    ("Siltronic", ORG), ("Suss Microtec", ORG), ("Kontron", ORG), ("Infineon", ORG), ("Siemens Energy", ORG),
    ("Siemens", ORG), ("Bank of America", ORG), ("Alexander Virgo", PER), ("OpenAI", ORG), ("DeepSeek", ORG),
]

# What the brief says about the article: (figure text, value, about).
DEEPSEEK_EXPECTED = [
    ("drei Prozent", -3.0, ["Nasdaq 100"]),
    ("7,5 %", -7.5, ["Nvidia"]),
    ("ein Prozent", -1.0, ["Apple"]),
    ("3,5 %", -3.5, ["Microsoft"]),
    ("3,2 Bill. Dollar", 3.2e12, ["Microsoft"]),
    ("-6,3 %", -6.3, ["Aixtron"]),
    ("-4,7 %", -4.7, ["Siltronic"]),
    ("minus 10,3 %", -10.3, ["Suss Microtec"]),
    ("minus 3,8 %", -3.8, ["Kontron"]),
    ("4 %", -4.0, ["Infineon", "Siemens"]),
    ("20 %", -20.0, ["Siemens Energy"]),
    ("verfünffacht", 400.0, ["Siemens Energy"]),
    ("80 Euro", 80.0, ["Siemens Energy"]),
    ("5 Mill. US-Dollar", 5e6, ["OpenAI"]),
]


@requires_deepseek
def test_deepseek_article_with_hand_marked_entities(nlp):
    doc = annotate(nlp, DEEPSEEK_ARTICLE.read_text(encoding="utf-8"), DEEPSEEK_ENTITIES)
    found = {}
    for span in doc.spans["figures"]:
        found.setdefault(span.text, (span._.figure["value"], [e.text for e in span._.about]))
    for text, value, about in DEEPSEEK_EXPECTED:
        assert text in found, text
        assert found[text][0] == pytest.approx(value, rel=1e-9), text
        assert found[text][1] == about, text
    target = next(s for s in doc.spans["figures"] if s.text == "80 Euro")
    assert target._.figure["is_target"] is True
    assert "Platz 3" not in {s.text for s in doc.spans["figures"]}


# -- organisations that are no company ------------------------------------------------------------


def annotate_kinds(nlp, text, entities, kinds):
    """Like :func:`annotate` (without running the figures yet), with ``span._.org_kind`` set by surface."""
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc(text))
    spans = []
    for surface, label in entities:
        for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
            span = doc.char_span(m.start(), m.end(), label=label)
            if span is not None and not any(s.start < span.end and span.start < s.end for s in spans):
                spans.append(span)
    doc.ents = sorted(spans, key=lambda s: s.start)
    for span in doc.ents:
        span._.entity_name = span.text
        span._.entity_id = span.text
        span._.org_kind = kinds.get(span.text, "company" if span.label_ == ORG else "")
    return nlp.get_pipe("finnews_figures")(doc)


APPLE_FINE = ("Für Apple ist die Schweiz ein kleiner Markt. Der Konzern setzte rund 391 Mrd. Dollar um. "
              "Zuletzt hatte die EU-Kommission gegen das Unternehmen eine Strafe von 1,8 Mrd. € verhängt.")


def test_a_public_body_is_never_what_a_figure_is_about(nlp):
    entities = [("Apple", ORG), ("EU-Kommission", ORG)]
    doc = annotate_kinds(nlp, APPLE_FINE, entities, {"EU-Kommission": "public_body"})
    assert [r[4] for r in rows(doc)] == [["Apple"], ["Apple"]]
    # The kind decides: taken for a company, the Commission would be the fine's subject.
    doc = annotate_kinds(nlp, APPLE_FINE, entities, {})
    assert [r[4] for r in rows(doc)][-1] == ["EU-Kommission"]


def test_a_customer_that_is_no_company_gives_way_to_the_company_word(nlp):
    text = ("Rheinmetall erhält einen Milliardenauftrag.\n\nDie Bundeswehr bestellt Munition im Wert von "
            "8,5 Milliarden Euro, wie der Düsseldorfer Konzern mitteilte.")
    doc = annotate_kinds(nlp, text, [("Rheinmetall", ORG), ("Bundeswehr", ORG)], {"Bundeswehr": "public_body"})
    assert [r[4] for r in rows(doc)] == [["Rheinmetall"]]


def test_a_stake_held_by_a_public_body_names_it_and_the_company(nlp):
    text = "Die Bundesregierung, die noch gut 12 % an der Commerzbank hält, lehnt eine Übernahme ab."
    doc = annotate_kinds(nlp, text, [("Bundesregierung", ORG), ("Commerzbank", ORG)], {"Bundesregierung": "public_body"})
    assert [r[4] for r in rows(doc)] == [["Bundesregierung", "Commerzbank"]]


def test_a_strategists_bank_is_a_source_and_market_gains_are_the_index(nlp):
    text = ("Nach einem Plus von fast 19 % sind Anleger skeptisch, ob der Dax weiter steigen kann. Christian Albers, "
            "Chefanlagestratege der DZ Bank, ist zuversichtlich.\n\nFür das laufende Jahr seien Kursgewinne von bis "
            "zu 10 % möglich, sagt der Stratege.")
    doc = annotate_kinds(nlp, text, [("Dax", INDEX), ("Christian Albers", PER), ("DZ Bank", ORG)], {})
    assert [r[4] for r in rows(doc)] == [["Dax"], ["Dax"]]


@pytest.mark.parametrize(
    "second",
    ["Analysten hatten im Schnitt mit 1,9 Mrd. Dollar gerechnet.",
     "Der Konsens lag bei 1,9 Mrd. Dollar."],
)
def test_the_analysts_expectation_is_about_the_figure_before_it(nlp, second):
    doc = annotate(nlp, f"Der Gewinn der UBS stieg auf 2,1 Mrd. Dollar. {second}", [("UBS", ORG)])
    assert [r[4] for r in rows(doc)] == [["UBS"], ["UBS"]]


def test_an_expectation_without_a_figure_before_it_is_about_nothing(nlp):
    doc = annotate(nlp, "Die UBS legt am Dienstag Zahlen vor.\n\nAnalysten hatten mit 1,9 Mrd. Dollar gerechnet.",
                   [("UBS", ORG)])
    assert [r[4] for r in rows(doc)] == [[]]


# -- long documents: the results do not depend on the document's length ------------------------


def test_a_sentence_repeated_200_times_gives_200_copies_of_its_figures(nlp):
    sentence = "Nvidia fiel im Dax um 3 %, Apple stieg um 2 % auf 150 Dollar, während Siemens 1,2 Mrd. Euro verlor. "
    entities = [("Nvidia", ORG), ("Apple", ORG), ("Siemens", ORG), ("Dax", INDEX)]
    one = rows(annotate(nlp, sentence, entities))
    assert len(one) == 4
    assert rows(annotate(nlp, sentence * 200, entities)) == one * 200


def test_a_long_flattened_table_reads_every_figure_as_a_short_one_does(nlp):
    # One "sentence" of 600 figures: the first ones read as in a table of 10 rows.
    table = "".join(f"{i},5 % und {i} Mrd. Euro " for i in range(300))
    short = "".join(f"{i},5 % und {i} Mrd. Euro " for i in range(10))
    doc = annotate(nlp, table)
    found = rows(doc)
    assert len(found) == 600
    assert found[:20] == rows(annotate(nlp, short))
    assert [f._.figure["direction"] for f in doc.spans["figures"]] == ["none"] * 600
