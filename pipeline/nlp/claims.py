"""The ``finnews_claims`` component: what one sentence says about one company.

For every sentence that mentions a company (an ``ORG`` in ``doc.ents``), one
claim per (entity, sentence) (not for organisations known to be no company,
``span._.org_kind`` ``public_body`` or ``other``: EZB, IG Metall): the target is the entity's first mention in the
sentence, the claim text is the sentence, ``span._.figures`` are the figure
spans about that entity inside the claim and ``span._.quote`` is the quote span
(``doc.spans["quotes"]``) the target sits in, or ``None``. The sentiment stage
scores exactly these claims. Indices (``INDEX``) get no claims.

**Narrowing.** When one sentence says different things about different
companies, each claim is narrowed to its company's clause. Clause boundaries:

* ``;`` and a comma before a contrast conjunction (``während``, ``aber``,
  ``doch``, ``jedoch``, ``wohingegen``, ``sondern``, ``hingegen`` ...):
  ``Nvidia fiel um 7 %, während DeepSeek die App-Charts anführte.`` gives
  ``Nvidia fiel um 7 %`` and ``während DeepSeek die App-Charts anführte.``;
* the comma closing a sentence-initial ``Während``/``Obwohl`` clause:
  ``Während SAP zulegte, verlor Siemens 2 %.``;
* a comma between two main clauses that each name a company and have a
  direction verb: ``Nvidia fiel um 7 %, Apple legte um 1 % zu.``

A colon before a capitalised word starts a new sentence for claims when
both parts name a company (:func:`claim_units`): ``Ganz anders die Lage bei Vodafone: Während die
Telekom Kunden gewann, verlor Vodafone Kunden.`` gives a claim for Vodafone
in the first part and, narrowed, one for each company in the second.

A sentence is narrowed only when companies sit in at least two different
clauses. Lists keep the whole sentence for every company, because the verb they
share comes at the end: ``Am deutschen Markt gerieten Aktien wie Aixtron
(-6,3 %), Siltronic (-4,7 %) und Infineon unter Druck.`` (the comma pieces
have no verb of their own).

**Roles.** A claim's ``role`` is ``source`` when every mention of its company in
the claim text only says who speaks or judges: a source (``laut Bloomberg``,
``JPMorgan zufolge``), an analyst's or speaker's employer (``Analyst Peter
Sandmann von der Privatbank Berenberg``, ``sagt Vey-Sern Ling, Managing Director
bei Union Bancaire Privee``, ``merkt das Analysehaus Bernstein an``) or the bank
that rates another company (``Bernstein stuft SAP ab``, ``Goldman Sachs rät zum
Kauf der Siemens-Energy-Aktie``), a news agency (``sagte ein Sprecher zur APA``, the
agency of a dateline ``Wien (APA) – …``; ``news_agencies`` in configs/figures_lexicon.yaml), a newspaper or
broadcaster (``berichtete die Süddeutsche Zeitung``, ``sagte er der Bild-Zeitung``), a platform a
message is posted on (``schrieb auf Twitter``), the owner of a store where something else ranks or
is sold (``In den App-Store-Rankings von Apple ist das Modell an die Spitze vorgedrungen``) or an
exchange named as the market (``An der Wiener Börse stiegen Erste-Aktien``, ``Die
Wiener Börse hat den Handel mit Verlusten beendet``; not ``die Deutsche Börse gewann
1 %``). A company that as the subject causes damage at others is a ``cause``
(``Das KI-Startup DeepSeek hat zu Verwerfungen bei Technologieaktien geführt``:
bad news for the tech stocks, not for DeepSeek). Otherwise ``subject``. What such a
sentence says is about the others, so the article roll-up leaves source and cause
claims out (:mod:`pipeline.aggregate`).

**Reading claims.** spaCy keys span extension values by character offsets, so
two claims over the same sentence (two companies, no narrowing) share one
``span._`` slot. :func:`iter_claims` returns every claim with its own target,
figures and quote; use it rather than ``span._`` when reading claims.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Optional

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.extensions import register_extensions
from pipeline.nlp.figures import FigureFinder
from pipeline.nlp.figures_about import COMPOUND_PARTS, is_analyst_word, is_source, issuer_descriptor
from pipeline.nlp.figures_clauses import clause_breaks, relative_clause_at, sentence_layout, sentence_ranges, trim
from pipeline.nlp.figures_lexicon import DocIndex, FiguresLexicon, LexiconTables, load_lexicon_data
from pipeline.org_kinds import is_company_kind

log = logging.getLogger(__name__)

register_extensions()

USER_DATA_KEY = "finnews_claims"
Pair = tuple[int, int]


def entity_key(span: Span) -> str:
    """The key grouping mentions of one entity: ``span._.entity_id``, else its name, else its text.

    Args:
        span: an entity span from ``doc.ents``.

    Returns:
        A non-empty string.
    """
    return span._.entity_id or span._.entity_name or span.text.strip().lower()


@dataclass
class ClaimMatch:
    """One claim found in a ``Doc`` (token offsets, end exclusive)."""

    start: int
    end: int
    target: Pair
    entity_key: str
    figures: list[Pair] = field(default_factory=list)
    quote: Optional[Pair] = None
    role: str = "subject"
    move: str = ""  # "up"/"down": the company's share price moves in words (:func:`share_move`)


class ClaimParts(NamedTuple):
    """One claim as :func:`iter_claims` yields it."""

    span: Span
    target: Optional[Span]
    figures: list[Span]
    quote: Optional[Span]
    role: str
    move: str


# Verbs of a rating or recommendation whose subject is the bank, not the rated company
# ("Goldman Sachs rät zum Kauf ...", "Morgan Stanley kappt Puma"), beyond the lexicon's rating verbs.
RECOMMEND_VERBS = {"rät", "riet", "raten", "rieten", "empfiehlt", "empfahl", "stuft", "stufte", "stuften", "kappt",
                   "kappte", "hebt", "hob", "senkt", "senkte", "bestätigt", "bestätigte", "startet", "startete",
                   "streicht", "strich", "traut", "traute", "abgestuft", "hochgestuft", "herabgestuft",
                   "heraufgestuft", "eingestuft", "gesenkt", "angehoben", "empfohlen", "gekappt", "gestrichen"}
# Roles of a quoted speaker that make the employer a source, beyond the lexicon's analyst words.
ANALYST_ROLES = {"fondsmanager", "fondsmanagerin", "portfoliomanager", "portfoliomanagerin", "director", "anlagechef",
                 "anlagechefin", "marktbeobachter", "händler", "devisenhändler", "aktienhändler"}
# Words that make a sentence a rating: "Kaufempfehlung", "Votum", "abgestuft", "rät" (plus the lexicon's
# target words) and rating values written as such ("auf Kaufen", "Overweight"; the verb "halten" is none).
RATING_WORDS = {"daumen", "kaufempfehlung", "verkaufsempfehlung", "empfehlung", "votum", "rating", "anlageurteil", "rät", "riet",
                "raten", "empfiehlt", "empfahl", "empfohlen"}
RATING_VALUES = {"Kaufen", "Verkaufen", "Halten", "Overweight", "Underweight", "Outperform", "Underperform", "Buy",
                 "Sell", "Hold", "Neutral", "Kauf", "Verkauf", "Equal"}


class ClaimsComponent:
    """spaCy component ``finnews_claims``.

    Args:
        nlp: the pipeline.
        name: the component name.
        lexicon: the lexicon YAML shared with ``finnews_figures`` (clause words,
            direction verbs); ``None`` for ``configs/figures_lexicon.yaml``.
        entity_labels: labels that get claims (companies: ``ORG``).
        spans_key: the ``doc.spans`` key to write.
        figures_key: where ``finnews_figures`` wrote the figures.
        quotes_key: where ``finnews_quotes`` wrote the quotes.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "finnews_claims",
        *,
        lexicon: Optional[str] = None,
        entity_labels: Iterable[str] = ("ORG",),
        spans_key: str = "claims",
        figures_key: str = "figures",
        quotes_key: str = "quotes",
    ):
        self.nlp = nlp
        self.name = name
        self.lexicon_path = lexicon
        self.entity_labels = set(entity_labels)
        self.spans_key = spans_key
        self.figures_key = figures_key
        self.quotes_key = quotes_key
        self.lexicon_data: Optional[dict[str, Any]] = None
        self.finder: Optional[FigureFinder] = None

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Any]]] = None, *, nlp: Optional[Language] = None,
                   lexicon_data: Optional[dict[str, Any]] = None) -> None:
        """Load the lexicon (from ``lexicon_data`` or the configured file) and build the phrase tables."""
        self.lexicon_data = lexicon_data if lexicon_data is not None else load_lexicon_data(self.lexicon_path)
        self._build(nlp or self.nlp)

    def _build(self, nlp: Language) -> None:
        self.finder = FigureFinder(FiguresLexicon(self.lexicon_data or {}), LexiconTables.build(nlp, self.lexicon_data or {}))

    def _ensure_ready(self) -> FigureFinder:
        if self.finder is None:
            log.debug("%s used before initialize(): loading the lexicon now", self.name)
            self.initialize(nlp=self.nlp)
        assert self.finder is not None
        return self.finder

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    # -- clauses ---------------------------------------------------------------

    def clauses(self, doc: Doc, start: int, end: int, idx: DocIndex, companies: list[Span]) -> list[Pair]:
        """Split the sentence ``doc[start:end]`` into the clauses used for narrowing (see module docstring).

        Args:
            doc: the document.
            start: first token of the sentence.
            end: token after it.
            idx: lexicon matches over ``doc``.
            companies: company mentions in the sentence.

        Returns:
            Token ranges covering the sentence, in order.
        """
        finder = self._ensure_ready()
        lex = finder.lex
        bounds = {start, end, *clause_breaks(doc, start, end, lex)}
        layout = sentence_layout(doc, start, end, lex)
        hard = sorted(bounds)
        for a, b in zip(hard, hard[1:]):
            commas = [
                i for i in range(a, b)
                if doc[i].text == ","
                and layout.paren_of(i) is None
                and not relative_clause_at(doc, i, b, lex)
                and layout.relative_of(i - 1) is None
            ]
            pieces = [a] + [c + 1 for c in commas] + [b]
            group_start = a
            for left, right, after in zip(pieces, pieces[1:], pieces[2:]):
                if self._statement(doc, group_start, right, idx, companies) and self._statement(doc, right, after, idx, companies):
                    bounds.add(right)
                    group_start = right
        ordered = sorted(bounds)
        return [(x, y) for x, y in zip(ordered, ordered[1:]) if x < y]

    def _statement(self, doc: Doc, start: int, end: int, idx: DocIndex, companies: list[Span]) -> bool:
        """Whether ``doc[start:end]`` names a company and has a direction verb of its own."""
        finder = self._ensure_ready()
        has_company = any(start <= e.start and e.end <= end for e in companies)
        return has_company and bool(finder.cue_positions(doc, start, end, idx))

    # -- matching --------------------------------------------------------------

    def match(self, doc: Doc) -> list[ClaimMatch]:
        """Find the claims of ``doc``; reads ``doc.ents``, the figures and the quotes, writes nothing.

        Args:
            doc: a document already processed by the companies, quotes and figures components.

        Returns:
            :class:`ClaimMatch` objects, by sentence and then by first mention.
        """
        finder = self._ensure_ready()
        idx = DocIndex.of(doc, finder.tables)
        figures = list(doc.spans[self.figures_key]) if self.figures_key in doc.spans else []
        quotes = list(doc.spans[self.quotes_key]) if self.quotes_key in doc.spans else []
        # Organisations known to be no company (EZB, a union: ``span._.org_kind``) get no claims.
        companies_all = [e for e in doc.ents if e.label_ in self.entity_labels and is_company_kind(e._.org_kind)]
        facts = _DocFacts(doc, companies_all, quotes)
        keys_of_figures = [{entity_key(e) for e in (f._.about or [])} for f in figures]
        by_start = _StartIndex(figures)
        quotes_by_start = _StartIndex(quotes)
        claims: list[ClaimMatch] = []
        for start, end in claim_units(doc, companies_all):
            companies = facts.companies_in(start, end)
            if not companies:
                continue
            first: dict[str, Span] = {}
            for ent in companies:
                first.setdefault(entity_key(ent), ent)
            clauses = [(start, end)]
            if len(first) > 1:
                clauses = self.clauses(doc, start, end, idx, companies)
                holding = {next(c for c in clauses if c[0] <= e.start < c[1]) for e in first.values()}
                if len(holding) < 2:
                    clauses = [(start, end)]
            for key, target in first.items():
                clause = next(c for c in clauses if c[0] <= target.start < c[1])
                span = trim(doc, *clause)
                if len(span) == 0:
                    span = doc[clause[0]:clause[1]]
                # Figures and quotes near the claim by bisect, in their original order (scanning
                # all of them for each claim was quadratic in long documents).
                about_target = [
                    (figures[k].start, figures[k].end) for k in by_start.starting_in(span.start, span.end + 1)
                    if figures[k].end <= span.end and key in keys_of_figures[k]
                ]
                holding_quotes = [
                    quotes[k] for k in quotes_by_start.starting_in(target.start - quotes_by_start.longest, target.start + 1)
                    if quotes[k].start <= target.start and target.end <= quotes[k].end
                ]
                quote = min(holding_quotes, key=len) if holding_quotes else None
                mentions = [e for e in companies if entity_key(e) == key and span.start <= e.start < span.end]
                sources = sourcing(doc, span.start, span.end, companies_all, quotes, idx, finder.lex, facts=facts)
                others = [e for e in companies if entity_key(e) != key and span.start <= e.start < span.end]
                role = "source" if mentions and all((e.start, e.end) in sources for e in mentions) else "subject"
                if role == "subject" and mentions and all(
                        _causes_others_losses(doc, e, span.start, span.end, others, finder.lex) for e in mentions):
                    role = "cause"
                move = share_move(doc, span.start, span.end, mentions, others, finder.lex)
                claims.append(ClaimMatch(span.start, span.end, (target.start, target.end), key, about_target,
                                         None if quote is None else (quote.start, quote.end), role, move))
        return claims

    def set_annotations(self, doc: Doc, claims: list[ClaimMatch]) -> None:
        """Write ``doc.spans[spans_key]`` with ``span._.target``, ``span._.figures`` and ``span._.quote``.

        Each claim's parts are also kept in ``doc.user_data`` for :func:`iter_claims`,
        since claims over the same text share their ``span._`` values.

        Args:
            doc: the document ``claims`` were found in.
            claims: the output of :meth:`match`.
        """
        ents = {(e.start, e.end): e for e in doc.ents}
        figures = {(f.start, f.end): f for f in doc.spans[self.figures_key]} if self.figures_key in doc.spans else {}
        quotes = {(q.start, q.end): q for q in doc.spans[self.quotes_key]} if self.quotes_key in doc.spans else {}
        spans, parts = [], []
        for claim in claims:
            span = Span(doc, claim.start, claim.end, label="claim", kb_id=claim.entity_key)
            span._.target = ents.get(claim.target) or doc[claim.target[0]:claim.target[1]]
            span._.figures = [figures[f] for f in claim.figures if f in figures]
            span._.quote = quotes.get(claim.quote) if claim.quote else None
            spans.append(span)
            parts.append({"target": list(claim.target), "figures": [list(f) for f in claim.figures],
                          "quote": list(claim.quote) if claim.quote else None, "role": claim.role,
                          "move": claim.move})
        doc.spans[self.spans_key] = spans
        doc.user_data[(USER_DATA_KEY, self.spans_key)] = parts

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the lexicon with the pipeline."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "lexicon.json", self.lexicon_data or load_lexicon_data(self.lexicon_path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "ClaimsComponent":
        """Load the lexicon saved by :meth:`to_disk`."""
        self.lexicon_data = srsly.read_json(Path(path) / "lexicon.json")
        self._build(self.nlp)
        return self


