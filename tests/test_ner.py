"""NER corpus conversion, held-out logic, scoring, training and the shipped model."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import spacy

from pipeline.config import PROJECT_ROOT, load_config
from pipeline.ner import corpora
from pipeline.ner.corpora import CorpusPaths, NerExample
from pipeline.ner.dataset import (
    build_docs,
    example_to_doc,
    heldout_keys,
    split_sentences,
    text_key,
    tokenizer_nlp,
    training_examples,
)
from pipeline.ner.scoring import SpanScorer, is_named_mention

SHARED = load_config().data_dir
HAS_SHARED = (SHARED / "ner" / "germeval2014").exists()

GERMEVAL_TSV = """#\thttp://de.wikipedia.org/wiki/Siemens\t[2009-10-23]
1\tDer\tO\tO
2\tSiemens-Chef\tB-ORGpart\tO
3\tsprach\tO\tO
4\tmit\tO\tO
5\tdeutschen\tB-LOCderiv\tO
6\tLesern\tO\tO
7\tdes\tO\tO
8\tSpiegel\tB-OTH\tO
9\tin\tO\tO
10\tBad\tB-LOC\tO
11\tHomburg\tI-LOC\tO
12\t.\tO\tO

#\thttp://www.handelsblatt.com/unternehmen/bayer\t[2009-10-23]
1\tBayer\tB-ORG\tO
2\tverkauft\tO\tO
3\tseine\tO\tO
4\tDeutschlandreise\tB-LOCpart\tO
5\t.\tO\tO

