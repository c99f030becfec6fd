"""The link stage: entities -> ISIN/ticker/exchange, not listed, or not applicable."""

from __future__ import annotations

import hashlib

import pytest

from pipeline.config import load_config
from pipeline.link import LinkStage
from pipeline.nlp import build_nlp
from pipeline.nlp.to_records import doc_to_document
from pipeline.records import Article, Document, Entity, EntityMention
from tests.conftest import DEEPSEEK_ARTICLE, requires_deepseek


@pytest.fixture(scope="module")
def stage():
    return LinkStage.from_config(load_config())


@pytest.fixture(scope="module")
def nlp():
    """The project's spaCy stage up to clustering (the components the link stage depends on)."""
    cfg = load_config()
    mine = ("finnews_sentences", "finnews_companies", "finnews_entity_clusters")
    components = {name: spec for name, spec in cfg.nlp.components.items() if name in mine}
    return build_nlp(cfg.model_copy(update={"nlp": cfg.nlp.model_copy(update={"components": components})}))


def article(text: str) -> Article:
    return Article(article_id="t", source_path="t.txt", title=text.split("\n")[0], text=text,
                   sha256=hashlib.sha256(text.encode()).hexdigest())


def entity(text: str, name: str, label: str, *surfaces: str) -> Entity:
    """An entity whose mentions are the first occurrences of ``surfaces`` (default: ``name``) in ``text``."""
    mentions = []
    for surface in surfaces or (name,):
        start = text.index(surface)
        mentions.append(EntityMention(surface, label, start, start + len(surface), "E1"))
    return Entity("E1", name, label, mentions)


@pytest.mark.parametrize(
    "text, name, surfaces, isin, ticker, exchange",
    [
        ("Die Siemens-Energy-Aktie fiel um 20 %.", "Siemens Energy", ["Siemens-Energy"], "DE000ENER6Y0", "ENR.DE", "XETRA"),
        ("Siemens fiel um mehr als 4 %.", "Siemens", [], "DE0007236101", "SIE.DE", "XETRA"),
        ("Siemens Healthineers legte zu.", "Siemens Healthineers", [], "DE000SHL1006", "SHL.DE", "XETRA"),
        ("Der Tech-Investor Softbank stand unter Druck.", "Softbank", [], "JP3436100006", "9984.T", "Tokyo"),
        ("Nvidias Aktie sackte ab, NVIDIA Corp. schwieg.", "Nvidia", ["Nvidias", "NVIDIA Corp."], "US67066G1040",
         "NVDA", "NASDAQ"),
        ("Suss Microtec (minus 10,3 %) fiel.", "Suss Microtec", [], "DE000A1K0235", "SMHN.DE", "XETRA"),
        ("SÜSS MicroTec meldet Zahlen.", "SÜSS MicroTec", [], "DE000A1K0235", "SMHN.DE", "XETRA"),
        ("Kontron (minus 3,8 %) gab nach.", "Kontron", [], "AT0000A0E9W5", "KTN.DE", "XETRA"),
        ("Die Münchener Rück hob die Prognose an.", "Münchener Rück", [], "DE0008430026", "MUV2.DE", "XETRA"),
        ("VW verkaufte mehr Autos.", "VW", [], "DE0007664039", "VOW3.DE", "XETRA"),
        ("Alexander Virgo von der Bank of America empfiehlt den Kauf.", "Bank of America", [], "US0605051046", "BAC",
         "NYSE"),
        ("Der Versicherer Allianz steigerte seinen Gewinn.", "Allianz", [], "DE0008404005", "ALV.DE", "XETRA"),
    ],
)
def test_listed_companies(stage, text, name, surfaces, isin, ticker, exchange):
    ent = entity(text, name, "ORG", *surfaces)
    doc = Document(article(text), entities=[ent])
    stage.link_document(doc)
    assert (ent.listed, ent.isin, ent.ticker, ent.exchange) == (True, isin, ticker, exchange)
    assert 0.5 <= ent.link_confidence <= 1.0