def sourcing(doc: Doc, start: int, end: int, companies: list[Span], quotes: list[Span], idx: DocIndex,
             lex: FiguresLexicon, facts: Optional["_DocFacts"] = None) -> set[Pair]:
    """Company mentions in ``doc[start:end]`` that only name who speaks or judges (see "Roles" above).

    Examples: ``Analyst Tobias Reimer von Jefferies senkte sein Kursziel`` (Jefferies),
    ``sagt Vey-Sern Ling, Managing Director bei Union Bancaire Privee`` (the speaker's
    role names it), ``merkt das Analysehaus Bernstein an`` (the speaker),
    ``Bernstein stuft SAP ab`` (Bernstein rates SAP; SAP is the subject).

    ``facts`` are the lookups of ``companies`` and ``quotes`` in ``doc`` (built here when not given;
    :meth:`ClaimsComponent.match` builds them once per document).

    Returns:
        ``(start, end)`` token offsets of the source mentions.
    """
    facts = facts if facts is not None else _DocFacts(doc, companies, quotes)
    inside = facts.companies_in(start, end)
    found: set[Pair] = set()
    for ent in inside:
        if is_source(doc, ent, idx, lex, facts.person_ends):
            found.add((ent.start, ent.end))
            continue
        if _speaks_of_another(ent, quotes, companies, lex, facts):
            found.add((ent.start, ent.end))
            continue
        if _rates_another(doc, ent, start, end, inside, lex):
            found.add((ent.start, ent.end))
            continue
        if (_reports(ent, lex) or _dateline_agency(doc, ent) or _exchange_as_market(doc, ent, end, idx, lex)
                or _platform(doc, ent, lex) or _venue_owner(doc, ent, lex)):
            found.add((ent.start, ent.end))
    return found


