"""Evaluation: gold formats, importers, metrics and the ``finnews evaluate`` scorecard."""
