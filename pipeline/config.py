"""The one typed loader for ``configs/*.yaml``.

Every setting the code reads lives in a section class below; a YAML file
overrides the defaults section by section, and unknown keys are an error (a typo
must not be silently ignored). Relative paths in the file are resolved against
the project root, the parent of the ``configs/`` folder, so the tool works from
any working directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "configs" / "finnews.yaml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PathsConfig(Section):
    """Where data, caches and shipped models live."""

    data_dir: Path = Field(Path("../shared/corpora"), description="open corpora (env FINNEWS_DATA_DIR overrides)")
    cache_dir: Path = Field(Path(".cache"), description="built assets, e.g. the e5 base model (env FINNEWS_CACHE_DIR)")
    models_dir: Path = Path("models")


class JsonFields(Section):
    """Field names read from ``.json``/``.jsonl`` records."""

    id: str = "id"
    title: str = "title"
    text: str = "text"
    date: str = "date"
    source: str = "source"
    url: str = "url"


class IngestConfig(Section):
    extensions: list[str] = [".txt", ".md", ".html", ".htm", ".json", ".jsonl"]
    max_bytes: int = Field(5_000_000, description="files larger than this are rejected as oversized")
    max_chars: int = Field(200_000, description="articles longer than this (after extraction) are rejected")
    json_fields: JsonFields = JsonFields()


class NlpConfig(Section):
    """The spaCy stage.

    ``model`` is a spaCy pipeline name or path that provides the tokenizer and
    NER (``blank:de`` for none); ``model_overrides`` are spaCy config overrides
    applied when it loads (dotted keys, as ``spacy.load(..., config=...)`` takes
    them: ``{"components.finnews_e5_ner.quantize": true}``); ``components`` are
    the finnews factories added after it, in order, each with its config.
    """

    model: str = "blank:de"
    model_overrides: dict[str, Any] = {}
    finance_tokenizer: bool = True
    components: dict[str, dict[str, Any]] = {}
    batch_size: int = 16
    profiles: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="named overrides of this section, chosen with --profile"
    )


class NerTrainingConfig(Section):
    """Training the shipped NER model (``finnews train ner``, see models/ner/README.md)."""

    spacy_config: Path = Field(Path("configs/ner/cnn.cfg"), description="spaCy training config of the CNN pipeline")
    sources: list[str] = Field(
        ["germeval", "smartdata", "europeana", "hipe"],
        description="ship-safe corpora to train on: germeval, smartdata, ler, europeana, hipe",
    )
    part_policy: str = Field("name", description="GermEval part words: o, missing, or name (label the name before the hyphen)")
    work_dir: Path = Field(Path(".cache/ner"), description="DocBins, training runs and logs")
    output: Path = Field(Path("models/ner"), description="where the trained pipeline is exported")
    max_steps: int = Field(0, description="override [training] max_steps of the spaCy config (0: keep it)")
    vectors: bool = Field(True, description="train floret static vectors on the corpora's raw text and use them")
    pretrain_epochs: int = Field(0, description="epochs of `spacy pretrain` of the tok2vec on raw text (0: none)")
    threads: int = Field(2, description="BLAS/torch threads while training")
    distill_teacher: Optional[Path] = Field(
        None, description="a pipeline (models/ner/accurate) that tags the raw text as extra silver training data for the CNN"
    )
    distill_gold_copies: int = Field(
        1, description="with distill_teacher: copies of the gold training data beside the silver (weighs gold more)"
    )
    accurate_sources: list[str] = Field(
        ["germeval", "smartdata"], description="training corpora of the accurate profile's fine-tuned e5 tagger"
    )
    accurate_output: Path = Field(Path("models/ner/accurate"), description="where the accurate pipeline is saved")
    accurate_method: str = Field("lora", description="lora (adapters on all layers) or full (all but the word embeddings)")
    accurate_epochs: int = Field(8, description="fine-tuning epochs; the epoch with the best dev F1 is kept")
    accurate_learning_rate: float = Field(3e-4, description="peak AdamW learning rate (lora ~3e-4, full ~5e-5)")
    accurate_batch_size: int = Field(16, description="sentences per training batch (grouped by length)")
    accurate_max_length: int = Field(128, description="sub-pieces per window; longer sentences are cut between words")
    accurate_lora_r: int = Field(32, description="LoRA rank")
    accurate_lora_alpha: int = Field(64, description="LoRA scaling numerator (scale = alpha / r)")
    accurate_lora_dropout: float = Field(0.1, description="dropout on the LoRA input")
    accurate_warmup_ratio: float = Field(0.06, description="share of steps with a rising learning rate")
    accurate_weight_decay: float = Field(0.01, description="AdamW weight decay (not on biases and LayerNorms)")
    accurate_seed: int = Field(13, description="seed of initialisation, dropout and batch order")
    accurate_threads: int = Field(2, description="torch threads while fine-tuning")
    accurate_device: str = Field("cpu", description="where to fine-tune: cpu, cuda, cuda:1, or auto (a GPU if there is one)")
    accurate_misc_open: bool = Field(
        True, description="in corpora without MISC (SmartData, Europeana) an O word may be MISC: O/B-MISC/I-MISC all count as right"
    )


class SentimentConfig(Section):
    """The claim-level sentiment stage (see models/sentiment/README.md)."""

    enabled: bool = True
    model: str = Field("models/sentiment", description="path or hub id of a sequence-classification model or adapter")
    base_model: str = Field("e5-base", description="built base encoder, under cache_dir unless a path or hub id")
    batch_size: int = Field(16, description="claims per forward pass, sorted by length across documents")
    max_length: int = Field(128, description="max tokens for a model without its own finnews_sentiment.json")
    threads: Optional[int] = Field(None, description="torch threads (None: torch's default)")
    device: str = Field("cpu", description="torch device for inference, e.g. cpu or cuda")
    quantize: bool = Field(False, description="dynamic int8 quantisation of Linear layers on CPU")
    train: "SentimentTrainConfig" = Field(
        default_factory=lambda: SentimentTrainConfig(), description="finnews train sentiment"
    )


class SentimentTrainConfig(Section):
    """Settings of ``finnews train sentiment`` (the defaults reproduce models/sentiment)."""

    sources: list[str] = Field(
        ["gerntsa", "finance_weak", "finance_rules", "finance_roles"],
        description="training sets: gerntsa, sb10k, potts, finance_weak, finance_rules, finance_roles",
    )
    aux_per_epoch: int = Field(2100, description="examples per epoch from the non-GerNTSA sources (finance ones always)")
    scheme: str = Field("markers", description="target marking: markers, pair or both")
    max_length: int = Field(128, description="tokens per example, window centred on the target")
    epochs: int = 5
    batch_size: int = 16
    learning_rate: float = 3e-4
    schedule: str = Field("linear", description="linear (warm-up then decay), cosine or constant")
    warmup_ratio: float = 0.06
    class_weights: str = Field("sqrt", description="none, sqrt (inverse square-root frequency) or balanced")
    frozen_layers: int = Field(0, description="lower encoder layers without adapters (their outputs are cached)")
    method: str = Field("lora", description="lora (adapters + head) or full (every weight but the embeddings)")
    head_learning_rate: Optional[float] = Field(None, description="learning rate of the head (None: learning_rate)")
    patience: int = Field(0, description="stop after this many epochs without a better dev score (0: never)")
    ema_decay: Optional[float] = Field(None, description="score and keep a moving average of the weights with this decay per step (None: the last weights)")
    selection: str = Field("gerntsa+finance", description="epoch kept: gerntsa (dev macro-F1) or gerntsa+finance (mean with finance dev accuracy)")
    source_weights: dict[str, float] = Field(
        default_factory=dict, description="loss weight per training source, e.g. {sb10k: 0.3} (others 1.0)"
    )
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    seed: int = 13
    init_seed: Optional[int] = Field(None, description="seed of the initial head and adapters (None: seed); fixed, runs differ only in data order and dropout")
    checkpoint_every: int = Field(100, description="optimizer steps between resumable checkpoints")
    device: str = Field("cpu", description="where training runs: cpu, cuda, cuda:N or auto (a GPU if torch sees one)")


class LinkConfig(Section):
    """Linking entities to listed securities (see pipeline/link.py and pipeline/gazetteer.py).

    Keep ``overlay`` and ``reference_csvs`` equal to those of the
    ``finnews_companies`` component (configs/finnews.yaml shares them with YAML anchors).
    """

    overlay: Path = Field(Path("configs/gazetteer_overlay.yaml"), description="hand-written gazetteer fixes, aliases, indices")
    reference_csvs: list[Path] = Field(
        default_factory=list,
        description="user CSVs of securities (columns isin, name; optional ticker/symbol, exchange/mic, country, aliases with |)",
    )
    min_confidence: float = Field(0.5, description="a listed match below this confidence is reported as not listed")
    min_context: float = Field(0.5, description="context score an alias that is also an ordinary word (Allianz) needs")
    home_markets: Optional[Path] = Field(
        Path("configs/home_markets.yaml"),
        description="markets with cue words and the short names that mean their own companies (die Post in Vienna); null: off",
    )


class AggregateConfig(Section):
    """How claims roll up into an entity's sentiment."""

    positive_threshold: float = Field(0.15, description="score >= this is positive")
    negative_threshold: float = Field(-0.15, description="score <= this is negative")
    figure_weight: float = Field(
        0.7, description="weight of a claim's percentage moves (all up: +1, all down: -1) against the model's "
        "p_positive - p_negative (0 = model only); not where the claim names a cost-like metric")
    inverse_metrics: list[str] = Field(
        default_factory=lambda: ["kosten", "ausgaben", "verlust", "verluste", "schulden", "verschuldung",
                                 "belastung", "belastungen", "abschreibung", "abschreibungen", "rückstellung",
                                 "arbeitslos", "stellen", "jobs", "preise", "risiko", "risiken", "zinsen"],
        description="word stems of metrics whose fall is good news (Kosten sanken um 5 %)")