def _reports(ent: Span, lex: FiguresLexicon) -> bool:
    """A news agency or a newspaper or broadcaster: ``sagte ein Sprecher zur APA``, ``berichtete die
    Süddeutsche Zeitung``, ``sagte er der Bild-Zeitung``, ``im Gespräch mit dem STANDARD``."""
    name = ent.text.lower().rstrip("'’")
    if name.endswith("s") and name[:-1] in lex.media_outlets | lex.news_agencies:
        name = name[:-1]  # genitive: "des STANDARDs", "Spiegels"
    if name in lex.news_agencies or name in lex.media_outlets:
        return True
    last = name.replace("-", " ").split()[-1] if name.split() else name
    return bool(lex.media_endings) and (name.endswith(lex.media_endings) or last.endswith(lex.media_endings)) and " " in name.replace("-", " ")


def _platform(doc: Doc, ent: Span, lex: FiguresLexicon) -> bool:
    """A platform a message is posted on: ``schrieb auf Twitter``, ``im Kurznachrichtendienst
    Twitter``, ``Facebook-Einträge``; not ``Twitter verlor Nutzer``."""
    if ent.text.lower() not in lex.platforms:
        return False
    before = doc[ent.start - 1] if ent.start > 0 else None
    if before is not None and (before.lower_ in lex.platform_cues or before.lower_.endswith(("dienst", "plattform", "netzwerk"))):
        return True
    if ent.end + 1 < len(doc) and doc[ent.end].text in {"-", "‑"}:
        return any(doc[ent.end + 1].lower_.startswith(n) for n in lex.platform_nouns)
    return False


