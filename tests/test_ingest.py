"""Ingestion: formats, encodings, normalisation, ids, errors and duplicates."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

from pipeline.config import IngestConfig, JsonFields
from pipeline.ingest import decode_bytes, discover, ingest, normalize_text, split_plain_text, IngestFailure

CFG = IngestConfig()
ARTICLE = "Börse: Dax fällt\n\nDer Dax fiel um 2 %.\n\n„Das ist übertrieben“, sagte ein Händler."


def _ingest_one(path: Path, cfg: IngestConfig = CFG):
    report = ingest([path], cfg)
    return report


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"],
)
def test_encodings_round_trip_umlauts(tmp_path: Path, encoding: str) -> None:
    text = "Börse schließt fester\n\nDie Märkte in Zürich und München legten zu; Anleger kauften Aktien."
    if encoding == "cp1252":
        text += " Der Umsatz stieg auf 5 Mio. €."  # € exists in cp1252, not in latin-1
    path = tmp_path / "artikel.txt"
    path.write_bytes(text.encode(encoding))
    report = _ingest_one(path)
    assert not report.errors
    (article,) = report.articles
    assert article.title == "Börse schließt fester"
    assert article.text == text
    assert "Börse" in article.text and "\ufeff" not in article.text


def test_utf16_big_endian_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "be.txt"
    path.write_bytes("\ufeffBörse\n\nDax fällt.".encode("utf-16-be"))
    (article,) = _ingest_one(path).articles
    assert article.text == "Börse\n\nDax fällt."


def test_normalisation_nfc_soft_hyphen_and_spaces(tmp_path: Path) -> None:
    raw = "Bo\u0308rse\n\nDie Bör\u00adsen\u00adaufsicht prüft 3,2\u00a0Mrd.\u202fEuro  bei\u2009der\u200bBank.\r\n"
    path = tmp_path / "n.txt"
    path.write_text(raw, encoding="utf-8")
    (article,) = _ingest_one(path).articles
    assert article.text == "Börse\n\nDie Börsenaufsicht prüft 3,2 Mrd. Euro bei derBank."
    assert normalize_text("a\u00a0b") == "a b"


def test_txt_paragraphs_blank_lines_and_hard_wraps(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.txt"
    path.write_text("\n\nÜberschrift ohne Punkt\nErster Absatz, Zeile eins\nZeile zwei.\n\nZweiter Absatz.\n", encoding="utf-8")
    (article,) = _ingest_one(path).articles
    assert article.text == "Überschrift ohne Punkt\n\nErster Absatz, Zeile eins Zeile zwei.\n\nZweiter Absatz."


def test_txt_without_blank_lines_has_one_paragraph_per_line() -> None:
    title, paragraphs = split_plain_text("Titel\nAbsatz eins.\nAbsatz zwei.")
    assert title == "Titel" and paragraphs == ["Absatz eins.", "Absatz zwei."]


def test_markdown_syntax_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bericht.md"
    path.write_text(
        "---\ndate: 2025-01-27\nsource: Testdienst\n---\n# SAP hebt **Prognose** an\n\n"
        "Der Konzern [SAP](https://sap.com) meldet *starke* Zahlen.\n\n- Umsatz plus 9 %\n- Marge stabil\n\n"
        "> Wir sind zufrieden, sagte der Chef.\n\n```\ncode()\n```\n",
        encoding="utf-8",
    )
    (article,) = _ingest_one(path).articles
    assert article.title == "SAP hebt Prognose an"
    assert article.text == (
        "SAP hebt Prognose an\n\nDer Konzern SAP meldet starke Zahlen.\n\nUmsatz plus 9 %\n\nMarge stabil\n\n"
        "Wir sind zufrieden, sagte der Chef."
    )
    assert article.date == "2025-01-27" and article.source == "Testdienst"


def test_html_main_text_only(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Dax fällt | Finanzportal</title><script>var tracking = 1;</script></head><body>"
        "<nav><a href='/'>Startseite</a> <a href='/maerkte'>Märkte</a></nav>"
        "<article><h1>Dax fällt deutlich</h1>"
        "<p>Der Dax ist am Montag um 2 Prozent gefallen. Händler verwiesen auf schwache Konjunkturdaten aus China und den USA.</p>"
        "<p>„Die Stimmung ist schlecht“, sagte ein Händler in Frankfurt. Besonders Autowerte wie Volkswagen und BMW standen unter Druck.</p>"
        "</article><footer>Impressum | Datenschutz | © 2025 Finanzportal</footer></body></html>"
    )
    path = tmp_path / "seite.html"
    path.write_text(html, encoding="utf-8")
    (article,) = _ingest_one(path).articles
    assert "Der Dax ist am Montag um 2 Prozent gefallen." in article.text
    assert "sagte ein Händler in Frankfurt" in article.text
    for noise in ("tracking", "Startseite", "Impressum", "Datenschutz"):
        assert noise not in article.text
    assert article.text.split("\n\n")[0] == article.title


def test_json_and_jsonl_records_ids_and_fields(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(
        json.dumps({"id": "a-1", "title": "Dax steigt", "text": "Der Dax stieg.\n\nZweiter Absatz.", "date": "2025-01-02",
                    "source": "Agentur", "url": "https://example.org/a-1"}),
        encoding="utf-8",
    )
    (tmp_path / "many.jsonl").write_text(
        json.dumps({"id": 7, "title": "SAP", "text": "SAP gewinnt."}) + "\n"
        + json.dumps({"title": "Ohne Id", "text": "Text."}) + "\n",
        encoding="utf-8",
    )
    report = ingest([tmp_path], CFG)
    assert not report.errors
    by_id = {a.article_id: a for a in report.articles}
    assert set(by_id) == {"one#a-1", "many#7", "many#line2"}
    first = by_id["one#a-1"]
    assert first.text == "Dax steigt\n\nDer Dax stieg.\n\nZweiter Absatz."
    assert (first.date, first.source, first.url) == ("2025-01-02", "Agentur", "https://example.org/a-1")


def test_json_headline_repeated_in_text_is_kept_once(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text(
        json.dumps({"id": "x", "title": "Dax steigt", "text": "Dax steigt\n\nDer Dax stieg um 1 %."}) + "\n", encoding="utf-8"
    )
    (article,) = ingest([tmp_path], CFG).articles
    assert article.text == "Dax steigt\n\nDer Dax stieg um 1 %."


def test_json_field_names_configurable(tmp_path: Path) -> None:
    cfg = IngestConfig(json_fields=JsonFields(id="uid", title="headline", text="body"))
    (tmp_path / "x.jsonl").write_text(json.dumps({"uid": "u1", "headline": "Kopf", "body": "Rumpf."}) + "\n", encoding="utf-8")
    (article,) = ingest([tmp_path], cfg).articles
    assert article.article_id == "x#u1" and article.text == "Kopf\n\nRumpf."


def test_article_ids_relative_and_recursive_with_glob(tmp_path: Path) -> None:
    (tmp_path / "2025" / "jan").mkdir(parents=True)
    (tmp_path / "2025" / "jan" / "a.txt").write_text("A\n\nText a.", encoding="utf-8")
    (tmp_path / "2025" / "b.md").write_text("# B\n\nText b.", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("C\n\nText c.", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y", encoding="utf-8")
    (tmp_path / "README.md").write_text("# About this folder\n\nNot an article.", encoding="utf-8")
    report = ingest([tmp_path], CFG)
    assert [a.article_id for a in report.articles] == ["2025/b", "2025/jan/a"]
    only_txt = ingest([tmp_path], CFG, globs=["*.txt"])
    assert [a.article_id for a in only_txt.articles] == ["2025/jan/a"]
    assert [p.name for _, p in discover([tmp_path / "2025" / "b.md"], CFG.extensions)] == ["b.md"]


def test_sha256_and_exact_duplicates_reported_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(ARTICLE.encode("cp1252", errors="strict") if False else ARTICLE.encode("utf-8-sig"))
    report = ingest([tmp_path], CFG)
    assert [a.article_id for a in report.articles] == ["a"]
    assert len(report.duplicates) == 1 and "duplicate of a" in report.duplicates[0].reason
    import hashlib

    assert report.articles[0].sha256 == hashlib.sha256(report.articles[0].text.encode()).hexdigest()


def test_broken_inputs_are_reported_with_reasons(data_dir: Path) -> None:
    report = ingest([data_dir / "broken"], CFG)
    reasons = {(Path(e.source_path).name, e.record): e.reason for e in report.errors}
    assert reasons[("empty.txt", "")] == "empty file"
    assert reasons[("blank.txt", "")] == "empty file"
    assert reasons[("binary.txt", "")] == "binary file (PNG image)"
    assert reasons[("random.txt", "")].startswith("binary file")
    assert reasons[("bad_bom.txt", "")].startswith("undecodable")
    assert reasons[("truncated_utf16.txt", "")].startswith("undecodable")
    assert reasons[("broken.json", "")].startswith("malformed JSON")
    assert reasons[("mixed.jsonl", "line 2")].startswith("malformed JSON")
    assert "missing or empty field 'text'" in reasons[("mixed.jsonl", "line 4")]
    assert "expected a JSON object" in reasons[("mixed.jsonl", "line 5")]
    assert reasons[("no_article.html", "")] == "no article text found in the HTML page"
    assert sorted(a.article_id for a in report.articles) == ["mixed#ok1", "mixed#ok2"]


def test_oversized_and_unreadable(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("Titel\n\n" + "Wort " * 400, encoding="utf-8")
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    report = ingest([tmp_path], IngestConfig(max_bytes=1000))
    reasons = {Path(e.source_path).name: e.reason for e in report.errors}
    assert reasons["big.txt"].startswith("oversized: 2007 bytes, limit 1000")
    assert reasons["dangling.txt"].startswith("unreadable")


def test_decode_bytes_rejects_empty() -> None:
    with pytest.raises(IngestFailure, match="empty"):
        decode_bytes(b"  \n")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_ascii_only(tmp_path: Path, encoding: str) -> None:
    # ASCII in UTF-16 is also valid UTF-8 (full of NULs): it must not be taken for binary data.
    text = "Dax steigt\n\nDer Dax stieg um 2 Prozent."
    path = tmp_path / "ascii16.txt"
    path.write_bytes(text.encode(encoding))
    report = _ingest_one(path)
    assert not report.errors, report.errors
    (article,) = report.articles
    assert article.text == text and article.encoding == encoding



def test_empty_json_list_is_reported(tmp_path: Path) -> None:
    (tmp_path / "leer.json").write_text("[]", encoding="utf-8")
    report = ingest([tmp_path], CFG)
    assert report.files == 1 and not report.articles
    (error,) = report.errors
    assert Path(error.source_path).name == "leer.json" and "no records" in error.reason



def test_json_lone_surrogate_escape_keeps_the_batch_and_the_article(tmp_path: Path) -> None:
    # "\ud83d" is half an emoji, cut off by the exporter: valid JSON, not encodable as UTF-8.
    (tmp_path / "a.jsonl").write_text(
        '{"id": "s", "title": "SAP \\ud83d", "text": "SAP steigt \\ud83d deutlich."}\n'
        '{"id": "ok", "title": "Bayer", "text": "Bayer f\\u00e4llt."}\n',
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    report = ingest([tmp_path], CFG)
    assert not report.errors
    by_id = {a.article_id: a for a in report.articles}
    assert set(by_id) == {"a#s", "a#ok", "b"}
    assert by_id["a#s"].text == "SAP \ufffd\n\nSAP steigt \ufffd deutlich."  # the rest of the article is kept
    by_id["a#s"].text.encode("utf-8")



def test_file_name_not_in_utf8_gives_printable_ids(tmp_path: Path) -> None:
    # A name in latin-1 bytes (unzipped from Windows) decodes to lone surrogates in Python,
    # which cannot be written to the UTF-8 outputs.
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"B\xf6rse.txt"), "wb") as handle:
        handle.write(ARTICLE.encode("utf-8"))
    with open(os.path.join(folder, b"leer\xe4.txt"), "wb") as handle:
        handle.write(b"")
    report = ingest([tmp_path], CFG)
    (article,) = report.articles
    (error,) = report.errors
    assert article.article_id == "B\\xf6rse"
    assert article.source_path.endswith("B\\xf6rse.txt") and error.source_path.endswith("leer\\xe4.txt")
    for value in (article.article_id, article.source_path, error.source_path):
        value.encode("utf-8")



@pytest.mark.parametrize("declared", ["windows-1252", "iso-8859-1", "ISO-8859-1", "latin1", "us-ascii"])
def test_html_declared_latin1_is_read_as_cp1252(tmp_path: Path, declared: str) -> None:
    # Browsers read these labels as windows-1252 (WHATWG): German quotes and € live in 0x80-0x9f.
    html = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}"><title>Bayer</title></head>'
        "<body><article><p>„Das ist ein schwerer Schlag“, sagte der Vorstandschef der Bayer AG am Montag in Leverkusen.</p>"
        "<p>Der Umsatz sank um 5 Prozent auf 10 Mrd. €, die Aktie fiel im frühen Handel um mehr als drei Prozent.</p>"
        "</article></body></html>"
    )
    path = tmp_path / "alt.html"
    path.write_bytes(html.encode("cp1252"))
    (article,) = _ingest_one(path).articles
    assert "„Das ist ein schwerer Schlag“" in article.text and "10 Mrd. €" in article.text
    assert codecs.lookup(article.encoding).name == "cp1252"


@pytest.mark.parametrize("pad", ["", " "])
def test_html_declared_utf16_in_an_8bit_file_is_ignored(tmp_path: Path, pad: str) -> None:
    # A <meta charset> that a byte search can read is in an ASCII-compatible encoding, never UTF-16.
    html = (
        "<html><head><meta charset='utf-16'><title>Börse</title></head><body><article>"
        "<p>Die Börse in Frankfurt schloss mit einem Plus von drei Prozent, die Umsätze waren hoch und die Stimmung gut.</p>"
        "<p>Besonders gefragt waren Aktien von SAP und Siemens, die jeweils mehr als drei Prozent zulegten.</p>"
        f"</article></body></html>{pad}"
    )
    path = tmp_path / "u16.html"
    path.write_bytes(html.encode("cp1252"))
    (article,) = _ingest_one(path).articles
    assert "Die Börse in Frankfurt" in article.text



def test_folder_without_supported_files_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "notes.csv").write_text("x,y", encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    with caplog.at_level("WARNING", logger="pipeline.ingest"):
        assert ingest([tmp_path], CFG, globs=["*.md"]).files == 0
    assert "no input files" in caplog.text and str(tmp_path) in caplog.text


def test_jsonl_with_a_garbled_line_keeps_the_good_lines(tmp_path: Path) -> None:
    # A crash mid-write leaves NUL padding: that line is reported, the records before it are kept.
    good = [json.dumps({"id": i, "title": f"Titel {i}", "text": f"Text {i}."}) for i in range(3)]
    (tmp_path / "cut.jsonl").write_bytes(("\n".join(good) + "\n").encode() + b"\x00" * 40 + b"\n" + good[0][:20].encode())
    (tmp_path / "junk.jsonl").write_bytes(bytes(range(256)) * 4)  # binary data is still one error
    report = ingest([tmp_path], CFG)
    assert [a.article_id for a in report.articles] == ["cut#0", "cut#1", "cut#2"]
    reasons = {(Path(e.source_path).name, e.record): e.reason for e in report.errors}
    assert set(reasons) == {("cut.jsonl", "line 4"), ("cut.jsonl", "line 5"), ("junk.jsonl", "")}
    assert reasons[("cut.jsonl", "line 4")].startswith("malformed JSON")
    assert reasons[("junk.jsonl", "")].startswith("binary file")


def test_utf8_with_a_stray_cp1252_byte_keeps_its_umlauts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # A UTF-8 file with one paragraph pasted from a Windows program: decoding it all as cp1252
    # turned every UTF-8 umlaut into mojibake ("BÃ¶rse").
    utf8 = "Börse schließt fester\n\nDie Märkte in Zürich und München legten zu.\n\n".encode("utf-8")
    data = utf8 + "Die Börse in Wien auch.".encode("cp1252")
    path = tmp_path / "gemischt.txt"
    path.write_bytes(data)
    with caplog.at_level("WARNING", logger="pipeline.ingest"):
        report = _ingest_one(path)
    (article,) = report.articles
    assert article.text == "Börse schließt fester\n\nDie Märkte in Zürich und München legten zu.\n\nDie Börse in Wien auch."
    assert article.encoding == "utf-8+cp1252"
    assert any("gemischt.txt" in r.getMessage() and "1 invalid byte" in r.getMessage() for r in caplog.records), caplog.text


def test_genuine_cp1252_is_not_taken_for_repaired_utf8(tmp_path: Path) -> None:
    # "ß" + no-break space (DF A0) happens to be a valid UTF-8 sequence; the file is still cp1252.
    text = "Fuß\u00a0ball-Aktien: Börse in Zürich\n\nDie Märkte in München fielen; Anleger verkauften Öl-Werte für 5 €."
    path = tmp_path / "win.txt"
    path.write_bytes(text.encode("cp1252"))
    (article,) = _ingest_one(path).articles
    assert article.encoding == "cp1252" and "Fuß ball-Aktien: Börse in Zürich" in article.text


def test_stray_control_characters_are_normalised(tmp_path: Path) -> None:
    # Latin-1 text read as such keeps cp1252's „“€ as C1 controls; Word exports hold a vertical tab
    # for a line break, PDFs a form feed for a page break (here: between paragraphs). None of them belongs in article text.
    raw = ("Dax fällt\n\nDie Aktie fiel um 5 \x80\x0bauf 12 \x80. \x84Das ist viel\x93, sagte er.\x0c\n"
           "Zweiter Absatz\x81 mit\x1b Rest.\n")
    path = tmp_path / "steuer.json"
    path.write_text(json.dumps({"id": "a", "text": raw}), encoding="utf-8")
    (article,) = _ingest_one(path).articles
    assert article.text == "Dax fällt\n\nDie Aktie fiel um 5 € auf 12 €. „Das ist viel“, sagte er.\n\nZweiter Absatz mit Rest."
    assert normalize_text("Absatz\x0bZeile\x0cSeite\x85") == "Absatz\nZeile\nSeite…"
    (txt,) = _ingest_one(_write(tmp_path / "zeilen.txt", "Titel\nEins\x0bZwei\nDrei")).articles
    assert txt.text == "Titel\n\nEins\n\nZwei\n\nDrei"  # a line break, in a file of one paragraph per line


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_symlink_and_its_target_are_read_once_and_both_accounted_for(tmp_path: Path) -> None:
    (tmp_path / "dax.txt").write_text("Dax steigt\n\nDer Dax stieg um 1 %.", encoding="utf-8")
    (tmp_path / "zz-link.txt").symlink_to(tmp_path / "dax.txt")
    report = ingest([tmp_path], CFG)
    assert [a.article_id for a in report.articles] == ["dax"] and not report.errors
    (dup,) = report.duplicates  # it vanished from the accounting: neither an article nor an error
    assert Path(dup.source_path).name == "zz-link.txt"
    assert dup.reason == f"same file as {tmp_path / 'dax.txt'}"
    assert report.files == 2
    # The same path named twice is one input, not a duplicate.
    again = ingest([tmp_path / "dax.txt", tmp_path / "dax.txt"], CFG)
    assert len(again.articles) == 1 and not again.duplicates and again.files == 1
