"""Token-level quote scores, worked out by hand, and the Wikinews importer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate.align import pair_documents
from pipeline.evaluate.baselines import quote_marks_baseline
from pipeline.evaluate.gold import GoldDocument, GoldQuote, gold_to_article
from pipeline.evaluate.quote_metrics import score_quote_document, score_quotes, tokens_in_spans
from pipeline.evaluate.wikinews import read_wikinews, strip_quote_marks
from pipeline.records import Document, Quote

from conftest import SHARED_CORPORA, requires_shared

DATA = Path(__file__).parent / "data" / "evaluate"
WIKINEWS_DEV = SHARED_CORPORA / "quotes" / "wikinews_quotes" / "dev"


def _span(text: str, part: str, nth: int = 1) -> tuple[int, int]:
    i = -1
    for _ in range(nth):
        i = text.index(part, i + 1)
    return i, i + len(part)


def _pred(gold: GoldDocument, *quotes: Quote) -> Document:
    return Document(article=gold_to_article(gold), quotes=list(quotes))


KLEIN = "Klein sagte: „Wir sind sehr zufrieden.“ Er lachte."
# default tokens: 0 Klein 1 sagte 2 : 3 „ 4 Wir 5 sind 6 sehr 7 zufrieden 8 . 9 “ 10 Er 11 lachte 12 .


def _klein_gold() -> GoldDocument:
    q = _span(KLEIN, "Wir sind sehr zufrieden.")
    return GoldDocument(
        id="k", text=KLEIN,
        quotes=[GoldQuote("direct", q[0], q[1], "Wir sind sehr zufrieden.", speaker="Klein",
                          speaker_start=0, speaker_end=5, cue="sagte", cue_start=6, cue_end=11)],
    )


def test_tokens_in_spans_counts_every_overlapping_token():
    gold = _klein_gold()
    tokens = gold.token_spans()
    # "r sind s" starts inside "Wir" and ends inside "sehr": tokens 4, 5, 6.
    assert tokens_in_spans([(KLEIN.index("r sind"), KLEIN.index("ehr"))], tokens) == {4, 5, 6}
    assert tokens_in_spans([(0, 0)], tokens) == frozenset()


def test_boundary_error_and_wrong_speaker_by_hand():
    gold = _klein_gold()
    a, b = _span(KLEIN, "sehr zufrieden.“ Er lachte")
    s = _span(KLEIN, "Er")
    pred = _pred(gold, Quote("q0", "direct", KLEIN[a:b], a, b, speaker="Er", speaker_start=s[0], speaker_end=s[1]))
    score = score_quote_document(gold, pred)
    quote = score.counts["direct"]["quote"]
    # gold {4,5,6,7,8}, predicted {6,7,8,9,10,11}: tp 3 (6,7,8), fp 3 (9,10,11), fn 2 (4,5)
    assert (quote.tp, quote.fp, quote.fn) == (3, 3, 2)
    assert quote.precision == pytest.approx(0.5) and quote.recall == pytest.approx(0.6)
    assert quote.f1 == pytest.approx(2 * 0.5 * 0.6 / 1.1)
    speaker = score.counts["direct"]["speaker"]
    assert (speaker.tp, speaker.fp, speaker.fn) == (0, 1, 1)  # "Er" {10} vs "Klein" {0}
    cue = score.counts["direct"]["cue"]
    assert (cue.tp, cue.fp, cue.fn) == (0, 0, 1)  # no cue predicted; gold "sagte" {1}
    # The paired quotation is found (one of one) and its speaker name is wrong.
    assert (score.quotes["direct"].tp, score.quotes["direct"].fp, score.quotes["direct"].fn) == (1, 0, 0)
    assert (score.speaker_names.tp, score.speaker_names.fn) == (0, 1)
    assert any("wrong speaker" in e.what and "quote span off by 5" in e.what for e in score.errors)


def test_speaker_span_with_role_words_is_a_boundary_error():
    text = "„Wir wachsen“, sagte Analyst Max Roth von Jefferies."
    q, s = _span(text, "Wir wachsen"), _span(text, "Max Roth")
    gold = GoldDocument(id="r", text=text, quotes=[GoldQuote("direct", *q, "Wir wachsen", speaker="Max Roth",
                                                             speaker_start=s[0], speaker_end=s[1])])
    long = _span(text, "Analyst Max Roth von Jefferies")
    pred = _pred(gold, Quote("q", "direct", "Wir wachsen", *q, speaker="Max Roth", speaker_mention=text[long[0]:long[1]],
                             speaker_start=long[0], speaker_end=long[1]))
    score = score_quote_document(gold, pred)
    # gold speaker {Max, Roth}; predicted {Analyst, Max, Roth, von, Jefferies}: tp 2, fp 3.
    assert score.counts["direct"]["speaker"].as_array() == [2, 3, 0]
    assert score.speaker_names.tp == 1  # the resolved name is right
    (error,) = score.errors
    assert error.what == "speaker span off by 3 token(s)"
    assert "Analyst Max Roth von Jefferies" in error.predicted


def test_wrong_kind_is_a_miss_in_its_view_but_a_hit_in_all():
    gold = _klein_gold()
    a, b = _span(KLEIN, "Wir sind sehr zufrieden.")
    pred = _pred(gold, Quote("q0", "indirect", KLEIN[a:b], a, b, speaker="Klein", speaker_start=0, speaker_end=5))
    score = score_quote_document(gold, pred)
    direct, indirect, everything = (score.counts[v]["quote"] for v in ("direct", "indirect", "all"))
    assert (direct.tp, direct.fp, direct.fn) == (0, 0, 5)
    assert (indirect.tp, indirect.fp, indirect.fn) == (0, 5, 0)
    assert (everything.tp, everything.fp, everything.fn) == (5, 0, 0)
    assert score.counts["all"]["speaker"].tp == 1
    assert (score.speaker_names.tp, score.speaker_names.fn) == (1, 0)


def test_pairing_maximises_total_overlap_not_first_come():
    text = " ".join("abcdefghijklmnopqrst")  # 20 one-letter tokens, token i at 2*i
    tok = lambda i: 2 * i  # noqa: E731
    gold = GoldDocument(id="h", text=text, quotes=[
        GoldQuote("direct", tok(0), tok(9) + 1, text[tok(0):tok(9) + 1]),    # tokens 0-9
        GoldQuote("direct", tok(10), tok(19) + 1, text[tok(10):tok(19) + 1]),  # tokens 10-19
    ])
    pred = _pred(gold,
                 Quote("x", "direct", "", tok(5), tok(14) + 1),   # tokens 5-14: F1 0.5 with either gold
                 Quote("y", "direct", "", tok(10), tok(19) + 1))  # tokens 10-19: F1 1.0 with the second
    quote = score_quote_document(gold, pred).counts["direct"]["quote"]
    # Best pairing: x-first (tp 5, fp 5, fn 5) and y-second (tp 10): tp 15, fp 5, fn 5.
    assert (quote.tp, quote.fp, quote.fn) == (15, 5, 5)


def test_unpaired_quotes_count_all_their_tokens():
    gold = _klein_gold()
    a, b = _span(KLEIN, "Er lachte")
    pred = _pred(gold, Quote("q0", "reported", "Er lachte", a, b, cue="lachte", cue_start=a + 3, cue_end=b))
    score = score_quote_document(gold, pred)
    assert score.counts["all"]["quote"].as_array() == [0, 2, 5]  # pred {10,11}, gold {4..8}
    assert score.counts["all"]["cue"].as_array() == [0, 1, 1]    # pred "lachte" {11}, gold "sagte" {1}
    assert score.counts["all"]["speaker"].as_array() == [0, 0, 1]
    assert score.quotes["all"].as_array() == [0, 1, 1]


def test_strip_quote_marks_only_at_the_outer_ends():
    text = "„Das ist ‚gut‘.“"
    assert strip_quote_marks(text, [(0, len(text))]) == [(1, len(text) - 1)]


def test_wikinews_import_maps_types_strips_marks_and_keeps_parts():
    doc = read_wikinews(DATA / "wikinews_mini.json")[0]
    assert doc.id == "1" and doc.layers == {"quotes"}
    direct, indirect, free = doc.quotes
    assert (direct.kind, direct.text, direct.speaker, direct.cue) == ("direct", "Wir handeln jetzt.", "Der Minister", "sagte")
    assert (indirect.kind, indirect.subtype, indirect.text) == ("indirect", "Indirect", "Die Lage sei sehr ernst")
    assert [doc.text[a:b] for a, b in indirect.parts] == ["Die Lage sei", "sehr ernst"]
    assert indirect.speaker == "er"
    assert (free.kind, free.subtype, free.speaker) == ("indirect", "FreeIndirect", None)
    # The corpus tokens are kept for counting.
    assert len(doc.token_spans()) == 25


def test_quote_marks_baseline_on_the_mini_file_by_hand():
    gold = read_wikinews(DATA / "wikinews_mini.json")
    section = score_quotes(pair_documents(gold, [quote_marks_baseline(g) for g in gold]))
    tokens = section.metrics["tokens"]
    # The baseline finds "Wir handeln jetzt." exactly: tokens 5-8 (marks 4 and 9 are outside both).
    assert tokens["direct"]["quote"]["tp"] == 4 and tokens["direct"]["quote"]["f1"] == pytest.approx(1.0)
    # All kinds: gold 4 (direct) + 5 (Die Lage sei | sehr ernst) + 5 (Es gebe keine Alternative .) = 14 tokens.
    assert tokens["all"]["quote"]["fn"] == 10
    assert tokens["all"]["quote"]["recall"] == pytest.approx(4 / 14)
    assert tokens["all"]["quote"]["f1"] == pytest.approx(2 * 1.0 * (4 / 14) / (1 + 4 / 14))
    assert tokens["direct"]["speaker"]["fn"] == 2 and tokens["direct"]["speaker"]["tp"] == 0
    recall = section.metrics["subtype_token_recall"]
    assert recall["Direct"]["recall"] == 1.0 and recall["FreeIndirect"]["recall"] == 0.0
    headline = {h.key: h.value for h in section.headlines}
    assert headline["quotes.direct.f1"] == pytest.approx(1.0)
    # Macro over the kinds that occur (direct F1 1.0, indirect 0.0; no reported quotes) = 0.5.
    assert section.metrics["macro_over_kinds"]["quote"] == pytest.approx(0.5)


@requires_shared
def test_wikinews_dev_char_offsets_reproduce_the_corpus_token_ids():
    files = sorted(WIKINEWS_DEV.glob("*.json"))[:30]
    for file in files:
        obj = json.loads(file.read_text(encoding="utf-8"))
        tokens = [(t["charBegin"], t["charEnd"]) for t in obj["tokens"]]
        for ann in obj["annotations"]:
            for role in ("quote", "speaker", "cue"):
                spans = [(s["charBegin"], s["charEnd"]) for s in ann[role]["spans"]]
                assert tokens_in_spans(spans, tokens) == set(ann[role]["tokenIds"])


@requires_shared
def test_quote_marks_baseline_calibration_on_wikinews_dev():
    """A quotation-mark regex finds nearly all direct quotes and also titles and names in marks.

    Measured with this scorer: P 0.867, R 0.913, F1 0.889 (``finnews evaluate
    ../shared/corpora/quotes/wikinews_quotes/dev --baseline quote-marks``). The
    bounds below hold for any correct token counting of that baseline.
    """
    gold = read_wikinews(WIKINEWS_DEV)
    section = score_quotes(pair_documents(gold, [quote_marks_baseline(g) for g in gold]))
    direct = section.metrics["tokens"]["direct"]["quote"]
    assert 0.85 <= direct["f1"] <= 0.93
    assert direct["precision"] < direct["recall"]
    assert section.metrics["tokens"]["indirect"]["quote"]["recall"] == 0.0