@pytest.mark.parametrize(
    "text, name",
    [
        ("Das chinesische KI-Startup DeepSeek hat Verwerfungen ausgelöst.", "DeepSeek"),
        ("OpenAI sei nicht für 5 Mill. US-Dollar nachgebaut worden.", "OpenAI"),
        ("So merkt Aletheia Capital an.", "Aletheia Capital"),
        ("Vey-Sern Ling von Union Bancaire Privee ist skeptisch.", "Union Bancaire Privee"),
        ("Die Experten von Bernstein Research sehen das gelassen.", "Bernstein Research"),
        ("Die Parteien schmiedeten eine neue Allianz gegen die Regierung.", "Allianz"),
        ("Energy war das Thema des Tages.", "Energy"),
    ],
)
def test_unlisted_organisations_get_no_isin(stage, text, name):
    ent = entity(text, name, "ORG")
    stage.link_document(Document(article(text), entities=[ent]))
    assert ent.listed is False and ent.isin is None and ent.ticker is None
    assert ent.link_confidence is not None and ent.link_confidence >= 0.5


@pytest.mark.parametrize(
    "text, name, label",
    [
        ("Die EZB hält die Zinsen stabil.", "EZB", "ORG"),
        ("Die Bundesbank warnt.", "Bundesbank", "ORG"),
        ("Im Dax fielen Infineon und Siemens.", "Dax", "INDEX"),
        ("Stacy Rasgon von Bernstein ist gelassen.", "Stacy Rasgon", "PER"),
        ("An der japanischen Börse in Tokio fielen die Kurse.", "Tokio", "LOC"),
        ("Siemens war schon im Jahr 1847 ein Thema.", "Siemens", "MISC"),
    ],
)
def test_listing_does_not_apply(stage, text, name, label):
    ent = entity(text, name, label)
    stage.link_document(Document(article(text), entities=[ent]))
    assert ent.listed is None and ent.isin is None and ent.ticker is None


@pytest.mark.parametrize(
    "text, name",
    [
        ("Die Gewerkschaft Verdi verlangt Lohnerhöhungen von 12,5 %.", "Verdi"),
        ("Die Bundeswehr bestellt Munition im Wert von 8,5 Milliarden Euro.", "Bundeswehr"),
        ("Die IG Metall reagierte verärgert.", "IG Metall"),
        ("Das Bundeskartellamt prüft die Übernahme.", "Bundeskartellamt"),
        ("Ein Sprecher des Finanzministeriums wollte sich nicht äußern.", "Finanzministeriums"),
        ("Der Dachverband Fruit-Union Suisse wehrt sich.", "Fruit-Union Suisse"),
    ],
)
def test_organisations_that_are_no_company_are_not_listed_or_unlisted(stage, text, name):
    """A union, an authority, a ministry: no security, but no unlisted company either (gold: isin null)."""
    ent = entity(text, name, "ORG")
    stage.link_document(Document(article(text), entities=[ent]))
    assert ent.listed is None and ent.isin is None


def test_an_unknown_organisation_without_evidence_stays_an_unlisted_company(stage):
    text = "Das Münchner Rüstungs-Start-up Helsing sammelt 600 Millionen Euro ein, die DZ Bank auch."
    for name in ("Helsing", "DZ Bank"):
        ent = entity(text, name, "ORG")
        stage.link_document(Document(article(text), entities=[ent]))
        assert ent.listed is False and ent.isin is None, name


def test_ambiguous_alias_without_cue_is_not_linked(stage):
    text = "New York wird auch Big Apple genannt."
    ent = entity(text, "Apple", "ORG")
    stage.link_document(Document(article(text), entities=[ent]))
    assert ent.listed is False and ent.isin is None


def test_link_entity_is_pure(stage):
    text = "Siemens Energy fiel."
    ent = entity(text, "Siemens Energy", "ORG")
    result = stage.link_entity(ent, text)
    assert result.isin == "DE000ENER6Y0" and ent.isin is None


