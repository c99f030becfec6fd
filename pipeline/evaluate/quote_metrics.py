"""Token-level quotation scores: quote span, speaker and cue P/R/F1 per quote kind.

The counting follows the evaluation script of the Wikinews quotation corpus
(Petersen-Frey & Biemann 2024), which scores token overlap per role:

1. Every quotation (gold or predicted) becomes a set of token indices per role:
   ``quote`` (the quoted content), ``speaker`` (the speaker mention in the
   text) and ``cue``. A token belongs to a span when their characters overlap.
   Tokens are the gold document's tokens: the corpus tokens for Wikinews,
   otherwise :func:`pipeline.evaluate.gold.default_tokens` (words and single
   punctuation marks).
2. Within one document, gold and predicted quotations are paired one-to-one by
   the Hungarian algorithm, maximising the token F1 of the quote spans (plus
   0.01 when the kinds agree, as the upstream tie-breaker). Unlike upstream,
   only pairs whose quote spans share at least one token count as paired;
   upstream also pairs non-overlapping leftovers, which can only move their
   speaker/cue tokens from FP+FN to TP by chance.
3. For a pair, every role's tokens in both sets are true positives, tokens
   only in the prediction false positives, tokens only in gold false
   negatives. All tokens of an unpaired prediction are false positives, all
   tokens of an unpaired gold quotation false negatives.
4. Counts are summed over all documents (micro average) and give P/R/F1; the
   ``macro`` row averages the F1 of the kinds that occur in gold or prediction.

Views: ``direct``, ``indirect`` and ``reported`` score only the gold and
predicted quotations of that kind (so a direct quote predicted as indirect is
a miss in ``direct`` and a false alarm in ``indirect``); ``all`` scores every
quotation regardless of kind. Imported subtypes (Wikinews ``FreeIndirect``,
``IndirectFreeIndirect``) are gold ``indirect`` and also get a recall of their
own in the ``all`` view.

Besides tokens, the section reports quotation-level counts (a gold quotation
is *found* when it is paired) and, for the gold JSONL format where speakers are
resolved names, the share of paired quotations whose predicted ``speaker``
names the gold speaker.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import numpy as np

from pipeline.evaluate.align import DocPair, names_match
from pipeline.evaluate.gold import GoldDocument, Span
from pipeline.evaluate.scores import (Counts, ErrorItem, Headline, Section, Table, pair_one_to_one, prf_from_array,
                                      sentence_context, shorten)
from pipeline.records import Document

ROLES = ("quote", "speaker", "cue")
KINDS = ("direct", "indirect", "reported")
VIEWS = KINDS + ("all",)
KIND_BONUS = 0.01


@dataclass
class QuoteUnit:
    """One quotation as token sets per role, with what is needed to explain an error."""

    kind: str
    roles: dict[str, frozenset[int]]
    span: Span  # outer character span of the quote
    text: str
    speaker: str = ""
    subtype: str = ""
    speaker_mention: str = ""  # the speaker words in the text, for error listings


def tokens_in_spans(spans: Iterable[Span], token_spans: list[Span], token_ends: Optional[list[int]] = None) -> frozenset[int]:
    """Return the indices of the tokens that overlap any of the character spans.

    Args:
        spans: ``(start, end)`` character spans.
        token_spans: the document's tokens, in text order.
        token_ends: ``[end for each token]`` (pass it when calling repeatedly).

    Returns:
        The token indices.
    """
    ends = token_ends if token_ends is not None else [e for _, e in token_spans]
    out: set[int] = set()
    for start, end in spans:
        if end <= start:
            continue
        i = bisect.bisect_right(ends, start)  # first token ending after ``start``
        while i < len(token_spans) and token_spans[i][0] < end:
            out.add(i)
            i += 1
    return frozenset(out)


def gold_units(doc: GoldDocument) -> list[QuoteUnit]:
    """Turn a gold document's quotes into :class:`QuoteUnit`\\ s."""
    tokens = doc.token_spans()
    ends = [e for _, e in tokens]
    units = []
    for q in doc.quotes or []:
        units.append(
            QuoteUnit(
                kind=q.kind,
                roles={
                    "quote": tokens_in_spans(q.quote_spans(), tokens, ends),
                    "speaker": tokens_in_spans(q.speaker_spans(), tokens, ends),
                    "cue": tokens_in_spans(q.cue_spans(), tokens, ends),
                },
                span=(q.start, q.end),
                text=q.text,
                speaker=q.speaker or "",
                subtype=q.subtype or q.kind,
                speaker_mention=" … ".join(doc.text[a:b] for a, b in q.speaker_spans()),
            )
        )
    return units


