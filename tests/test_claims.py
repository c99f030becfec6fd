"""Claims (``finnews_claims``): one per (company, sentence), narrowed to the company's clause
when a sentence says different things about different companies.

Entities (with cluster ids) and quote spans are set by hand on real tokenised
docs; the figures come from the real ``finnews_figures`` component.
"""

from __future__ import annotations

import re

import pytest
import spacy
from spacy.tokens import Span

from pipeline.nlp import claims as claims_module  # noqa: F401  (registers finnews_claims)
from pipeline.nlp import figures as figures_module  # noqa: F401  (registers finnews_figures)
from pipeline.nlp import segmentation  # noqa: F401  (registers finnews_sentences)
from pipeline.nlp.claims import iter_claims
from pipeline.nlp.tokenizer import customize_tokenizer

ORG, INDEX, PER = "ORG", "INDEX", "PER"


@pytest.fixture(scope="module")
def nlp():
    blank = spacy.blank("de")
    customize_tokenizer(blank.tokenizer)
    blank.add_pipe("finnews_sentences")
    blank.add_pipe("finnews_figures").initialize(nlp=blank)
    blank.add_pipe("finnews_claims").initialize(nlp=blank)
    return blank


def annotate(nlp, text, entities=(), quotes=()):
    """Mark entities ``(surface, label[, cluster id])`` and quotes (substrings), then run figures and claims."""
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc(text))
    spans, ids = [], {}
    for entity in sorted(entities, key=lambda e: -len(e[0])):
        surface, label = entity[0], entity[1]
        for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
            span = doc.char_span(m.start(), m.end(), label=label)
            if span is not None and not any(s.start < span.end and span.start < s.end for s in spans):
                spans.append(span)
                ids[(span.start, span.end)] = entity[2] if len(entity) > 2 else surface
    doc.ents = sorted(spans, key=lambda s: s.start)
    for span in doc.ents:
        span._.entity_id = ids[(span.start, span.end)]
        span._.entity_name = ids[(span.start, span.end)]
    quote_spans = []
    for quote in quotes:
        start = text.index(quote)
        quote_spans.append(doc.char_span(start, start + len(quote), label="direct", alignment_mode="expand"))
    doc.spans["quotes"] = quote_spans
    doc = nlp.get_pipe("finnews_figures")(doc)
    return nlp.get_pipe("finnews_claims")(doc)


def claims(doc):
    """(target text, claim text, figure texts, quote text or None) per claim."""
    return [
        (target.text, span.text, [f.text for f in figures], quote.text if quote is not None else None)
        for span, target, figures, quote, _role, _move in iter_claims(doc)
    ]


def test_one_claim_per_company_and_sentence_with_the_first_mention_as_target(nlp):
    doc = annotate(nlp, "Nvidias Rekord half Nvidia nicht: Die Aktie fiel um 3 %. Nvidia bleibt teuer.",
                   [("Nvidias", ORG, "nvidia"), ("Nvidia", ORG, "nvidia")])
    found = claims(doc)
    assert [(c[0], c[1]) for c in found] == [
        ("Nvidias", "Nvidias Rekord half Nvidia nicht: Die Aktie fiel um 3 %."),
        ("Nvidia", "Nvidia bleibt teuer."),
    ]
    assert found[0][2] == ["3 %"]


def test_indices_persons_and_sentences_without_companies_get_no_claims(nlp):
    doc = annotate(nlp, "Der Dax fiel um 1 %. Christian Klein sprach. Der Ölpreis stieg.",
                   [("Dax", INDEX), ("Christian Klein", PER)])
    assert claims(doc) == []


