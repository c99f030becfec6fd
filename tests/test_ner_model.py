"""The shipped NER pipelines: the CNN (models/ner, `--profile fast`) loads as a plain spaCy pipeline and tags
obvious news; the e5 tagger (models/ner/accurate) is the default."""

from __future__ import annotations

import pytest
import spacy

from pipeline.config import PROJECT_ROOT, load_config

SHIPPED = PROJECT_ROOT / "models" / "ner"


def _labelled(doc):
    return [(ent.text, ent.label_) for ent in doc.ents]


@pytest.fixture(scope="module")
def shipped():
    if not (SHIPPED / "config.cfg").exists():
        pytest.fail("models/ner is not shipped")
    return spacy.load(SHIPPED)


def test_shipped_model_is_a_plain_pipeline(shipped):
    assert shipped.pipe_names == ["tok2vec", "ner"]
    assert set(shipped.get_pipe("ner").labels) == {"ORG", "PER", "LOC", "MISC"}
    assert [t.text for t in shipped.tokenizer("Siemens-Chef")] == ["Siemens", "-", "Chef"]


def test_shipped_model_tags_an_obvious_sentence(shipped):
    doc = shipped("Die Deutsche Bank hat am Montag in Frankfurt ihre Zahlen vorgelegt, sagte Vorstandschef Christian Sewing.")
    found = _labelled(doc)
    assert ("Deutsche Bank", "ORG") in found
    assert ("Frankfurt", "LOC") in found
    assert ("Christian Sewing", "PER") in found


ACCURATE = SHIPPED / "accurate"


def _check_pipeline_finds_companies(nlp, ner_name):
    from pipeline.nlp.extensions import entity_mentions

    names = nlp.pipe_names
    assert ner_name in names
    if "finnews_companies" in names:  # the gazetteer ruler runs after the statistical NER
        assert names.index(ner_name) < names.index("finnews_companies")
    doc = nlp("Die Allianz-Aktie stieg.\nBASF meldet Gewinn")
    # A name inside a compound word is a mention, kept beside doc.ents (pipeline/nlp/compound_names.py).
    mentions = [(e.text, e.label_) for e in entity_mentions(doc)]
    assert ("Allianz", "ORG") in mentions and ("BASF", "ORG") in mentions


@pytest.mark.slow  # loads the 470 MB e5 base encoder (built on first use when missing)
def test_accurate_model_is_the_default():
    from pipeline.nlp import build_nlp

    cfg = load_config()
    assert cfg.resolve(cfg.nlp.model) == ACCURATE
    assert cfg.resolve(load_config().with_profile("accurate").nlp.model) == ACCURATE
    assert (ACCURATE / "finnews_e5_ner" / "adapter_model.safetensors").exists()
    _check_pipeline_finds_companies(build_nlp(cfg), "finnews_e5_ner")


def test_fast_profile_is_the_shipped_cnn():
    from pipeline.nlp import build_nlp

    cfg = load_config().with_profile("fast")
    assert cfg.resolve(cfg.nlp.model) == SHIPPED
    nlp = build_nlp(cfg)
    assert "tok2vec" in nlp.pipe_names
    _check_pipeline_finds_companies(nlp, "ner")


def test_int8_profile_loads_the_accurate_model_with_its_encoder_quantised():
    from pipeline.nlp import load_base_pipeline

    # nlp.model_overrides reach spacy.load as config overrides (the e5 base loads only on first use)
    for profile, quantised in (("accurate", False), ("accurate_int8", True)):
        cfg = load_config().with_profile(profile)
        nlp = load_base_pipeline(cfg.nlp.model, cfg)
        assert nlp.get_pipe("finnews_e5_ner").quantize is quantised


@pytest.mark.slow  # loads the 470 MB e5 base encoder (~10-20 s on 2 shared cores)
@pytest.mark.skipif(not (PROJECT_ROOT / ".cache" / "e5-base" / "config.json").exists(),
                    reason="e5 base not built (finnews models build-base)")
def test_accurate_pipeline_tags_an_obvious_sentence():
    nlp = spacy.load(ACCURATE)
    assert nlp.pipe_names == ["finnews_e5_ner"]
    doc = nlp("Die Deutsche Bank hat am Montag in Frankfurt ihre Zahlen vorgelegt, sagte Vorstandschef Christian Sewing.")
    found = _labelled(doc)
    assert ("Frankfurt", "LOC") in found
    assert ("Christian Sewing", "PER") in found
    assert any(label == "ORG" and "Deutsche Bank" in text for text, label in found)
