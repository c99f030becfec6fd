"""Training and evaluation of the shipped German news NER model (``models/ner``).

* :mod:`pipeline.ner.corpora` reads the open NER corpora into
  :class:`~pipeline.ner.corpora.NerExample` records with coarse labels
  (ORG, PER, LOC, MISC) and documents the label mapping.
* :mod:`pipeline.ner.dataset` turns examples into spaCy ``Doc``\\ s with the
  finance tokenizer, removes duplicates and the held-out evaluation sets, and
  writes ``DocBin`` files.
* :mod:`pipeline.ner.scoring` scores predicted against gold spans (strict span
  matching) and defines the "named company mention" measure.
* :mod:`pipeline.ner.evaluate` runs a pipeline over the held-out sets and
  prints per-label precision, recall and F1 (``python -m pipeline.ner.evaluate``).
* :mod:`pipeline.ner.train` drives ``spacy train`` with ``configs/ner/*.cfg``
  and exports the shipped pipeline (``finnews train ner``).
"""

LABELS = ("ORG", "PER", "LOC", "MISC")
