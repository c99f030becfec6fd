"""Seconds per spaCy component on long documents, to see how each stage scales.

Builds three kinds of long one-paragraph documents itself and runs every
component of the default pipeline on each, timing it:

* ``report``: a market-report paragraph (``SAP steigt um 3 %. Siemens fällt um
  2 %, sagte ein Händler.`` repeated): many short sentences, one entity each;
* ``table``: a flattened table of figures (``0,5 % und 0 Mrd. Euro 1,5 % und
  ...``): one long sentence with thousands of figures;
* ``fixtures``: the texts of ``corpus/fixtures/gold.jsonl`` joined into one
  paragraph (repeated as needed): real sentences, entities, quotes and claims.

Each document is cut to ``--chars`` characters (several sizes); when the time
doubles with the size a stage is linear, when it quadruples it is quadratic.

Usage::

    python -m pipeline.nlp.benchmark_long [--chars 20000 40000 80000] [--json FILE]

The table goes to stdout; everything else is logged.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Optional

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "corpus" / "fixtures" / "gold.jsonl"
REPORT_SENTENCE = "SAP steigt um 3 %. Siemens fällt um 2 %, sagte ein Händler. "


def _repeat_to(unit: str, chars: int) -> str:
    return (unit * (chars // max(len(unit), 1) + 1))[:chars]


def report_text(chars: int) -> str:
    """Short market-report sentences, one paragraph."""
    return _repeat_to(REPORT_SENTENCE, chars)


def table_text(chars: int) -> str:
    """A flattened table of figures: one sentence of percentages and amounts."""
    parts, size, i = [], 0, 0
    while size < chars:
        part = f"{i},5 % und {i} Mrd. Euro "
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)[:chars]


def fixtures_text(chars: int, path: Path = FIXTURES) -> str:
    """The fixture articles joined into one paragraph (line breaks become spaces)."""
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    joined = " ".join(" ".join(text.split()) for text in texts) + " "
    return _repeat_to(joined, chars)


DOCUMENTS = {"report": report_text, "table": table_text, "fixtures": fixtures_text}


def time_components(nlp, text: str) -> dict[str, float]:
    """Run each component of ``nlp`` on ``text`` in turn; seconds per component."""
    doc = nlp.make_doc(text)
    seconds = {}
    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        doc = proc(doc)
        seconds[name] = time.perf_counter() - start
    return seconds


def run(sizes: list[int], kinds: list[str], config: Optional[str] = None) -> list[dict]:
    """Time every component on every document kind and size; one row per (kind, size)."""
    from pipeline.config import load_config
    from pipeline.nlp import build_nlp

    nlp = build_nlp(load_config(config))
    rows = []
    for kind in kinds:
        for chars in sizes:
            log.info("timing %s at %d characters", kind, chars)
            rows.append({"doc": kind, "chars": chars, "seconds": time_components(nlp, DOCUMENTS[kind](chars))})
    return rows


def format_table(rows: list[dict]) -> str:
    """Components as rows, (document, size) as columns, seconds with two decimals."""
    if not rows:
        return ""
    names = list(rows[0]["seconds"])
    heads = [f"{r['doc']}@{r['chars'] // 1000}k" for r in rows]
    width = max(len(n) for n in names + ["component", "total"])
    lines = ["component".ljust(width) + "".join(h.rjust(max(len(h), 8) + 2) for h in heads)]
    for name in names + ["total"]:
        cells = []
        for head, row in zip(heads, rows):
            value = sum(row["seconds"].values()) if name == "total" else row["seconds"][name]
            cells.append(f"{value:.2f}".rjust(max(len(head), 8) + 2))
        lines.append(name.ljust(width) + "".join(cells))
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.nlp.benchmark_long", description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, nargs="+", default=[20000, 40000, 80000],
                        help="document sizes in characters (default: 20000 40000 80000)")
    parser.add_argument("--docs", nargs="+", choices=sorted(DOCUMENTS), default=list(DOCUMENTS),
                        help="document kinds (default: all)")
    parser.add_argument("--config", default=None, help="pipeline config (default: the default config)")
    parser.add_argument("--json", dest="json_path", default=None, help="also write the timings as JSON to FILE")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    rows = run(args.chars, args.docs, args.config)
    print(format_table(rows))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
        log.info("wrote %s", args.json_path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