@pytest.mark.parametrize(
    "text, entities, expected",
    [
        ("Nvidia fiel um 7 %, während DeepSeek die App-Charts anführte.", ["Nvidia", "DeepSeek"],
         [("Nvidia", "Nvidia fiel um 7 %"), ("DeepSeek", "während DeepSeek die App-Charts anführte.")]),
        ("Während SAP kräftig zulegte, verlor Siemens 2 %.", ["SAP", "Siemens"],
         [("SAP", "Während SAP kräftig zulegte"), ("Siemens", "verlor Siemens 2 %.")]),
        ("Bayer litt unter Klagen, aber BASF profitierte vom Chemiegeschäft.", ["Bayer", "BASF"],
         [("Bayer", "Bayer litt unter Klagen"), ("BASF", "aber BASF profitierte vom Chemiegeschäft.")]),
        ("Lufthansa stieg um 2 %; Fraport gab dagegen 1 % ab.", ["Lufthansa", "Fraport"],
         [("Lufthansa", "Lufthansa stieg um 2 %"), ("Fraport", "Fraport gab dagegen 1 % ab.")]),
        ("Adidas legte um 3 % zu, Puma verlor 4 %.", ["Adidas", "Puma"],
         [("Adidas", "Adidas legte um 3 % zu"), ("Puma", "Puma verlor 4 %.")]),
        ("Anders als Puma, das um 6 % fiel, legte Adidas zu.", ["Puma", "Adidas"],
         [("Puma", "Anders als Puma, das um 6 % fiel"), ("Adidas", "legte Adidas zu.")]),
        ("Die Telekom hob die Prognose an, Vodafone hingegen musste sie senken.", ["Telekom", "Vodafone"],
         [("Telekom", "Die Telekom hob die Prognose an"), ("Vodafone", "Vodafone hingegen musste sie senken.")]),
    ],
)
def test_contrasting_clauses_narrow_each_claim(nlp, text, entities, expected):
    doc = annotate(nlp, text, [(e, ORG) for e in entities])
    assert [(c[0], c[1]) for c in claims(doc)] == expected


def test_narrowed_claims_keep_only_their_own_figures(nlp):
    doc = annotate(nlp, "Adidas legte um 3 % zu, Puma verlor 4 %.", [("Adidas", ORG), ("Puma", ORG)])
    assert [c[2] for c in claims(doc)] == [["3 %"], ["4 %"]]


def test_a_list_keeps_the_whole_sentence_for_every_company(nlp):
    text = "Am deutschen Markt gerieten Aktien wie Qiagen (-2,1 %), Sartorius (minus 4,4 %) und Evotec unter Druck."
    doc = annotate(nlp, text, [("Qiagen", ORG), ("Sartorius", ORG), ("Evotec", ORG)])
    found = claims(doc)
    assert [c[0] for c in found] == ["Qiagen", "Sartorius", "Evotec"]
    assert {c[1] for c in found} == {text}
    assert [c[2] for c in found] == [["-2,1 %"], ["minus 4,4 %"], []]


def test_a_relative_clause_does_not_split_the_sentence(nlp):
    text = ("Der Softwareriese Oracle, für dessen Papiere sich ein Minus von 3,5 % abzeichnete, bliebe knapp hinter "
            "SAP (gut 300 Mrd. Dollar).")
    doc = annotate(nlp, text, [("Oracle", ORG), ("SAP", ORG)])
    found = claims(doc)
    assert [(c[0], c[1]) for c in found] == [("Oracle", text), ("SAP", text)]
    assert [c[2] for c in found] == [["3,5 %"], ["300 Mrd. Dollar"]]


def test_claims_over_the_same_sentence_keep_their_own_targets(nlp):
    # spaCy keys span._ values by character offsets; iter_claims keeps each claim apart.
    doc = annotate(nlp, "Infineon und Siemens fielen jeweils um 4 %.", [("Infineon", ORG), ("Siemens", ORG)])
    found = claims(doc)
    assert [c[0] for c in found] == ["Infineon", "Siemens"]
    assert [c[2] for c in found] == [["4 %"], ["4 %"]]
    assert len(doc.spans["claims"]) == 2


