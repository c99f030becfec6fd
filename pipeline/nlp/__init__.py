"""The spaCy stage: build the configured pipeline and turn its ``Doc`` into records.

``build_nlp(cfg)`` loads ``cfg.nlp.model`` (a spaCy pipeline name or path, or
``blank:de``), applies the finance tokenizer rules, and adds the finnews
components named in ``cfg.nlp.components`` in order. Components are registered
spaCy factories, so a user can equally build the pipeline from a spaCy config.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable, Iterator, Optional

import spacy
from spacy.language import Language

from pipeline.config import Config
from pipeline.nlp.extensions import register_extensions
from pipeline.nlp.tokenizer import customize_tokenizer
from pipeline.records import Article, Document

log = logging.getLogger(__name__)

register_extensions()


def _import_components() -> None:
    """Import the modules whose ``@Language.factory`` decorators register components."""
    import importlib

    for module in ("companies", "persons", "figures", "quotes", "claims", "segmentation", "compound_names",
                   "institution_nouns", "currency_names"):
        try:
            importlib.import_module(f"pipeline.nlp.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"pipeline.nlp.{module}":
                raise


def load_base_pipeline(name: str, cfg: Config) -> Language:
    """Load a spaCy pipeline by name or path; ``blank:de`` gives an empty German one.

    Relative paths are resolved against the project root; anything else is passed
    to :func:`spacy.load`, so an installed package such as ``de_core_news_lg``
    works for users who have one. ``cfg.nlp.model_overrides`` go to
    :func:`spacy.load` as config overrides.
    """
    if name.startswith("blank:"):
        return spacy.blank(name.split(":", 1)[1])
    overrides = dict(cfg.nlp.model_overrides)
    path = cfg.resolve(name)
    return spacy.load(path if path.exists() else name, config=overrides)


def build_nlp(cfg: Config) -> Language:
    """Build the configured spaCy pipeline.

    Args:
        cfg: the loaded config; ``cfg.nlp`` names the base model and components.

    Returns:
        A ready :class:`spacy.language.Language`.
    """
    _import_components()
    nlp = load_base_pipeline(cfg.nlp.model, cfg)
    if cfg.nlp.finance_tokenizer:
        customize_tokenizer(nlp.tokenizer)
    added = []
    for name, component_cfg in cfg.nlp.components.items():
        component_cfg = dict(component_cfg or {})
        factory = component_cfg.pop("factory", name)
        before = component_cfg.pop("before", None)
        first = bool(component_cfg.pop("first", False))
        if name in nlp.pipe_names:
            continue
        added.append(nlp.add_pipe(factory, name=name, config=component_cfg, before=before, first=first or None))
    # Initialise only the components added here: nlp.initialize() would reset trained weights.
    for component in added:
        if hasattr(component, "initialize"):
            component.initialize(lambda: [], nlp=nlp)
    log.info("spaCy pipeline: %s (%s)", cfg.nlp.model, ", ".join(nlp.pipe_names))
    return nlp


class NlpStage:
    """Runs the spaCy pipeline over articles in batches and returns :class:`Document`\\ s."""

    def __init__(self, nlp: Language, batch_size: int = 16, model_path: Optional[Path] = None):
        self.nlp = nlp
        self.batch_size = batch_size
        self.model_path = model_path  # the base pipeline's directory, when it is one (for run.json)

    @classmethod
    def from_config(cls, cfg: Config) -> "NlpStage":
        path = cfg.resolve(cfg.nlp.model) if not cfg.nlp.model.startswith("blank:") else None
        return cls(build_nlp(cfg), batch_size=cfg.nlp.batch_size, model_path=path if path and path.is_dir() else None)

    def process(self, articles: Iterable[Article]) -> Iterator[Document]:
        """Yield one :class:`Document` per article, in input order."""
        from pipeline.nlp.to_records import doc_to_document

        pairs = ((article.text, article) for article in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size):
            yield doc_to_document(doc, article)
