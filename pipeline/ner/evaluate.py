"""Evaluate a spaCy NER pipeline on the held-out sets with strict span matching.

Run ``python -m pipeline.ner.evaluate`` (or ``finnews train ner --eval-only``)
to print per-label precision, recall and F1 for:

* ``germeval-news``: the news sentences of the GermEval 2014 test file
  (ORG/PER/LOC/MISC, outer level, ``part``/``deriv`` words are O). A second
  table ignores predictions inside ``part`` words (``Siemens`` in
  ``Siemens-Chef``), which the finance tokenizer makes taggable; the note
  ``germeval_news_names_in_part_words_found`` counts how many such names
  (the capitalised part before the last hyphen) are found with the right label.
* ``smartdata-v3-dev``: SmartData v3 dev documents. ``named companies``: gold
  = ``organization-company`` mentions that are named (see
  :func:`pipeline.ner.scoring.is_named_mention`), predictions = ORG entities;
  an ORG prediction that equals an unnamed company mention or a non-company
  ``organization`` mention is ignored (the model does not tell companies from
  other organisations; the company ruler does). ``all`` scores ORG/PER/LOC
  (SmartData has no MISC class, so MISC predictions are not scored).

``--stage`` scores the whole finnews spaCy stage instead (the NER plus the gazetteer ruler and
its corrections, as ``finnews run`` has it): what a user of the product gets. Its last
components bring ``doc.ents`` to the GermEval convention: names inside compound words move out
(:mod:`pipeline.nlp.compound_names`) and currencies come in as MISC
(:mod:`pipeline.nlp.currency_names`). GermEval is scored on ``doc.ents`` (``INDEX`` counted as
MISC: GermEval tags stock indices ``OTH``); SmartData, which tags names inside compounds (``VW``
in ``VW-Chef``) and no currencies, on the mentions finnews reports
(:func:`pipeline.nlp.extensions.entity_mentions`); the part-word note counts those mentions.

Words per second of the pipeline (wall clock, and per CPU second of all its
threads, which depends less on other work on shared cores) are measured over
all held-out texts, scoring included.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from spacy.language import Language
from tqdm import tqdm

from pipeline.ner import LABELS
from pipeline.ner.corpora import SMARTDATA_MISSING, SMARTDATA_TYPES, CorpusPaths, germeval_example, read_germeval
from pipeline.ner.dataset import germeval_news_examples, project_spans, smartdata_v3_examples
from pipeline.ner.scoring import SpanScorer, is_named_mention, span_key
from pipeline.nlp.extensions import entity_mentions

log = logging.getLogger(__name__)


@dataclass
class EvalReport:
    """All scorers of one evaluation run, plus speed."""

    scorers: dict[str, SpanScorer] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"scores": {name: s.as_dict() for name, s in self.scorers.items()}, **self.notes}

    def text(self) -> str:
        blocks = [scorer.table(name) for name, scorer in self.scorers.items()]
        blocks.append("\n".join(f"{k}: {v}" for k, v in self.notes.items() if not isinstance(v, (list, dict))))
        return "\n\n".join(blocks)


def evaluate_germeval_news(nlp: Language, paths: CorpusPaths, report: EvalReport, batch_size: int = 64) -> None:
    """Score ``nlp`` on the held-out GermEval news sentences (strict, and with ``part`` words ignored)."""
    strict = report.scorers.setdefault("germeval-news", SpanScorer(LABELS))
    lenient = report.scorers.setdefault("germeval-news (part words ignored)", SpanScorer(LABELS))
    examples = germeval_news_examples(paths)
    # The names inside hyphenated part words (``Siemens`` in ``Siemens-Chef``), which finnews wants found.
    part_names = [
        [span for span in germeval_example(sentence, part_policy="name").spans
         if any(s <= span[0] and span[1] < e for s, e in example.ignore)]
        for sentence, example in zip((s for s in read_germeval(paths.germeval_test) if s.is_news), examples)
    ]
    found_part_names = 0
    words = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    docs = nlp.pipe((e.text for e in examples), batch_size=batch_size)
    for example, names, doc in tqdm(zip(examples, part_names, docs), total=len(examples), desc="germeval-news", file=sys.stderr):
        words += len(doc)
        gold = [span_key(s) for s in project_spans(doc, example.spans)]
        # GermEval tags no name inside a compound word (ORGpart -> O): scored against doc.ents, which
        # the finnews stage keeps free of them; the names it found there are counted apart.
        # No INDEX in GermEval: it tags stock indices OTH (MISC), like evaluate.unknown_label_map.
        pred = [span_key(e, "MISC" if e.label_ == "INDEX" else None) for e in doc.ents]
        strict.add(gold, pred)
        lenient.add(gold, pred, ignore_ranges=example.ignore)
        mentions = {span_key(e) for e in entity_mentions(doc)}
        found_part_names += len(mentions & {span_key(s) for s in project_spans(doc, names)})
    report.notes["germeval_news_sentences"] = len(examples)
    total_part_names = sum(len(names) for names in part_names)
    report.notes["germeval_news_names_in_part_words_found"] = f"{found_part_names}/{total_part_names}"
    report.notes.setdefault("_timing", []).append((words, time.perf_counter() - start, time.process_time() - cpu_start))


def evaluate_smartdata(nlp: Language, paths: CorpusPaths, report: EvalReport, batch_size: int = 16) -> None:
    """Score ``nlp`` on SmartData v3 dev: named company mentions, all named ORG, and ORG/PER/LOC."""
    companies = report.scorers.setdefault("smartdata-v3-dev named companies", SpanScorer(("ORG",)))
    all_ents = report.scorers.setdefault("smartdata-v3-dev ORG/PER/LOC", SpanScorer(("ORG", "PER", "LOC")))
    items = smartdata_v3_examples(paths)
    excluded: list[str] = []
    total_companies = 0
    words = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    docs = nlp.pipe((example.text for example, _ in items), batch_size=batch_size)
    for (example, mentions), doc in tqdm(zip(items, docs), total=len(items), desc="smartdata-v3-dev", file=sys.stderr):
        words += len(doc)
        # SmartData tags company names inside compound words (VW in VW-Chef): all mentions are scored.
        pred = [span_key(e) for e in entity_mentions(doc)]
        pred_org = [p for p in pred if p[2] == "ORG"]
        named, ignored = [], []
        for start_char, end_char, kind in mentions:
            if kind not in ("organization-company", "organization"):
                continue
            for span in project_spans(doc, [(start_char, end_char, "ORG")]):
                if kind == "organization-company":
                    total_companies += 1
                    if is_named_mention([t.text for t in span]):
                        named.append(span_key(span))
                        continue
                    excluded.append(span.text)
                ignored.append((span.start_char, span.end_char))
        companies.add(named, pred_org, ignore_spans=ignored)
        gold = [span_key(s) for s in project_spans(doc, example.spans)]
        # Mentions left out of the gold (lower case "deutschen", routes "S3"): a prediction there is not scored.
        gold_positions = {(s, e) for s, e, _ in gold}
        unscored = [
            (span.start_char, span.end_char)
            for s, e, kind in mentions
            if kind in SMARTDATA_TYPES or kind in SMARTDATA_MISSING
            for span in project_spans(doc, [(s, e, "X")])
            if (span.start_char, span.end_char) not in gold_positions
        ]
        all_ents.add(gold, pred, ignore_spans=unscored)
    report.notes["smartdata_documents"] = len(items)
    report.notes["smartdata_company_mentions"] = total_companies
    report.notes["smartdata_company_mentions_excluded_as_unnamed"] = len(excluded)
    report.notes["smartdata_excluded_examples"] = sorted(set(excluded))
    report.notes.setdefault("_timing", []).append((words, time.perf_counter() - start, time.process_time() - cpu_start))


def evaluate(nlp: Language, data_dir: Path, sets: tuple[str, ...] = ("germeval-news", "smartdata-v3-dev")) -> EvalReport:
    """Evaluate ``nlp`` on the held-out sets under ``data_dir`` (the corpora folder).

    Args:
        nlp: a pipeline with ``ner``.
        data_dir: folder holding ``ner/germeval2014`` and ``ner/smartdata``.
        sets: which held-out sets to score.

    Returns:
        An :class:`EvalReport` (``.text()`` for a table, ``.as_dict()`` for JSON).
    """
    paths = CorpusPaths(Path(data_dir) / "ner")
    report = EvalReport()
    if "germeval-news" in sets:
        evaluate_germeval_news(nlp, paths, report)
    if "smartdata-v3-dev" in sets:
        evaluate_smartdata(nlp, paths, report)
    timing = report.notes.pop("_timing", [])
    words = sum(t[0] for t in timing)
    seconds = sum(t[1] for t in timing)
    cpu_seconds = sum(t[2] for t in timing)
    report.notes["words"] = words
    # Wall-clock speed depends on what else runs on the shared cores; CPU time (all threads) does less.
    report.notes["words_per_second"] = round(words / seconds) if seconds else 0
    report.notes["words_per_cpu_second"] = round(words / cpu_seconds) if cpu_seconds else 0
    return report


def load_pipeline(model: Optional[str], config: Optional[Path] = None, profile: Optional[str] = None) -> Language:
    """Load the NER pipeline as ``finnews run`` does (finance tokenizer applied), without finnews components."""
    from pipeline.config import load_config
    from pipeline.nlp import load_base_pipeline
    from pipeline.nlp.tokenizer import customize_tokenizer

    cfg = load_config(config).with_profile(profile)
    nlp = load_base_pipeline(model or cfg.nlp.model, cfg)
    if cfg.nlp.finance_tokenizer:
        customize_tokenizer(nlp.tokenizer)
    return nlp


def main(argv: Optional[list[str]] = None) -> int:
    """Command line: ``python -m pipeline.ner.evaluate [--model PATH] [--json FILE]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="spaCy pipeline path or name (default: nlp.model of the config)")
    parser.add_argument("--config", type=Path, help="finnews YAML config")
    parser.add_argument("--profile", help="nlp profile of the config, e.g. fast (the CNN)")
    parser.add_argument("--data-dir", type=Path, help="corpora folder (default: paths.data_dir of the config)")
    parser.add_argument("--set", dest="sets", action="append", choices=["germeval-news", "smartdata-v3-dev"])
    parser.add_argument("--threads", type=int, default=2, help="torch/BLAS threads (this machine: 2)")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    parser.add_argument("--stage", action="store_true",
                        help="score the whole finnews spaCy stage of the config (NER, gazetteer ruler and its "
                             "corrections) instead of the NER model alone")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    from pipeline.config import load_config

    cfg = load_config(args.config)
    data_dir = args.data_dir or cfg.data_dir
    if not (Path(data_dir) / "ner").exists():
        log.error("no NER corpora under %s (set FINNEWS_DATA_DIR or --data-dir)", data_dir)
        return 2
    if args.stage:
        from pipeline.nlp import build_nlp

        if args.model:
            log.error("--stage scores the config's pipeline; name its NER with nlp.model in the config, not --model")
            return 2
        nlp = build_nlp(cfg.with_profile(args.profile))
    else:
        nlp = load_pipeline(args.model, args.config, args.profile)
    report = evaluate(nlp, Path(data_dir), tuple(args.sets or ("germeval-news", "smartdata-v3-dev")))
    print(report.text())
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
