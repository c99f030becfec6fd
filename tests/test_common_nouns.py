"""The German common-noun list (pipeline/ner/common_nouns.py) and its shipped build."""

from __future__ import annotations

import csv
import io

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.ner.common_nouns import common_noun_forms, load_common_nouns, main

SHIPPED = PROJECT_ROOT / "configs" / "common_nouns.txt.gz"
# The shape of german-nouns' nouns.csv: lemma, pos, then one column per case and number.
NOUNS_CSV = """lemma,pos,genus,nominativ singular,nominativ plural,genitiv singular,dativ plural
Anlage,Substantiv,f,Anlage,Anlagen,Anlage,Anlagen
Müller,Substantiv,m,Müller,Müller,Müllers,Müllern
Müller,"Nachname,Substantiv",,Müller,Müller,Müllers,
Berlin,"Substantiv,Toponym",n,Berlin,,Berlins,
Grüne,"Substantiv,adjektivische Deklination",,Grüne,Grünen,Grünen,Grünen
E-Mail,Substantiv,f,E-Mail,E-Mails,E-Mail,E-Mails
Tag der offenen Tür,"Substantiv,Wortverbindung",m,Tag der offenen Tür,,,
-algie,"Gebundenes Lexem,Substantiv",f,-algie,-algien,,
"""


def test_only_forms_of_plain_common_nouns_are_kept():
    forms = common_noun_forms(csv.reader(io.StringIO(NOUNS_CSV)))
    # every form a surname, a place or a noun declined like an adjective (also a party) gives is left
    # out ("Müller", "Müllers"); a form only the common noun has stays ("Müllern"); multi-word entries
    # and bound morphemes never enter
    assert forms == ["Anlage", "Anlagen", "E-Mail", "E-Mails", "Müllern"]


def test_the_build_command_writes_a_list_the_loader_reads(tmp_path):
    source = tmp_path / "nouns.csv"
    source.write_text(NOUNS_CSV, encoding="utf-8")
    for name in ("nouns.txt", "nouns.txt.gz"):
        assert main(["--csv", str(source), "--out", str(tmp_path / name)]) == 0
        assert load_common_nouns(tmp_path / name) == {"Anlage", "Anlagen", "E-Mail", "E-Mails", "Müllern"}
    # the gzip file is byte-identical from run to run (no time stamp inside)
    first = (tmp_path / "nouns.txt.gz").read_bytes()
    main(["--csv", str(source), "--out", str(tmp_path / "nouns.txt.gz")])
    assert (tmp_path / "nouns.txt.gz").read_bytes() == first


def test_shipped_list_holds_common_nouns_and_no_names():
    nouns = load_common_nouns(SHIPPED)
    assert len(nouns) > 200_000
    assert {"Schlangenlinien", "Anlagen", "Umsatz", "Hotel"} <= nouns
    assert not nouns & {"Berlin", "Müller", "Schmidt", "Apple", "Grünen", "Deutsche"}


def test_shipped_list_is_what_the_build_command_makes(tmp_path):
    pytest.importorskip("german_nouns", reason="rebuild check needs german-nouns (pip install --no-deps german-nouns==1.2.5)")
    assert main(["--out", str(tmp_path / "nouns.txt.gz")]) == 0
    assert (tmp_path / "nouns.txt.gz").read_bytes() == SHIPPED.read_bytes()