def test_a_claim_in_a_quote_points_to_it(nlp):
    text = "„Bei Porsche sehen wir Risiken“, sagte Anna Weber von Metzler. Porsche fiel um 2 %."
    doc = annotate(nlp, text, [("Porsche", ORG), ("Metzler", ORG), ("Anna Weber", PER)],
                   quotes=["Bei Porsche sehen wir Risiken"])
    assert [(c[0], c[3]) for c in claims(doc)] == [
        ("Porsche", "Bei Porsche sehen wir Risiken"),
        ("Metzler", None),
        ("Porsche", None),
    ]


def test_claim_span_fields_on_span_extensions(nlp):
    doc = annotate(nlp, "Zalando fiel um 5 %.", [("Zalando", ORG)])
    span = doc.spans["claims"][0]
    assert span._.target == doc.ents[0]
    assert [f.text for f in span._.figures] == ["5 %"]
    assert span._.quote is None
    assert span.text == "Zalando fiel um 5 %."


def test_claims_without_figures_or_quotes_components(nlp):
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc("Zalando fiel um 5 %."))
    doc.ents = [Span(doc, 0, 1, label=ORG)]
    doc = nlp.get_pipe("finnews_claims")(doc)
    assert claims(doc) == [("Zalando", "Zalando fiel um 5 %.", [], None)]


def test_a_colon_before_a_full_clause_starts_a_new_claim_unit(nlp):
    text = "Ganz anders bei Vodafone: Während die Telekom Kunden gewann, verlor Vodafone Kunden."
    doc = annotate(nlp, text, [("Vodafone", ORG), ("Telekom", ORG)])
    assert [(c[0], c[1]) for c in claims(doc)] == [
        ("Vodafone", "Ganz anders bei Vodafone"),
        ("Telekom", "Während die Telekom Kunden gewann"),
        ("Vodafone", "verlor Vodafone Kunden."),
    ]


def roles(doc):
    return {target.text: role for _span, target, _figures, _quote, role, _move in iter_claims(doc)}


