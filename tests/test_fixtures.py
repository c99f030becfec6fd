"""The hand-written gold fixtures (corpus/fixtures) and their authoring compiler.

The corpus tests check that ``gold.jsonl`` is what the sources compile to, that
every record meets the gold contract, and that the ISINs are the ones the
ticker reference knows under that company's name. The compiler tests feed it
tiny inline articles, valid and broken, and check offsets and error messages.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

from pipeline.evaluate.authoring import (
    TAGS,
    AuthoringError,
    compile_dir,
    compile_source,
    compile_sources,
    gold_jsonl,
    isin_is_valid,
    main,
    parse_figure_text,
    phenomena,
    read_gold,
    render_readme,
    validate_gold,
)
from pipeline.evaluate.gold import parse_gold_record as gold_from_dict
from pipeline.ingest import read_txt, join_paragraphs

from conftest import ROOT, SHARED_CORPORA, requires_shared

FIXTURES = ROOT / "corpus" / "fixtures"
SAMPLES = ROOT / "corpus" / "samples"
SRC = FIXTURES / "src"
GOLD = FIXTURES / "gold.jsonl"
README = FIXTURES / "README.md"
# Listed companies missing from pytickersymbols, checked against ../shared reference tables instead.
NOT_IN_PYTICKERSYMBOLS = {"US47233W1099": "JEFFERIES"}


@pytest.fixture(scope="module")
def compiled():
    return compile_dir(SRC)


@pytest.fixture(scope="module")
def gold():
    return read_gold(GOLD)


# ------------------------------------------------------------------ the corpus


def test_gold_file_is_compiled_from_the_sources(compiled):
    assert GOLD.read_text(encoding="utf-8") == gold_jsonl(compiled), (
        "gold.jsonl is stale: run python -m pipeline.evaluate.authoring corpus/fixtures/src "
        "corpus/fixtures/gold.jsonl --readme corpus/fixtures/README.md"
    )


def test_readme_tables_are_current(compiled):
    readme = README.read_text(encoding="utf-8")
    assert render_readme(readme, compiled) == readme


def test_every_record_meets_the_gold_contract(gold):
    problems = [p for record in gold for p in validate_gold(record)]
    assert problems == []


def test_records_round_trip_through_the_dataclasses(gold):
    for record in gold:
        assert gold_from_dict(record).to_json() + "\n" == gold_jsonl([gold_from_dict(record)])


def test_text_is_what_ingestion_makes_of_a_txt_file(gold):
    for record in gold:
        raw = read_txt(record["text"])[0]
        assert join_paragraphs([raw.title, *raw.paragraphs]) == record["text"]
        assert raw.title == record["title"]


def test_at_least_forty_articles_with_every_phenomenon(gold):
    assert len(gold) >= 40
    seen = {tag for record in gold for tag in record["tags"]}
    assert set(TAGS) - seen == set()
    hard = [r["id"] for r in gold if "hard" in r["tags"]]
    assert len(hard) >= 5


def test_finnews_evaluate_reads_the_gold_file():
    from pipeline.evaluate.gold import read_gold_jsonl

    docs = read_gold_jsonl(GOLD)
    assert len(docs) == len(read_gold(GOLD))
    assert all(doc.linked for doc in docs)


def test_ids_and_sizes(gold):
    ids = [r["id"] for r in gold]
    assert len(ids) == len(set(ids))
    for record in gold:
        words = len(record["text"].split())
        assert 120 <= words <= 400, (record["id"], words)


def test_listed_isins_belong_to_the_named_company_in_pytickersymbols(gold):
    from pytickersymbols import indices_data

    known: dict[str, set[str]] = {}
    for index in indices_data.INDICES.values():
        for company in index["companies"]:
            for isin in company.get("isins") or []:
                known.setdefault(isin, set()).add(company["name"])
    checked = 0
    for record in gold:
        for ent in record["entities"]:
            isin = ent["isin"]
            if not isin or isin == "unlisted" or isin in NOT_IN_PYTICKERSYMBOLS:
                continue
            assert isin in known, f"{ent['name']}: {isin} not in pytickersymbols"
            assert any(_shares_word(ent["name"], other) for other in known[isin]), (ent["name"], isin, known[isin])
            checked += 1
    assert checked > 0


@requires_shared
def test_isins_outside_pytickersymbols_match_the_shared_reference(gold):
    table = SHARED_CORPORA / "reference" / "financedatabase" / "equities_slim_present_exchanges.csv"
    used = {e["isin"] for r in gold for e in r["entities"] if e["isin"] in NOT_IN_PYTICKERSYMBOLS}
    found = set()
    with open(table, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["isin"] in used and NOT_IN_PYTICKERSYMBOLS[row["isin"]] in row["name"].upper():
                found.add(row["isin"])
    assert found == used


def _fold(text: str) -> set[str]:
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return {w for w in re.split(r"[^a-z0-9]+", plain.lower()) if len(w) > 1}


def _shares_word(a: str, b: str) -> bool:
    aliases = {"munich": {"munchener"}, "hannover": {"hannover"}}
    fa, fb = _fold(a), _fold(b)
    return bool(fa & fb) or any(fb & aliases.get(w, set()) for w in fa)


# ------------------------------------------------------------------ the sample articles


def test_sample_files_have_their_stated_encodings():
    raw = {p.name: p.read_bytes() for p in SAMPLES.iterdir() if p.name != "README.md"}
    assert len(raw) == 8
    cp1252 = raw["dax-schluss-cp1252.txt"]
    with pytest.raises(UnicodeDecodeError):
        cp1252.decode("utf-8")
    text = cp1252.decode("cp1252")
    assert all(word in text for word in ("Börse", "ü", "ß", "€"))
    assert raw["infineon-prognose-utf8-bom.txt"].startswith(b"\xef\xbb\xbf")
    assert raw["toyota-bilanz-utf16.txt"][:2] in (b"\xff\xfe", b"\xfe\xff")
    for name in ("sap-cloud-utf8.txt", "nvidia-deepseek.md", "allianz-quartal.html", "rheinmetall-auftrag.json", "marktberichte.jsonl"):
        assert not raw[name].startswith(b"\xef\xbb\xbf")
        raw[name].decode("utf-8")
    page = raw["allianz-quartal.html"].decode("utf-8")
    assert all(tag in page for tag in ("<nav>", "<script", "<footer>", "<article>"))
    markdown = raw["nvidia-deepseek.md"].decode("utf-8")
    assert markdown.startswith("# ") and "**" in markdown and "](" in markdown and "\n- " in markdown


def test_ingestion_reads_every_sample_into_a_quoted_article_with_figures():
    from pipeline.config import IngestConfig
    from pipeline.ingest import ingest

    files = sorted(p for p in SAMPLES.iterdir() if p.name != "README.md")
    report = ingest(files, IngestConfig())
    assert report.errors == [] and report.duplicates == []
    assert len(report.articles) == 10
    by_file = {}
    for article in report.articles:
        by_file.setdefault(Path(article.source_path).name, []).append(article)
        words = len(article.text.split())
        assert 80 <= words <= 200, (article.article_id, words)
        assert re.search(r"[„»\"«‚]", article.text), article.article_id
        assert re.search(r"\d %", article.text) and re.search(r"(Euro|€|Dollar|Yen|Pfund)", article.text)
    assert len(by_file["marktberichte.jsonl"]) == 3
    assert by_file["dax-schluss-cp1252.txt"][0].title == "Börse Frankfurt: Dax schließt fester"
    assert by_file["dax-schluss-cp1252.txt"][0].encoding == "cp1252"
    assert by_file["toyota-bilanz-utf16.txt"][0].title.startswith("Toyota meldet Rekordumsatz")
    html = by_file["allianz-quartal.html"][0]
    assert html.title == "Allianz steigert operativen Gewinn deutlich"
    assert "Newsletter" not in html.text and "Impressum" not in html.text and "dataLayer" not in html.text
    assert by_file["rheinmetall-auftrag.json"][0].url == "https://example.com/rheinmetall-auftrag"


# ------------------------------------------------------------------ the compiler

BASE = {
    "id": "t-1",
    "date": "2025-01-27",
    "tags": [],
    "text": "Siemens Energy legt zu\n\nDie Siemens-Energy-Aktie stieg um 3,2 % auf 80 Euro, Siemens fiel um 1 %. "
    "Nvidias Kurs sank.\n",
    "entities": [
        {"name": "Siemens Energy", "label": "ORG", "isin": "DE000ENER6Y0", "mentions": ["Siemens Energy", "Siemens-Energy"]},
        {"name": "Siemens", "label": "ORG", "isin": "DE0007236101"},
        {"name": "Nvidia", "label": "ORG", "isin": "US67066G1040", "mentions": ["Nvidias"]},
    ],
    "figures": [
        {"text": "3,2 %", "value": 3.2, "unit": "%", "dir": "up", "about": ["Siemens Energy"]},
        {"text": "80 Euro", "value": 80, "unit": "EUR", "about": ["Siemens Energy"]},
        {"text": "1 %", "value": -1, "unit": "%", "dir": "down", "about": ["Siemens"]},
    ],
    "sentiment": {"Siemens Energy": "positive", "Siemens": "negative", "Nvidia": "negative"},
}


def variant(**changes):
    source = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v) for k, v in BASE.items()}
    source.update(changes)
    return source


def problems_of(source) -> str:
    with pytest.raises(AuthoringError) as info:
        compile_source(source, "t.yaml")
    return str(info.value)


def test_compiles_exact_offsets_with_longest_match_compounds_and_genitive():
    art = compile_source(variant(), "t.yaml")
    spans = [(e.text, e.name) for e in art.entities]
    assert spans == [
        ("Siemens Energy", "Siemens Energy"), ("Siemens-Energy", "Siemens Energy"),
        ("Siemens", "Siemens"), ("Nvidias", "Nvidia"),
    ]
    for e in art.entities + art.figures:
        assert art.text[e.start:e.end] == e.text
    assert art.title == "Siemens Energy legt zu"
    assert [f.text for f in art.figures] == ["3,2 %", "80 Euro", "1 %"]
    assert {"compound", "genitive", "no-split", "money-eur"} <= set(art.tags)
    assert validate_gold(__import__("json").loads(art.to_json())) == []


def test_text_is_normalised_like_ingestion():
    art = compile_source(variant(text="Siemens\u00a0Energy legt zu\n\nDie Siemens-Energy-Aktie stieg\num 3,2 % auf 80 Euro, "
                                      "Siemens fiel um 1 %. Nvidias Kurs sank.  \n"), "t.yaml")
    assert art.text == "Siemens Energy legt zu\n\nDie Siemens-Energy-Aktie stieg um 3,2 % auf 80 Euro, Siemens fiel um 1 %. Nvidias Kurs sank."


def test_ambiguous_span_needs_a_context():
    text = BASE["text"].replace("Nvidias Kurs sank.", "Nvidias Kurs sank um 1 %.")
    message = problems_of(variant(text=text))
    assert "'1 %' occurs 2 times in the text; give `at`" in message
    fixed = variant(text=text, figures=[
        BASE["figures"][0], BASE["figures"][1],
        {"text": "1 %", "at": "Siemens fiel um 1 %", "value": -1, "unit": "%", "dir": "down", "about": ["Siemens"]},
        {"text": "1 %", "n": 2, "value": -1, "unit": "%", "dir": "down", "about": ["Nvidia"]},
    ])
    art = compile_source(fixed, "t.yaml")
    assert [f.about for f in art.figures] == [["Siemens Energy"], ["Siemens Energy"], ["Siemens"], ["Nvidia"]]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"entities": [dict(BASE["entities"][0], isin="DE000ENER6Y1")] + BASE["entities"][1:]}, "invalid ISIN 'DE000ENER6Y1'"),
        ({"entities": BASE["entities"][:2] + [dict(BASE["entities"][2], mentions=["Nvidia"])]}, "'Nvidias' at"),
        ({"entities": BASE["entities"][:2]}, "'Nvidia' is not an annotated company"),
        ({"figures": BASE["figures"][:2]}, f"'1 %' at {BASE['text'].index('1 %')} looks like a figure but is not annotated"),
        ({"figures": [dict(BASE["figures"][0], value=2.3)] + BASE["figures"][1:]}, "value 2.3 but the text says 3.2"),
        ({"figures": [dict(BASE["figures"][0], dir="down")] + BASE["figures"][1:]}, "direction 'down' with value 3.2"),
        ({"figures": BASE["figures"][:2] + [dict(BASE["figures"][2], dir="none")]}, "direction 'none' with value -1"),
        ({"figures": [dict(BASE["figures"][0], unit="pp")] + BASE["figures"][1:]}, "unit 'pp' but the text says '%'"),
        ({"figures": [dict(BASE["figures"][0], q="rund")] + BASE["figures"][1:]}, "qualifier 'rund' but the text before"),
        ({"figures": [dict(BASE["figures"][0], about=["Siemens Energie"])] + BASE["figures"][1:]}, "about 'Siemens Energie': not an annotated entity"),
        ({"figures": [dict(BASE["figures"][1], target=True)] + [BASE["figures"][0], BASE["figures"][2]]}, "no 'Ziel' precedes it"),
        ({"sentiment": {"Siemens Energy": "positive", "Siemens": "negative"}}, "company 'Nvidia' has no sentiment label"),
        ({"sentiment": dict(BASE["sentiment"], Nvidia="bearish")}, "label 'bearish' not in"),
        ({"tags": ["pct-range"]}, "tag 'pct-range' declared but the annotations show no instance"),
        ({"tags": ["made-up"]}, "unknown tag 'made-up'"),
        ({"entities": BASE["entities"] + [{"name": "Dax", "label": "INDEX"}]}, "mention 'Dax' never occurs"),
        ({"entities": BASE["entities"] + [{"name": "EZB", "label": "ORG"}]}, "an ORG needs `isin`"),
        ({"id": "T 1"}, "id: must be lower-case"),
    ],
)
def test_invalid_sources_are_refused_with_a_clear_message(change, message):
    assert message in problems_of(variant(**change))


def test_quotes_need_marks_speakers_and_cues_that_exist():
    text = ("Analysten uneins\n\n„Das ist ein Kauf“, sagt Anna Roth. Die Aktie sei „Equal Weight“, schrieb sie. "
            "Er forderte eine schnellere Entscheidung.")
    base = {"id": "t-2", "text": text, "entities": [{"name": "Anna Roth", "label": "PER"}], "figures": [], "sentiment": {}}
    good = dict(base, not_quotes=["Equal Weight"], quotes=[
        {"kind": "direct", "text": "Das ist ein Kauf", "speaker": "Anna Roth", "cue": "sagt"},
        {"kind": "reported", "text": "eine schnellere Entscheidung", "speaker": "Anna Roth", "speaker_text": "Er", "cue": "forderte"},
    ])
    art = compile_source(good, "t.yaml")
    direct, reported = art.quotes
    assert (direct.speaker_start, direct.cue) == (text.index("Anna Roth"), "sagt")
    assert text[reported.speaker_start:reported.speaker_end] == "Er"
    assert {"quote-marks-german", "scare-quotes", "reported", "pronoun-speaker", "cue-after"} <= set(art.tags)

    assert "quotation marks around 'Equal Weight'" in problems_of(dict(good, not_quotes=[]))
    wrong_span = dict(good, quotes=[dict(good["quotes"][0], text="Das ist ein"), good["quotes"][1]])
    assert "quotation marks around 'Das ist ein Kauf'" in problems_of(wrong_span)
    no_cue = dict(good, quotes=[dict(good["quotes"][0], cue="erklärt"), good["quotes"][1]])
    assert "'erklärt' occurs 0 times in its paragraph" in problems_of(no_cue)
    stranger = dict(good, quotes=[dict(good["quotes"][0], speaker="Bert Roth", speaker_text="Anna Roth"), good["quotes"][1]])
    assert "speaker 'Bert Roth' is not an annotated entity name" in problems_of(stranger)
    unbalanced = dict(good, text=text.replace("Kauf“", "Kauf"))
    assert "is never closed" in problems_of(unbalanced)


def test_not_entities_excludes_a_common_noun_and_case_variants_must_be_annotated():
    text = "Allianz wächst\n\nDie Allianz SE schmiedet eine Allianz mit Partnern. Allianz-Aktien stiegen."
    base = {"id": "t-3", "text": text, "figures": [], "sentiment": {"Allianz": "positive"}, "tags": ["allianz-ambiguity"],
            "entities": [{"name": "Allianz", "label": "ORG", "isin": "DE0008404005", "mentions": ["Allianz", "Allianz SE"]}]}
    assert "tag 'allianz-ambiguity' declared but the annotations show no instance" in problems_of(base)
    art = compile_source(dict(base, not_entities=["eine Allianz mit"]), "t.yaml")
    assert [e.text for e in art.entities] == ["Allianz", "Allianz SE", "Allianz"]
    assert "allianz-ambiguity" in art.tags
    shouting = dict(base, not_entities=["eine Allianz mit"], text=text + " ALLIANZ bleibt Favorit.")
    assert f"'ALLIANZ' at {len(text) + 1} looks like a mention of 'Allianz'" in problems_of(shouting)


def test_cross_article_consistency():
    first = variant()
    second = variant(id="t-2", entities=[dict(BASE["entities"][0], isin="DE0007236101")] + BASE["entities"][1:])
    message = str(_refused(first, second))
    assert "t-2: 'Siemens Energy' is ORG DE0007236101 here but ORG DE000ENER6Y0 in t-1" in message
    assert "t-2: ISIN DE0007236101 is 'Siemens Energy' here but 'Siemens' in t-1" in message
    third = {"id": "t-3", "text": "Markt ruhig\n\nSiemens Energy blieb unverändert.", "figures": [], "entities": [], "sentiment": {}}
    assert "'Siemens Energy' at 13 looks like a mention of 'Siemens Energy'" in str(_refused(first, third))


def _refused(*sources):
    with pytest.raises(AuthoringError) as info:
        compile_sources([(f"{s['id']}.yaml", s) for s in sources])
    return info.value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-6,3 %", (-6.3, None, "%")),
        ("minus 10,3 %", (-10.3, None, "%")),
        ("drei Prozent", (3.0, None, "%")),
        ("0,25 Prozentpunkte", (0.25, None, "pp")),
        ("18 Prozent bis 250 Prozent", (18.0, 250.0, "%")),
        ("verfünffacht", (400.0, None, "%")),
        ("3,2 Bill. Dollar", (3.2e12, None, "USD")),
        ("5 Mill. US-Dollar", (5e6, None, "USD")),
        ("36 bis 37 Mrd. Euro", (36e9, 37e9, "EUR")),
        ("1.250 Tsd. €", (1.25e6, None, "EUR")),
        ("900 Mrd. Yen", (9e11, None, "JPY")),
        ("420 Mio. Fr.", (4.2e8, None, "CHF")),
        ("2,5 Mrd. CHF", (2.5e9, None, "CHF")),
    ],
)
def test_parse_figure_text(text, expected):
    value, value_to, unit = parse_figure_text(text)
    assert value == pytest.approx(expected[0]) and unit == expected[2]
    assert value_to == (pytest.approx(expected[1]) if expected[1] is not None else None)


def test_parse_figure_text_refuses_non_figures():
    with pytest.raises(ValueError):
        parse_figure_text("Kursziel")


@pytest.mark.parametrize("isin, ok", [("US67066G1040", True), ("DE000ENER6Y0", True), ("JP3436100006", True),
                                      ("AT0000A0E9W5", True), ("US67066G1041", False), ("DE000ENER6Y", False)])
def test_isin_check_digit(isin, ok):
    assert isin_is_valid(isin) is ok


def test_command_line_writes_then_checks(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    import yaml

    (src / "t-1.yaml").write_text(yaml.safe_dump(variant(), allow_unicode=True), encoding="utf-8")
    out = tmp_path / "gold.jsonl"
    assert main([str(src), str(out), "--check"]) == 1
    assert main([str(src), str(out)]) == 0
    assert main([str(src), str(out), "--check"]) == 0
    assert read_gold(out)[0]["id"] == "t-1"
    (src / "t-2.yaml").write_text(yaml.safe_dump(variant(id="wrong-name"), allow_unicode=True), encoding="utf-8")
    assert main([str(src), str(out)]) == 1


def test_phenomenon_counters_count_instances():
    text = ("Chipwerte fallen\n\nNvidias Kurs sank um -3 %, Broadcom AMD und Infineon fielen jeweils um knapp 2 %. "
            "„Das ist ein Kauf“, sagt Anna Roth. Die Allianz der Chiphersteller sei stabil, so ein Händler.")
    source = {"id": "t-4", "text": text, "not_entities": ["Die Allianz der"], "sentiment": {
        "Nvidia": "negative", "Broadcom": "negative", "AMD": "negative", "Infineon": "negative"}, "entities": [
        {"name": "Nvidia", "label": "ORG", "isin": "US67066G1040", "mentions": ["Nvidias"]},
        {"name": "Broadcom", "label": "ORG", "isin": "US11135F1012"},
        {"name": "AMD", "label": "ORG", "isin": "US0079031078"},
        {"name": "Infineon", "label": "ORG", "isin": "DE0006231004"},
        {"name": "Anna Roth", "label": "PER"}], "figures": [
        {"text": "-3 %", "value": -3, "unit": "%", "dir": "down", "about": ["Nvidia"]},
        {"text": "2 %", "value": -2, "unit": "%", "dir": "down", "q": "knapp", "about": ["Broadcom", "AMD", "Infineon"]}],
        "quotes": [
        {"kind": "direct", "text": "Das ist ein Kauf", "speaker": "Anna Roth", "cue": "sagt"},
        {"kind": "indirect", "text": "Die Allianz der Chiphersteller sei stabil", "speaker": "ein Händler", "cue": "so"}]}
    counts = phenomena(compile_source(source, "t.yaml"))
    assert set(counts) == {t for t, spec in TAGS.items() if spec.check is not None}
    expected = {"genitive": 1, "pct-signed": 1, "multi-entity": 1, "qualifier": 1, "missing-comma": 1,
                "quote-marks-german": 1, "cue-after": 2, "cue-so": 1, "unnamed-speaker": 1, "allianz-ambiguity": 1,
                "indirect-konjunktiv": 1, "us-company": 3, "de-company": 1, "money": 0, "pct-range": 0}
    assert {tag: counts[tag] for tag in expected} == expected


# ------------------------------------------------------------------ the Austrian and Swiss set

DACH = FIXTURES / "dach"


def test_dach_gold_is_compiled_from_its_sources_and_meets_the_contract():
    records = compile_dir(DACH / "src")
    assert (DACH / "gold.jsonl").read_text(encoding="utf-8") == gold_jsonl(records), (
        "corpus/fixtures/dach/gold.jsonl is stale: run python -m pipeline.evaluate.authoring "
        "corpus/fixtures/dach/src corpus/fixtures/dach/gold.jsonl --readme corpus/fixtures/dach/README.md"
    )
    readme = (DACH / "README.md").read_text(encoding="utf-8")
    assert render_readme(readme, records) == readme
    gold = read_gold(DACH / "gold.jsonl")
    assert [p for record in gold for p in validate_gold(record)] == []
    assert len(gold) >= 8


@requires_shared
def test_dach_isins_are_in_the_shared_reference():
    table = SHARED_CORPORA / "reference" / "financedatabase" / "equities_slim_present_exchanges.csv"
    used = {e["isin"] for r in read_gold(DACH / "gold.jsonl") for e in r["entities"]
            if e["isin"] not in (None, "unlisted")}
    with open(table, encoding="utf-8") as fh:
        known = {row["isin"] for row in csv.DictReader(fh)}
    from pytickersymbols import PyTickerSymbols

    known |= {i for s in PyTickerSymbols().get_stocks_by_index("Switzerland 20") for i in s.get("isins", [])}
    assert used and used <= known, used - known
