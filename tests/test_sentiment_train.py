"""Training pieces of the sentiment area: loss weighting, full fine-tuning export/loading, dev data, role frames."""

from __future__ import annotations

import json

import pytest
import torch

from pipeline.config import SentimentTrainConfig, load_config
from tests.conftest import requires_shared
from pipeline.sentiment.data import load_finance_dev
from pipeline.sentiment.synthetic import ANALYST_HOUSES, finance_role_examples
from pipeline.sentiment.train import FINANCE_DEV, prepare_model, weighted_loss

CFG = load_config()


def test_weighted_loss_matches_class_weighted_cross_entropy_and_drops_zero_weights():
    torch.manual_seed(0)
    logits = torch.randn(6, 3)
    labels = torch.tensor([0, 1, 2, 1, 1, 0])
    class_w = torch.tensor([2.0, 0.5, 1.0])
    ref = torch.nn.CrossEntropyLoss(weight=class_w)(logits, labels)
    assert weighted_loss(logits, labels, class_w, torch.ones(6)).item() == pytest.approx(ref.item(), rel=1e-6)
    # an example with weight 0 contributes nothing: same as leaving it out
    w = torch.tensor([1.0, 1.0, 1.0, 1.0, 1.0, 0.0])
    without = torch.nn.CrossEntropyLoss(weight=class_w)(logits[:5], labels[:5])
    assert weighted_loss(logits, labels, class_w, w).item() == pytest.approx(without.item(), rel=1e-6)


def test_finance_dev_mentions_prefer_the_longest_name_and_accept_genitives(tmp_path):
    article = {
        "id": "a1",
        "text": "Siemens Energy fiel um 5 %.\n\nSiemens hielt still. SAPs Zahlen überzeugten.",
        "sentiment": [
            {"entity": "Siemens Energy", "label": "negative"},
            {"entity": "Siemens", "label": "neutral"},
            {"entity": "SAP", "label": "positive"},
        ],
    }
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    examples = load_finance_dev(path)
    by_group = {}
    for e in examples:
        by_group.setdefault(e.group.split("\t")[1], []).append(e.text[e.target_start:e.target_end])
    assert by_group == {"Siemens Energy": ["Siemens Energy"], "Siemens": ["Siemens"], "SAP": ["SAP"]}
    sap = next(e for e in examples if e.group.endswith("SAP"))
    assert sap.text == "SAPs Zahlen überzeugten." and sap.label == "positive"
    article["sentiment"].append({"entity": "BASF", "label": "neutral"})
    path.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="BASF"):
        load_finance_dev(path)


def test_shipped_finance_dev_set_has_every_class():
    examples = load_finance_dev(CFG.resolve(FINANCE_DEV))
    assert examples is not None
    entities = {e.group: e.label for e in examples}
    assert {"negative", "neutral", "positive"} == set(entities.values())
    assert len(entities) >= 60


def test_role_frames_label_each_company_slot():
    names = ["Puma", "Zalando", "Symrise", "Nordex", "Evotec"]
    examples = finance_role_examples(n=200, seed=3, names=names)
    assert len(examples) == 200
    for e in examples:
        target = e.text[e.target_start:e.target_end]
        assert target in names or target in ANALYST_HOUSES
        if target in ANALYST_HOUSES:
            assert e.label == "neutral", e.text
    assert {e.label for e in examples} == {"negative", "neutral", "positive"}


@pytest.fixture(scope="module")
def base_dir():
    from pipeline.sentiment.base import ensure_base_model

    return ensure_base_model(CFG)


def test_full_fine_tuning_trains_all_but_embeddings_and_its_fp16_delta_loads_over_the_base(base_dir, tmp_path):
    from pipeline.sentiment.model import ClassifierMeta, SentimentClassifier
    from pipeline.sentiment.targets import TargetItem
    from pipeline.sentiment.train import _to_fp16

    torch.manual_seed(0)
    s = SentimentTrainConfig(method="full", frozen_layers=0, head_learning_rate=1e-3)
    trainable = prepare_model(str(base_dir), s)
    named = dict(trainable.model.named_parameters())
    assert not any(p.requires_grad for n, p in named.items() if n.startswith("bert.embeddings."))
    assert all(p.requires_grad for n, p in named.items() if not n.startswith("bert.embeddings."))
    assert trainable.param_groups[1]["lr"] == 1e-3 and trainable.param_groups[0]["lr"] == s.learning_rate
    with torch.no_grad():  # stand-in for training: move an encoder weight and the head
        named["bert.encoder.layer.3.output.dense.weight"].add_(0.01)
        named["classifier.out_proj.bias"].copy_(torch.tensor([0.3, -0.2, 0.1]))
    trainable.save(tmp_path)
    _to_fp16(tmp_path / "model_delta.safetensors")
    ClassifierMeta(max_length=64).write(tmp_path)
    clf = SentimentClassifier.from_config(CFG, model_ref=str(tmp_path))
    text = "Die Aktie von Puma fiel um 7 %."
    items = [TargetItem(text, text.index("Puma"), text.index("Puma") + 4)]
    got = clf.probabilities(items)
    enc = clf.encode(items)
    model = trainable.model.eval()
    with torch.inference_mode():
        want = torch.softmax(model(input_ids=torch.tensor(enc["input_ids"])).logits, -1).numpy()
    assert abs(got - want).max() < 2e-3  # fp16 storage rounds the weights only slightly