def test_describe_for_run_json(stage):
    info = stage.describe()
    sources = {s["name"]: s for s in info["gazetteer"]["sources"]}
    assert sources["pytickersymbols"]["version"]
    assert len(sources["overlay"]["sha256"]) == 64
    assert info["min_confidence"] == load_config().link.min_confidence


def test_spacy_stage_then_link_on_german_article(nlp, stage):
    text = ("Chipwerte unter Druck\n\nDie Infineon-Papiere fielen um 4 %, Nvidias Aktie verlor 7,5 %. "
            "NVIDIA Corp. äußerte sich nicht. Auch Siemens Energy und Siemens gaben nach, während die EZB schwieg. "
            "Der Dax verlor 1 %.")
    document = doc_to_document(nlp(text), article(text))
    stage.link_document(document)
    linked = {e.name: (e.label, e.isin, e.listed) for e in document.entities}
    assert linked == {
        "Infineon": ("ORG", "DE0006231004", True),
        "Nvidia": ("ORG", "US67066G1040", True),
        "Siemens Energy": ("ORG", "DE000ENER6Y0", True),
        "Siemens": ("ORG", "DE0007236101", True),
        "EZB": ("ORG", None, None),
        "Dax": ("INDEX", None, None),
    }
    nvidia = next(e for e in document.entities if e.name == "Nvidia")
    assert [m.text for m in nvidia.mentions] == ["Nvidias", "NVIDIA Corp."]
    assert {m.source for m in document.mentions} == {"gazetteer"}


DEEPSEEK_LISTED = {
    "Nvidia": "US67066G1040", "Apple": "US0378331005", "Microsoft": "US5949181045", "Broadcom": "US11135F1012",
    "AMD": "US0079031078", "Tokyo Electron": "JP3571400005", "Advantest": "JP3122400009", "Softbank": "JP3436100006",
    "Aixtron": "DE000A0WMPJ6", "Siltronic": "DE000WAF3001", "Suss Microtec": "DE000A1K0235", "Kontron": "AT0000A0E9W5",
    "Infineon": "DE0006231004", "Siemens": "DE0007236101", "Siemens Energy": "DE000ENER6Y0",
    "Bank of America": "US0605051046",
}


@requires_deepseek
def test_deepseek_article_links(nlp, stage):
    text = DEEPSEEK_ARTICLE.read_text(encoding="utf-8")
    document = doc_to_document(nlp(text), article(text))
    stage.link_document(document)
    by_name = {e.name: e for e in document.entities}
    assert {name: by_name[name].isin for name in DEEPSEEK_LISTED if name in by_name} == DEEPSEEK_LISTED
    assert by_name["DeepSeek"].listed is False and by_name["DeepSeek"].isin is None
    listed_isins = [e.isin for e in document.entities if e.listed]
    assert sorted(listed_isins) == sorted(DEEPSEEK_LISTED.values())  # nothing else got an ISIN


def test_user_reference_csv_through_the_config(tmp_path):
    """A company only in a user CSV is found by the ruler and linked by the stage."""
    from pipeline.config import load_config as load

    csv_path = tmp_path / "my_listing.csv"
    csv_path.write_text("isin,name,symbol,exchange\nDE0006083405,Hornbach Holding AG & Co. KGaA,HBH.DE,XETRA\n",
                        encoding="utf-8")
    overlay = load_config().resolve(load_config().link.overlay)
    config = tmp_path / "finnews.yaml"
    config.write_text(
        "nlp:\n  components:\n    finnews_sentences: {}\n"
        f"    finnews_companies: {{overlay: '{overlay}', reference_csvs: ['{csv_path}']}}\n"
        "    finnews_entity_clusters: {}\n"
        f"link:\n  overlay: '{overlay}'\n  reference_csvs: ['{csv_path}']\n",
        encoding="utf-8",
    )
    cfg = load(config)
    text = "Die Aktie von Hornbach Holding stieg um 3 %."
    document = doc_to_document(build_nlp(cfg)(text), article(text))
    LinkStage.from_config(cfg).link_document(document)
    assert [(e.name, e.isin, e.ticker, e.exchange, e.listed) for e in document.entities] == [
        ("Hornbach Holding", "DE0006083405", "HBH.DE", "XETRA", True)]


