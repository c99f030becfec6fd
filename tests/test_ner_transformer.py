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
from pipeline.ner.transformer import (
    IGNORE,
    TAGS,
    WordTagger,
    decode,
    gold_tags,
    load_word_tagger,
    sentence_windows,
    split_by_pieces,
    viterbi_bio,
    word_tokens,
)

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

    from pipeline.ner.transformer import token_classifier

    tagger = WordTagger(token_classifier(tiny_base).eval(), AutoTokenizer.from_pretrained(str(tiny_base)), max_length=4)
    log_probs = tagger.log_probs([["BASF", "unbekannt", "meldet", "Gewinn", "."], []])
    assert log_probs[0].shape == (5, len(TAGS)) and log_probs[1].shape == (0, len(TAGS))
    assert np.allclose(np.exp(log_probs[0]).sum(1), 1.0, atol=1e-4)
