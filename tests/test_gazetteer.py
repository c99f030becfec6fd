"""The ticker gazetteer: pytickersymbols + overlay + user CSVs, aliases and context scores."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from pipeline.config import load_config
from pipeline.gazetteer import build_gazetteer, isin_is_valid, load_gazetteer, name_key, read_reference_csv
from tests.conftest import ROOT, SHARED_CORPORA, requires_shared

OVERLAY = ROOT / "configs" / "gazetteer_overlay.yaml"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer(OVERLAY)


def best(gaz, text):
    found, confidence = gaz.resolve(gaz.lookup(text))
    return found.entry if found else None


def test_name_key_ignores_case_diacritics_and_punctuation():
    assert name_key("SÜSS MicroTec") == name_key("Suss Microtec") == "sussmicrotec"
    assert name_key("Siemens-Energy") == name_key("Siemens Energy")
    assert name_key("AT&T") == "at&t"
    assert name_key("Münchener Rück") != name_key("Munich Re")


def test_isin_check_digit():
    assert isin_is_valid("DE0007236101")  # Siemens
    assert isin_is_valid("US67066G1040")  # Nvidia
    assert not isin_is_valid("US67066G1041")
    assert not isin_is_valid("CH1012549785")  # the faulty Sonova ISIN in the package data
    assert not isin_is_valid("DE000723610")


def test_every_overlay_isin_is_valid():
    overlay = yaml.safe_load(OVERLAY.read_text(encoding="utf-8"))
    isins = [str(s["isin"]) for s in overlay["securities"] if "isin" in s]
    assert len(isins) > 15
    assert all(isin_is_valid(i) for i in isins), [i for i in isins if not isin_is_valid(i)]


def test_one_record_per_security_keyed_by_isin(gaz):
    securities = [e for e in gaz.entries.values() if e.kind == "security"]
    assert len(securities) > 1500
    for entry in securities:
        if entry.isin:
            assert entry.key == entry.isin and isin_is_valid(entry.isin)
        else:
            assert entry.key.startswith("TICKER:")
    siemens = gaz.entries["DE0007236101"]
    assert (siemens.ticker, siemens.exchange, siemens.country) == ("SIE.DE", "XETRA", "Germany")
    assert {"DAX", "EURO STOXX 50"} <= set(siemens.indices)


@pytest.mark.parametrize(
    "text, isin, ticker",
    [
        ("Softbank", "JP3436100006", "9984.T"),
        ("SoftBank Group", "JP3436100006", "9984.T"),
        ("SoftBank Corp", "JP3732000009", "9434.T"),
        ("Suss Microtec", "DE000A1K0235", "SMHN.DE"),
        ("SÜSS MicroTec SE", "DE000A1K0235", "SMHN.DE"),
        ("Süss", "DE000A1K0235", "SMHN.DE"),
        ("Suess Microtec", "DE000A1K0235", "SMHN.DE"),
        ("Kontron", "AT0000A0E9W5", "KTN.DE"),
        ("Corpay", "US2199481068", "CPAY"),
        ("Keurig Dr Pepper", "US49271V1008", "KDP"),
        ("Expedia", "US30212P3038", "EXPE"),
        ("Globe Life", "US37959E1029", "GL"),
        ("Alphabet", "US02079K3059", "GOOGL"),
    ],
)
def test_overlay_fixes_package_faults(gaz, text, isin, ticker):
    entry = best(gaz, text)
    assert entry is not None, text
    assert (entry.isin, entry.ticker) == (isin, ticker)


def test_softbank_group_and_corp_are_two_securities(gaz):
    group, corp = gaz.entries["JP3436100006"], gaz.entries["JP3732000009"]
    assert group.ticker == "9984.T" and corp.ticker == "9434.T"
    assert group.name != corp.name


@pytest.mark.parametrize(
    "text, isin",
    [
        ("VW", "DE0007664039"),
        ("Volkswagen", "DE0007664039"),
        ("Deutsche Bank", "DE0005140008"),
        ("Deutsche Bank AG", "DE0005140008"),
        ("Münchener Rück", "DE0008430026"),
        ("Munich Re", "DE0008430026"),
        ("Tokyo Electron", "JP3571400005"),
        ("Bank of America", "US0605051046"),
        ("NVIDIA Corp.", "US67066G1040"),
        ("Nvidias", "US67066G1040"),
        ("Tesla, Inc.", "US88160R1014"),
        ("Tesla", "US88160R1014"),
        ("Infineon", "DE0006231004"),
        ("Infineon Technologies AG", "DE0006231004"),
        ("Merck", "DE0006599905"),
        ("Merck KGaA", "DE0006599905"),
        ("Telekom", "DE0005557508"),
        ("Mercedes", "DE0007100000"),
        ("Siemens", "DE0007236101"),
        ("Siemens Energy", "DE000ENER6Y0"),
        ("Siemens-Energy", "DE000ENER6Y0"),
        ("Siemens Healthineers", "DE000SHL1006"),
        ("Healthineers", "DE000SHL1006"),
    ],
)
def test_aliases_german_news_uses(gaz, text, isin):
    entry = best(gaz, text)
    assert entry is not None and entry.isin == isin, (text, entry)


@pytest.mark.parametrize("text", ["Energy", "Capital", "Group", "Deutsche", "Bank", "Holding", "Technologies"])
def test_generic_words_are_never_companies(gaz, text):
    assert gaz.lookup(text) == []


@pytest.mark.parametrize("text", ["Dax", "DAX", "MDax", "TecDax", "Nasdaq 100", "Nasdaq-100", "Nasdaq", "S&P 500",
                                  "Nikkei", "Dow Jones", "Dow", "Euro Stoxx 50"])
def test_indices_are_indices_never_companies(gaz, text):
    candidates = gaz.lookup(text)
    assert candidates and all(c.entry.kind == "index" for c in candidates), text


@pytest.mark.parametrize("text, kind", [("DeepSeek", "company"), ("OpenAI", "company"), ("EZB", "public_body"),
                                        ("Bundesbank", "public_body"), ("Bernstein Research", "company")])
def test_known_unlisted_organisations(gaz, text, kind):
    entry = best(gaz, text)
    assert entry is not None and entry.kind == kind and not entry.listed and entry.isin is None


def test_ordinary_word_aliases_need_context(gaz):
    assert gaz.lookup("Allianz")[0].alias.needs_context
    assert gaz.lookup("Apple")[0].alias.needs_context
    assert not gaz.lookup("Siemens")[0].alias.needs_context


@pytest.mark.parametrize(
    "sentence, word, company",
    [
        ("Die Allianz-Aktie stieg am Montag deutlich.", "Allianz", True),
        ("Der Versicherer Allianz hat seinen Gewinn gesteigert.", "Allianz", True),
        ("Im Dax gewann die Allianz 2 Prozent.", "Allianz", True),
        ("Die Parteien schmiedeten eine neue Allianz gegen die Regierung.", "Allianz", False),
        ("Eine Allianz aus Umweltverbänden fordert ein Tempolimit.", "Allianz", False),
        ("Der iPhone-Konzern Apple legte ein Rekordquartal vor.", "Apple", True),
        ("New York wird auch Big Apple genannt.", "Apple", False),
    ],
)
def test_context_score(gaz, sentence, word, company):
    start = sentence.index(word)
    score = gaz.context_score(sentence, start, start + len(word))
    assert (score >= 0.5) is company, score


def test_describe_names_sources(gaz):
    info = gaz.describe()
    names = [s["name"] for s in info["sources"]]
    assert "pytickersymbols" in names and "overlay" in names
    overlay = next(s for s in info["sources"] if s["name"] == "overlay")
    assert len(overlay["sha256"]) == 64
    assert info["entries"]["security"] > 1500 and info["entries"]["index"] >= 10


def test_load_is_cached_and_fast():
    gaz = load_gazetteer(OVERLAY)
    assert load_gazetteer(OVERLAY) is gaz
    assert gaz.build_seconds < 5.0


def test_link_config_points_at_the_overlay():
    cfg = load_config()
    assert cfg.resolve(cfg.link.overlay) == OVERLAY
    ruler = cfg.nlp.components["finnews_companies"]
    assert ruler["overlay"] == str(cfg.link.overlay) and ruler["reference_csvs"] == cfg.link.reference_csvs


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_user_reference_csv_adds_securities(tmp_path):
    # Hornbach Holding (DE0006083405) is in no index of the package.
    assert isin_is_valid("DE0006083405")
    path = _write_csv(tmp_path / "mine.csv", ["symbol", "name", "isin", "mic", "country", "aliases"], [
        ["HBH.DE", "Hornbach Holding AG & Co. KGaA", "DE0006083405", "XETR", "Germany", "Hornbach-Gruppe|Hornbach Holding"],
        # An ADR ISIN of a security we know under its own ISIN: skipped, no rival "Infineon".
        ["IFX.DE", "Infineon Technologies AG", "US45662N1037", "XETR", "Germany", ""],
        ["BAD", "Broken Row", "XX123", "", "", ""],
    ])
    rows = read_reference_csv(path)
    assert [r["isin"] for r in rows] == ["DE0006083405", "US45662N1037"]
    gaz = build_gazetteer(OVERLAY, [path])
    entry = best(gaz, "Hornbach Holding")
    assert entry is not None and (entry.isin, entry.ticker) == ("DE0006083405", "HBH.DE")
    assert best(gaz, "Hornbach-Gruppe").isin == "DE0006083405"
    assert best(gaz, "Infineon").isin == "DE0006231004"
    assert "US45662N1037" not in gaz.entries
    assert any(s["name"].startswith("csv:") and s["added"] == 1 for s in gaz.sources)


def test_reference_csv_needs_isin_and_name(tmp_path):
    path = _write_csv(tmp_path / "bad.csv", ["symbol", "company"], [["SAP.DE", "SAP SE"]])
    with pytest.raises(ValueError, match="isin"):
        read_reference_csv(path)


@requires_shared
def test_overlay_fixes_agree_with_sec_cusip_table():
    """A US ISIN is US + CUSIP + check digit; the SEC table maps each CUSIP to its ticker."""
    table = SHARED_CORPORA / "reference" / "edgartools_sec" / "cusip_ticker.csv"
    if not table.is_file():
        pytest.skip(f"{table} is absent")
    tickers: dict[str, set[str]] = {}
    with open(table, newline="") as handle:
        for row in csv.DictReader(handle):
            tickers.setdefault(row["Cusip"], set()).add(row["Ticker"])
    overlay = yaml.safe_load(OVERLAY.read_text(encoding="utf-8"))
    checked = 0
    for fix in overlay["securities"]:
        symbol = str((fix.get("match") or {}).get("symbol", ""))
        isin = str(fix.get("isin", ""))
        if isin.startswith("US") and symbol:
            assert symbol.replace(".", "") in tickers.get(isin[2:11], set()), (symbol, isin)
            checked += 1
    assert checked >= 10


@requires_shared
def test_overlay_isins_agree_with_exchange_listing():
    listing = SHARED_CORPORA / "reference" / "financedatabase" / "GER.csv"
    if not listing.is_file():
        pytest.skip(f"{listing} is absent")
    with open(listing, newline="", encoding="utf-8") as handle:
        by_symbol = {row["symbol"]: row["isin"] for row in csv.DictReader(handle)}
    assert by_symbol["SMHN.DE"] == "DE000A1K0235"  # SÜSS MicroTec, written in the overlay
    gaz = load_gazetteer(OVERLAY)
    assert gaz.entries["DE000A1K0235"].ticker == "SMHN.DE"


@pytest.mark.parametrize(
    "text, isin",
    [("DHL", "DE0005552004"), ("Deutsche Post", "DE0005552004"), ("Eli Lilly", "US5324571083"),
     ("Disney", "US2546871060"), ("MTU", "DE000A0D9PT0"), ("TSMC", "TW0002330008"), ("Samsung", "KR7005930003")],
)
def test_overlay_completes_names_german_news_uses(gaz, text, isin):
    assert best(gaz, text).isin == isin


@pytest.mark.parametrize(
    "text, isin",
    [("OMV", "AT0000743059"), ("Erste Group", "AT0000652011"), ("voestalpine", "AT0000937503"),
     ("Raiffeisen Bank International", "AT0000606306"), ("Österreichische Post", "AT0000APOST4"),
     ("Vienna Insurance Group", "AT0000908504"), ("Julius Bär", "CH0102484968"), ("Süss", "DE000A1K0235"),
     ("Kühne + Nagel", "CH0025238863"), ("Zürich Insurance", "CH0011075394"),
     # package fault: GE Aerospace carried Alstom's ISIN
     ("GE", "US3696043013"), ("General Electric", "US3696043013"), ("Alstom", "FR0010220475"),
     ("GM", "US37045V1008"), ("Daimler", "DE0007100000"), ("Daimler Truck", "DE000DTR0CK8"),
     # package faults: Stabilus had STMicro's ISIN, a Globe Life was Mohawk, Pluxee had Sodexo's ISIN
     ("Stabilus", "DE000STAB1L8"), ("STMicroelectronics", "NL0000226223"), ("Mohawk", "US6081901042"),
     ("Globe Life", "US37959E1029"), ("Sodexo", "FR0000121220")],
)
def test_austrian_and_swiss_companies(gaz, text, isin):
    assert best(gaz, text).isin == isin


@pytest.mark.parametrize(
    "text",
    [
        "Über",  # the preposition at a sentence start is not Uber: an umlaut is a letter of its own
        "Nationalbank",  # a German compound is not "National Bank" (Holdings) with the space dropped
    ],
)
def test_german_words_that_only_look_like_aliases(gaz, text):
    assert [c.entry.name for c in gaz.lookup(text)] == []


def test_erste_alone_needs_a_company_cue(gaz):
    assert gaz.lookup("Erste")[0].alias.needs_context
    assert gaz.context_score("Erste Analysten rechnen mit 5 % Wachstum.", 0, 5) < 0.5
    text = "An der Börse stiegen Erste-Aktien um 3,1 Prozent."
    assert gaz.context_score(text, text.index("Erste"), text.index("Erste") + 5) >= 0.5


def test_apa_in_german_news_is_the_news_agency(gaz):
    assert best(gaz, "APA").isin is None and best(gaz, "APA").kind == "company"
    assert best(gaz, "APA Corporation").isin == "US03743Q1085"


def test_legal_form_stripping_leaves_no_dangling_conjunction(gaz):
    assert gaz.strip_legal_form("Eli Lilly and Company") == "Eli Lilly"
    assert gaz.strip_legal_form("KSB SE & Co. KGaA") == "KSB"
    assert gaz.strip_legal_form("Puma (brand)") == "Puma"
    assert gaz.strip_legal_form("Tesla, Inc.") == "Tesla"


def test_cli_lookup_prints_candidates():
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["gazetteer", "lookup", "Siemens-Energy", "Energy"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.strip().splitlines()]
    assert rows[0][:4] == ["name", "key", "kind", "isin"]
    assert rows[1][:6] == ["Siemens-Energy", "DE000ENER6Y0", "security", "DE000ENER6Y0", "ENR.DE", "XETRA"]
    assert rows[2][:2] == ["Energy", "-"]