def test_soup_of_lora_runs_is_the_exact_mean_of_their_merged_weights(base_dir, tmp_path):
    from pipeline.sentiment.model import base_classifier
    from pipeline.sentiment.soup import average_adapters

    s = SentimentTrainConfig(frozen_layers=0, lora_r=4, lora_alpha=8)
    merged, dirs = [], []
    for seed in (1, 2):
        torch.manual_seed(0)  # same initial adapters and head, as with a fixed init_seed
        trainable = prepare_model(str(base_dir), s)
        torch.manual_seed(seed)
        with torch.no_grad():  # stand-in for training: the runs move apart
            for name, p in trainable.model.named_parameters():
                if p.requires_grad:
                    p.add_(0.02 * torch.randn_like(p))
        trainable.save(tmp_path / f"run{seed}")
        dirs.append(tmp_path / f"run{seed}")
        merged.append(trainable.model.merge_and_unload().state_dict())
    average_adapters(dirs, tmp_path / "soup")
    from peft import PeftModel

    soup = PeftModel.from_pretrained(base_classifier(base_dir), str(tmp_path / "soup")).merge_and_unload().state_dict()
    for name in ("bert.encoder.layer.0.attention.self.query.weight", "bert.encoder.layer.11.output.dense.weight",
                 "classifier.dense.weight", "classifier.out_proj.bias"):
        mean = (merged[0][name] + merged[1][name]) / 2
        assert torch.allclose(soup[name], mean, atol=1e-6), name
        assert not torch.allclose(merged[0][name], merged[1][name])
    assert json.loads((tmp_path / "soup" / "adapter_config.json").read_text())["r"] == 8


def test_weight_average_is_swapped_in_and_back():
    from pipeline.sentiment.train import WeightAverage

    p = torch.nn.Parameter(torch.zeros(3))
    avg = WeightAverage([p], decay=0.5)
    with torch.no_grad():
        p.fill_(4.0)
    avg.update()  # 0.5 * 0 + 0.5 * 4
    with torch.no_grad():
        p.fill_(8.0)
    avg.update()  # 0.5 * 2 + 0.5 * 8
    with avg.applied():
        assert p.tolist() == [5.0, 5.0, 5.0]
    assert p.tolist() == [8.0, 8.0, 8.0]


def test_training_device_names_cpu_auto_and_refuses_a_missing_gpu():
    from pipeline.sentiment.train import training_device

    assert training_device("cpu").type == "cpu"
    assert training_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA device"):
            training_device("cuda")


@requires_shared
@pytest.mark.slow
def test_tiny_training_run_writes_a_model_that_loads_and_scores(tmp_path):
    """The whole `finnews train sentiment` loop on 24 GerNTSA items, one epoch (about 30 s on 2 cores)."""
    from pipeline.sentiment.model import SentimentClassifier
    from pipeline.sentiment.targets import TargetItem
    from pipeline.sentiment.train import train_sentiment

    s = SentimentTrainConfig(sources=["gerntsa"], epochs=1, max_length=48, batch_size=8, device="auto")
    result = train_sentiment(CFG, tmp_path / "model", s, work_dir=tmp_path / "work", max_train=24)
    meta = json.loads((tmp_path / "model" / "finnews_sentiment.json").read_text())
    assert result.best_epoch == 1 and len(meta["history"]) == 1
    assert meta["train_device"] in ("cpu", "cuda")
    assert 0 <= meta["history"][0]["dev_macro_f1"] <= 1 and result.temperature > 0
    clf = SentimentClassifier.from_config(CFG, model_ref=str(tmp_path / "model"))
    text = "Die Aktie von Puma fiel um 7 %."
    probs = clf.probabilities([TargetItem(text, text.index("Puma"), text.index("Puma") + 4)])
    assert probs.shape == (1, 3) and abs(float(probs.sum()) - 1) < 1e-5