@pytest.mark.parametrize(
    "text, entities, expected",
    [
        # An analyst's employer and the bank that rates another company only judge.
        ("Analyst Tobias Reimer von Jefferies senkte sein Kursziel für Zalando auf 29 Euro.",
         [("Tobias Reimer", PER), ("Jefferies", ORG), ("Zalando", ORG)], {"Jefferies": "source", "Zalando": "subject"}),
        ("Bernstein stuft SAP ab.", [("Bernstein", ORG), ("SAP", ORG)], {"Bernstein": "source", "SAP": "subject"}),
        ("Citigroup senkt den Daumen für Puma", [("Citigroup", ORG), ("Puma", ORG)], {"Citigroup": "source", "Puma": "subject"}),
        ("Die Marge von Adidas sei stabil, schrieb Analystin Petra Lind von der US-Investmentbank Jefferies.",
         [("Adidas", ORG), ("Petra Lind", PER), ("Jefferies", ORG)], {"Adidas": "subject", "Jefferies": "source"}),
        ("Goldman Sachs rät zum Kauf der Siemens-Energy-Aktie.", [("Goldman Sachs", ORG), ("Siemens-Energy", ORG)],
         {"Goldman Sachs": "source", "Siemens-Energy": "subject"}),
        ("Laut Bloomberg verhandelt Bayer über einen Vergleich.", [("Bloomberg", ORG), ("Bayer", ORG)],
         {"Bloomberg": "source", "Bayer": "subject"}),
        ("Das Kursziel für Adidas setzte Morgan Stanley auf 260 Euro.", [("Adidas", ORG), ("Morgan Stanley", ORG)],
         {"Adidas": "subject", "Morgan Stanley": "source"}),
        ("Die US-Investmentbank Morgan Stanley hat die Aktie von Puma abgestuft.",
         [("Morgan Stanley", ORG), ("Puma", ORG)], {"Morgan Stanley": "source", "Puma": "subject"}),
        ("Analysten des Hauses Kepler Cheuvreux nennen für Rheinmetall ein Kursziel von 1.900 Euro.",
         [("Kepler Cheuvreux", ORG), ("Rheinmetall", ORG)], {"Kepler Cheuvreux": "source", "Rheinmetall": "subject"}),
        ("Der Leiterplattenhersteller AT&S verlor 3,5 %, nachdem Kepler Cheuvreux das Kursziel von 26 auf 22 Euro gesenkt hatte.",
         [("AT&S", ORG), ("Kepler Cheuvreux", ORG)], {"AT&S": "subject", "Kepler Cheuvreux": "source"}),
        ("Infineon stieg um 2 %, nachdem SAP das Kursziel der Analysten erreicht hatte.",
         [("Infineon", ORG), ("SAP", ORG)], {"Infineon": "subject", "SAP": "subject"}),
        ("Die Aktie stieg, nachdem Siemens das Ziel für den Umsatz angehoben hatte.", [("Siemens", ORG)],
         {"Siemens": "subject"}),
        # No rating: holding shares, raising its own targets.
        ("Weitere Anteile halten die Uniqa und das Bankhaus Schelhammer.", [("Uniqa", ORG), ("Schelhammer", ORG)],
         {"Uniqa": "subject", "Schelhammer": "subject"}),
        ("Henkel leidet unter der Konsumflaute, Beiersdorf hebt die Ziele.", [("Henkel", ORG), ("Beiersdorf", ORG)],
         {"Henkel": "subject", "Beiersdorf": "subject"}),
        # A bank reporting its own figures is the subject.
        ("Die UBS hob ihre Prognose an.", [("UBS", ORG)], {"UBS": "subject"}),
        ("Morgan Stanley steigerte den Gewinn um 12 %.", [("Morgan Stanley", ORG)], {"Morgan Stanley": "subject"}),
        # An exchange as the market is a place; the listed operator's shares are a subject.
        ("An der Wiener Börse stiegen Erste-Aktien um 3,1 %.", [("Wiener Börse", ORG), ("Erste", ORG)],
         {"Wiener Börse": "source", "Erste": "subject"}),
        ("Die Wiener Börse hat den Handel am Donnerstag mit leichten Verlusten beendet.", [("Wiener Börse", ORG)],
         {"Wiener Börse": "source"}),
        ("Vonovia legten um 1,4 % zu, die Deutsche Börse gewann 1,0 %.", [("Vonovia", ORG), ("Deutsche Börse", ORG)],
         {"Vonovia": "subject", "Deutsche Börse": "subject"}),
        # Newspapers and broadcasters report or are spoken to; a platform is where a message is posted.
        ("Die Lufthansa will sparen, berichtete die Süddeutsche Zeitung.", [("Lufthansa", ORG), ("Süddeutsche Zeitung", ORG)],
         {"Lufthansa": "subject", "Süddeutsche Zeitung": "source"}),
        ("Das Problem wächst, sagte der Chef von Verbund im Gespräch mit dem STANDARD.",
         [("Verbund", ORG), ("STANDARD", ORG)], {"Verbund": "subject", "STANDARD": "source"}),
        ("Tesla teilte auf Twitter mit, die Auslieferungen seien gestiegen.", [("Tesla", ORG), ("Twitter", ORG)],
         {"Tesla": "subject", "Twitter": "source"}),
        ("Twitter verlor im Quartal Nutzer.", [("Twitter", ORG)], {"Twitter": "subject"}),
        # The owner of a store where something else ranks or sells is a place, unless the store is the subject.
        ("In den App-Store-Rankings von Apple stieg die Spiele-App von Nintendo an die Spitze.",
         [("Apple", ORG), ("Nintendo", ORG)], {"Apple": "source", "Nintendo": "subject"}),
        ("Die neue Kamera-App ist in Googles Play Store ein Verkaufsschlager.", [("Googles", ORG)], {"Googles": "source"}),
        ("Der App Store von Apple steht wegen hoher Gebühren in der Kritik.", [("Apple", ORG)], {"Apple": "subject"}),
        ("Apple senkt die Gebühren im App Store.", [("Apple", ORG)], {"Apple": "subject"}),
        # News agencies and the agency of a dateline only report.
        ("Das sei keine Kompensation, sagte ein AUA-Sprecher zur APA.", [("AUA", ORG), ("APA", ORG)],
         {"AUA": "subject", "APA": "source"}),
        ("Wien (APA) – Die Erste Group hat im dritten Quartal mehr verdient.", [("APA", ORG), ("Erste Group", ORG)],
         {"APA": "source", "Erste Group": "subject"}),
        # A subject that causes damage at others is their cause, not the one hurt.
        ("Das chinesische KI-Startup DeepSeek hat am Montag zu Verwerfungen bei Technologieaktien geführt.",
         [("DeepSeek", ORG)], {"DeepSeek": "cause"}),
        ("Am Montag hat DeepSeek für einen Kurssturz bei Nvidia gesorgt.", [("DeepSeek", ORG), ("Nvidia", ORG)],
         {"DeepSeek": "cause", "Nvidia": "subject"}),
        ("Der Autobauer Tesla sorgte mit seinen Preissenkungen für Kurseinbrüche bei der Konkurrenz.",
         [("Tesla", ORG)], {"Tesla": "cause"}),
        ("DeepSeek löste einen Ausverkauf bei Chipwerten aus.", [("DeepSeek", ORG)], {"DeepSeek": "cause"}),
        ("Ein neues KI-Modell des Entwicklers DeepSeek hat Fragen nach den hohen Bewertungen von Chipkonzernen "
         "aufgeworfen.", [("DeepSeek", ORG)], {"DeepSeek": "cause"}),
        ("Siemens weckt Zweifel an seiner Prognose.", [("Siemens", ORG)], {"Siemens": "subject"}),
        ("BASF sorgte für Kursverluste bei Anlegern.", [("BASF", ORG)], {"BASF": "subject"}),
        # ... but not where the damage is its own, unnamed, or the company is not the subject.
        ("Siemens sorgte mit seinen Zahlen für Enttäuschung.", [("Siemens", ORG)], {"Siemens": "subject"}),
        ("Tesla sorgte für einen Kurssturz der eigenen Aktie.", [("Tesla", ORG)], {"Tesla": "subject"}),
        ("Bayer sorgte mit einem Gewinneinbruch für Verluste bei Chemiewerten.", [("Bayer", ORG)], {"Bayer": "subject"}),
        ("Die Gewinnwarnung von BASF führte zu Kursverlusten bei Zulieferern.", [("BASF", ORG)], {"BASF": "subject"}),
        ("Bei Tesla sorgte der Ausverkauf für Verluste bei Autowerten.", [("Tesla", ORG)], {"Tesla": "subject"}),
    ],
)
def test_claim_roles(nlp, text, entities, expected):
    assert roles(annotate(nlp, text, entities)) == expected


