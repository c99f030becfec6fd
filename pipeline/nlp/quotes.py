"""The ``finnews_quotes`` component: direct, indirect and reported speech with speakers.

Writes ``doc.spans["quotes"]`` as documented in :mod:`pipeline.nlp.extensions`:
one span per quotation, label ``direct``, ``indirect`` or ``reported``, covering
the quoted content (without quotation marks); ``span._.speaker`` (the mention
the cue attaches to, possibly a pronoun), ``span._.speaker_name`` (the resolved
name), ``span._.speaker_role`` and ``span._.cue``.

What counts as what (the conventions of the Wikinews quotation corpus, see
``corpus/README.md``, section "Quotes"):

* ``direct``: words in quotation marks that someone said or wrote, in any
  German quotation style, across sentences and paragraphs; a quotation
  continued without a new cue inherits the last speaker. Titles, names and
  scare quotes (``der Browser „Firefox“``, ``die Einstufung „Equal Weight“``)
  are not quotations.
* ``indirect``: a ``dass``/``ob`` clause or a clause in Konjunktiv after a verb
  of saying (``Er sagte, der Sohn habe sich ...``), a clause attributed by
  ``laut``, ``zufolge``, ``nach Angaben``, ``so`` (``..., so ein Börsianer.``),
  and runs of sentences in Konjunktiv I that go on reporting the last speaker
  (``Die KI-Modelle von DeepSeek seien gut.``).
* ``reported``: a speech act summarised without its wording: the object of a
  verb like ``fordern`` (``forderte eine schnellere Entscheidung``).

Who speaks, in this order: the speaker of the quotation's cue (before or after
the verb, also after a fronted object: ``Den Unmut brachte die Sprecherin zum
Ausdruck: „…“``; a cue in the next sentence that points back: ``„…“ Das sagte
X.``); for a quotation inside reported speech, the speaker of that speech, unless
it was carried from an earlier sentence and the quotation's own sentence has a
named subject; for a quotation without a cue, the last speaker within two
sentences, where a verb of saying that frames no quotation (``X kritisierte die
Pläne. „…“``) also introduces one. A quotation with a cue of its own but no
readable speaker does not continue the last one. Under ``wikinews`` conventions
``X zitiert Y`` has the speaker X (the corpus marks who quotes); under
``finnews`` the one quoted.

The work is split as in spaCy's own components: :meth:`QuoteFinder.match` is
pure and returns :class:`QuoteMatch` records; :meth:`QuoteComponent.set_annotations`
is the only place that writes to the ``Doc``. Which of two overlapping
quotations survives is decided by a registered function
(``finnews.quote_overlaps.v1``).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Callable, Iterable, Optional

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import registry

from pipeline.config import PROJECT_ROOT
from pipeline.nlp.extensions import register_extensions
from pipeline.nlp.quotes_finder import QuoteFinder, QuoteMatch
from pipeline.nlp.speech_verbs import SpeechLexicon, load_speech_lexicon

log = logging.getLogger(__name__)

register_extensions()

DEFAULT_LEXICON = "configs/quotes/lexicon.yaml"
# Priority when two quotations of one kind overlap: lower wins.
RULE_PRIORITY = {"marks": 0, "dass": 1, "clause": 2, "preposed": 2, "marker": 3, "infinitive": 3, "run": 4, "reported": 5}


# ---------------------------------------------------------------------- overlap policy


@registry.misc("finnews.quote_overlaps.v1")
def make_quote_overlap_filter() -> Callable[[list[QuoteMatch]], list[QuoteMatch]]:
    """Registered overlap policy: which of two overlapping quotations survives.

    * A direct quotation inside indirect speech stays (``Sie sei „vollkommen
      geschockt“, sagte sie`` has both, as in the Wikinews corpus).
    * Of two overlapping quotations of the same kind, the one found by the
      stronger rule wins (quotation marks > ``dass`` clause > Konjunktiv
      clause > marker > Konjunktiv run > reported), then the longer one.
    * Reported speech that overlaps indirect speech is dropped.
    """

    def filter_overlaps(matches: list[QuoteMatch]) -> list[QuoteMatch]:
        ranked = sorted(matches, key=lambda m: (RULE_PRIORITY.get(m.rule, 9), -(m.end - m.start), m.start))
        kept: list[QuoteMatch] = []
        for m in ranked:
            clash = False
            for k in kept:
                if m.start >= k.end or k.start >= m.end:
                    continue
                if m.kind == "direct" or k.kind == "direct":
                    # nested is fine, crossing is not
                    inner, outer = (m, k) if m.kind == "direct" else (k, m)
                    if outer.start <= inner.start and inner.end <= outer.end and outer.kind != "direct":
                        continue
                    if m.kind == "direct" and k.kind == "direct":
                        clash = True
                        break
                    # an indirect clause crossing a direct quotation loses to it
                    clash = m.kind != "direct"
                    if clash:
                        break
                    continue
                clash = True
                break
            if not clash:
                kept.append(m)
        return sorted(kept, key=lambda m: (m.start, m.end))

    return filter_overlaps


# ---------------------------------------------------------------------- the component


@Language.factory(
    "finnews_quotes",
    default_config={
        "lexicon_path": DEFAULT_LEXICON,
        "spans_key": "quotes",
        "min_uncued_words": 6,
        "run_window": 3,
        "conventions": "finnews",
        "overlap_filter": {"@misc": "finnews.quote_overlaps.v1"},
    },
)
def make_quotes(
    nlp: Language,
    name: str,
    lexicon_path: str,
    spans_key: str,
    min_uncued_words: int,
    run_window: int,
    conventions: str,
    overlap_filter: Callable[[list[QuoteMatch]], list[QuoteMatch]],
) -> "QuoteComponent":
    """Build the quotation component (see the module docstring).

    Args:
        nlp: the pipeline.
        name: the component name.
        lexicon_path: the cue lexicon YAML; relative paths are resolved against
            the project root.
        spans_key: the ``doc.spans`` key to write.
        min_uncued_words: words a quotation in marks without a cue needs.
        run_window: sentences after a quotation within which Konjunktiv I
            sentences still report its speaker.
        conventions: ``finnews`` or ``wikinews`` (see :data:`pipeline.nlp.quotes_finder.CONVENTIONS`).
        overlap_filter: the registered overlap policy.

    Returns:
        The component; call ``initialize()`` (``build_nlp`` does) to load the lexicon.
    """
    return QuoteComponent(
        nlp,
        name,
        lexicon_path=lexicon_path,
        spans_key=spans_key,
        min_uncued_words=min_uncued_words,
        run_window=run_window,
        conventions=conventions,
        overlap_filter=overlap_filter,
    )


class QuoteComponent:
    """spaCy component writing ``doc.spans[spans_key]`` with quotations and their speakers."""

    def __init__(
        self,
        nlp: Language,
        name: str = "finnews_quotes",
        *,
        lexicon_path: str = DEFAULT_LEXICON,
        spans_key: str = "quotes",
        min_uncued_words: int = 6,
        run_window: int = 3,
        conventions: str = "finnews",
        overlap_filter: Optional[Callable[[list[QuoteMatch]], list[QuoteMatch]]] = None,
    ):
        self.name = name
        self.lexicon_path = lexicon_path
        self.spans_key = spans_key
        self.settings = dict(
            min_uncued_words=min_uncued_words,
            run_window=run_window,
            conventions=conventions,
        )
        self.overlap_filter = overlap_filter or make_quote_overlap_filter()
        self.finder: Optional[QuoteFinder] = None
        QuoteFinder(SpeechLexicon(), **self.settings)  # validate the settings now, not at the first doc

    def _resolve(self, path: str | Path) -> Path:
        path = Path(path)
        return path if path.is_absolute() else PROJECT_ROOT / path

    def initialize(self, get_examples: Optional[Callable[[], Iterable]] = None, *, nlp: Optional[Language] = None, lexicon_path: Optional[str] = None) -> None:
        """Load the cue lexicon.

        Args:
            get_examples: unused (the component has no weights).
            nlp: the pipeline (unused).
            lexicon_path: overrides the configured lexicon file.
        """
        if lexicon_path:
            self.lexicon_path = lexicon_path
        lexicon = load_speech_lexicon(self._resolve(self.lexicon_path))
        self.finder = QuoteFinder(lexicon, **self.settings)

    def __call__(self, doc: Doc) -> Doc:
        """Find the quotations of ``doc`` and write them; returns the same ``Doc``."""
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[QuoteMatch]:
        """The pure step: the quotations of ``doc`` after the overlap policy, nothing written."""
        if self.finder is None:
            self.initialize()
        assert self.finder is not None
        return self.overlap_filter(self.finder.match(doc))

    def set_annotations(self, doc: Doc, matches: list[QuoteMatch]) -> None:
        """Write ``doc.spans[spans_key]`` and the span extensions from ``matches``."""
        spans = [Span(doc, m.start, m.end, label=m.kind) for m in matches]
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=spans)
        for span, m in zip(doc.spans[self.spans_key], matches):
            speaker = Span(doc, m.mention[0], m.mention[1]) if m.mention else None
            span._.speaker = speaker
            span._.speaker_name = m.speaker_name or (speaker.text if speaker is not None else "")
            span._.speaker_role = m.speaker_role
            span._.cue = Span(doc, m.cue[0], m.cue[1]) if m.cue else None

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the settings and a copy of the lexicon into the directory ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self._resolve(self.lexicon_path), path / "lexicon.yaml")
        names = self.finder.lex.given_names_path if self.finder is not None else None
        if names is not None:
            shutil.copyfile(names, path / names.name)  # the lexicon names it relative to itself
        srsly.write_json(path / "cfg.json", {"spans_key": self.spans_key, **self.settings})

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "QuoteComponent":
        """Load settings and lexicon written by :meth:`to_disk`; returns ``self``."""
        path = Path(path)
        cfg = srsly.read_json(path / "cfg.json")
        self.spans_key = cfg.pop("spans_key", self.spans_key)
        self.settings.update(cfg)
        self.lexicon_path = str(path / "lexicon.yaml")
        self.initialize()
        return self