def share_move(doc: Doc, start: int, end: int, mentions: list[Span], others: list[Span], lex: FiguresLexicon) -> str:
    """``up`` or ``down`` when ``doc[start:end]`` says in words, without a number, that the company's
    share price moved; else ``""``.

    ``Merck kauft in den USA zu – Aktie fällt`` (down), ``Commerzbank-Aktie springt nach
    Unicredit-Einstieg`` (up), ``Evotec kassiert Prognose – Papiere auf Talfahrt`` (down),
    ``Die Papiere von Symrise legten zu`` (up). The share noun is the company's when it is a
    compound with its name (``Commerzbank-Aktie``), names it after ``von``/``der``, or when no other
    company is in the clause; a direction word follows within four tokens (or comes just before:
    ``Talfahrt der Aktie``), and a separable verb counts only with its particle in the clause
    (``legte … zu``, ``gab … nach``). Both directions at once give ``""``.
    """
    if not mentions or not lex.share_move_nouns:
        return ""
    words = [t.lower_ for t in doc[start:end]]
    found = set()
    for i in range(start, end):
        if doc[i].lower_ not in lex.share_move_nouns:
            continue
        compound = i >= 2 and doc[i - 1].text in {"-", "‑"} and any(e.end == i - 1 for e in mentions)
        named = doc[i + 1].lower_ in ("von", "der", "des") and any(e.start in (i + 2, i + 3) for e in mentions) \
            if i + 2 < end else False
        compound_other = i >= 2 and doc[i - 1].text in {"-", "‑"} and any(e.end == i - 1 for e in others)
        if compound_other or not (compound or named or not others):
            continue
        for j in list(range(i + 1, min(end, i + 5))) + list(range(max(start, i - 2), i)):
            word = doc[j].lower_
            direction = "up" if word in lex.share_move_up else "down" if word in lex.share_move_down else ""
            if not direction:
                continue
            particle = lex.share_move_particles.get(word)
            if particle and particle not in words:
                continue
            found.add(direction)
            break
    return found.pop() if len(found) == 1 else ""


