"""Evaluation: gold formats, importers, metrics and the ``finnews evaluate`` scorecard.

Modules, in the order data flows through them:

* :mod:`~pipeline.evaluate.gold` – gold records, the gold JSONL format, loader and validator;
* importers: :mod:`~pipeline.evaluate.wikinews` (quotes), :mod:`~pipeline.evaluate.conll`
  (GermEval, CoNLL), :mod:`~pipeline.evaluate.annotation_tools` (DocBin, Label Studio, doccano);
  :mod:`~pipeline.evaluate.sources` detects the format and dispatches;
* :mod:`~pipeline.evaluate.predict` – predictions from the pipeline, a run folder or a
  :mod:`~pipeline.evaluate.baselines` predictor (:mod:`~pipeline.evaluate.oracle`: the
  pipeline on gold entity mentions, ``--gold-entities``); :mod:`~pipeline.evaluate.align`
  pairs them with gold documents by id;
* metrics: :mod:`~pipeline.evaluate.ner_metrics`, :mod:`~pipeline.evaluate.link_metrics`,
  :mod:`~pipeline.evaluate.figure_metrics`, :mod:`~pipeline.evaluate.quote_metrics`,
  :mod:`~pipeline.evaluate.sentiment_metrics`, :mod:`~pipeline.evaluate.claim_metrics` (shared containers in
  :mod:`~pipeline.evaluate.scores`, entity identity in :mod:`~pipeline.evaluate.entity_match`);
* :mod:`~pipeline.evaluate.scorecard` assembles the sections and
  :mod:`~pipeline.evaluate.bootstrap` their intervals; :mod:`~pipeline.evaluate.report`
  prints or writes JSON; :mod:`~pipeline.evaluate.command` is the work behind the CLI.

``authoring`` belongs to the gold fixtures (``corpus/fixtures``): it compiles their sources.
"""
