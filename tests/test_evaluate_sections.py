"""Figures, linking and sentiment scores on the small gold file, worked out by hand; bootstrap; realignment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.evaluate.align import names_match, normalise_name, pair_documents, realign_to_gold
from pipeline.evaluate.bootstrap import bootstrap_interval
from pipeline.evaluate.figure_metrics import score_figures
from pipeline.evaluate.gold import read_gold_jsonl
from pipeline.evaluate.link_metrics import score_linking
from pipeline.evaluate.scorecard import build_scorecard
from pipeline.evaluate.scores import ratio_from_array
from pipeline.evaluate.sentiment_metrics import confusion_scores, score_sentiment
from pipeline.records import Article, Document, Entity, EntityMention, EntitySentiment, Figure, Quote

GOLD = Path(__file__).parent / "data" / "evaluate" / "gold_small.jsonl"
SAP, IFX, NVDA = "DE0007164600", "DE0006231004", "US67066G1040"


def _at(text: str, part: str, nth: int = 1) -> tuple[int, int]:
    i = -1
    for _ in range(nth):
        i = text.index(part, i + 1)
    return i, i + len(part)


def _mention(text: str, part: str, nth: int, entity_id: str) -> EntityMention:
    start, end = _at(text, part, nth)
    return EntityMention(text[start:end], "ORG", start, end, entity_id)


def _figure(fid: str, text: str, part: str, kind: str, value: float, unit: str, direction: str,
            entity_ids: list[str], qualifier: str = "") -> Figure:
    start, end = _at(text, part)
    return Figure(fid, kind, part, start, end, value, unit, direction, qualifier, entity_ids=entity_ids)


def _predictions() -> tuple[list, list[Document], dict[str, list[EntitySentiment]]]:
    golds = read_gold_jsonl(GOLD)
    a1, a2 = golds
    t1, t2 = a1.text, a2.text
    # Article 1: SAP linked right, its second mention in a separate cluster marked unlisted,
    # Infineon linked to the wrong ISIN; Christian Klein missed.
    m1 = [_mention(t1, "SAP", 1, "E1"), _mention(t1, "SAP", 2, "E6"), _mention(t1, "Infineon", 1, "E2")]
    e1 = [
        Entity("E1", "SAP", "ORG", [m1[0]], isin=SAP, listed=True),
        Entity("E6", "SAP", "ORG", [m1[1]], isin=None, listed=False),
        Entity("E2", "Infineon", "ORG", [m1[2]], isin="DE0007236101", listed=True),
    ]
    f1 = [
        _figure("F1", t1, "3,5 %", "percent", 3.5, "%", "up", ["E1"]),
        _figure("F2", t1, "2 %", "percent", 2.0, "%", "down", ["E2"]),  # sign wrong
        _figure("F3", t1, "Prognose", "money", 1.0, "EUR", "none", []),  # spurious
    ]
    # Article 2: both DeepSeek mentions found (one cluster unlisted, one wrongly given an ISIN);
    # Nvidia linked; "Nvidias" found as "Nvidia" inside it.
    m2 = [
        _mention(t2, "DeepSeek", 1, "E3"), _mention(t2, "Nvidia", 1, "E4"), _mention(t2, "DeepSeek", 2, "E5"),
        _mention(t2, "Nvidia", 2, "E4"), _mention(t2, "Nvidia", 3, "E4"),
    ]
    e2 = [
        Entity("E3", "DeepSeek", "ORG", [m2[0]], listed=False),
        Entity("E4", "Nvidia", "ORG", [m2[1], m2[3], m2[4]], isin=NVDA, listed=True),
        Entity("E5", "Deep Seek Corp", "ORG", [m2[2]], isin="KYG000000000", listed=True),
    ]
    f2 = [_figure("F1", t2, "600 Mrd. Dollar", "money", -6e11, "USD", "down", ["E4"])]  # qualifier "knapp" missed
    preds = [
        Document(Article("gold_small#a1-sap", "", "", t1, ""), mentions=m1, entities=e1, figures=f1),
        Document(Article("gold_small#a2-deepseek", "", "", t2, ""), mentions=m2, entities=e2, figures=f2),
    ]

    def row(article: str, entity: str, isin, listed, label: str) -> EntitySentiment:
        return EntitySentiment(article, "", entity, "ORG", None, isin, None, listed, 1, 1, 0, 0, 0, 0.0, label)

    rows = {
        "gold_small#a1-sap": [row("gold_small#a1-sap", "SAP", SAP, True, "positive"),
                              row("gold_small#a1-sap", "Infineon", "DE0007236101", True, "negative")],
        "gold_small#a2-deepseek": [row("gold_small#a2-deepseek", "Nvidia", NVDA, True, "positive"),
                                   row("gold_small#a2-deepseek", "DeepSeek", None, False, "neutral")],
    }
    return golds, preds, rows


def test_linking_by_hand():
    golds, preds, rows = _predictions()
    section = score_linking(pair_documents(golds, preds, rows))
    m = section.metrics
    # Listed gold mentions: SAP, SAP, Infineon, Nvidia, Nvidia, Nvidias = 6, all found.
    # Right ISIN: first SAP and the three Nvidia mentions = 4 (second SAP predicted unlisted, Infineon wrong ISIN).
    assert (m["listed_mentions"], m["listed_found"]) == (6, 6)
    assert m["isin_accuracy"] == pytest.approx(4 / 6) and m["isin_accuracy_found"] == pytest.approx(4 / 6)
    # Unlisted gold mentions: DeepSeek x2; one predicted unlisted (TP), one given an ISIN.
    # Predicted unlisted among linking mentions: that DeepSeek + the second SAP -> NIL precision 1/2.
    assert m["nil"]["recall"] == pytest.approx(1 / 2) and m["nil"]["precision"] == pytest.approx(1 / 2)
    assert m["unlisted_given_listed_isin"] == 1
    # Per document: article 1 has 1 of 3 right, article 2 has 3 of 3.
    assert section.headlines[0].per_doc.tolist() == [[1, 3], [3, 3]]
    whats = {e.what for e in section.errors}
    assert {"wrong or no ISIN", "listed company predicted unlisted", "unlisted organisation given a listed ISIN"} <= whats


def test_figures_by_hand():
    golds, preds, rows = _predictions()
    section = score_figures(pair_documents(golds, preds, rows))
    percent, money = section.metrics["percent"], section.metrics["money"]
    # Percent: both gold figures found; value right for 3,5 % only; directions right.
    assert percent["found"]["f1"] == 1.0
    assert percent["accuracy_over_found"]["value"] == pytest.approx(0.5)
    assert percent["accuracy_over_found"]["direction"] == 1.0
    # Value+entity: (3.5, SAP) matched by ISIN; (-2, Infineon) not (value wrong): tp 1, fp 1, fn 1.
    assert (percent["value_and_entity"]["tp"], percent["value_and_entity"]["fp"], percent["value_and_entity"]["fn"]) == (1, 1, 1)
    # Money: the gold figure found, plus one spurious: found P 1/2, R 1; qualifier "knapp" missed.
    assert money["found"]["precision"] == pytest.approx(0.5) and money["found"]["recall"] == 1.0
    assert money["accuracy_over_found"]["value"] == 1.0 and money["accuracy_over_found"]["qualifier"] == 0.0
    # Value+entity money: (-6e11 USD, Nvidia) matched; the spurious item (no entity) is a false positive.
    assert money["value_and_entity"]["f1"] == pytest.approx(2 * 0.5 * 1 / 1.5)
    headlines = {h.key: h.value for h in section.headlines}
    assert headlines["figures.percent.f1"] == pytest.approx(0.5)
    assert any(e.what == "percent: wrong value" for e in section.errors)


def test_sentiment_by_hand():
    golds, preds, rows = _predictions()
    section = score_sentiment(pair_documents(golds, preds, rows))
    m = section.metrics
    # SAP positive -> positive; Infineon negative -> row has the wrong ISIN, so missing;
    # Nvidia negative -> positive; DeepSeek neutral -> neutral (matched by name).
    assert m["confusion"]["matrix"] == [[1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 0, 1]]
    assert m["accuracy"] == pytest.approx(2 / 4) and m["coverage"] == pytest.approx(3 / 4)
    # positive: P 1/2, R 1 -> F1 2/3; neutral: F1 1; negative: F1 0 -> macro (2/3 + 1 + 0) / 3.
    assert m["per_class"]["positive"]["f1"] == pytest.approx(2 / 3)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 1 + 0) / 3)
    assert any(e.what == "negative predicted as positive" and e.cost == 2.0 for e in section.errors)


def test_sentiment_gold_aliases_match_a_prediction_named_by_another_name(tmp_path):
    text = "Die Deutsche Telekom wächst. Die Telekom hob das Ziel an."
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text('{"id": "t1", "text": "%s", "sentiment": [{"entity": "Deutsche Telekom", "label": "positive", '
                         '"aliases": ["Deutsche Telekom", "Telekom"]}]}\n' % text, encoding="utf-8")
    golds = read_gold_jsonl(gold_file)
    assert golds[0].sentiment[0].aliases == ("Deutsche Telekom", "Telekom")
    preds = [Document(Article("t1", "", "", text, ""))]
    rows = {"t1": [EntitySentiment("t1", "", "Telekom", "ORG", None, None, None, None, 2, 2, 2, 0, 0, 0.8, "positive")]}
    m = score_sentiment(pair_documents(golds, preds, rows)).metrics
    assert m["accuracy"] == 1.0 and m["coverage"] == 1.0
    # without the alias the prediction "Telekom" is not the gold "Deutsche Telekom"
    golds[0].sentiment[0].aliases = ()
    assert score_sentiment(pair_documents(golds, preds, rows)).metrics["coverage"] == 0.0


def test_confusion_scores_skip_classes_absent_from_gold_and_prediction():
    # Only positive items, all right: macro-F1 over {positive} = 1.0.
    assert confusion_scores(np.array([[3, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]))["macro_f1"] == 1.0


def test_scorecard_bootstrap_is_seeded_and_brackets_the_value():
    golds, preds, rows = _predictions()
    pairs = pair_documents(golds, preds, rows)
    one = build_scorecard(pairs, "gold", "gold", "test", bootstrap_samples=200, seed=1)
    two = build_scorecard(pairs, "gold", "gold", "test", bootstrap_samples=200, seed=1)
    assert [h.ci for h in one.headlines] == [h.ci for h in two.headlines]
    assert [s.name for s in one.sections] == ["entities", "linking", "figures", "quotes", "sentiment"]
    isin = next(h for h in one.headlines if h.key == "linking.isin_accuracy")
    # Resamples of two documents: {1/3, 4/6, 1} are the only possible values.
    assert isin.ci[0] == pytest.approx(1 / 3) and isin.ci[1] == pytest.approx(1.0)


def test_bootstrap_interval_properties():
    rng = np.random.default_rng(0)
    per_doc = np.stack([rng.integers(0, 3, 300), np.full(300, 2)], axis=1).astype(float)
    value = ratio_from_array(per_doc.sum(axis=0))
    low, high = bootstrap_interval(per_doc, ratio_from_array, samples=500, seed=3)
    assert low < value < high and high - low < 0.15
    assert bootstrap_interval(per_doc, ratio_from_array, samples=500, seed=3) == (low, high)
    assert bootstrap_interval(per_doc, ratio_from_array, samples=500, seed=4) != (low, high)
    assert bootstrap_interval(per_doc[:0], ratio_from_array) is None
    assert bootstrap_interval(per_doc, ratio_from_array, samples=0) is None


def test_predictions_on_a_text_with_the_headline_repeated_are_realigned():
    gold = read_gold_jsonl(GOLD)[0]
    prefix = gold.title + "\n\n"
    text = prefix + gold.text
    n = len(prefix)
    quote = gold.quotes[0]
    pred = Document(
        Article("x#a1-sap", "", gold.title, text, ""),
        mentions=[EntityMention("SAP", "ORG", 0, 3, "E1"), EntityMention("SAP", "ORG", n, n + 3, "E1")],
        quotes=[Quote("q", "direct", quote.text, quote.start + n, quote.end + n,
                      speaker_start=quote.speaker_start + n, speaker_end=quote.speaker_end + n)],
    )
    aligned = realign_to_gold(gold.text, pred)
    # The mention in the repeated headline has no place in the gold text and is dropped.
    assert [(m.start, m.end) for m in aligned.mentions] == [(0, 3)]
    assert (aligned.quotes[0].start, aligned.quotes[0].end) == (quote.start, quote.end)
    assert aligned.quotes[0].speaker_start == quote.speaker_start
    # A small edit inside the text is mapped by matching blocks.
    edited = Document(Article("y", "", "", gold.text.replace("Die Aktie", "Die  Aktie"), ""),
                      mentions=[EntityMention("Infineon", "ORG", gold.text.index("Infineon") + 1,
                                              gold.text.index("Infineon") + 9, "E2")])
    assert realign_to_gold(gold.text, edited).mentions[0].text == "Infineon"


def test_name_normalisation():
    assert normalise_name("NVIDIA Corp.") == "nvidia" and normalise_name("Siemens Energy AG") == "siemens energy"
    assert names_match("Nvidia", "Nvidias") and names_match("DAX", "Dax")
    assert not names_match("Siemens", "Siemens Energy")


def test_entity_sentiment_csv_is_read_back_with_types(tmp_path):
    from pipeline.evaluate.predict import read_entity_sentiment_csv

    path = tmp_path / "entity_sentiment.csv"
    path.write_text(
        '"article_id","entity","entity_type","ticker","isin","exchange","listed","mentions","claims",'
        '"positive","neutral","negative","sentiment_score","sentiment_label","entity_id"\r\n'
        f'"f#a1","SAP","ORG","SAP.DE","{SAP}","XETRA","true",3,2,2,0,0,0.61,"positive","E1"\r\n'
        '"f#a1","\'-Minus AG","ORG","","","","false",1,0,0,0,0,"","","E2"\r\n',
        encoding="utf-8",
    )
    rows = read_entity_sentiment_csv(path)["f#a1"]
    assert (rows[0].isin, rows[0].listed, rows[0].sentiment_score, rows[0].sentiment_label) == (SAP, True, 0.61, "positive")
    # The export's formula guard is undone; empty cells become None.
    assert (rows[1].entity, rows[1].listed, rows[1].sentiment_score, rows[1].sentiment_label) == ("-Minus AG", False, None, None)