def _venue_owner(doc: Doc, ent: Span, lex: FiguresLexicon) -> bool:
    """The owner of a store or marketplace named as where something else ranks or is sold.

    ``In den App-Store-Rankings von Apple ist das KI-Modell an die Spitze vorgedrungen``
    and ``Die App ist in Googles Play Store verfügbar`` say nothing about Apple or Google;
    ``Der App Store von Apple steht in der Kritik`` (no preposition before the store: it is
    the subject) and ``Apple senkt die Gebühren im App Store`` (Apple is the subject) stay
    subjects.
    """
    if not lex.venue_nouns:
        return False

    def is_venue(tok) -> bool:
        return tok.lower_.endswith(lex.venue_nouns)

    if ent.start >= 2 and doc[ent.start - 1].lower_ in ("von", "vom") and is_venue(doc[ent.start - 2]):
        head = ent.start - 2  # "… App-Store-Rankings von Apple"
    elif ent.text.endswith(("s", "'", "’")) and any(is_venue(t) for t in doc[ent.end : min(len(doc), ent.end + 3)]):
        head = ent.start  # genitive before the store: "in Googles Play Store"
    else:
        return False
    # back over the noun phrase (compound parts, hyphens, determiners, adjectives) to its preposition
    i = head - 1
    while i >= max(ent.sent.start, head - 7):
        tok = doc[i]
        if tok.lower_ in lex.venue_cues:
            return True
        if tok.is_punct and tok.text not in {"-", "‑"} or tok.pos_ in ("VERB", "AUX"):
            return False
        i -= 1
    return False


CAUSE_AUXILIARIES = {"hat", "hatte", "haben", "hatten", "hätte", "hätten", "habe", "ist", "war", "sind", "waren",
                     "wird", "wurde", "werden", "wurden", "dürfte", "könnte"}
CAUSE_CLAUSE_LEADS = {"dass", "weil", "nachdem", "da", "als", "wenn", "ob", "und", "denn", "aber", "doch", "zuletzt"}
CAUSE_DETERMINERS = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einen", "einem", "eines"}
CAUSE_PREPOSITIONS = {"von", "vom", "bei", "beim", "mit", "für", "zu", "zum", "zur", "an", "am", "auf", "in", "im",
                      "aus", "nach", "über", "durch", "gegen", "um", "laut", "wegen", "trotz", "unter", "vor"}
POSSESSIVE_STARTS = ("sein", "ihr", "eigen")


def _in_subject_position(doc: Doc, ent: Span, start: int, lex: FiguresLexicon) -> bool:
    """Whether ``ent`` stands where its clause's subject stands: at the clause start behind its
    descriptor (``Das chinesische KI-Startup DeepSeek hat …``), after the finite verb (``Am
    Montag hat DeepSeek …``) or a conjunction (``nachdem DeepSeek …``), or as the possessor of a
    product or success that is the subject (``Ein KI-Modell des Entwicklers DeepSeek hat …``,
    ``cause_heads``); not inside another prepositional phrase (``Die Gewinnwarnung von BASF
    führte …``)."""
    j = ent.start - 1
    while j >= start:
        tok = doc[j]
        low = tok.lower_
        if low in CAUSE_AUXILIARIES or low in lex.cause_verbs or low in CAUSE_CLAUSE_LEADS or (
                tok.is_punct and tok.text not in COMPOUND_PARTS):
            return True
        if low in ("von", "vom") and j > start and doc[j - 1].lower_.endswith(lex.cause_heads):
            j -= 1  # "das Modell von DeepSeek"
            continue
        if low in CAUSE_PREPOSITIONS:
            return False
        descriptor = (low in CAUSE_DETERMINERS or tok.text in COMPOUND_PARTS
                      or (j + 1 < len(doc) and doc[j + 1].text in COMPOUND_PARTS)
                      or j == ent.start - 1 and tok.text[:1].isupper()  # "Der Autobauer Tesla"
                      or lex.noun_class(tok.text) == "company"
                      or (tok.is_lower and tok.is_alpha)
                      or (bool(lex.cause_heads) and low.endswith(lex.cause_heads)
                          and j + 1 < len(doc) and doc[j + 1].lower_ in ("des", "der", "von", "vom")))
        if not descriptor:
            return False
        j -= 1
    return True


def _others_place(doc: Doc, k: int, end: int, other_starts: set[int], lex: FiguresLexicon) -> bool:
    """Whether the damage noun at ``k`` is placed at others within its phrase: ``Verwerfungen bei
    Technologieaktien``, ``Kurseinbrüche bei der Konkurrenz``, ``Fragen nach den hohen Bewertungen
    von Chipkonzernen``, ``Verluste bei Nvidia``; not ``Kurssturz der eigenen Aktie`` (a possessive
    makes it its own) or ``Verluste bei den Aktien`` (a bare share noun may be its own)."""
    placed = False
    for n in range(k + 1, min(end, k + 9)):
        tok = doc[n]
        low = tok.lower_
        if tok.is_punct and tok.text not in COMPOUND_PARTS or low in lex.cause_verbs:
            return False
        if low.startswith(POSSESSIVE_STARTS):
            return False  # "der eigenen Aktie", "bei seinen Zulieferern"
        if low in lex.harm_place_prepositions:
            placed = True
            continue
        if not placed:
            continue
        if n in other_starts:
            return True
        if tok.text[:1].isupper() and (low.endswith(lex.harm_places) or any(
                low.endswith(c) and len(low) > len(c) for c in lex.harm_place_compounds)):
            return True
    return False