def predicted_units(pred: Document, tokens: list[Span]) -> list[QuoteUnit]:
    """Turn a predicted document's quotes into :class:`QuoteUnit`\\ s over the gold tokens."""
    ends = [e for _, e in tokens]
    units = []
    for q in pred.quotes:
        speaker = [(q.speaker_start, q.speaker_end)] if q.speaker_start is not None and q.speaker_end is not None else []
        cue = [(q.cue_start, q.cue_end)] if q.cue_start is not None and q.cue_end is not None else []
        units.append(
            QuoteUnit(
                kind=q.kind,
                roles={
                    "quote": tokens_in_spans([(q.start, q.end)], tokens, ends),
                    "speaker": tokens_in_spans(speaker, tokens, ends),
                    "cue": tokens_in_spans(cue, tokens, ends),
                },
                span=(q.start, q.end),
                text=q.text,
                speaker=q.speaker or q.speaker_mention or "",
                speaker_mention=pred.article.text[speaker[0][0]:speaker[0][1]] if speaker else "",
            )
        )
    return units


def overlap_f1(a: frozenset[int], b: frozenset[int]) -> float:
    """Token F1 between two token sets (0.0 when they share nothing)."""
    both = len(a & b)
    return 2 * both / (len(a) + len(b)) if both else 0.0


def pair_units(gold: list[QuoteUnit], pred: list[QuoteUnit]) -> list[tuple[int, int]]:
    """Pair gold and predicted quotations one-to-one (Hungarian on quote-token F1).

    Args:
        gold: gold quotations of one document.
        pred: predicted quotations of the same document.

    Returns:
        ``(gold index, predicted index)`` pairs whose quote spans share a token.
    """

    def score(g: QuoteUnit, p: QuoteUnit) -> float:
        f = overlap_f1(g.roles["quote"], p.roles["quote"])
        return f + (KIND_BONUS if f > 0 and g.kind == p.kind else 0.0)

    return pair_one_to_one(gold, pred, score)


@dataclass
class QuoteDocScore:
    """Token counts of one document: ``counts[view][role]``, plus quotation-level counts."""

    counts: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {v: {r: Counts() for r in ROLES} for v in VIEWS}
    )
    quotes: dict[str, Counts] = field(default_factory=lambda: {v: Counts() for v in VIEWS})
    subtype_tokens: dict[str, Counts] = field(default_factory=dict)  # recall per gold subtype, view "all"
    speaker_names: Counts = field(default_factory=Counts)  # tp = right name, fn = wrong or none
    errors: list[ErrorItem] = field(default_factory=list)


def _count_pair(g: Optional[QuoteUnit], p: Optional[QuoteUnit], into: dict[str, Counts]) -> None:
    for role in ROLES:
        gs = g.roles[role] if g else frozenset()
        ps = p.roles[role] if p else frozenset()
        into[role] += Counts(len(gs & ps), len(ps - gs), len(gs - ps))


