"""Target marking, splits, weak labels and metrics of the sentiment area (no model needed)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from pipeline.config import load_config
from pipeline.sentiment.data import Example, Lexicon, sentence_bounds, split_by_group
from pipeline.sentiment.metrics import classification_report, expected_calibration_error, fit_temperature
from pipeline.sentiment.targets import TargetItem, encode_inputs, mark_target, window_around_target
from pipeline.sentiment.weak import figure_direction, lexicon_polarity, weak_examples
from pipeline.sentiment.train import class_weight_vector, length_batches

CFG = load_config()
HAVE_DATA = (CFG.data_dir / "sentiment" / "gerntsa").is_dir()


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from pipeline.sentiment.base import ensure_base_model

    return AutoTokenizer.from_pretrained(ensure_base_model(CFG))


def test_mark_target_wraps_only_the_target():
    text = "Am deutschen Markt gerieten Aktien wie Aixtron (-6,3 %) unter Druck."
    start = text.index("Aixtron")
    assert mark_target(TargetItem(text, start, start + 7)) == (
        "Am deutschen Markt gerieten Aktien wie << Aixtron >> (-6,3 %) unter Druck."
    )
    assert mark_target(TargetItem(text, -1, -1)) == text


def test_window_keeps_a_late_target_inside(tokenizer):
    filler = " ".join(f"Satzteil{i} ohne Belang," for i in range(60))
    text = f"{filler} doch Siemens Energy stürzte um 20 % ab."
    start = text.index("Siemens Energy")
    item = window_around_target(tokenizer, TargetItem(text, start, start + 14), 40)
    assert item.text[item.target_start:item.target_end] == "Siemens Energy"
    assert len(tokenizer(item.text, add_special_tokens=False)["input_ids"]) <= 40
    assert len(item.text) < len(text)


@pytest.mark.parametrize("scheme", ["markers", "pair", "both"])
def test_encoding_respects_max_length_and_shows_the_target(tokenizer, scheme):
    text = "Nvidia etwa sackten im vorbörslichen US-Handel um 7,5 % auf knapp 132 US-Dollar ab. " * 8
    enc = encode_inputs(tokenizer, [TargetItem(text, 0, 6)], scheme=scheme, max_length=48)
    ids = enc["input_ids"][0]
    assert len(ids) <= 48
    decoded = tokenizer.decode(ids)
    if scheme in ("markers", "both"):
        assert "<< Nvidia >>" in decoded
    if scheme in ("pair", "both"):
        assert decoded.rstrip().endswith("</s> Nvidia</s>")
    with pytest.raises(ValueError):
        encode_inputs(tokenizer, [TargetItem(text, 0, 6)], scheme="brackets")


def test_same_sentence_different_targets_give_different_inputs(tokenizer):
    text = "DeepSeek jubelt, während Nvidia 17 % verliert."
    a = encode_inputs(tokenizer, [TargetItem(text, 0, 8)])["input_ids"][0]
    b = encode_inputs(tokenizer, [TargetItem(text, 25, 31)])["input_ids"][0]
    assert a != b


def test_split_by_group_keeps_sentences_on_one_side_and_stratifies():
    rng = random.Random(0)
    examples = []
    for g in range(300):
        label = rng.choice(["neutral"] * 6 + ["positive"] * 3 + ["negative"])
        for t in range(rng.choice([1, 1, 2])):
            examples.append(Example(f"Satz {g}", 0, 4, label, "t", group=f"Satz {g}"))
    split = split_by_group(examples, seed=1)
    groups = {name: {e.group for e in part} for name, part in split.items()}
    assert not groups["train"] & groups["test"] and not groups["dev"] & groups["test"]
    assert not groups["train"] & groups["dev"]
    assert sum(len(p) for p in split.values()) == len(examples)
    share = lambda part, lab: sum(e.label == lab for e in part) / len(part)
    for lab in ("neutral", "positive", "negative"):
        assert abs(share(split["test"], lab) - share(examples, lab)) < 0.08
    assert split == split_by_group(examples, seed=1)


@pytest.mark.skipif(not HAVE_DATA, reason="needs ../shared/corpora (GerNTSA)")
def test_gerntsa_split_has_no_shared_sentence():
    from pipeline.sentiment.train import gerntsa_splits

    split = gerntsa_splits(CFG)
    texts = {name: {e.text for e in part} for name, part in split.items()}
    assert not texts["train"] & texts["test"] and not texts["train"] & texts["dev"]
    assert all(e.text[e.target_start:e.target_end] for e in split["test"])


def test_figure_direction_rules():
    assert figure_direction("Die Papiere von Siltronic fielen um 4,7 % auf 50 Euro.") == "negative"
    assert figure_direction("Der Umsatz von SAP stieg um 12 Prozent.") == "positive"
    assert figure_direction("Infineon legte am Nachmittag um 3,1 % zu.") == "positive"
    assert figure_direction("Das Unternehmen beschäftigt 4000 Menschen.") is None
    assert figure_direction("Der Umsatz stieg um 3 %, der Gewinn fiel um 2 %.") is None


def test_lexicon_polarity_needs_a_clear_margin():
    lex = Lexicon(positive=frozenset({"gewinn", "erfolgreich"}), negative=frozenset({"verlust", "krise", "insolvenz"}))
    assert lexicon_polarity("Krise und Verlust bei der Bank", lex) == "negative"
    assert lexicon_polarity("Ein Gewinn, aber auch ein Verlust", lex) is None
    assert lexicon_polarity("Die Bank hat ihren Sitz in Frankfurt", lex) == "neutral"


def test_weak_examples_label_the_company_of_an_insolvency_event():
    text = "Der Solarmodulhersteller Solarwatt hat Insolvenz angemeldet. Die Börse war geöffnet."
    start = text.index("Solarwatt")
    doc = {
        "id": "d1",
        "text": {"string": text},
        "conceptMentions": {"array": [{"type": "organization-company", "span": {"start": start, "end": start + 9}}]},
        "relationMentions": {"array": [{"name": "Insolvency", "args": {"array": [
            {"role": "company", "conceptMention": {"type": "organization-company", "span": {"start": start, "end": start + 9}}}
        ]}}]},
    }
    lex = Lexicon(positive=frozenset(), negative=frozenset())
    out = weak_examples([doc], lex)
    assert len(out) == 1
    ex = out[0]
    assert ex.label == "negative" and ex.text[ex.target_start:ex.target_end] == "Solarwatt"


def test_sentence_bounds():
    text = "Erster Satz. Nvidia fiel um 7 %. Dritter Satz\nNeue Zeile"
    s, e = sentence_bounds(text, text.index("Nvidia"), text.index("Nvidia") + 6)
    assert text[s:e] == "Nvidia fiel um 7 %."


def test_classification_report_and_calibration():
    gold = ["negative", "neutral", "neutral", "positive", "positive", "neutral"]
    pred = ["negative", "neutral", "positive", "positive", "neutral", "neutral"]
    r = classification_report(gold, pred)
    assert r["accuracy"] == pytest.approx(4 / 6, abs=1e-3)
    assert r["per_class"]["negative"]["f1"] == 1.0
    assert r["confusion"] == [[1, 0, 0], [0, 2, 1], [0, 1, 1]]
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 2000)
    logits = rng.normal(size=(2000, 3))
    logits[np.arange(2000), y] += 1.0
    sharp = logits * 4  # over-confident
    t = fit_temperature(sharp, y)
    assert 3.0 < t < 5.5
    probs = lambda z: np.exp(z) / np.exp(z).sum(1, keepdims=True)
    assert expected_calibration_error(probs(sharp / t), y) < expected_calibration_error(probs(sharp), y)


def test_class_weights_and_length_batches():
    ex = [Example("a", -1, -1, l, "t") for l in ["neutral"] * 8 + ["positive"] * 2 + ["negative"]]
    w = class_weight_vector(ex, "balanced").tolist()
    assert w[0] > w[2] > w[1]  # negative rarest, neutral most frequent
    assert class_weight_vector(ex, "none").tolist() == [1.0, 1.0, 1.0]
    lengths = [random.Random(i).randint(5, 90) for i in range(500)]
    batches = length_batches(lengths, 16, random.Random(0))
    assert sorted(i for b in batches for i in b) == list(range(500))
    spread = np.mean([max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches])
    assert spread < 10