# -- home markets: short names that mean the local company ------------------------------------

def test_home_market_of_an_article_from_its_cues():
    from pipeline.home_market import HomeMarkets

    markets = HomeMarkets.load(load_config().resolve("configs/home_markets.yaml"))
    assert markets.market_of("Wien (APA) – An der Wiener Börse gewann der ATX 0,4 Prozent.") == "AT"
    assert markets.market_of("Zürich – Der SMI schloss 0,3 Prozent höher, der Franken blieb fest.") == "CH"
    assert markets.market_of("Frankfurt – Der Dax stieg um 1 Prozent.") == "DE"
    # one cue is not enough, and a German article that names Vienna once stays German
    assert markets.market_of("Die Post verschickte mehr Pakete nach Wien.") == "DE"
    assert markets.market_of("Frankfurt – Der Dax stieg, Xetra meldete Rekordumsätze; auch der ATX in Wien legte zu.") == "DE"
    # a dateline after the teaser decides alone: "… untersucht. Wien – Die Staatsholding …"
    teaser = "Die Boni werden untersucht. Wien – Die Staatsholding hält 52,9 Prozent Post und 28,4 Prozent Telekom."
    assert markets.market_of(teaser) == "AT"
    assert markets.market_of(teaser.replace("Wien –", "Wien (APA) –")) == "AT"
    assert markets.market_of(teaser.replace("Wien –", "Bonn –")) == "DE"
    assert markets.market_of("Das Wien – Berlin-Spiel endete 1:1.") == "DE"  # no dateline mid-sentence


def test_home_key_needs_every_mention_to_be_the_short_name():
    from pipeline.home_market import HomeMarkets

    markets = HomeMarkets.load(load_config().resolve("configs/home_markets.yaml"))
    assert markets.home_key("AT", ["Post", "Post"]) == "AT0000APOST4"
    assert markets.home_key("AT", ["Deutsche Post", "Post"]) is None
    assert markets.home_key("DE", ["Post"]) is None


def test_bad_home_markets_file_is_refused(tmp_path):
    from pipeline.home_market import HomeMarkets

    path = tmp_path / "markets.yaml"
    path.write_text("markets:\n  AT:\n    cues: ATX\n")
    with pytest.raises(ValueError, match="'cues' and 'datelines' must be lists"):
        HomeMarkets.load(path)


@pytest.mark.parametrize(
    "text, expected",
    [
        # Vienna: the Austrian Post and Telekom Austria
        ("Wien (APA) – Die Post steigerte den Umsatz um 6 Prozent. An der Wiener Börse legten Post-Aktien um 2 Prozent "
         "zu, der ATX gewann 0,4 Prozent. Auch die Telekom-Aktie stieg.",
         {"Post": ("AT0000APOST4", True), "Telekom": ("AT0000720008", True)}),
        # Bonn and the Dax: the German ones
        ("Bonn – Die Post steigerte den Umsatz um 6 Prozent. Im Dax legten Post-Aktien um 2 Prozent zu. "
         "Auch die Telekom-Aktie stieg.",
         {"Post": ("DE0005552004", True), "Telekom": ("DE0005557508", True)}),
        # Zurich: Swiss Post is not listed
        ("Bern – Die Post steigerte den Umsatz um 6 Prozent, teilte der Konzern mit. Der SMI schloss in Zürich fester.",
         {"Post": (None, False)}),
        # a full name decides, wherever the article is from
        ("Wien (APA) – Die Deutsche Post steigerte den Umsatz. An der Wiener Börse gewann der ATX. Die Post-Aktie stieg.",
         {"Deutsche Post": ("DE0005552004", True)}),
    ],
)
def test_short_names_link_to_the_home_company_of_the_article(nlp, stage, text, expected):
    document = doc_to_document(nlp(text), article(text))
    stage.link_document(document)
    linked = {e.name: (e.isin, e.listed) for e in document.entities if e.label == "ORG" and e.name in expected}
    assert linked == expected