def score_quote_document(gold: GoldDocument, pred: Document, doc_id: str = "") -> QuoteDocScore:
    """Score one document's predicted quotations against its gold quotations.

    Args:
        gold: the gold document (its ``quotes`` layer must be annotated).
        pred: the prediction for it.
        doc_id: the id shown in error items.

    Returns:
        The document's token counts per view and role, quotation counts and errors.
    """
    score = QuoteDocScore()
    tokens = gold.token_spans()
    g_all = gold_units(gold)
    p_all = predicted_units(pred, tokens)
    for view in VIEWS:
        g_idx = [i for i, u in enumerate(g_all) if view == "all" or u.kind == view]
        p_idx = [j for j, u in enumerate(p_all) if view == "all" or u.kind == view]
        g_units = [g_all[i] for i in g_idx]
        p_units = [p_all[j] for j in p_idx]
        pairs = pair_units(g_units, p_units)
        paired_g = {i for i, _ in pairs}
        paired_p = {j for _, j in pairs}
        for i, j in pairs:
            _count_pair(g_units[i], p_units[j], score.counts[view])
        for i in set(range(len(g_units))) - paired_g:
            _count_pair(g_units[i], None, score.counts[view])
        for j in set(range(len(p_units))) - paired_p:
            _count_pair(None, p_units[j], score.counts[view])
        score.quotes[view] += Counts(len(pairs), len(p_units) - len(pairs), len(g_units) - len(pairs))
        if view != "all":
            continue
        for i, g in enumerate(g_units):
            partner = next((p_units[j] for gi, j in pairs if gi == i), None)
            found = len(g.roles["quote"] & partner.roles["quote"]) if partner else 0
            score.subtype_tokens.setdefault(g.subtype, Counts())
            score.subtype_tokens[g.subtype] += Counts(found, 0, len(g.roles["quote"]) - found)
            if partner and g.speaker:
                right = names_match(g.speaker, partner.speaker) or g.speaker.strip() == partner.speaker.strip()
                score.speaker_names += Counts(1 if right else 0, 0, 0 if right else 1)
        score.errors += _quote_errors(gold, g_units, p_units, pairs, doc_id or gold.id)
    return score


def _quote_errors(
    gold: GoldDocument, g_units: list[QuoteUnit], p_units: list[QuoteUnit], pairs: list[tuple[int, int]], doc_id: str
) -> list[ErrorItem]:
    text = gold.text
    errors = []

    def describe(u: QuoteUnit) -> str:
        who = f" — speaker: {u.speaker}" if u.speaker else " — no speaker"
        if u.speaker_mention and u.speaker_mention != u.speaker:
            who += f" (words: {shorten(u.speaker_mention, 60)!r})"
        elif not u.speaker_mention and u.speaker:
            who += " (no mention marked)"
        return f"{u.kind}: {shorten(u.text, 90)}{who}"

    paired_g = {i for i, _ in pairs}
    paired_p = {j for _, j in pairs}
    for i, g in enumerate(g_units):
        if i not in paired_g:
            errors.append(ErrorItem("quotes", doc_id, f"missed {g.kind} quote", describe(g), "-",
                                    sentence_context(text, *g.span), float(len(g.roles["quote"]) + len(g.roles["speaker"]))))
    for j, p in enumerate(p_units):
        if j not in paired_p:
            errors.append(ErrorItem("quotes", doc_id, f"spurious {p.kind} quote", "-", describe(p),
                                    sentence_context(text, *p.span), float(len(p.roles["quote"]) + len(p.roles["speaker"]))))
    for i, j in pairs:
        g, p = g_units[i], p_units[j]
        problems = []
        cost = 0.0
        q_err = len(g.roles["quote"] ^ p.roles["quote"])
        s_err = len(g.roles["speaker"] ^ p.roles["speaker"])
        if q_err:
            problems.append(f"quote span off by {q_err} token(s)")
            cost += q_err
        if s_err:
            gs, ps = g.roles["speaker"], p.roles["speaker"]
            if gs and ps:
                problems.append(f"speaker span off by {s_err} token(s)" if gs & ps else "wrong speaker")
            else:
                problems.append("missed speaker" if gs else "spurious speaker")
            cost += s_err
        if g.kind != p.kind:
            problems.append(f"kind {g.kind} predicted as {p.kind}")
            cost += 1
        if problems:
            lo, hi = min(g.span[0], p.span[0]), max(g.span[1], p.span[1])
            errors.append(ErrorItem("quotes", doc_id, "; ".join(problems), describe(g), describe(p),
                                    sentence_context(text, lo, hi, max_chars=300), cost))
    return errors