def _causes_others_losses(doc: Doc, ent: Span, start: int, end: int, others: list[Span], lex: FiguresLexicon) -> bool:
    """Whether ``ent`` is the subject that causes damage at others: then the sentence's bad news is
    theirs, not its (role ``cause``).

    ``Das chinesische KI-Startup DeepSeek hat am Montag zu Verwerfungen bei Technologieaktien
    geführt``, ``Tesla sorgte mit seinen Preissenkungen für Kurseinbrüche bei der Konkurrenz``,
    ``DeepSeek löste einen Ausverkauf bei Chipwerten aus``, ``Ein KI-Modell des Entwicklers
    DeepSeek hat Fragen nach den Bewertungen von Chipkonzernen aufgeworfen``. Not ``Siemens
    sorgte mit seinen Zahlen für Enttäuschung`` (no damage named, nor anyone else), ``Tesla
    sorgte für einen Kurssturz der eigenen Aktie`` (its own), ``Bayer sorgte mit einem
    Gewinneinbruch für Verluste bei Chemiewerten`` (its own damage first), ``Die Gewinnwarnung
    von BASF führte zu Kursverlusten bei Zulieferern`` (BASF is not the subject) or ``… zu
    Verlusten bei Nvidia`` for Nvidia. Verb forms and nouns are listed in
    configs/figures_lexicon.yaml (``cause_verbs``, ``harm_nouns``, ``harm_places``, …).
    """
    if not lex.cause_verbs or not lex.harm_nouns or not _in_subject_position(doc, ent, start, lex):
        return False
    verbs = [t for t in doc[ent.end:end] if t.lower_ in lex.cause_verbs]
    if not verbs:
        return False
    leads = {lex.cause_verbs[t.lower_] for t in verbs}
    other_starts = {e.start for e in others}
    for k in range(ent.end, end):
        if not doc[k].text[:1].isupper() or not doc[k].lower_.endswith(lex.harm_nouns):
            continue
        if "" not in leads:  # "zu Verwerfungen", "für einen Ausverkauf": the verb's preposition leads the damage
            before = [t.lower_ for t in doc[max(ent.end, k - 3):k]]
            if not leads & set(before):
                return False  # its own damage first: "Bayer sorgte mit einem Gewinneinbruch für …"
        return _others_place(doc, k, end, other_starts, lex)
    return False


def _dateline_agency(doc: Doc, ent: Span) -> bool:
    """The agency in a dateline: ``Wien (APA) – Die Erste Group hat …``, ``Frankfurt (Reuters) -``."""
    return (ent.start >= 2 and doc[ent.start - 1].text == "(" and ent.end < len(doc) and doc[ent.end].text == ")"
            and doc[ent.start - 2].is_sent_start and doc[ent.start - 2].text[:1].isupper())


def _exchange_as_market(doc: Doc, ent: Span, end: int, idx: DocIndex, lex: FiguresLexicon) -> bool:
    """An exchange named as the market, not as the company that runs it.

    ``An der Wiener Börse stiegen Erste-Aktien um 3,1 %``, ``Die Wiener Börse hat den
    Handel mit leichten Verlusten beendet`` and, for an exchange without a listing, ``Die
    Wiener Börse hat leichter geschlossen`` (a place), but ``die Deutsche Börse gewann
    1,0 %`` or ``schloss höher`` (the listed company's shares).
    """
    name = ent.text.lower()
    if not lex.exchange_names or not name.endswith(lex.exchange_names):
        return False
    if idx.frame_prepositions.ending_at(ent.start):
        return True
    after = doc[ent.end : min(end, ent.end + 8)]
    if any(t.lower_ in lex.market_session_words for t in after):
        return True
    # "Die Wiener Börse hat am Dienstag leichter geschlossen": without a listing, no share price
    return not ent._.link_candidates and any(t.lower_ in lex.market_session_verbs for t in after)