def test_the_speaker_of_a_quote_is_a_source(nlp):
    text = "Das Modell sei „höchst problematisch für Nvidia“, merkt das Analysehaus Bernstein an."
    doc = annotate(nlp, text, [("Nvidia", ORG), ("Bernstein", ORG)], quotes=["höchst problematisch für Nvidia"])
    quote = doc.spans["quotes"][0]
    quote._.speaker = next(e for e in doc.ents if e.text == "Bernstein")
    doc = nlp.get_pipe("finnews_claims")(doc)
    assert roles(doc) == {"Nvidia": "subject", "Bernstein": "source"}


def test_a_company_reporting_on_itself_stays_the_subject(nlp):
    text = "Puma hatte im April einen Umsatzrückgang gemeldet."
    doc = annotate(nlp, text, [("Puma", ORG)], quotes=["einen Umsatzrückgang"])
    doc.spans["quotes"][0]._.speaker = doc.ents[0]
    doc = nlp.get_pipe("finnews_claims")(doc)
    assert roles(doc) == {"Puma": "subject"}


def test_an_analysts_employer_named_in_the_speaker_role_is_a_source(nlp):
    text = "„Der Sektor bleibt unsicher“, sagte Aktienstratege Kenji Watanabe von Nomura."
    doc = annotate(nlp, text, [("Kenji Watanabe", PER), ("Nomura", ORG)], quotes=["Der Sektor bleibt unsicher"])
    quote = doc.spans["quotes"][0]
    quote._.speaker = next(e for e in doc.ents if e.label_ == PER)
    quote._.speaker_role = "Aktienstratege von Nomura"
    doc = nlp.get_pipe("finnews_claims")(doc)
    assert roles(doc) == {"Nomura": "source"}


