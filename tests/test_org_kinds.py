"""What kind of organisation a name is (pipeline/org_kinds.py): company, public body or other."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.gazetteer import load_gazetteer
from pipeline.org_kinds import OrgKindLexicon, is_company_kind


@pytest.fixture(scope="module")
def gaz():
    cfg = load_config()
    return load_gazetteer(cfg.resolve(cfg.link.overlay))


def kind_at(gaz, text, mention):
    start = text.index(mention)
    return gaz.organisation_kind(text, start, start + len(mention))


@pytest.mark.parametrize(
    "text, mention, kind",
    [
        # Known names and name words.
        ("Die IG Metall reagierte verärgert.", "IG Metall", "other"),
        ("Verdis Chef sprach von Provokation.", "Verdis", "other"),
        ("Die SPD lehnt das ab.", "SPD", "other"),
        ("Das Statistische Bundesamt meldete 2 %.", "Statistische Bundesamt", "public_body"),
        ("Ein Sprecher des Finanzministeriums schwieg.", "Finanzministeriums", "public_body"),
        ("Die Bundeswehr bestellt Munition.", "Bundeswehr", "public_body"),
        ("Die Bundesnetzagentur prüft.", "Bundesnetzagentur", "public_body"),
        ("Das Ifo-Institut senkte seine Prognose.", "Ifo-Institut", "other"),
        ("Forscher der Universität Mannheim warnen.", "Universität Mannheim", "other"),
        # the head before a genitive decides; a government, a university by its short name, a party inflected
        ("Das Internationale Schiedsgericht der Weltbank entschied.", "Internationale Schiedsgericht der Weltbank",
         "public_body"),
        ("Der Verband der Automobilindustrie warnt.", "Verband der Automobilindustrie", "other"),
        ("Die Sparkasse der Stadt Wien wächst.", "Sparkasse der Stadt Wien", "company"),
        ("Das Kabinett Renzi steht unter Druck.", "Kabinett Renzi", "public_body"),
        ("Forscher der Uni Linz warnen.", "Uni Linz", "other"),
        ("Bei den Linken regt sich Widerstand.", "Linken", "other"),
        ("Die Fruit-Union Suisse wehrt sich.", "Fruit-Union Suisse", "other"),
        # Austrian chambers by region, also in a compound; a compound's own ending still decides.
        ("Die AK Oberösterreich kritisierte die Bank.", "AK Oberösterreich", "other"),
        ("Laut AK-NÖ stiegen die Preise.", "AK-NÖ", "other"),
        ("Die SV-Bank erhöhte die Zinsen.", "SV-Bank", "company"),
        ("Die PVA zahlte mehr Pensionen aus.", "PVA", "public_body"),
        # The noun before the name.
        ("Die Gewerkschaft Ufa verlangt mehr Geld.", "Ufa", "other"),
        ("Die Notenbank Fed hält still.", "Fed", "public_body"),
        # A longer company ending overrides a non-company one.
        ("Die Ratingagentur Scope senkte die Note.", "Scope", "company"),
        ("Das Kreditinstitut Aareal meldet Zahlen.", "Aareal", "company"),
        # Newspapers, magazines and broadcasters: by name, by the noun before, by the name's ending.
        ("Wie der Spiegel berichtet, plant Siemens einen Umbau.", "Spiegel", "other"),
        ("Das berichtete die Wochenzeitung Falter.", "Falter", "other"),
        ("Er sagte das der Frankfurter Allgemeinen Sonntagszeitung.", "Frankfurter Allgemeinen Sonntagszeitung", "other"),
        ("Der Daily Telegraph meldete das zuerst.", "Daily Telegraph", "other"),
        # Listed whole words: sports clubs, universities.
        ("Der FC Augsburg verlor 0:2.", "FC Augsburg", "other"),
        ("Eintracht Frankfurt gewann.", "Eintracht Frankfurt", "other"),
        ("Forscher der TU München warnen.", "TU München", "other"),
        # A compound judged whole before its last part; a legal form makes a company.
        ("Die Deutsche Presse-Agentur meldete.", "Deutsche Presse-Agentur", "company"),
        ("Die Bremer Vulkan Verband AG ist insolvent.", "Bremer Vulkan Verband AG", "company"),
        ("Die Werbeagentur Jung von Matt gewinnt.", "Jung von Matt", "company"),
        # The gazetteer decides first.
        ("Die EZB senkte die Zinsen.", "EZB", "public_body"),
        ("Die DZ Bank bleibt optimistisch.", "DZ Bank", "company"),
        ("Nvidia fiel um 3 %.", "Nvidia", "company"),
        # Austrian and Swiss parties, chambers, institutes and authorities.
        ("Die SPÖ fordert eine Vermögenssteuer.", "SPÖ", "other"),
        ("Laut Wifo wächst die Wirtschaft.", "Wifo", "other"),
        ("Die SVP lehnt das Abkommen ab.", "SVP", "other"),
        ("Die OeNB erwartet mehr Inflation.", "OeNB", "public_body"),
        ("Die Bundeswettbewerbsbehörde BWB ermittelt.", "BWB", "public_body"),
        # Parties of other countries; news titles and broadcasters.
        ("Die linke Syriza verhandelt mit den Gläubigern.", "Syriza", "other"),
        ("In London verlieren die Tories.", "Tories", "other"),
        ("Laut Handelsblatt will Audi sparen.", "Handelsblatt", "other"),
        ("Das ZDF berichtete.", "ZDF", "public_body"),
        # No evidence: a company.
        ("Das Start-up Helsing sammelt Geld ein.", "Helsing", "company"),
        ("Nemetschek übernimmt die Planwerk Digital GmbH.", "Planwerk Digital GmbH", "company"),
    ],
)
def test_organisation_kind(gaz, text, mention, kind):
    assert kind_at(gaz, text, mention) == kind


def test_a_list_before_a_name_is_no_descriptor(gaz):
    text = "Gewerkschaft, Verband, Helsing: alle sind skeptisch."
    assert kind_at(gaz, text, "Helsing") == "company"


def test_lexicon_from_overlay_section():
    lexicon = OrgKindLexicon.from_overlay(
        {"other": {"names": ["Quellbund"], "endings": ["verein"]}, "company": {"endings": ["sportverein"]}}
    )
    assert lexicon.kind_of_name("Quellbund") == "other"
    assert lexicon.kind_of_name("Turnverein Musterstadt") == "other"
    assert lexicon.kind_of_word("Sportvereins") == "company"  # the longest ending wins
    assert lexicon.kind_of_name("Musterwerk") is None


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="unknown kind"):
        OrgKindLexicon.from_overlay({"charity": {"names": ["X"]}})


def test_is_company_kind():
    assert is_company_kind("company") and is_company_kind("") and is_company_kind(None)
    assert not is_company_kind("public_body") and not is_company_kind("other")