def score_quotes(pairs: list[DocPair]) -> Section:
    """Score the quotation layer over aligned documents (those whose gold annotates quotes).

    Args:
        pairs: aligned gold/prediction documents.

    Returns:
        The ``quotes`` section: token P/R/F1 per view and role, quotation-level
        counts, subtype recall, speaker-name accuracy, headlines (quote-token F1
        for direct and all kinds) and errors.
    """
    pairs = [p for p in pairs if p.gold.quotes is not None]
    doc_scores = [score_quote_document(p.gold, p.pred, p.gold.id) for p in pairs]
    totals = {v: {r: Counts() for r in ROLES} for v in VIEWS}
    quotes = {v: Counts() for v in VIEWS}
    subtypes: dict[str, Counts] = {}
    speaker_names = Counts()
    errors: list[ErrorItem] = []
    for s in doc_scores:
        for v in VIEWS:
            for r in ROLES:
                totals[v][r] += s.counts[v][r]
            quotes[v] += s.quotes[v]
        for name, c in s.subtype_tokens.items():
            subtypes.setdefault(name, Counts())
            subtypes[name] += c
        speaker_names += s.speaker_names
        errors += s.errors

    metrics: dict[str, Any] = {
        "documents": len(pairs),
        "tokens": {v: {r: totals[v][r].to_dict() for r in ROLES} for v in VIEWS},
        "quotations": {v: {**quotes[v].to_dict(), "gold": quotes[v].tp + quotes[v].fn,
                           "predicted": quotes[v].tp + quotes[v].fp} for v in VIEWS},
        "subtype_token_recall": {k: {"recall": c.recall, "gold_tokens": c.tp + c.fn} for k, c in sorted(subtypes.items())},
    }
    if speaker_names.tp + speaker_names.fn:
        metrics["speaker_name_accuracy"] = {"accuracy": speaker_names.recall, "n": speaker_names.tp + speaker_names.fn}

    table = Table(
        "Quotes: token-level P/R/F1 (quote span | speaker | cue) and quotations found",
        ["kind", "gold q", "pred q", "found", "quote P", "quote R", "quote F1",
         "speaker P", "speaker R", "speaker F1", "cue F1"],
    )
    for v in VIEWS:
        q, sp, cue = totals[v]["quote"], totals[v]["speaker"], totals[v]["cue"]
        table.rows.append([
            v, int(quotes[v].tp + quotes[v].fn), int(quotes[v].tp + quotes[v].fp), int(quotes[v].tp),
            q.precision, q.recall, q.f1, sp.precision, sp.recall, sp.f1, cue.f1,
        ])
    tables = [table]
    if any(k not in KINDS for k in subtypes):
        sub = Table("Quotes: token recall per gold subtype (view 'all')", ["subtype", "gold tokens", "recall"])
        for name, c in sorted(subtypes.items()):
            sub.rows.append([name, int(c.tp + c.fn), c.recall])
        tables.append(sub)

    def per_doc(view: str) -> np.ndarray:
        return np.array([s.counts[view]["quote"].as_array() for s in doc_scores], dtype=float).reshape(-1, 3)

    headlines = [
        Headline("quotes.direct.f1", "Quote tokens F1 (direct)", per_doc("direct"), prf_from_array),
        Headline("quotes.all.f1", "Quote tokens F1 (all kinds)", per_doc("all"), prf_from_array),
    ]
    notes = []
    kinds_seen = [k for k in KINDS if quotes[k].tp + quotes[k].fn + quotes[k].fp]
    metrics["macro_over_kinds"] = {
        r: float(np.mean([totals[k][r].f1 for k in kinds_seen])) if kinds_seen else 0.0 for r in ROLES
    }
    table.rows.append(["macro", None, None, None, None, None, metrics["macro_over_kinds"]["quote"], None, None,
                       metrics["macro_over_kinds"]["speaker"], metrics["macro_over_kinds"]["cue"]])
    if "speaker_name_accuracy" in metrics:
        m = metrics["speaker_name_accuracy"]
        notes.append(f"speaker name right in {m['accuracy']:.3f} of {int(m['n'])} found quotations with a gold speaker")
    return Section("quotes", "Quotations", metrics, tables, headlines, errors, notes)
