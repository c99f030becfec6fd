"""Build the list of German common-noun forms that the spaCy stage reads.

German capitalises every noun, so a CNN trained on a few thousand sentences
takes common nouns for names: ``in Schlangenlinien unterwegs``, ``aus Salzteig``,
``im Moskito-Kampf`` come out as places. A list of common nouns lets
:mod:`pipeline.nlp.companies` drop such one-word places.

Source: the PyPI package ``german-nouns`` (about 100,000 nouns of the German
Wiktionary with their inflected forms; data CC BY-SA 4.0, Gregor Weichbrodt,
https://github.com/gambolputty/german-nouns). Kept: every inflected form of an
entry that is only a common noun. Left out: forms that any entry also gives as a
proper name, place, given name, surname, street or abbreviation (``Berlin``,
``Müller``, ``Apple``), and nouns declined like adjectives (``Deutsche``,
``Grünen``, ``Linken``: also party names). The written list
(``configs/common_nouns.txt.gz``) is therefore CC BY-SA 4.0 as well; the
rest of finnews is MIT.

The package is needed only to rebuild the list, not to run finnews. Its
dependencies pin an old lxml, so install it without them (the CSV is all that
is read)::

    pip install --no-deps german-nouns==1.2.5
    python -m pipeline.ner.common_nouns --out configs/common_nouns.txt.gz
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.resources
import logging
import re
import sys
from pathlib import Path
from typing import Iterable, Optional

log = logging.getLogger(__name__)

PROPER_KINDS = frozenset({"Eigenname", "Toponym", "Vorname", "Nachname", "Straßenname", "Abkürzung"})
ADJECTIVAL = "adjektivische Deklination"
CASE_PREFIXES = ("nominativ", "genitiv", "dativ", "akkusativ")
# One capitalised word, hyphenated parts allowed ("E-Mail", "Know-how"); no spaces or digits.
FORM_SHAPE = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]*(?:-[A-Za-zÄÖÜäöüß]+)*$")
HEADER = ("# German common-noun forms for the spaCy stage (pipeline/nlp/companies.py).\n"
          "# Built by: python -m pipeline.ner.common_nouns --out configs/common_nouns.txt.gz\n"
          "# Source: german-nouns 1.2.5 (German Wiktionary), Gregor Weichbrodt,\n"
          "# https://github.com/gambolputty/german-nouns. Licence: CC BY-SA 4.0.\n")


def default_csv() -> Path:
    """``nouns.csv`` of the installed ``german-nouns`` package."""
    try:
        return Path(str(importlib.resources.files("german_nouns").joinpath("nouns.csv")))
    except ModuleNotFoundError as exc:
        raise SystemExit("german-nouns is not installed: pip install --no-deps german-nouns==1.2.5") from exc


def common_noun_forms(rows: Iterable[list[str]]) -> list[str]:
    """Sorted forms that only common-noun entries give.

    Args:
        rows: the CSV rows of ``nouns.csv``, header first (``lemma``, ``pos``, then
            one column per case and number).

    Example: ``Anlage``/``Anlagen`` are kept; ``Müller`` (a noun and a surname)
    and ``Grünen`` (declined like an adjective) are not.
    """
    rows = iter(rows)
    header = next(rows)
    pos_col = header.index("pos")
    form_cols = [0] + [i for i, name in enumerate(header) if name.startswith(CASE_PREFIXES)]
    common, excluded = set(), set()
    for row in rows:
        kinds = set(row[pos_col].split(","))
        target = excluded if kinds & PROPER_KINDS or ADJECTIVAL in kinds else common
        for i in form_cols:
            form = row[i].strip() if i < len(row) else ""
            if FORM_SHAPE.match(form):
                target.add(form)
    return sorted(common - excluded)


def load_common_nouns(path: Path) -> frozenset[str]:
    """Read a list written by :func:`main` (gzip or plain text; ``#`` lines are comments)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip() and not line.startswith("#"))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="output file (.gz: gzip-compressed)")
    parser.add_argument("--csv", type=Path, default=None, help="nouns.csv (default: the installed german-nouns)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    source = args.csv or default_csv()
    with open(source, encoding="utf-8", newline="") as f:
        forms = common_noun_forms(csv.reader(f))
    text = HEADER + "".join(f"{w}\n" for w in forms)
    if args.out.suffix == ".gz":
        # mtime 0 and no file name in the header: the same input gives the same bytes
        args.out.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    else:
        args.out.write_text(text, encoding="utf-8")
    log.info("%d common-noun forms -> %s", len(forms), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