class ExportConfig(Section):
    csv_formula_prefix: str = Field("'", description="prepended to text cells starting with = + - @ (tab, CR)")


class EvaluateConfig(Section):
    """``finnews evaluate``: bootstrap, label mapping of imported corpora, matching tolerances."""

    bootstrap_samples: int = Field(1000, description="document resamples for the headline intervals (0: none)")
    bootstrap_seed: int = Field(0, description="seed of the bootstrap resampling")
    confidence: float = Field(0.95, description="coverage of the bootstrap percentile intervals")
    label_map: dict[str, str] = Field(
        default_factory=lambda: {
            "OTH": "MISC", "PERSON": "PER", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
            "LOCATION": "LOC", "GPE": "LOC",
        },
        description="entity label renames applied to imported NER corpora (GermEval OTH -> MISC)",
    )
    unknown_label_map: dict[str, str] = Field(
        default_factory=lambda: {"INDEX": "MISC"},
        description="predicted labels renamed when the gold set has no such label (imported corpora know no INDEX; "
        "GermEval tags stock indices OTH, i.e. MISC)",
    )
    value_rel_tolerance: float = Field(1e-6, description="relative tolerance when comparing figure values")
    context_chars: int = Field(240, description="longest context shown for an error with --errors")
    gold_entity_components: list[str] = Field(
        default_factory=lambda: ["ner", "entity_ruler", "finnews_companies", "finnews_entity_clusters", "finnews_e5_ner"],
        description="components (names or factories) switched off by --gold-entities; "
        "components whose factory assigns doc.ents or entity names are switched off too",
    )


