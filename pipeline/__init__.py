"""finnews: German financial-news NLP.

Data flows one way: ``ingest -> nlp -> sentiment -> link -> aggregate -> export``.
"""

__version__ = "0.1.0"