def test_an_exchange_without_a_listing_that_closes_is_the_market(nlp):
    doc = annotate(nlp, "Die Wiener Börse hat am Dienstag leichter geschlossen.", [("Wiener Börse", ORG)])
    assert roles(doc) == {"Wiener Börse": "source"}
    # A listed operator that "closes higher" is its share: build the doc again with a listing.
    doc = nlp.get_pipe("finnews_sentences")(nlp.make_doc("Die Deutsche Börse schloss 1,2 % höher."))
    span = doc.char_span(4, 18, label=ORG)
    doc.ents = [span]
    doc.ents[0]._.entity_id = doc.ents[0]._.entity_name = "Deutsche Börse"
    doc.ents[0]._.link_candidates = [("DE0005810055", 1.0)]
    doc.spans["quotes"] = []
    doc = nlp.get_pipe("finnews_claims")(nlp.get_pipe("finnews_figures")(doc))
    assert roles(doc) == {"Deutsche Börse": "subject"}


def moves(doc):
    return {c.target.text: c.move for c in iter_claims(doc)}


@pytest.mark.parametrize(
    "text, entities, expected",
    [
        # a share move in words, in a headline after a dash, with a compound, after "von"
        ("Merck kauft in den USA zu – Aktie fällt", [("Merck", ORG)], {"Merck": "down"}),
        ("Commerzbank-Aktie springt nach dem Einstieg", [("Commerzbank", ORG)], {"Commerzbank": "up"}),
        ("Evotec kassiert Prognose – Papiere auf Talfahrt", [("Evotec", ORG)], {"Evotec": "down"}),
        ("Die Papiere von Symrise legten deutlich zu.", [("Symrise", ORG)], {"Symrise": "up"}),
        # a separable verb needs its particle; an unrelated "Kurs" or no share noun says nothing
        ("Die Aktie von Symrise legt den Grundstein für mehr Wachstum.", [("Symrise", ORG)], {"Symrise": ""}),
        ("Qiagen hebt die Prognose an.", [("Qiagen", ORG)], {"Qiagen": ""}),
        # another company's share noun is not this company's; a shared bare noun with two companies is no one's
        ("Die Vonovia-Aktie fiel, Symrise meldete Zahlen.", [("Vonovia", ORG), ("Symrise", ORG)],
         {"Vonovia": "down", "Symrise": ""}),
        ("Zalando und Puma melden Zahlen, die Aktie fällt.", [("Zalando", ORG), ("Puma", ORG)], {"Zalando": "", "Puma": ""}),
    ],
)
def test_share_moves_in_words(nlp, text, entities, expected):
    assert moves(annotate(nlp, text, entities)) == expected



def test_a_market_report_repeated_200_times_gives_200_copies_of_its_claims(nlp):
    unit = ("SAP steigt um 3 %. Siemens fällt um 2 %, sagte ein Händler. "
            "Bernstein stuft Puma ab, Adidas legte um 1 % zu. ")
    entities = [("SAP", ORG), ("Siemens", ORG), ("Bernstein", ORG), ("Puma", ORG), ("Adidas", ORG)]

    def found(text):
        doc = annotate(nlp, text, entities)
        return [(target.text, span.text, [f.text for f in figures], role)
                for span, target, figures, _quote, role, _move in iter_claims(doc)]

    one = found(unit)
    assert len(one) == 5 and ("Bernstein", "Bernstein stuft Puma ab, Adidas legte um 1 % zu.", [], "source") in one
    assert found(unit * 200) == one * 200