def _rates_another(doc: Doc, ent: Span, start: int, end: int, inside: list[Span], lex: FiguresLexicon) -> bool:
    """Whether ``ent`` is the bank in a rating of another company in ``doc[start:end]``.

    The sentence must be a rating (a form of ``stufen``, a recommendation verb, a target
    or rating word: ``Kursziel``, ``Votum``, ``auf Kaufen``) and name another company; the
    bank is next to a rating verb (``Morgan Stanley stuft Puma ab``, ``Das Kursziel für
    Adidas setzte Morgan Stanley auf 260 Euro``) or carries a bank word (``Die
    US-Investmentbank Morgan Stanley hat die Aktie von Puma abgestuft``) or is the subject of a
    verb-final clause of rating (``nachdem Kepler Cheuvreux das Kursziel für AT&S gesenkt hatte``);
    the company after ``für`` is the rated one.
    """
    # A verb-final clause with the bank as its subject: "nachdem Kepler Cheuvreux das Kursziel von
    # 26 auf 22 Euro gesenkt hatte". Narrowing often leaves the rated company in the other clause,
    # so none is needed here; but the target word must be a share-price one and a rating verb must
    # close the clause ("nachdem Siemens das Ziel angehoben hatte", "nachdem SAP das Kursziel erreicht
    # hatte" rate nothing).
    nxt = doc[ent.end : min(end, ent.end + 2)]
    if (len(nxt) == 2 and nxt[0].lower_ in {"das", "die", "den", "ihr", "ihre", "sein", "seine"}
            and (nxt[1].lower_.startswith("kursziel") or nxt[1].lower_ in {"preisziel", "zielkurs", "zielpreis"}
                 or nxt[1].lower_ in RATING_WORDS)
            and any(doc[i].lower_ in RECOMMEND_VERBS or doc[i].lower_ in lex.rating_verbs
                    for i in range(ent.end + 2, min(end, ent.end + 14)))):
        return True
    others = [o for o in inside if o.text != ent.text and o.start != ent.start]
    if not others or (ent.start > 0 and doc[ent.start - 1].lower_ == "für"):
        return False
    tokens = doc[start:end]
    if not any("stuf" in t.lower_ or t.lower_ in RATING_WORDS or t.lower_ in lex.target_words
               or (t.text in RATING_VALUES and t.i > start) for t in tokens):
        return False
    def is_verb(i: int) -> bool:
        return start <= i < end and (doc[i].lower_ in lex.rating_verbs or doc[i].lower_ in RECOMMEND_VERBS
                                     or doc[i].lower_ in {"setzt", "setzte", "sieht", "sah"})
    if issuer_descriptor(doc, ent, lex):
        return True
    # After a preposition a name is no subject ("die Aktie von Puma abgestuft").
    if ent.start > 0 and doc[ent.start - 1].lower_ in lex.relative_prepositions:
        return False
    # A finite verb after the name: the name is the subject ("Morgan Stanley stuft Puma ab"); a
    # participle there ends a clause about an object. A verb before it only when the rated company
    # is marked by "für" ("Das Kursziel für Adidas setzte Morgan Stanley auf 260 Euro").
    after = any(is_verb(i) and not _participle(doc[i].lower_) for i in range(ent.end, ent.end + 2))
    before = any(is_verb(i) for i in range(ent.start - 2, ent.start)) and all(
        o.start > 0 and doc[o.start - 1].lower_ == "für" for o in others if o.start < ent.start)
    return after or before


def _participle(word: str) -> bool:
    """``abgestuft``, ``gesenkt``, ``angehoben``, ``eingestuft``: a past participle of a rating verb."""
    return word.startswith("ge") or any(word.startswith(p + "ge") for p in ("ab", "an", "auf", "ein", "hoch",
                                                                            "herab", "herauf", "zurück"))


def _speaks_of_another(ent: Span, quotes: list[Span], companies: list[Span], lex: FiguresLexicon,
                       facts: Optional["_DocFacts"] = None) -> bool:
    """Whether ``ent`` speaks as a source: named in an analyst's role in the speaker's sentence
    (``sagte Aktienstratege Kenji Watanabe von Nomura``), or an analyst house quoted about another
    company (``„… für Nvidia“, merkt das Analysehaus Bernstein an``). A company reporting on
    itself (``Puma hatte einen Umsatzrückgang gemeldet``, ``sagte Kontron-Chef Schuster``) or
    announcing a deal stays the subject."""
    facts = facts if facts is not None else _DocFacts(ent.doc, companies, quotes)
    if not facts.spoken:
        return False
    sentence = ent.sent
    # Only the quotes whose speaker is in the entity's sentence or names it can answer (all of
    # them were read for every entity: quadratic in long documents).
    for quote, speaker, role in facts.speakers_near(ent, sentence.start):
        if role and ent.text in role and sentence.start == facts.speaker_sentence[speaker.start] and (
                any(is_analyst_word(w.casefold(), lex) or w.casefold() in ANALYST_ROLES
                    for w in role.replace("-", " ").split())
                or f"bei {ent.text}" in role or f"beim {ent.text}" in role):
            # "sagte Aktienstratege Kenji Watanabe von Nomura", "Nirgunan Tiruchelvam, Chef des Bereichs
            # Verbraucher und Internet bei Aletheia Capital" (an expert's employer; a company's own chief
            # is "Kontron-Chef" or "Chef von Kontron")
            return True
        # The company itself is quoted about another company named in the quotation or its sentence
        # ("Das DeepSeek-Modell „…“, merkt Aletheia Capital an");
        # reported speech is mostly a company announcing its own deal ("X hat die Übernahme von Y
        # angekündigt"), which is about X.
        named = speaker.start <= ent.start and ent.end <= speaker.end
        if named and quote.label_ != "reported" and any(
                o.text != ent.text for o in facts.companies_in(quote.start, quote.end) + facts.companies_in(sentence.start, sentence.end)):
            return True
    return False


class _StartIndex:
    """Positions of spans (figures, quotes) by start token, for bisecting; original order kept."""

    def __init__(self, spans: list[Span]):
        order = sorted(range(len(spans)), key=lambda k: spans[k].start)
        self.order = order
        self.starts = [spans[k].start for k in order]
        self.longest = max((len(s) for s in spans), default=0)

    def starting_in(self, start: int, end: int) -> list[int]:
        """Indices (into the original list, ascending) of the spans with ``start <= span.start < end``."""
        return sorted(self.order[bisect_left(self.starts, start):bisect_left(self.starts, end)])