"""


def _labelled(doc):
    return [(ent.text, ent.label_) for ent in doc.ents]


@pytest.fixture(scope="module")
def nlp():
    return tokenizer_nlp()


@pytest.fixture
def germeval_file(tmp_path):
    path = tmp_path / "ger.tsv"
    path.write_text(GERMEVAL_TSV, encoding="utf-8")
    return path


# ----------------------------------------------------------------- label mapping


def test_bio_chunks_reads_bio_and_iob1():
    assert corpora.bio_chunks(["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC"]) == [(0, 2, "PER"), (3, 5, "LOC"), (5, 6, "LOC")]
    assert corpora.bio_chunks(["I-ORG", "I-PER"]) == [(0, 1, "ORG"), (1, 2, "PER")]


def test_germeval_news_split_by_source_url(germeval_file):
    sentences = list(corpora.read_germeval(germeval_file))
    assert [s.is_news for s in sentences] == [False, True]
    assert corpora.is_wikipedia("https://en.wikipedia.org/wiki/X")
    assert not corpora.is_wikipedia("http://www.welt.de/wikipedia.org")


@pytest.mark.parametrize(
    "policy, expected, missing",
    [
        ("name", [("Siemens", "ORG"), ("Spiegel", "MISC"), ("Bad Homburg", "LOC")], []),
        ("o", [("Spiegel", "MISC"), ("Bad Homburg", "LOC")], []),
        ("missing", [("Spiegel", "MISC"), ("Bad Homburg", "LOC")], ["Siemens", "-", "Chef"]),
    ],
)
def test_germeval_mapping_and_part_policies(germeval_file, nlp, policy, expected, missing):
    sentence = next(corpora.read_germeval(germeval_file))
    example = corpora.germeval_example(sentence, part_policy=policy)
    doc = example_to_doc(nlp, example)
    assert _labelled(doc) == expected  # OTH -> MISC, deriv -> O
    assert [t.text for t in doc if t.ent_iob == 0] == missing
    assert [t.ent_iob_ for t in doc if t.text == "deutschen"] == ["O"]
    assert [example.text[s:e] for s, e in example.ignore] == ["Siemens-Chef"]


def test_part_word_without_hyphen_is_outside(germeval_file, nlp):
    sentence = list(corpora.read_germeval(germeval_file))[1]
    doc = example_to_doc(nlp, corpora.germeval_example(sentence, part_policy="name"))
    assert _labelled(doc) == [("Bayer", "ORG")]
    assert doc[3].text == "Deutschlandreise" and doc[3].ent_iob_ == "O"


def test_unknown_part_policy_is_rejected(germeval_file):
    with pytest.raises(ValueError):
        corpora.germeval_example(next(corpora.read_germeval(germeval_file)), part_policy="drop")


def _smartdata_doc(doc_id, text, mentions):
    spans = []
    for surface, kind in mentions:
        start = text.index(surface)
        spans.append({"span": {"start": start, "end": start + len(surface)}, "type": kind})
    return {"id": doc_id, "text": {"string": text}, "conceptMentions": {"array": spans}}


def test_smartdata_mapping(nlp):
    text = "Die Lufthansa und Verdi streiken am 3. Mai in deutschen Städten. Der ICE 55 fällt in Berlin aus."
    document = _smartdata_doc("d1", text, [
        ("Lufthansa", "organization-company"), ("Verdi", "organization"), ("3. Mai", "date"),
        ("deutschen", "location"), ("ICE 55", "location-route"), ("Berlin", "location-city"),
    ])
    doc = example_to_doc(nlp, corpora.smartdata_example(document))
    assert _labelled(doc) == [("Lufthansa", "ORG"), ("Verdi", "ORG"), ("Berlin", "LOC")]
    assert [t.text for t in doc if t.ent_iob == 0] == ["ICE", "55"]


def test_projection_trims_punctuation_and_follows_finance_tokens(nlp):
    text = "StarCapital AG, sagte der Infineon-Sprecher."
    example = NerExample(text=text, spans=[(0, 15, "ORG"), (26, 34, "ORG")])
    doc = example_to_doc(nlp, example)
    assert _labelled(doc) == [("StarCapital AG", "ORG"), ("Infineon", "ORG")]


def test_ler_europeana_hipe_readers(tmp_path, nlp):
    ler = tmp_path / "ler_dev.conll"
    ler.write_bytes("Die O\r\nSiemens B-UN\r\nAG I-UN\r\nverstößt O\r\ngegen O\r\n§ B-GS\r\n1 I-GS\r\nBGB I-GS\r\n\r\n".encode())
    doc = example_to_doc(nlp, next(corpora.read_ler(ler)))
    assert _labelled(doc) == [("Siemens AG", "ORG")]
    assert [t.text for t in doc if t.ent_iob == 0] == ["§", "1", "BGB"]

    bio = tmp_path / "enp_DE.x.bio"
    bio.write_text("Herr O\nMüller B-PEr\nkam O\nnach B-???\nWien I_LOC\n. O\nDann O\n", encoding="utf-8")
    europeana = list(corpora.read_europeana(bio, max_tokens=8))
    assert [e.text for e in europeana] == ["Herr Müller kam nach Wien .", "Dann"]
    doc = example_to_doc(nlp, europeana[0])
    assert _labelled(doc) == [("Müller", "PER"), ("Wien", "LOC")]
    assert [t.text for t in doc if t.ent_iob == 0] == ["nach"]

    hipe = tmp_path / "HIPE-2022-v2.1-sonar-dev-de.tsv"
    hipe.write_text(
        "TOKEN\tNE-COARSE-LIT\tNE-COARSE-METO\tMISC\n# hipe2022:document_id = d1\n"
        "Die\tO\t_\t_\nNeueſte\tB-HumanProd\t_\t_\naus\tO\t_\t_\nWien\tB-LOC\t_\tNoSpaceAfter\n.\tO\t_\tEndOfSentence\n"
        "Neu\tO\t_\t_\n",
        encoding="utf-8",
    )
    examples = list(corpora.read_hipe(hipe))
    assert [e.text for e in examples] == ["Die Neueste aus Wien.", "Neu"]
    assert _labelled(example_to_doc(nlp, examples[0])) == [("Neueste", "MISC"), ("Wien", "LOC")]
    assert CorpusPaths(tmp_path).hipe() == []  # files live under hipe2022/, and hipe2020 is never listed


# ----------------------------------------------------------------- held-out exclusion


def _write_corpora(root: Path) -> CorpusPaths:
    paths = CorpusPaths(root / "ner")
    paths.germeval_test.parent.mkdir(parents=True)
    paths.germeval_test.write_text(GERMEVAL_TSV, encoding="utf-8")
    paths.germeval_dev.write_text(GERMEVAL_TSV.split("\n\n")[1] + "\n\n", encoding="utf-8")  # the news sentence again
    paths.smartdata_pool.parent.mkdir(parents=True)
    held_doc = _smartdata_doc("v3", "Boeing liefert Jets. Airbus auch.", [("Boeing", "organization-company")])
    same_text = _smartdata_doc("other-id", "Boeing  liefert Jets.  Airbus auch.", [])
    train_doc = _smartdata_doc("v1", "Die BASF wächst. Airbus auch.", [("BASF", "organization-company")])
    with gzip.open(paths.smartdata_pool, "wt", encoding="utf-8") as out:
        for doc in (held_doc, same_text, train_doc, train_doc):
            out.write(json.dumps(doc) + "\n")
    with gzip.open(paths.smartdata_v3_dev, "wt", encoding="utf-8") as out:
        out.write(json.dumps(held_doc) + "\n")
    return paths


def test_heldout_sets_never_enter_training(tmp_path, nlp):
    paths = _write_corpora(tmp_path)
    held = heldout_keys(paths, nlp)
    assert held.smartdata_ids == {"v3"}
    examples = list(training_examples(paths, held, sources=["germeval", "smartdata"]))
    # the news sentence of the test file is held out; its copy in the dev file is read but dropped below
    assert [e.source for e in examples] == ["germeval-dev", "germeval-test-wiki", "smartdata-v1", "smartdata-v1"]
    train, dev, stats = build_docs(examples, held, nlp)
    texts = [d.text for d in train + dev]
    assert all(text_key(t) not in held.sentence_keys for t in texts)
    assert "Bayer verkauft seine Deutschlandreise ." not in texts
    assert texts.count("Airbus auch.") == 0  # a sentence of a held-out document
    assert texts.count("Die BASF wächst.") == 1  # the duplicate document is dropped
    assert stats.heldout_overlap == 3 and stats.duplicates == 1


def test_split_sentences_keeps_entities_and_missing(nlp):
    example = NerExample(text="Bosch wächst\nDie S1 fährt nicht. Ende", spans=[(0, 5, "ORG")], missing=[(17, 19)])
    sentences = split_sentences(example_to_doc(nlp, example))
    assert [s.text for s in sentences] == ["Bosch wächst", "Die S1 fährt nicht.", "Ende"]
    assert _labelled(sentences[0]) == [("Bosch", "ORG")]
    assert [t.text for t in sentences[1] if t.ent_iob == 0] == ["S1"]


# ----------------------------------------------------------------- scoring


def test_strict_span_scoring_and_ignores():
    scorer = SpanScorer(("ORG", "PER"))
    gold = [(0, 7, "ORG"), (10, 15, "PER")]
    pred = [(0, 7, "ORG"), (10, 14, "PER"), (20, 25, "ORG"), (30, 35, "ORG"), (40, 44, "ORG")]
    scorer.add(gold, pred, ignore_spans=[(20, 25)], ignore_ranges=[(29, 36)])
    assert (scorer.counts["ORG"].tp, scorer.counts["ORG"].fp, scorer.counts["ORG"].fn) == (1, 1, 0)
    assert (scorer.counts["PER"].tp, scorer.counts["PER"].fp, scorer.counts["PER"].fn) == (0, 1, 1)
    assert scorer.counts["ALL"].precision == pytest.approx(1 / 3)
    assert scorer.counts["ALL"].recall == pytest.approx(1 / 2)


@pytest.mark.parametrize(
    "words, named",
    [
        (["Lufthansa"], True), (["dpa"], True), (["handelsblatt"], True), (["German", "Pellets", "GmbH"], True),
        (["Commerzbank"], True), (["Konzern"], False), (["Der", "Konzern"], False), (["Privatbank"], False),
        (["der", "italienische", "Sportwagenhersteller"], False), (["Chinesen"], False),
        (["10.12.15", "01:00"], False), (["Siemens", "-", "Konzern"], True),
    ],
)
def test_named_company_mentions(words, named):
    assert is_named_mention(words) is named


# ----------------------------------------------------------------- training code on tiny data


def test_training_and_export_on_tiny_data(tmp_path, nlp):
    from spacy.tokens import DocBin

    from pipeline.ner.train import export_pipeline, train_pipeline

    sentences = [
        NerExample("Siemens-Chef Joe Kaeser kommt nach Berlin.", [(0, 7, "ORG"), (13, 23, "PER"), (35, 41, "LOC")]),
        NerExample("Die Allianz wächst in München.", [(4, 11, "ORG"), (22, 29, "LOC")]),
    ] * 4
    docs = [example_to_doc(nlp, e) for e in sentences]
    DocBin(docs=docs).to_disk(tmp_path / "train.spacy")
    DocBin(docs=docs[:2]).to_disk(tmp_path / "dev.spacy")
    checkpoint = train_pipeline(
        PROJECT_ROOT / "configs" / "ner" / "cnn.cfg", tmp_path / "train.spacy", tmp_path / "dev.spacy", tmp_path / "run",
        overrides={"training.max_steps": 3, "training.eval_frequency": 1, "components.tok2vec.model.encode.width": 16},
    )
    assert checkpoint.exists()
    target = export_pipeline(checkpoint, tmp_path / "exported")
    loaded = spacy.load(target)  # no finnews import needed for the tokenizer rules
    assert loaded.pipe_names == ["tok2vec", "ner"]
    assert set(loaded.get_pipe("ner").labels) == {"ORG", "PER", "LOC"}
    assert [t.text for t in loaded("Infineon-Papiere 3 Mrd. Euro")] == ["Infineon", "-", "Papiere", "3", "Mrd.", "Euro"]


def test_gold_copies_weigh_gold_against_silver(tmp_path, nlp):
    from spacy.tokens import DocBin

    from pipeline.ner.train import copy_gold

    gold = tmp_path / "gold.spacy"
    DocBin(docs=[example_to_doc(nlp, NerExample("Die Allianz wächst.", [(4, 11, "ORG")]))]).to_disk(gold)
    out = tmp_path / "data_silver"
    assert [p.name for p in copy_gold(gold, out, 3)] == ["train.spacy", "train_2.spacy", "train_3.spacy"]
    # a later run with fewer copies leaves no stale copy for spaCy to read
    copy_gold(gold, out, 1)
    assert sorted(p.name for p in out.glob("*.spacy")) == ["train.spacy"]
    assert len(list(DocBin().from_disk(out / "train.spacy").get_docs(nlp.vocab))) == 1
    with pytest.raises(ValueError, match="at least 1"):
        copy_gold(gold, out, 0)


# ----------------------------------------------------------------- the real corpora


@pytest.mark.shared
@pytest.mark.slow  # reads and tokenises all GermEval and SmartData files: ~10-30 s on 2 shared cores
@pytest.mark.skipif(not HAS_SHARED, reason="needs ../shared/corpora/ner (set FINNEWS_DATA_DIR)")
def test_real_heldout_sets_are_excluded(nlp):
    paths = CorpusPaths(SHARED / "ner")
    held = heldout_keys(paths, nlp)
    assert len(held.smartdata_ids) == 228
    examples = list(training_examples(paths, held, sources=["germeval", "smartdata"]))
    assert not any(e.source.startswith("smartdata") and e.doc_id in held.smartdata_ids for e in examples)
    news_test = sum(1 for s in corpora.read_germeval(paths.germeval_test) if s.is_news)
    assert news_test > 2000  # about half of the 5,100 test sentences
    train, dev, _ = build_docs(examples, held, nlp)
    assert all(text_key(d.text) not in held.sentence_keys for d in train + dev)


def test_finance_tokenizer_keeps_report_abbreviations(nlp):
    doc = nlp("Der Umsatz stieg ggü. Vj. im 1. Hj. um 5 Mill. Euro, sagte die Dt. Bank in Ffm. zur VW-Aktie.")
    words = [t.text for t in doc]
    for abbreviation in ("Vj.", "Hj.", "Mill.", "Dt.", "Ffm."):
        assert abbreviation in words
    assert words[-4:] == ["VW", "-", "Aktie", "."]


def test_finance_tokenizer_ends_a_sentence_after_a_legal_form(nlp):
    words = [t.text for t in nlp("Er verkaufte an die Muster GmbH. Die Muster KGaA. schwieg, die Acme Inc. auch.")]
    assert words[4:7] == ["Muster", "GmbH", "."] and words[8:11] == ["Muster", "KGaA", "."]
    assert "Inc." in words  # "Inc." is an abbreviation and keeps its period


def test_ner_evaluate_stage_takes_the_config_pipeline_not_a_model(tmp_path):
    from pipeline.ner.evaluate import main

    (tmp_path / "ner").mkdir()
    assert main(["--stage", "--model", "models/ner", "--data-dir", str(tmp_path)]) == 2


@pytest.mark.shared
@pytest.mark.slow  # tags the 228 SmartData v3 dev documents twice: ~15 s
@pytest.mark.skipif(not HAS_SHARED, reason="needs ../shared/corpora/ner (set FINNEWS_DATA_DIR)")
def test_ner_evaluate_stage_finds_companies_the_model_alone_misses(tmp_path):
    from pipeline.ner.evaluate import main

    def companies_f1(*extra: str) -> float:
        out = tmp_path / f"eval{len(extra)}.json"
        assert main(["--set", "smartdata-v3-dev", "--json", str(out), *extra]) == 0
        return json.loads(out.read_text())["scores"]["smartdata-v3-dev named companies"]["ALL"]["f1"]

    # the gazetteer ruler adds listed companies the CNN does not tag
    assert companies_f1("--stage") > companies_f1() + 0.03