class Config(Section):
    paths: PathsConfig = PathsConfig()
    ingest: IngestConfig = IngestConfig()
    nlp: NlpConfig = NlpConfig()
    ner_training: NerTrainingConfig = NerTrainingConfig()
    sentiment: SentimentConfig = SentimentConfig()
    link: LinkConfig = LinkConfig()
    aggregate: AggregateConfig = AggregateConfig()
    export: ExportConfig = ExportConfig()
    evaluate: EvaluateConfig = EvaluateConfig()

    root: Path = Field(PROJECT_ROOT, exclude=True)

    def resolve(self, path: Path | str) -> Path:
        """Resolve a configured path against the project root."""
        path = Path(path).expanduser()
        return path if path.is_absolute() else (self.root / path)

    @property
    def data_dir(self) -> Path:
        env = os.environ.get("FINNEWS_DATA_DIR")
        return Path(env) if env else self.resolve(self.paths.data_dir)

    @property
    def cache_dir(self) -> Path:
        env = os.environ.get("FINNEWS_CACHE_DIR")
        return Path(env) if env else self.resolve(self.paths.cache_dir)

    def with_profile(self, profile: Optional[str]) -> "Config":
        """Return a copy with the named ``nlp.profiles`` entry applied."""
        if not profile:
            return self
        if profile not in self.nlp.profiles:
            known = ", ".join(sorted(self.nlp.profiles)) or "none"
            raise ConfigError(f"unknown profile {profile!r} (configured: {known})")
        nlp = self.nlp.model_dump()
        nlp.update(self.nlp.profiles[profile])
        return self.model_copy(update={"nlp": NlpConfig(**nlp)})


class ConfigError(ValueError):
    """The configuration file is missing or invalid."""


def load_config(path: Optional[Path | str] = None) -> Config:
    """Load a YAML config over the defaults.

    Args:
        path: a YAML file; ``None`` reads ``configs/finnews.yaml`` of the project.

    Returns:
        The validated :class:`Config`.

    Raises:
        ConfigError: the file is missing, not YAML, or has unknown or invalid keys.
    """
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"config {path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"config {path} must be a mapping of sections")
    # A config inside some project's configs/ folder resolves paths against that project.
    root = path.resolve().parent.parent if path.resolve().parent.name == "configs" else PROJECT_ROOT
    try:
        return Config(root=root, **raw)
    except ValidationError as exc:
        raise ConfigError(f"invalid config {path}:\n{exc}") from exc