class _DocFacts:
    """Per-document lookups for :func:`sourcing`: the person mentions' ends, the companies by start
    and the quotes by their speaker's sentence and position, built once instead of per claim."""

    def __init__(self, doc: Doc, companies: list[Span], quotes: list[Span]):
        self.person_ends = {e.end for e in doc.ents if e.label_ == "PER"}
        self.companies = sorted(companies, key=lambda e: e.start)
        self.company_starts = [e.start for e in self.companies]
        spoken = [(q, q._.speaker, q._.speaker_role or "") for q in quotes]
        self.spoken = [entry for entry in spoken if entry[1] is not None]
        self.speaker_index = _StartIndex([speaker for _, speaker, _ in self.spoken])
        self._by_sentence: Optional[dict[int, list[int]]] = None  # read sentences only when asked
        self.speaker_sentence: dict[int, int] = {}

    def companies_in(self, start: int, end: int) -> list[Span]:
        """The companies with ``start <= e.start < end``, by start."""
        return self.companies[bisect_left(self.company_starts, start):bisect_left(self.company_starts, end)]

    def speakers_near(self, ent: Span, sentence_start: int) -> list[tuple[Span, Span, str]]:
        """``(quote, speaker, role)`` whose speaker is in the sentence starting at ``sentence_start``
        or may contain ``ent``, in quote order."""
        if self._by_sentence is None:
            self._by_sentence = {}
            for n, (_, speaker, _) in enumerate(self.spoken):
                self.speaker_sentence.setdefault(speaker.start, speaker.sent.start)
                self._by_sentence.setdefault(self.speaker_sentence[speaker.start], []).append(n)
        index = self.speaker_index
        near = set(self._by_sentence.get(sentence_start, []))
        near.update(index.starting_in(ent.start - index.longest, ent.start + 1))
        return [self.spoken[n] for n in sorted(near)]


def claim_units(doc: Doc, companies: list[Span]) -> list[Pair]:
    """Sentences, split once more after a colon that opens a full clause naming a company.

    ``Ganz anders die Lage bei Vodafone: Während die Telekom Kunden gewann,
    verlor Vodafone Kunden.`` gives ``Ganz anders die Lage bei Vodafone:`` and
    the ``Während`` sentence, as a new sentence begins after such a colon
    (capitalised word). ``Nvidias Rekord half nicht: Die Aktie fiel um 3 %.``
    stays one unit, since the second part names no company of its own.

    Args:
        doc: the document.
        companies: the company mentions.

    Returns:
        Token ranges of the units, in order.
    """
    units = []
    starts = sorted(e.start for e in companies)

    def any_start(low: int, high: int) -> bool:  # a company starting in [low, high)
        k = bisect_left(starts, low)
        return k < len(starts) and starts[k] < high

    for start, end in sentence_ranges(doc):
        cut = start
        for i in range(start, end - 1):
            nxt = doc[i + 1]
            if doc[i].text != ":" or not (nxt.is_alpha and nxt.text[:1].isupper()) or i + 1 <= cut:
                continue
            before = any_start(cut, i)
            after = any_start(i + 1, end)
            if before and after:
                units.append((cut, i + 1))
                cut = i + 1
        units.append((cut, end))
    return units


def iter_claims(
    doc: Doc, spans_key: str = "claims", figures_key: str = "figures", quotes_key: str = "quotes"
) -> Iterator[ClaimParts]:
    """Yield each claim as :class:`ClaimParts` ``(span, target, figures, quote, role, move)``.

    Correct even when several claims cover the same text (see module docstring).

    Args:
        doc: a document processed by ``finnews_claims``.
        spans_key: the claims key.
        figures_key: the figures key.
        quotes_key: the quotes key.
    """
    if spans_key not in doc.spans:
        return
    parts = doc.user_data.get((USER_DATA_KEY, spans_key))
    ents = {(e.start, e.end): e for e in doc.ents}
    figures = {(f.start, f.end): f for f in doc.spans[figures_key]} if figures_key in doc.spans else {}
    quotes = {(q.start, q.end): q for q in doc.spans[quotes_key]} if quotes_key in doc.spans else {}
    claims = list(doc.spans[spans_key])
    if parts is None or len(parts) != len(claims):
        for span in claims:
            yield ClaimParts(span, span._.target, list(span._.figures or []), span._.quote, "subject", "")
        return
    for span, part in zip(claims, parts):
        target = tuple(part["target"])
        yield ClaimParts(
            span,
            ents.get(target) or doc[target[0]:target[1]],
            [figures[tuple(f)] for f in part["figures"] if tuple(f) in figures],
            quotes.get(tuple(part["quote"])) if part["quote"] else None,
            part.get("role", "subject"),
            part.get("move", ""),
        )


@Language.factory(
    "finnews_claims",
    default_config={
        "lexicon": None,
        "entity_labels": ["ORG"],
        "spans_key": "claims",
        "figures_key": "figures",
        "quotes_key": "quotes",
    },
)
def make_claims(
    nlp: Language,
    name: str,
    lexicon: Optional[str],
    entity_labels: list[str],
    spans_key: str,
    figures_key: str,
    quotes_key: str,
) -> ClaimsComponent:
    """Factory of ``finnews_claims`` (config: ``lexicon``, ``entity_labels``, ``spans_key``, ``figures_key``, ``quotes_key``)."""
    return ClaimsComponent(
        nlp, name, lexicon=lexicon, entity_labels=entity_labels, spans_key=spans_key,
        figures_key=figures_key, quotes_key=quotes_key,
    )
