"""NER scores under the four schemes (worked by hand), agreement with spaCy, and the NER importers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.scorer import Scorer
from spacy.tokens import DocBin, Span
from spacy.training import Example

from pipeline.evaluate.align import pair_documents
from pipeline.evaluate.annotation_tools import read_docbin, read_doccano, read_labelstudio
from pipeline.evaluate.conll import bio_to_spans, read_conll, read_germeval
from pipeline.evaluate.gold import GoldDocument, GoldEntity, gold_to_article
from pipeline.evaluate.ner_metrics import score_entities
from pipeline.evaluate.sources import detect_format, load_gold_source
from pipeline.records import Document, EntityMention

from conftest import SHARED_CORPORA, requires_shared, strict_ner_counts

DATA = Path(__file__).parent / "data" / "evaluate"
GERMEVAL_TEST = SHARED_CORPORA / "ner" / "germeval2014" / "NER-de-test.tsv"


def _at(text: str, part: str) -> tuple[int, int]:
    i = text.index(part)
    return i, i + len(part)


def _gold(doc_id: str, text: str, ents: list[tuple[str, str]]) -> GoldDocument:
    entities = [GoldEntity(*_at(text, part), part, label, part) for part, label in ents]
    return GoldDocument(id=doc_id, text=text, entities=sorted(entities, key=lambda e: e.start))


def _pred(gold: GoldDocument, ents: list[tuple[str, str]]) -> Document:
    return Document(article=gold_to_article(gold),
                    mentions=[EntityMention(part, label, *_at(gold.text, part)) for part, label in ents])


TEXT = "Siemens Energy und SAP steigen in Frankfurt ."
GOLD = [("Siemens Energy", "ORG"), ("SAP", "ORG"), ("Frankfurt", "LOC")]
# Siemens: boundary error; SAP: label error; Frankfurt: right; steigen: spurious.
PRED = [("Siemens", "ORG"), ("SAP", "PER"), ("Frankfurt", "LOC"), ("steigen", "MISC")]


def test_four_schemes_by_hand():
    gold = _gold("x", TEXT, GOLD)
    section = score_entities(pair_documents([gold], [_pred(gold, PRED)]))
    micro = section.metrics["micro"]
    # strict: COR 1 (Frankfurt), INC 2 (Siemens, SAP), SPU 1 (steigen); ACT 4, POS 3.
    assert (micro["strict"]["correct"], micro["strict"]["incorrect"], micro["strict"]["spurious"]) == (1, 2, 1)
    assert micro["strict"]["precision"] == pytest.approx(1 / 4) and micro["strict"]["recall"] == pytest.approx(1 / 3)
    assert micro["strict"]["f1"] == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    # exact: boundaries only, so SAP (right span, wrong label) is correct too: P 2/4, R 2/3.
    assert micro["exact"]["precision"] == pytest.approx(0.5) and micro["exact"]["recall"] == pytest.approx(2 / 3)
    # partial: Frankfurt, SAP correct; Siemens partial (counts 0.5): P 2.5/4, R 2.5/3.
    assert micro["partial"]["precision"] == pytest.approx(0.625) and micro["partial"]["recall"] == pytest.approx(2.5 / 3)
    # type: overlap with the same label: Frankfurt, Siemens correct; SAP incorrect: P 2/4, R 2/3.
    assert micro["type"]["precision"] == pytest.approx(0.5) and micro["type"]["recall"] == pytest.approx(2 / 3)
    # per label (strict): LOC 1/1; ORG: Siemens incorrect and SAP missed -> 0; PER and MISC spurious -> 0.
    per = section.metrics["per_label"]
    assert per["LOC"]["strict"]["f1"] == 1.0 and per["ORG"]["strict"]["f1"] == 0.0
    assert per["ORG"]["strict"]["missed"] == 1
    # macro strict F1 = mean over LOC, MISC, ORG, PER = (1 + 0 + 0 + 0) / 4.
    assert section.metrics["macro"]["strict"]["f1"] == pytest.approx(0.25)
    assert section.headlines[0].value == pytest.approx(micro["strict"]["f1"])
    whats = {e.what for e in section.errors}
    assert {"boundary of ORG", "label ORG predicted as PER", "spurious MISC"} <= whats


def _spacy_example(nlp, text: str, gold: list[tuple[str, str]], pred: list[tuple[str, str]]) -> Example:
    def doc_with(ents):
        doc = nlp.make_doc(text)
        doc.ents = [doc.char_span(*_at(text, part), label=label) for part, label in ents]
        return doc

    return Example(doc_with(pred), doc_with(gold))


def test_strict_scheme_agrees_with_spacy_scorer():
    nlp = spacy.blank("de")
    cases = [
        (TEXT, GOLD, PRED),
        ("Angela Merkel besucht BASF in Ludwigshafen .", [("Angela Merkel", "PER"), ("BASF", "ORG"), ("Ludwigshafen", "LOC")],
         [("Merkel", "PER"), ("BASF", "ORG"), ("Ludwigshafen", "LOC")]),
        ("Der Dax fällt , Bayer auch .", [("Dax", "INDEX"), ("Bayer", "ORG")], [("Bayer", "ORG")]),
        ("Nichts passiert .", [], [("Nichts", "MISC")]),
    ]
    golds = [_gold(f"d{i}", t, g) for i, (t, g, _) in enumerate(cases)]
    preds = [_pred(gold, p) for gold, (_, _, p) in zip(golds, cases)]
    ours = score_entities(pair_documents(golds, preds)).metrics["micro"]["strict"]
    theirs = Scorer.score_spans([_spacy_example(nlp, t, g, p) for t, g, p in cases], "ents")
    assert ours["precision"] == pytest.approx(theirs["ents_p"])
    assert ours["recall"] == pytest.approx(theirs["ents_r"])
    assert ours["f1"] == pytest.approx(theirs["ents_f"])


def test_unknown_predicted_labels_are_mapped_or_dropped():
    gold = _gold("g", "Der Dax fällt .", [("Dax", "MISC")])
    gold.linked = False  # an imported corpus: label set = gold labels = {MISC}
    pred = _pred(gold, [("Dax", "INDEX")])
    mapped = score_entities(pair_documents([gold], [pred]))
    assert mapped.metrics["micro"]["strict"]["f1"] == 1.0  # INDEX -> MISC by default (GermEval tags indices OTH)
    as_org = score_entities(pair_documents([gold], [pred]), unknown_label_map={"INDEX": "ORG"})
    assert as_org.metrics["micro"]["strict"]["f1"] == 0.0
    dropped = score_entities(pair_documents([gold], [pred]), unknown_label_map={"INDEX": ""})
    assert dropped.metrics["micro"]["strict"]["actual"] == 0 and dropped.metrics["micro"]["strict"]["missed"] == 1


def test_bio_decoding_accepts_iob1_iob2_and_bioes():
    assert bio_to_spans(["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC"]) == [(0, 2, "PER"), (3, 5, "LOC"), (5, 6, "LOC")]
    assert bio_to_spans(["S-ORG", "B-LOC", "E-LOC", "U-PER", "I-ORG"]) == [(0, 1, "ORG"), (1, 3, "LOC"), (3, 4, "PER"), (4, 5, "ORG")]
    assert bio_to_spans(["B-ORG", "I-PER"]) == [(0, 1, "ORG"), (1, 2, "PER")]


def test_germeval_import_outer_level_with_deriv_and_part_dropped():
    docs = read_germeval(DATA / "germeval_mini.tsv")
    assert [d.id for d in docs] == ["germeval_mini:1", "germeval_mini:2"]
    first, second = docs
    assert first.text == "Die Siemens-Aktie stieg in Frankfurt am Main ."
    assert [(e.text, e.label) for e in first.entities] == [("Frankfurt am Main", "LOC")]  # ORGpart dropped
    # LOCderiv dropped, OTH -> MISC, the nested inner ORG ignored.
    assert [(e.text, e.label) for e in second.entities] == [("Angela Merkel", "PER"), ("Spiegel", "MISC")]
    assert second.layers == {"entities"}
    assert (first.tags, second.tags) == (["wikipedia"], ["news"])  # from the source URL comment lines
    assert detect_format(DATA / "germeval_mini.tsv") == "germeval"
    assert len(read_germeval(DATA / "germeval_mini.tsv", limit=1)) == 1


def test_conll_import_with_docstart_iob1_and_bioes():
    docs = read_conll(DATA / "conll_mini.txt", label_map={"MISC": "INDEX"})
    assert [[(e.text, e.label) for e in d.entities] for d in docs] == [
        [("SAP", "ORG"), ("BASF", "ORG")],  # IOB1: I-ORG after O starts a new entity
        [("Dax", "INDEX"), ("New York", "LOC")],
    ]
    assert detect_format(DATA / "conll_mini.txt") == "conll"


def test_doccano_both_export_shapes(tmp_path):
    path = tmp_path / "doccano.jsonl"
    lines = [
        {"id": 7, "text": "SAP kauft Signavio .", "label": [[0, 3, "ORG"], [10, 18, "ORG"]]},
        {"text": "Klein lacht .", "entities": [{"id": 1, "start_offset": 0, "end_offset": 5, "label": "PERSON"}]},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    docs = read_doccano(path, label_map={"PERSON": "PER"})
    assert [d.id for d in docs] == ["7", "2"]
    assert [(e.text, e.label) for e in docs[0].entities] == [("SAP", "ORG"), ("Signavio", "ORG")]
    assert [(e.text, e.label) for e in docs[1].entities] == [("Klein", "PER")]


def test_labelstudio_export_uses_first_finished_annotation(tmp_path):
    tasks = [
        {"id": 1, "data": {"text": "Bayer fällt in Leverkusen ."}, "annotations": [
            {"was_cancelled": True, "result": []},
            {"result": [
                {"type": "labels", "value": {"start": 0, "end": 5, "text": "Bayer", "labels": ["ORG"]}},
                {"type": "labels", "value": {"start": 15, "end": 25, "text": "Leverkusen", "labels": ["LOC"]}},
                {"type": "choices", "value": {"choices": ["negativ"]}},
            ]},
        ]},
        {"id": 2, "data": {"text": "Ohne Annotation ."}, "annotations": []},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    assert detect_format(path) == "labelstudio"
    docs = read_labelstudio(path)
    assert len(docs) == 1 and docs[0].id == "1"
    assert [(e.text, e.label) for e in docs[0].entities] == [("Bayer", "ORG"), ("Leverkusen", "LOC")]


def test_docbin_import_reads_ents_and_quote_spans(tmp_path):
    nlp = spacy.blank("de")
    doc = nlp.make_doc("Klein sagte , SAP wachse .")
    doc.ents = [Span(doc, 0, 1, label="PER"), Span(doc, 3, 4, label="ORG")]
    doc.spans["quotes"] = [Span(doc, 3, 5, label="indirect")]
    path = tmp_path / "gold.spacy"
    DocBin(docs=[doc], store_user_data=True).to_disk(path)
    source = load_gold_source(path)
    assert source.format == "docbin"
    gold = source.documents[0]
    assert [(e.text, e.label) for e in gold.entities] == [("Klein", "PER"), ("SAP", "ORG")]
    assert [(q.kind, q.text) for q in gold.quotes] == [("indirect", "SAP wachse")]
    assert read_docbin(tmp_path)[0].text == doc.text


@requires_shared
def test_germeval_test_file_loads_with_the_published_sentence_count():
    docs = read_germeval(GERMEVAL_TEST)
    assert len(docs) == 5100
    labels = {e.label for d in docs for e in d.entities}
    assert labels == {"PER", "LOC", "ORG", "MISC"}
    for d in docs[:200]:
        for e in d.entities:
            assert d.text[e.start:e.end] == e.text


@requires_shared
def test_strict_scheme_agrees_with_spacy_on_perturbed_germeval_sentences():
    """On 400 GermEval test sentences with systematic errors, strict P/R/F1 equal spaCy's ents_p/r/f."""
    from spacy.tokens import Doc

    nlp = spacy.blank("de")
    golds = read_germeval(GERMEVAL_TEST, limit=400)
    preds, examples = [], []
    n = 0
    for gold in golds:
        words = [gold.text[a:b] for a, b in gold.tokens]
        starts = {a: i for i, (a, _) in enumerate(gold.tokens)}
        ends = {b: i + 1 for i, (_, b) in enumerate(gold.tokens)}
        ref = Doc(nlp.vocab, words=words)
        ref.ents = [Span(ref, starts[e.start], ends[e.end], label=e.label) for e in gold.entities]
        predicted = []
        for e in gold.entities:
            n += 1
            first, last = starts[e.start], ends[e.end]
            if n % 3 == 0:
                continue  # missed
            label = "MISC" if n % 5 == 0 else e.label  # wrong label
            if n % 7 == 0 and last < len(words):
                last += 1  # boundary too long
            predicted.append((first, last, label))
        if len(words) > 3 and not any(a <= 0 < b for a, b, _ in predicted) and not any(e.start == 0 for e in gold.entities):
            predicted.append((0, 1, "ORG"))  # spurious
        hyp = Doc(nlp.vocab, words=words)
        hyp.ents = [Span(hyp, a, b, label=lab) for a, b, lab in sorted(predicted)]
        examples.append(Example(hyp, ref))
        preds.append(Document(article=gold_to_article(gold), mentions=[
            EntityMention(s.text, s.label_, s.start_char, s.end_char) for s in hyp.ents]))
    ours = score_entities(pair_documents(golds, preds)).metrics
    theirs = Scorer.score_spans(examples, "ents")
    assert ours["micro"]["strict"]["precision"] == pytest.approx(theirs["ents_p"])
    assert ours["micro"]["strict"]["recall"] == pytest.approx(theirs["ents_r"])
    assert ours["micro"]["strict"]["f1"] == pytest.approx(theirs["ents_f"])
    for label, scores in theirs["ents_per_type"].items():
        assert ours["per_label"][label]["strict"]["f1"] == pytest.approx(scores["f"])


@pytest.mark.parametrize("part, flag, gold_flag", [
    ("Siemens", "in_compound", "annotates_compound_names"),  # a name inside the compound "Siemens-Aktie"
    ("Aktie", "institution_noun", "annotates_institution_nouns"),  # stands for a noun such as "Bundesregierung"
])
def test_token_level_gold_does_not_score_mentions_outside_its_convention(part, flag, gold_flag):
    # GermEval cannot tag a name inside a one-token compound and tags common nouns for public bodies O;
    # such mentions (pipeline.nlp.compound_names, pipeline.nlp.institution_nouns) are not scored there.
    (gold, _) = read_germeval(DATA / "germeval_mini.tsv")  # "Die Siemens-Aktie stieg in Frankfurt am Main ."
    text = gold.text
    start = text.index(part)
    mentions = [EntityMention(part, "ORG", start, start + len(part), **{flag: True}),
                EntityMention("Frankfurt am Main", "LOC", text.index("Frankfurt"), text.index(" ."))]
    assert strict_ner_counts(gold, mentions) == (1, 1, 1.0)
    # The same prediction against gold that follows finnews' convention is a false positive.
    setattr(gold, gold_flag, True)
    assert strict_ner_counts(gold, mentions)[:2] == (2, 1)
