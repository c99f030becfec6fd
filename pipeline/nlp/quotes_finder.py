"""The rules of the quotation component: a ``Doc`` in, :class:`QuoteMatch` records out.

:class:`QuoteFinder` is the pure half of ``finnews_quotes``
(:mod:`pipeline.nlp.quotes`): it reads tokens, sentence boundaries, quotation
marks (:mod:`pipeline.nlp.quotes_marks`), the cue lexicon
(:mod:`pipeline.nlp.speech_verbs`) and shallow grammar
(:mod:`pipeline.nlp.quotes_grammar`), and never writes to the ``Doc``. The steps:

1. cues: verbs of saying (``sagt``, ``merkt … an``) and markers (``laut``,
   ``so``, ``zufolge``), each with its speaker phrase before or after it;
2. direct quotations: words in quotation marks that are someone's words, with
   the cue they attach to;
3. indirect and reported speech attached to cues;
4. runs of Konjunktiv I sentences that go on reporting the last speaker (the
   speaker of a quotation, or of a verb of saying without one: an *anchor*);
5. speakers of quotations in marks without a cue of their own;
6. names, roles and references (``er``, ``der Stratege``) of the speakers.
"""


from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Optional

from spacy.lang.de.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from pipeline.nlp.quotes_grammar import (
    cached_ents,
    doc_ents,
    ents_overlapping,
    ents_starting_in,
    COMMON_NOUN_SUFFIXES,
    FOCUS_PARTICLES,
    COMPLEMENTIZERS,
    is_abstract_phrase,
    names_speaker,
    phrase_head,
    OBJECT_DETERMINERS,
    FINAL_PUNCT,
    SUBORDINATORS,
    is_cap,
    is_lower_word,
    is_quote_token,
    konjunktiv_tokens,
    looks_like_name,
    noun_phrase_end,
    phrase_ending_at,
    skip_adverbials,
    speaker_phrase,
    strip_punct,
)
from pipeline.nlp.quotes_marks import find_marked_quotes
from pipeline.nlp.segmentation import sentence_starts
from pipeline.nlp.quotes_speakers import (
    feminine_role,
    generic_organisation_head,
    generic_organisation_kind,
    institution_by_noun,
    name_in_phrase,
    strip_determiner,
)
from pipeline.nlp.speech_verbs import SpeechLexicon

log = logging.getLogger(__name__)

KINDS = ("direct", "indirect", "reported")
# Conjunctions that join two verbs of saying with their objects ("meldete X und kündigte Y an").
COORDINATORS = {"und", "sowie", "oder"}
# How quotations are delimited. Both find the same quotations; they differ where the two
# gold standards differ:
#   finnews  - corpus/fixtures: the speaker mention is the name ("Jonas Wendler", not
#              "Marktanalyst Jonas Wendler von der DZ Bank"; the rest is speaker_role);
#              reported speech is the reported content ("eine schnellere Entscheidung");
#              each sentence of a Konjunktiv run is its own quotation, without its period;
#              quotations in separate marks stay separate; "demnach" is no cue.
#   wikinews - the Wikinews quotation corpus: the speaker is the whole noun phrase with
#              appositions; reported speech is the whole clause with its speaker and
#              period; a Konjunktiv run is one quotation with its periods; adjacent
#              quotations in marks are one; "demnach"/"wonach" are cues; a pronoun
#              speaker ("sagte er") is named by the pronoun, not resolved to a name.
CONVENTIONS = {"finnews", "wikinews"}
# Prepositions of a place after a speaker's noun ("ein Händler in Tokio", "das Unternehmen aus Garching").
PLACE_PREPOSITIONS = {"in", "im", "aus", "an", "am"}
POSSESSIVES = {"sein", "seine", "seiner", "seines", "seinem", "seinen", "ihr", "ihre", "ihrer", "ihres", "ihrem", "ihren", "dessen", "deren"}
# "Seiner Meinung nach sei …" speaks of him as "er" does: the pronoun the possessive stands for.
POSSESSIVE_PRONOUNS = {"seiner": "er", "ihrer": "sie"}
# Lower-case words inside names and titles ("Klimakongress der EnBW", "Championnat du Monde de Tir").
NAME_SMALL_WORDS = {"der", "des", "die", "den", "von", "vom", "für", "und", "zu", "zur", "zum", "im", "am", "of", "the",
                    "and", "for", "du", "de", "la", "le", "les", "di", "da", "del", "et", "y", "e"}
WEB_ADDRESS = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}(?:/\S*)?")
AUXILIARIES = {"wird", "wurde", "werden", "wurden", "hat", "hatte", "haben", "hatten", "ist", "war", "sind", "waren", "habe", "sei", "ließ", "ließen", "lässt", "lassen"}
OWN = {"eigenen", "eigener", "eigene", "eigenem"}
# "ließ … verlauten / mitteilen / ausrichten / wissen": a verb of saying with "lassen".
LASSEN = {"ließ", "ließen", "lässt", "lassen", "ließe"}
LASSEN_INFINITIVES = {"verlauten": "verlauten", "mitteilen": "mitteilen", "wissen": "wissen", "erklären": "erklären",
                      "verkünden": "verkünden"}
CONTRACTED_PREPOSITIONS = {"zur", "zum", "im", "am", "beim", "vom", "ins", "ans", "aufs", "fürs", "übers"}
# Conjunctions that open a subordinate clause whose subject follows them ("indem sie … aufforderte").
CLAUSE_CONJUNCTIONS = SUBORDINATORS | {"zumal", "weil", "ob", "indem", "sodass", "falls", "sobald"}
PASSIVE_AUXILIARIES = {"wird", "wurde", "werden", "wurden", "worden"}
RELATIVE_PREPOSITIONS = {"in", "im", "mit", "von", "für", "bei", "an", "auf", "über", "zu", "nach", "gegen", "unter", "aus", "um", "durch", "ohne", "vor", "hinter", "neben", "zwischen", "während", "wegen", "seit", "bis", "dank", "trotz", "gemäß"}
RELATIVE_PRONOUNS = {"der", "die", "das", "dem", "den", "deren", "dessen", "denen", "welche", "welcher", "welches", "welchen", "welchem"}
Phrase = tuple[int, int, Optional[tuple[int, int]]]  # start, end, apposition


@dataclass
class Cue:
    """A cue found in the text: a verb of saying or an attribution marker.

    ``kind`` is ``verb``, ``laut`` (also ``gemäß``), ``zufolge``, ``nach``
    (``nach Angaben``), ``so``, ``impersonal`` (``heißt es``) or ``anaphoric``
    (``demnach``). ``head`` is the token of the cue word; ``end`` the end of
    the cue words (``heißt es``); ``particle`` the token of a separated verb
    particle (``merkt ... an``); ``speaker`` the speaker phrase, if found;
    ``inverted`` whether the speaker follows the verb.
    """

    kind: str
    head: int
    end: int
    sent: int
    lemma: str = ""
    particle: Optional[int] = None
    speaker: Optional[Phrase] = None
    inverted: bool = False
    used: bool = False
    relative: bool = False  # the verb closes a relative clause
    verb_final: bool = False  # the verb closes its clause ("..., wie X mitteilte", "hat ... angekündigt")
    speaker_rule: str = ""  # how the speaker was found: before, after, subject, antecedent, object


@dataclass
class QuoteMatch:
    """One quotation found by :class:`QuoteFinder`, in token offsets.

    ``speaker`` is ``(start, end, apposition)``; ``rule`` names the rule that
    found it (for debugging and the overlap policy).
    """

    kind: str
    start: int
    end: int
    rule: str
    cue: Optional[tuple[int, int]] = None
    speaker: Optional[Phrase] = None
    speaker_name: str = ""
    speaker_role: str = ""
    sent: int = 0
    end_sent: int = 0
    nested: list[int] = field(default_factory=list)
    speaker_rule: str = ""  # how the speaker was found (the cue's rule, "continued", "subject", "outer")
    mention: Optional[tuple[int, int]] = None  # the speaker mention written as span._.speaker
    named: bool = False  # speaker_name is a name found in the phrase, not the phrase itself


@dataclass
class _DocView:
    """Per-document look-ups shared by the rules."""

    doc: Doc
    sents: list[tuple[int, int]]
    sent_of: list[int]
    para_of: list[int]
    mask: list[bool]  # token inside quotation marks (a quotation or a title) or a mark itself
    quoted: list[bool] = field(default_factory=list)  # token inside a direct quotation (after find_direct)
    # quotation marks as (opening mark, content start, content end, closing mark) token indices
    marked: list[tuple[int, int, int, int]] = field(default_factory=list)
    # tokens of a name in marks inside a noun phrase ("die Nachrichtenagentur „Xinhua“"), marks included
    in_name: list[bool] = field(default_factory=list)
    # the speaker phrase of the last verb of saying read so far in each sentence (find_cues)
    verb_speakers: dict[int, Phrase] = field(default_factory=dict)


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    if doc.has_annotation("SENT_START"):
        return [(s.start, s.end) for s in doc.sents]
    starts = sentence_starts(doc)
    bounds = [i for i, flag in enumerate(starts) if flag] + [len(doc)]
    return list(zip(bounds[:-1], bounds[1:]))


def _paragraphs(doc: Doc) -> list[int]:
    para, out = 0, []
    for tok in doc:
        out.append(para)
        if "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text):
            para += 1
    return out


def without_blank_tokens(doc: Doc) -> tuple[Doc, list[int]]:
    """The ``Doc`` without tokens of extra spaces inside a line, and where its tokens were.

    ``Die Abgeordnete,  Claudia Mo, urteilte`` has a token of one space after the
    comma; the rules read the words around it as neighbours, as in ``Die
    Abgeordnete, Claudia Mo, urteilte``. Line breaks stay (they end headings and
    paragraphs).

    Args:
        doc: a tokenised ``Doc``, sentence boundaries optional.

    Returns:
        ``(compact, index)``: ``compact`` is ``doc`` itself when it has no such
        token, else a new ``Doc`` with the same words, spaces, sentence starts and
        entities without them; ``index[i]`` is the token of ``doc`` at ``compact[i]``.
    """
    blank = [t.is_space and "\n" not in t.text for t in doc]
    if not any(blank):
        return doc, list(range(len(doc)))
    index = [t.i for t in doc if not blank[t.i]]
    if not index:
        return doc, list(range(len(doc)))
    words = [doc[i].text for i in index]
    spaces = [bool(doc[i].whitespace_) or (i + 1 < len(doc) and blank[i + 1]) for i in index]
    sent_starts = None
    if doc.has_annotation("SENT_START"):
        # a sentence that starts with a blank token starts at the next word
        starts = [bool(t.is_sent_start) for t in doc]
        sent_starts, pending = [], False
        for k, i in enumerate(index):
            prev = index[k - 1] if k else -1
            pending = any(starts[j] for j in range(prev + 1, i))
            sent_starts.append(k == 0 or starts[i] or pending)
    compact = Doc(doc.vocab, words=words, spaces=spaces, sent_starts=sent_starts)
    if doc_ents(doc):
        # names found by the NER help to read speakers: keep them on the copy
        where = {i: k for k, i in enumerate(index)}
        ents = []
        for ent in doc_ents(doc):
            kept = [where[i] for i in range(ent.start, ent.end) if i in where]
            if kept:
                ents.append(Span(compact, kept[0], kept[-1] + 1, label=ent.label_))
        compact.ents = ents
    return compact, index


def _past_participle(word: str) -> bool:
    """``gemeldet``, ``bestätigt``, ``angekündigt``, ``zurückgewiesen``: a past participle's shape."""
    if not word.isalpha() or not word.endswith(("t", "en")):
        return False
    return word.startswith("ge") or any(word.startswith(p + "ge") for p in (
        "an", "ab", "auf", "aus", "bei", "ein", "fest", "hin", "mit", "nach", "vor", "zu", "zurück", "dar", "bekannt"))


def _after_dateline(doc: Doc, start: int, end: int) -> int:
    """``start`` moved past a dateline that opens the quotation: ``Frankfurt – Die Deutsche Bank
    will …, berichtete die Süddeutsche`` starts at ``Die``; ``Wien (APA) –`` too. The place must be
    a ``LOC`` entity."""
    k = start
    while k < min(end, start + 3) and doc[k].text[:1].isupper() and doc[k].is_alpha:
        k += 1
    if not any(e.label_ == "LOC" and e.start == start and e.end == k for e in ents_starting_in(doc, start, start + 1)):
        return start  # a place opens a dateline ("Siemens – so der Analyst – sei …" is none)
    if k + 1 < end and doc[k].text == "(":
        close = next((j for j in range(k + 1, min(end, k + 6)) if doc[j].text == ")"), None)
        k = close + 1 if close is not None else k
    if k > start and k + 1 < end and doc[k].text in {"–", "—", "-"} and doc[k].whitespace_:
        return k + 1
    return start


# Heads that name any company, not a kind of business ("das Unternehmen", "der Konzern").
PLAIN_COMPANY_HEADS = ("konzern", "unternehmen", "firma", "gruppe", "gesellschaft", "holding")


def _organisation_speaker(doc: Doc, m: QuoteMatch) -> bool:
    """Whether ``m``'s speaker phrase names an organisation (an ``ORG`` entity in it, no person)."""
    if m.speaker is None:
        return False
    start, end = m.speaker[0], m.speaker[1]
    labels = {e.label_ for e in ents_overlapping(doc, start, end) if e.start < end and start < e.end}
    return "ORG" in labels and "PER" not in labels


def _mapped(m: "QuoteMatch", index: list[int]) -> "QuoteMatch":
    """``m`` with the token offsets of a compact ``Doc`` turned into those of the original."""

    def start(i: int) -> int:
        return index[i] if i < len(index) else index[-1] + 1

    def end(i: int) -> int:
        return index[i - 1] + 1 if i > 0 else 0

    def pair(p: Optional[tuple[int, int]]) -> Optional[tuple[int, int]]:
        return (start(p[0]), end(p[1])) if p is not None else None

    m.start, m.end = start(m.start), end(m.end)
    m.cue, m.mention = pair(m.cue), pair(m.mention)
    if m.speaker is not None:
        m.speaker = (start(m.speaker[0]), end(m.speaker[1]), pair(m.speaker[2]))
    m.nested = [start(i) for i in m.nested]
    return m


class QuoteFinder:
    """The pure half of the component: ``Doc`` in, :class:`QuoteMatch` list out.

    Args:
        lexicon: the cue lexicon.
        min_uncued_words: a quotation in marks with no cue in its sentence
            needs at least this many words (or a full sentence) to count as a
            quotation rather than a title or a scare quote.
        run_window: how many sentences after a quotation a Konjunktiv I
            sentence without a cue may still report its speaker.
        conventions: ``finnews`` (the gold format of ``corpus/fixtures``) or
            ``wikinews`` (the annotation conventions of the Wikinews quotation
            corpus); see :data:`CONVENTIONS`.
    """

    def __init__(
        self,
        lexicon: SpeechLexicon,
        min_uncued_words: int = 6,
        run_window: int = 3,
        conventions: str = "finnews",
    ):
        if conventions not in CONVENTIONS:
            raise ValueError(f"conventions must be one of {sorted(CONVENTIONS)}, not {conventions!r}")
        self.lex = lexicon
        self.min_uncued_words = min_uncued_words
        self.run_window = run_window
        self.conventions = conventions
        self.wikinews = conventions == "wikinews"

    # ------------------------------------------------------------------ entry point

    def match(self, doc: Doc) -> list[QuoteMatch]:
        """Find every quotation of ``doc``.

        Args:
            doc: a tokenised ``Doc`` (sentence boundaries from ``finnews_sentences``
                are used when set; ``doc.ents`` help to find names when present).

        Returns:
            The quotations in text order, before the overlap policy is applied.
        """
        if not len(doc):
            return []
        with cached_ents(doc):  # read doc.ents once (see quotes_grammar.cached_ents)
            return self._match(doc)

    def _match(self, doc: Doc) -> list[QuoteMatch]:
        compact, index = without_blank_tokens(doc)
        if compact is not doc:
            return [_mapped(m, index) for m in self.match(compact)]
        view = self._view(doc)
        cues = self.find_cues(view)
        direct = self.find_direct(view, cues)
        for q in direct:
            for i in range(q.nested[0], min(len(doc), q.nested[1] + 1)):
                view.quoted[i] = True
        indirect = self.find_indirect(view, cues, direct)
        found = sorted(direct + indirect, key=lambda m: (m.start, m.end))
        anchors = self._cue_anchors(cues, found)
        runs = self.find_runs(view, found, anchors)
        found = sorted(found + runs, key=lambda m: (m.start, m.end))
        self._fill_direct_speakers(view, direct, found, anchors)
        for m in found:
            self._name_speaker(view, m)
        self._resolve_references(view, found)
        self._name_generic_company_speakers(view, found)
        for m in found:
            if m.kind != "direct":
                m.start = _after_dateline(doc, m.start, m.end)
        return found

    def _view(self, doc: Doc) -> _DocView:
        sents = _sentences(doc)
        sent_of = [0] * len(doc)
        for k, (s, e) in enumerate(sents):
            for i in range(s, e):
                sent_of[i] = k
        mask = [False] * len(doc)
        view = _DocView(doc=doc, sents=sents, sent_of=sent_of, para_of=_paragraphs(doc), mask=mask, quoted=[False] * len(doc))
        for mq in find_marked_quotes(doc.text):
            span = doc.char_span(mq.start, mq.end, alignment_mode="expand")
            open_tok = doc.char_span(mq.open, mq.open + 1, alignment_mode="expand")
            close_tok = doc.char_span(mq.close, mq.close + 1, alignment_mode="expand")
            if span is None or open_tok is None or close_tok is None or not len(span):
                continue
            view.marked.append((open_tok.start, span.start, span.end, close_tok.start))
            for i in range(open_tok.start, close_tok.end):
                mask[i] = True
        view.in_name = [False] * len(doc)
        for open_tok, start, end, close in view.marked:
            if self._name_in_marks(view, open_tok, start, end):
                for i in range(open_tok, close + 1):
                    view.in_name[i] = True
        return view

    def _name_in_marks(self, view: _DocView, open_tok: int, start: int, end: int) -> bool:
        """Whether words in marks name a newspaper or an organisation inside a noun phrase:
        ``die Nachrichtenagentur „Xinhua“``, ``von der „Aktion Deutschland hilft“``,
        ``der „New York Times“`` (a few capitalised words after a noun or determiner)."""
        doc = view.doc
        words = [t for t in doc[start:end] if not t.is_punct]
        if not words or len(words) > 6 or not doc[start].text[:1].isupper() or open_tok == 0:
            return False
        if any(t.text in FINAL_PUNCT or t.text in {",", ":", ";"} for t in doc[start:end]):
            return False
        before = doc[open_tok - 1]
        return before.lower_ in {"der", "des", "die", "das", "dem", "den", "von", "vom"} or (
            is_cap(before, self.lex) and not before.is_sent_start and before.lower_ not in self.lex.determiners
        )

    # ------------------------------------------------------------------ cues

    def _clause_start(self, view: _DocView, i: int) -> int:
        """First token of the clause that contains token ``i`` (after ``,``/``:``/quotes)."""
        s0 = view.sents[view.sent_of[i]][0]
        j = i - 1
        while j >= s0:
            tok = view.doc[j]
            if tok.text in {",", ";", ":", "–", "—"} or (view.mask[j] and not view.in_name[j]):
                return j + 1
            j -= 1
        return s0

    def _clause_limit(self, view: _DocView, i: int) -> int:
        """Where a speaker phrase after token ``i`` must end: sentence end, a colon or a quotation."""
        doc = view.doc
        e0 = view.sents[view.sent_of[i]][1]
        j = i + 1
        while j < e0:
            tok = doc[j]
            if tok.text == "(" and j + 2 < e0 and doc[j + 2].text == ")" and doc[j + 1].text[:1].isupper():
                j += 3  # a party or an acronym after a name: "Christian Wulff (CDU)"
                continue
            if (view.mask[j] and not view.in_name[j]) or tok.text in {":", ";", "(", "–", "—"}:
                return j
            j += 1
        return e0

    def _find_particle(self, view: _DocView, i: int, particle: str) -> Optional[int]:
        """The separated particle of the verb at ``i``: ``merkt Aletheia Capital an.``"""
        doc = view.doc
        e0 = view.sents[view.sent_of[i]][1]
        in_marks = False
        for j in range(i + 1, min(e0, i + 25)):
            if view.mask[j] and not in_marks:
                # words in marks inside the clause may stand before the particle ("wies dies als
                # „Unverschämtheit“ zurück"), a quoted sentence may not
                close = j + 1
                while close < e0 and view.mask[close]:
                    close += 1
                if any(t.text in FINAL_PUNCT for t in doc[j:close]):
                    return None
            in_marks = view.mask[j]
            if in_marks or doc[j].text in {":", ";"}:
                if doc[j].text in {":", ";"} and not in_marks:
                    return None
                continue
            if particle[:1].isupper() and doc[j].text == particle:
                return j  # a noun particle stands anywhere: "nahm dazu Stellung", "nahm Stellung zu"
            if doc[j].lower_ == particle and doc[j].text.islower():
                nxt = doc[j + 1] if j + 1 < len(doc) else None
                if nxt is None or nxt.is_punct or nxt.lower_ in COMPLEMENTIZERS or nxt.is_space or is_quote_token(nxt):
                    return j
        return None

    def find_cues(self, view: _DocView) -> list[Cue]:
        """Find the verbs of saying and attribution markers outside quotation marks.

        Example: in ``„…“, merkt Aletheia Capital an.`` the cue is ``merkt``
        with the particle ``an`` and the speaker ``Aletheia Capital``.
        """
        doc, lex = view.doc, self.lex
        cues: list[Cue] = []
        n = len(doc)
        i = 0
        while i < n:
            if view.mask[i]:
                i += 1
                continue
            tok = doc[i]
            low = tok.lower_
            sent = view.sent_of[i]
            cue: Optional[Cue] = None
            imp = self._impersonal_at(view, i)
            if imp:
                cue = Cue("impersonal", i, i + imp, sent, lemma=" ".join(t.lower_ for t in doc[i : i + imp]))
            elif tok.text.islower() and (low in lex.joined_index or low in lex.finite_index or low in LASSEN):
                cue = self._verb_cue(view, i)
            elif low in lex.markers_before and i + 1 < n:
                cue = Cue("laut", i, i + 1, sent, lemma=low)
            elif (low in lex.markers_after or self._postposed_nach(view, i)) and i > 0:
                cue = Cue("zufolge", i, i + 1, sent, lemma=low)
            elif low in lex.markers_so and i > 0 and (doc[i - 1].text in {",", "–"} or view.mask[i - 1]):
                cue = Cue("so", i, i + 1, sent, lemma=low)
            elif low == "nach" and self._according_noun_after(view, i) is not None:
                cue = Cue("nach", i, i + 1, sent, lemma=low)
            elif low in lex.anaphoric and (low != "danach" or tok.is_sent_start) and self.wikinews:
                cue = Cue("anaphoric", i, i + 1, sent, lemma=low)
            if cue is not None:
                self._cue_speaker(view, cue)
                if cue.kind == "verb" and cue.speaker is not None and cue.speaker_rule in {"before", "after", "before-apposition"}:
                    view.verb_speakers[cue.sent] = cue.speaker
                if cue.kind in {"verb", "impersonal", "anaphoric"} or cue.speaker is not None:
                    cues.append(cue)
                i = cue.end
                continue
            i += 1
        return cues

    def _postposed_nach(self, view: _DocView, i: int) -> bool:
        """``Seiner Meinung nach sei …``: ``nach`` after a possessive and a noun of opinion or
        account is a cue like ``zufolge``, the possessive and the noun its speaker."""
        doc = view.doc
        return (doc[i].lower_ == "nach" and i >= 2 and doc[i - 1].text in self.lex.according_nouns
                and doc[i - 2].lower_ in POSSESSIVES - {"dessen", "deren"} and not view.mask[i - 1])

    def _according_noun_after(self, view: _DocView, i: int) -> Optional[int]:
        """``nach Angaben``, ``nach den Worten``, ``nach eigenen Angaben``: the noun's index."""
        doc = view.doc
        for k in range(i + 1, min(len(doc), i + 4)):
            if doc[k].text in self.lex.according_nouns:
                return k
            if not (doc[k].lower_ in self.lex.determiners or (is_lower_word(doc[k]) and doc[k].lower_.endswith(("e", "en", "er")))):
                return None
        return None

    def _impersonal_at(self, view: _DocView, i: int) -> int:
        doc = view.doc
        for phrase in self.lex.impersonal:
            k = len(phrase)
            if i + k <= len(doc) and all(doc[i + j].lower_ == phrase[j] and not view.mask[i + j] for j in range(k)):
                return k
        return 0

    def _verb_cue(self, view: _DocView, i: int) -> Optional[Cue]:
        doc, lex = view.doc, self.lex
        low = doc[i].lower_
        if i > 0 and doc[i - 1].lower_ == "zu":
            return None  # "um zu sagen": an infinitive, not a cue
        if i > 0 and doc[i - 1].text == "(" or (i + 1 < len(doc) and doc[i + 1].text == ")"):
            return None  # "(Wikinews berichtete)": a reference, not speech
        if (i > 0 and doc[i - 1].lower_ == "sich") or (i + 1 < len(doc) and doc[i + 1].lower_ == "sich" and low.startswith("bestätig")):
            return None  # "Sollte sich das bestätigen": not a speech act
        sent = view.sent_of[i]
        if self._attributive_participle(view, i):
            return None
        if low in LASSEN:
            # "„…“, ließ ein IWF-Sprecher aus Washington verlauten": lassen with an infinitive of saying
            e0 = view.sents[sent][1]
            for j in range(i + 2, min(e0, i + 12)):
                if view.mask[j] or doc[j].text in {",", ";", ":"}:
                    break
                if doc[j].lower_ in LASSEN_INFINITIVES and (j + 1 >= len(doc) or doc[j + 1].is_punct):
                    return Cue("verb", i, i + 1, sent, lemma=LASSEN_INFINITIVES[doc[j].lower_], particle=j)
            return None
        plain = None
        for lemma in lex.finite_index.get(low, []):
            entry = lex.verbs[lemma]
            if entry.particle:
                # a separated particle first: "rief ... aus" is ausrufen, though "rief" is also rufen
                j = self._find_particle(view, i, entry.particle)
                if j is not None:
                    return Cue("verb", i, i + 1, sent, lemma=lemma, particle=j)
            elif plain is None:
                plain = lemma
        if low in lex.joined_index:
            lemma = lex.joined_index[low][0]
            entry = lex.verbs[lemma]
            if entry.particle and low == entry.particle + "zu" + lemma[len(entry.particle):]:
                return None  # "unabhängige Gerichte anzurufen": an infinitive, like "um zu sagen"
            return Cue("verb", i, i + 1, sent, lemma=lemma)
        if plain is not None:
            return Cue("verb", i, i + 1, sent, lemma=plain)
        return None

    def _attributive_participle(self, view: _DocView, i: int) -> bool:
        """Whether the verb form at ``i`` is a participle used as an adjective: after an article
        (and at most one adverb) and before its noun or words in marks: ``die zitierten Worte``,
        ``mit einem refrainartig skandierten „Frieden schaffen ohne Waffen“``."""
        doc, lex = view.doc, self.lex
        if i + 1 >= len(doc) or not (is_cap(doc[i + 1], lex) or view.mask[i + 1]):
            return False
        k = i - 1
        if k >= 1 and is_lower_word(doc[k]) and doc[k].lower_ not in lex.determiners and doc[k - 1].lower_ in lex.determiners:
            k -= 1  # "einem refrainartig skandierten"
        if k < 1 or doc[k].lower_ not in lex.determiners or doc[k].lower_ in lex.speaker_pronouns:
            return False
        return not (doc[k - 1].is_punct or doc[k].is_sent_start)  # ", die sagten" opens a relative clause

    def _cue_speaker(self, view: _DocView, cue: Cue) -> None:
        """Find the speaker phrase of a cue (before or after it) and store it on the cue."""
        doc, lex = view.doc, self.lex
        i = cue.head
        limit = self._clause_limit(view, cue.end - 1)
        if cue.particle is not None:
            limit = min(limit, cue.particle)
        cue.speaker_rule = cue.kind
        if cue.kind in {"laut", "so"}:
            cue.speaker = speaker_phrase(doc, i + 1, limit, lex) or self._titled_source(view, i + 1)
            cue.inverted = True
            return
        if cue.kind == "nach":
            noun = self._according_noun_after(view, i)
            found = speaker_phrase(doc, i + 1, limit, lex, common_head=True) if noun is not None else None
            cue.speaker = found
            cue.inverted = True
            return
        if cue.kind == "zufolge":
            start = self._clause_start(view, i)
            for s in range(max(start, i - 12), i):
                found = phrase_ending_at(doc, s, i, lex)
                if found is not None:
                    cue.speaker = found
                    break
            return
        if cue.kind == "anaphoric":
            return
        if cue.kind == "impersonal":
            for k in range(cue.end, min(limit, cue.end + 3)):
                if doc[k].lower_ in {"in", "im", "bei", "beim", "aus", "von", "vom", "seitens"}:
                    end = noun_phrase_end(doc, k + 1, limit, lex, common_head=True, pronouns=False)
                    if end:
                        cue.speaker = (k + 1, end, None)
                    break
            cue.inverted = True
            if cue.speaker is None:
                cue.speaker = self._source_before_impersonal(view, cue)
            return
        # A verb: the subject before it ("Die Firma teilte mit"), else after it ("sagte Vey-Sern Ling").
        start = self._clause_start(view, i)
        verb_final = cue.particle is None and (i + 1 >= len(doc) or doc[i + 1].is_punct or doc[i + 1].is_space)
        if (not verb_final and not self.wikinews and cue.particle is None and i + 1 < len(doc)
                and doc[i + 1].lower_ in COORDINATORS and _past_participle(doc[i].lower_)):
            verb_final = True  # "hatte einen Verlust gemeldet und eine Prognose bestätigt": the first verb closes its part
        cue.verb_final = verb_final
        if self._in_relative_clause(view, start, i):
            # "ein Kommentar, der die Entscheidung als „…“ bezeichnet": the speaker is the antecedent.
            cue.relative = True
            cue.speaker = self._phrase_before(view, start - 1)
            cue.speaker_rule = "antecedent"
            return
        object_speaker = cue.lemma in lex.object_speaker and not verb_final
        if object_speaker and self.wikinews:
            # The Wikinews corpus marks who quotes as the speaker ("Der Spiegel zitiert den
            # Prediger mit den Worten", "zitiert CNN"), and the one quoted only after "man".
            object_speaker = i + 1 < len(doc) and doc[i + 1].lower_ == "man"
        if object_speaker:
            # "Ein Fernsehsender zitierte Papandreou mit den Worten": the one quoted is the object.
            phrases = []
            k = i + 1
            skips = 0
            while k < limit and len(phrases) < 2:
                if doc[k].lower_ == "man":
                    k += 1  # "zitierte man Yolanda Alvarez"
                    continue
                found = speaker_phrase(doc, k, limit, lex)
                if found is None:
                    if skips or phrases:
                        break
                    skips, k = 1, k + 1  # "zitiert ndr.de Polizeisprecher Ralf Meyer"
                    continue
                phrases.append(found)
                k = (found[2][1] if found[2] else found[1])
            if phrases:
                cue.speaker = phrases[-1]
                cue.inverted = True
                cue.speaker_rule = "object"
                return
        if i > start and doc[i - 1].lower_ in {"und", "sowie", "aber", "sondern", "oder"}:
            # "Er halte das für vertretbar und bezeichnete X als „maßvoll“": the first verb's subject
            # (as the first verb of saying read it, when there is one: "X erläutert …: „…“, und fügt hinzu:")
            cue.speaker = view.verb_speakers.get(cue.sent) or self.sentence_subject(view, cue.sent, i)
            cue.speaker_rule = "coordinated"
            return
        # "..., zumal Verteidiger X immer wieder betont hatte, ...": the verb and its auxiliary close the clause
        aux_final = (not verb_final and cue.particle is None and i + 2 < len(doc) and doc[i + 1].lower_ in AUXILIARIES
                     and (doc[i + 2].is_punct or doc[i + 2].is_space))
        subordinate = start < len(doc) and doc[start].lower_ in CLAUSE_CONJUNCTIONS
        if subordinate and (verb_final or aux_final):
            start += 1  # "..., wie X sagte."
        while start < i and doc[start].lower_ in AUXILIARIES:
            start += 1  # "..., wird Mike Downey zitiert."
        prefix_end = i
        while prefix_end > start and doc[prefix_end - 1].lower_ in lex.skip_after_cue:
            prefix_end -= 1  # "hatte Koch-Mehrin damals gesagt"
        if start < prefix_end:
            found = phrase_ending_at(doc, start, prefix_end, lex)
            if found is None and (verb_final or (aux_final and subordinate)):
                # "..., wie der Konzern am Dienstag in Walldorf mitteilte": adverbials after the subject
                found = speaker_phrase(doc, start, prefix_end, lex)
                pronoun_first = subordinate and found is not None and doc[found[0]].lower_ in lex.speaker_pronouns
                if (found is not None and not pronoun_first
                        and skip_adverbials(doc, found[2][1] if found[2] else found[1], prefix_end + 1, lex)[-1:] != [prefix_end]):
                    found = None  # a pronoun right after the conjunction is the subject: "indem sie den Rat aufforderte"
            if found is not None and not verb_final and is_abstract_phrase(doc, found[0], found[1], lex):
                # "Die Äußerungen Hassemers bezeichnete Wiefelspütz als „Knaller“": an object
                # stands first, the speaker after the verb
                after = self._speaker_after(view, i, limit)
                if after is not None and names_speaker(doc, after[0], after[1], lex):
                    cue.speaker, cue.speaker_rule, cue.inverted = after, "after-fronted", True
                    return
            if found is not None:
                cue.speaker, cue.speaker_rule = self._with_name_before(view, found), "before"
                return
        s0 = view.sents[cue.sent][0]
        if start > s0 and doc[start - 1].text == "," and not view.mask[start - 1] and start == i:
            # "Hans-Jürgen Papier, Präsident des Bundesverfassungsgerichtes, sagte, ..."
            first = s0 + 1 if doc[s0].lower_ in SUBORDINATORS else s0  # "Wie der Vorsitzende Richter, X, ausführte"
            found = phrase_ending_at(doc, first, start, lex)
            if found is None:
                # "Miroslav Klose, der wegen wiederholten Fouls Gelb-Rot sah, nannte ..."
                opening = self._relative_clause_opening(view, start - 1)
                if opening is not None:
                    found = phrase_ending_at(doc, first, opening, lex)
            if found is None:
                found = self._name_with_long_apposition(view, first, start)
            if found is None and start - 2 > s0:
                # "„…“, wird Mike Downey, Technical Product Manager, zitiert.": the name and its
                # apposition fill the clause after a quotation and an auxiliary
                a_start = self._clause_start(view, start - 2)
                n_start = self._clause_start(view, a_start - 2) if a_start - 2 > s0 else s0
                while n_start < a_start and doc[n_start].lower_ in AUXILIARIES:
                    n_start += 1
                # (or after a comma: "X wies das zurück, die Sprecherin der Fraktion, Sandra Boser, erklärte:")
                if n_start > s0 and (doc[n_start - 1].lower_ in AUXILIARIES or doc[n_start - 1].text == ","):
                    found = phrase_ending_at(doc, n_start, start, lex)
            if found is not None:
                cue.speaker, cue.speaker_rule = found, "before-apposition"
                return
        if self._subject_may_follow(view, start, prefix_end):
            found = self._speaker_after(view, i, limit)
            if found is not None:
                cue.speaker, cue.speaker_rule = found, "after"
                cue.inverted = True
                return
        if start == i and i - 2 >= s0 and doc[i - 1].text == "," and not view.mask[i - 2] and not verb_final:
            # "Jim DeMint wollte sich nicht festlegen, sagte aber, die Republikaner müssten ...":
            # a second main clause without its own subject shares the first one's
            subject = self.sentence_subject(view, cue.sent, i)
            if subject is not None and subject[0] <= s0 + 1 and doc[s0].lower_ not in SUBORDINATORS:
                cue.speaker, cue.speaker_rule = subject, "coordinated"
                return
        if verb_final or cue.particle is not None:
            # "Die Bundesregierung hatte den Bericht als „falsch“ zurückgewiesen."
            if start > s0 and doc[start - 1].text == ":":
                # after a colon the clause has its own subject: "Auch andere stehen unter Druck:
                # ZF hatte im Frühjahr einen Verlust gemeldet"
                found = speaker_phrase(doc, start, i, lex)
                end = (found[2][1] if found[2] else found[1]) if found else start
                cue.speaker = found if found is not None and end < i and is_lower_word(doc[end]) else None
            else:
                cue.speaker = self.sentence_subject(view, cue.sent, i)
            cue.speaker_rule = "subject"

    def _name_with_long_apposition(self, view: _DocView, first: int, comma_end: int) -> Optional[Phrase]:
        """``John Kline, ein Repräsentant aus Minnesota und Marineoberst außer Dienst, sagte``: a name
        and everything between the two commas before the verb as its apposition.

        Args:
            view: the document view.
            first: where the name may start.
            comma_end: the token after the comma right before the verb.

        Returns:
            ``(start, end, apposition)`` or ``None``.
        """
        doc, lex = view.doc, self.lex
        close = comma_end - 1
        opening = next((k for k in range(first, close) if doc[k].text == "," and not view.mask[k]), None)
        if opening is None or not 2 <= close - opening - 1 <= 14:
            return None
        core = phrase_ending_at(doc, first, opening, lex)
        if core is None or core[2] is not None or not looks_like_name(doc, core[0], core[1], lex):
            return None
        a_start = opening + 1
        head = doc[a_start]
        if not (head.lower_ in lex.determiners or is_cap(head, lex)) or head.lower_ in RELATIVE_PRONOUNS - {"die", "der", "das"}:
            return None
        if any(view.mask[k] or doc[k].text in {",", ";", ":", ".", "„", "“"} for k in range(a_start, close)):
            return None
        if any(doc[k].lower_ in lex.finite_index or doc[k].lower_ in AUXILIARIES for k in range(a_start, close)):
            return None  # a clause ("John Kline, der gestern kam, sagte"), not an apposition
        return (core[0], core[1], (a_start, close))

    def _with_name_before(self, view: _DocView, found: Phrase) -> Phrase:
        """A name before a role phrase whose closing comma is missing: ``Stephen Singer, ein
        Klimaexperte vom WWF erklärte`` is one speaker, the name with its apposition."""
        doc, lex = view.doc, self.lex
        start, end, app = found
        if app is not None or start < 2 or doc[start - 1].text != "," or view.mask[start - 2]:
            return found
        if not (doc[start].lower_ in lex.determiners or lex.is_role_word(doc[start].text)):
            return found
        s0 = view.sents[view.sent_of[start]][0]
        first = s0 + 1 if doc[s0].lower_ in SUBORDINATORS else s0
        name = phrase_ending_at(doc, first, start - 1, lex)
        if name is None or name[2] is not None or not looks_like_name(doc, name[0], name[1], lex):
            return found
        return (name[0], name[1], (start, end))

    def _source_before_impersonal(self, view: _DocView, cue: Cue) -> Optional[Phrase]:
        """The document an impersonal cue quotes when it stands first: ``In dem Antrag heißt
        es: „…“`` gives ``dem Antrag``; ``Im letzten Satz der Anordnung, die ... zugestellt
        wurde, heißt es`` gives ``letzten Satz der Anordnung`` (the phrase after the preposition);
        ``Aus Paris hieß es, …`` gives ``Paris``, where the news came from."""
        doc, lex = view.doc, self.lex
        s0 = view.sents[cue.sent][0]
        k = s0
        while k < cue.head and (doc[k].lower_ in lex.skip_after_cue or doc[k].lower_ in {"so", "nun", "dazu"}):
            k += 1
        if k >= cue.head or doc[k].lower_ not in {"in", "im", "auf", "bei", "beim", "aus", "seitens"}:
            return None
        start = k + 1
        end = noun_phrase_end(doc, start, cue.head, lex, common_head=True, pronouns=False)
        if end is None:
            return None
        if end == cue.head or (doc[end].text == "," and doc[cue.head - 1].text == "," and self._relative_clause_opening(view, cue.head - 1) == end):
            return (start, end, None)
        return None

    def _finite_verb_after(self, view: _DocView, k: int, limit: int) -> Optional[int]:
        """The first lower-case word from ``k`` on that is not inside a prepositional phrase:
        in ``Den Unmut über Stoibers Äußerungen brachte die Sprecherin`` (from ``über``), ``brachte``."""
        doc, lex = view.doc, self.lex
        j = k
        while j < limit:
            tok = doc[j]
            low = tok.lower_
            if tok.text in {",", ";", ":", "(", ")"} or view.mask[j]:
                return None
            if is_lower_word(tok) and low not in RELATIVE_PREPOSITIONS and low not in lex.determiners and low not in lex.adverbial_prepositions:
                if not (low.endswith(("e", "en", "er", "es", "em")) and j + 1 < limit and is_cap(doc[j + 1], lex)):
                    return j  # not an adjective before its noun ("über die jüngsten Äußerungen")
            j += 1
        return None

    def _speaker_after(self, view: _DocView, i: int, limit: int) -> Optional[Phrase]:
        """The subject right after the finite verb at ``i``, past adverbs and prepositional
        phrases: ``sagte dazu am Montag der Sprecher``; ``None`` when an object comes first."""
        doc, lex = view.doc, self.lex
        for k in skip_adverbials(doc, i + 1, limit, lex):
            found = speaker_phrase(doc, k, limit, lex) or self._titled_source(view, k)
            if found is not None and doc[found[0]].lower_ not in OBJECT_DETERMINERS:
                return found
            if found is not None:
                return None
        return self._titled_source(view, i + 1) if i + 1 == limit else None

    def _titled_source(self, view: _DocView, k: int) -> Optional[Phrase]:
        """A newspaper or agency named in quotation marks: ``schreibt die „Computerwoche“``,
        ``laut „Reuters“``; the phrase runs from the determiner to the closing mark."""
        doc, lex = view.doc, self.lex
        j = k + 1 if k < len(doc) and doc[k].lower_ in lex.determiners else k
        for open_tok, start, end, close_tok in view.marked:
            if open_tok != j:
                continue
            words = [t for t in doc[start:end] if t.is_alpha]
            if words and len(words) <= 5 and is_cap(words[0], lex) and view.sent_of[close_tok] == view.sent_of[k]:
                if not any(t.text in FINAL_PUNCT for t in doc[start:end]):
                    return (k, close_tok + 1, None)
            return None
        return None

    def _subject_may_follow(self, view: _DocView, start: int, verb: int) -> bool:
        """Whether the subject of a verb may stand after it: nothing, an adverb, a
        prepositional phrase or an object pronoun before the verb (``„…“, sagt X``,
        ``Dazu sagte X``, ``Am Montag erklärte X``, ``Das teilte X mit``), not a
        noun phrase we failed to read (then the phrase after the verb is its object)."""
        doc, lex = view.doc, self.lex
        if start >= verb:
            return True
        first = doc[start]
        low = first.lower_
        if low in lex.adverbs or low in lex.adverbial_prepositions or low in STOP_WORDS or not first.is_alpha:
            return True
        if low in OBJECT_DETERMINERS:
            return True
        return not (first.text[:1].isupper() or low in lex.determiners)

    def _relative_clause_opening(self, view: _DocView, comma: int) -> Optional[int]:
        """The comma that opens the relative clause closed by the comma at ``comma``, if any."""
        doc = view.doc
        s0 = view.sents[view.sent_of[comma]][0]
        for j in range(comma - 2, max(s0, comma - 25), -1):
            if view.mask[j]:
                return None
            if doc[j].text == ",":
                nxt = doc[j + 1]
                if nxt.lower_ in RELATIVE_PRONOUNS or (
                    nxt.lower_ in RELATIVE_PREPOSITIONS and j + 2 < comma and doc[j + 2].lower_ in RELATIVE_PRONOUNS
                ):
                    return j
                return None
        return None

    def _antecedent_past_marks(self, view: _DocView, cue: Optional[Cue], close_tok: int) -> Optional[Phrase]:
        """The antecedent of a relative clause whose verb of saying closes it after words in marks:
        ``eine Botschaft, welche die Techniker als „einen Haufen von Schulkindern“ bezeichnete``
        gives ``eine Botschaft`` (a reflexive ``das sich selbst „…“ nennt`` names itself)."""
        if cue is None or cue.kind != "verb" or cue.head <= close_tok or cue.relative:
            return None
        start = self._relative_start_past_marks(view, cue.head)
        if start is None or any(t.lower_ == "sich" for t in view.doc[start : cue.head]):
            return None
        return self._phrase_before(view, start - 1)

    def _relative_start_past_marks(self, view: _DocView, i: int) -> Optional[int]:
        """The start of a relative clause that words in marks interrupt and the verb at ``i`` closes:
        ``eine Botschaft, welche die Techniker als „einen Haufen von Schulkindern“ bezeichnete``.

        Args:
            view: the document view.
            i: the verb.

        Returns:
            The first token of the relative clause (after its comma), or ``None``.
        """
        doc = view.doc
        s0 = view.sents[view.sent_of[i]][0]
        j = i - 1
        crossed = False
        while j >= s0:
            if view.mask[j]:
                crossed = True
            elif doc[j].text in {",", ";", ":", "–", "—"}:
                break
            j -= 1
        if not crossed or j < s0 or doc[j].text != ",":
            return None
        if i + 1 < len(doc) and doc[i + 1].lower_ in PASSIVE_AUXILIARIES:
            return None  # "Die Rauchschwaden, die als „nebelartig“ beschrieben wurden": described, not speaking
        return j + 1 if self._in_relative_clause(view, j + 1, i) else None

    def _phrase_before(self, view: _DocView, comma: int) -> Optional[Phrase]:
        """The noun phrase that ends right before token ``comma`` (a relative clause's antecedent)."""
        doc = view.doc
        s0 = view.sents[view.sent_of[comma]][0] if comma < len(doc) else 0
        for s in range(max(s0, comma - 10), comma):
            if view.mask[s] or not (doc[s].lower_ in self.lex.determiners or is_cap(doc[s], self.lex)
                                    or doc[s].lower_ in self.lex.speaker_pronouns):
                continue  # a phrase starts with an article, a capital or a pronoun, not "erschien ein Kommentar"
            found = phrase_ending_at(doc, s, comma, self.lex)
            if found is not None and not any(view.mask[k] for k in range(s, comma)):
                return found
        return None

    def sentence_subject(self, view: _DocView, sent: int, before: int) -> Optional[Phrase]:
        """The subject of a sentence, by position: its first noun phrase when a verb follows.

        ``Die Firma empfindet die Kritik als ungerechtfertigt: „…“`` gives ``Die
        Firma``; ``Im Kongress warb Obama mit den Worten: „…“`` gives ``Obama``
        (after a fronted phrase the subject follows the verb).

        Args:
            view: the document view.
            sent: the sentence index.
            before: the subject must end before this token.

        Returns:
            The phrase or ``None``.
        """
        doc, lex = view.doc, self.lex
        s0 = view.sents[sent][0]
        while s0 < before and view.para_of[s0] < view.para_of[before]:
            s0 += 1  # a heading without a period is not part of the sentence
        while s0 + 1 < before and doc[s0].lower_ in FOCUS_PARTICLES and doc[s0 + 1].lower_ in lex.determiners:
            s0 += 1  # "Auch der Außenminister attackierte …"
        if doc[s0].lower_ in CLAUSE_CONJUNCTIONS and doc[s0].lower_ != "als":
            # "Da ihre Mandantin Angst hatte, habe Celebi „…“": after the subordinate clause the
            # main clause starts with its finite verb, the subject follows it
            comma = next((k for k in range(s0 + 1, before) if doc[k].text == "," and not view.mask[k]), None)
            if comma is not None and comma + 2 < before and is_lower_word(doc[comma + 1]) and not view.mask[comma + 1]:
                for j in skip_adverbials(doc, comma + 2, before, lex):
                    found = speaker_phrase(doc, j, before, lex)
                    if found is not None:
                        return found
            return None
        limit = before
        for k in range(s0, before):
            if view.mask[k] or doc[k].text in {":", ";"}:
                limit = k
                break
        found = speaker_phrase(doc, s0, limit, lex)
        if found is not None:
            end = found[2][1] if found[2] else found[1]
            if end < limit and (is_lower_word(doc[end]) or doc[end].text == ","):
                if is_abstract_phrase(doc, found[0], found[1], lex):
                    # "Den Unmut der CDU brachte die Sprecherin zum Ausdruck:"
                    verb = self._finite_verb_after(view, end, limit)
                    after = self._speaker_after(view, verb, limit) if verb is not None else None
                    if after is not None and (names_speaker(doc, after[0], after[1], lex) or self._bare_name(view, after)):
                        return after
                return found
            if end == limit and limit < len(doc) and doc[limit].text == ":":
                return found  # "Ein Beamter der Nationalpolizei: „…“"
            return None
        # A fronted phrase, the finite verb, then the subject: "Im Kongress warb Obama ..."
        for k in range(s0 + 1, min(limit, s0 + 14)):
            tok = doc[k]
            if tok.text in {",", "."}:
                break
            if is_lower_word(tok) and (tok.lower_ in AUXILIARIES or tok.lower_ not in STOP_WORDS) and not tok.lower_.endswith(("isch", "lich")):
                if k > s0 and (doc[k - 1].lower_ in lex.determiners or doc[k - 1].lower_ in CONTRACTED_PREPOSITIONS):
                    continue  # an adjective: "Zur aktuellen Lage … wird Watzke zitiert"
                for j in skip_adverbials(doc, k + 1, limit, lex):
                    found = speaker_phrase(doc, j, limit, lex)
                    if found is not None:
                        return found
                return None
        return None

    def _bare_name(self, view: _DocView, phrase: Phrase) -> bool:
        """One capitalised word without a determiner after the verb, when a thing stands first:
        ``Jegliche Mitverantwortung weist Hartmann von sich``: Hartmann."""
        doc = view.doc
        start, end, _ = phrase
        return (end - start == 1 and is_cap(doc[start], self.lex) and not view.mask[start]
                and not doc[start].lower_.endswith(COMMON_NOUN_SUFFIXES) and not doc[start].text.isupper())

    def _in_relative_clause(self, view: _DocView, start: int, i: int) -> bool:
        """``die Preise, die DeepSeek verlangt, seien ...``: a verb at the end of a relative clause."""
        doc = view.doc
        if start <= 0 or doc[start - 1].text != "," or start >= i:
            return False
        first = doc[start]
        if first.lower_ not in RELATIVE_PRONOUNS and not (
            first.lower_ in RELATIVE_PREPOSITIONS and start + 1 < i and doc[start + 1].lower_ in RELATIVE_PRONOUNS
        ):
            return False
        head = phrase_head(doc, start, i, self.lex)
        if first.lower_ in {"der", "die"} and head is not None and self.lex.is_role_word(doc[head].text) and phrase_ending_at(doc, start, i, self.lex):
            return False  # "Houcine Abassi, der Generalsekretär des Verbandes sagte": an apposition
        j = i + 1
        while j < len(doc) and doc[j].lower_ in AUXILIARIES | {"worden", "wurden", "werde", "würde"}:
            j += 1  # "zu der ein Bündnis aufgerufen hatte,"
        return j >= len(doc) or doc[j].is_punct or doc[j].is_space

    # ------------------------------------------------------------------ direct quotations

    def _quoted_as_object(self, view: _DocView, cue: Cue, open_tok: int) -> bool:
        """Whether the quotation is the object of its verb of saying: ``sprach von einem „…“``,
        ``warnte vor „…“``, ``bezeichnete den Plan als „…“``, ``nannte die Lage „…“``; with
        ``als`` right before the marks also past a long middle field: ``Die Ministerin wies dies
        am Rande einer Tagung in Bad Staffelstein als „Unverschämtheit“ zurück``."""
        doc, lex = view.doc, self.lex
        if cue.kind != "verb" or not cue.head < open_tok:
            return False
        # "bezeichnete Stratfor wegen seiner Dienste 2010 als „Schatten-CIA“": "als" right before
        # the marks reaches further than a preposition
        reach = 12 if open_tok >= 1 and any(t.lower_ == "als" for t in doc[max(cue.head + 1, open_tok - 3) : open_tok]) else 6
        if open_tok > cue.head + reach:
            return False
        between = [t.lower_ for t in doc[cue.head + 1 : open_tok]]
        if any(view.mask[k] for k in range(cue.head + 1, open_tok)) or any(t in {",", ".", ":", ";"} for t in between):
            return False
        preps = lex.reported_prepositions.get(cue.lemma, set()) | {"als"}
        if set(between) & preps:
            return True
        # "nannte die Lage „…“" characterises its object; with nothing between verb and marks
        # ("ein Standard, genannt „Profil 1.1“"; "nennt „Twitter“") or "sich"/"man" it names a thing
        return cue.lemma in {"nennen", "bezeichnen"} and bool(between) and not {"sich", "man"} & set(between)

    def _inside_cue_clause(self, view: _DocView, cue: Optional[Cue], open_tok: int, close_tok: int) -> bool:
        """Whether a quotation in marks is part of the clause its verb of saying closes.

        ``Die Bundesregierung hatte den Bericht als „falsch“ zurückgewiesen.`` and
        ``Der Minister hatte die Zustimmung „trotz einiger Vorbehalte“ bekanntgegeben.``:
        the words in marks sit between the subject and the verb at the clause's end,
        so the subject said them.
        """
        if cue is None or cue.kind != "verb" or not cue.verb_final or cue.speaker is None or not close_tok < cue.head:
            return False
        if view.sent_of[open_tok] != cue.sent:
            return False
        doc = view.doc
        subject_end = cue.speaker[2][1] if cue.speaker[2] else cue.speaker[1]
        if any(doc[k].text in {",", ":", ";"} and not view.mask[k] for k in range(subject_end, cue.head)):
            return False  # "eine Botschaft, welche die Techniker als „…“ bezeichnete": another clause
        # "Seine Werke werden von Musikkennern als „…“ bezeichnet": passive, the subject is what is described
        return not any(t.lower_ in PASSIVE_AUXILIARIES for t in doc[subject_end : cue.head])

    def _passive_agent(self, view: _DocView, cue: Optional[Cue], open_tok: int, close_tok: int) -> Optional[Phrase]:
        """The agent of a passive verb of saying that closes the clause of words in marks:
        ``Seine Werke werden von Musikkennern als „Meilensteine“ bezeichnet`` gives
        ``Musikkennern``; ``In den Medien war der Auftrag als „Geschäft des Jahrhunderts“
        bezeichnet worden`` gives ``den Medien`` (where it was said).

        Args:
            view: the document view.
            cue: the quotation's cue.
            open_tok: the opening mark.
            close_tok: the closing mark.

        Returns:
            The agent phrase or ``None`` (not passive, or no agent before the marks).
        """
        if cue is None or cue.kind != "verb" or cue.particle is not None or view.sent_of[open_tok] != cue.sent or not close_tok < cue.head:
            return None
        doc, lex = view.doc, self.lex
        j = cue.head + 1
        while j < len(doc) and doc[j].lower_ in AUXILIARIES | PASSIVE_AUXILIARIES:
            j += 1  # "bezeichnet worden."
        if j < len(doc) and not (doc[j].is_punct or doc[j].is_space):
            return None  # the verb does not close the clause
        if any(doc[k].is_punct or view.mask[k] for k in range(close_tok + 1, cue.head)):
            return None
        s0 = view.sents[cue.sent][0]
        start = open_tok
        while start > s0 and not (doc[start - 1].text in {",", ";", ":"} and not view.mask[start - 1]):
            start -= 1
        if not any(t.lower_ in PASSIVE_AUXILIARIES for t in list(doc[start:open_tok]) + list(doc[cue.head + 1 : j])):
            return None
        marks = {o: c for o, _, _, c in view.marked}
        for k in range(start, open_tok - 1):
            if view.mask[k]:
                continue
            if doc[k].lower_ in {"von", "vom"}:
                end = noun_phrase_end(doc, k + 1, open_tok, lex, common_head=True, pronouns=False)
                if end is not None:
                    return (k + 1, end, None)
            if doc[k].lower_ in {"in", "im"} and (k == start or k + 1 in marks):
                if k + 1 in marks and marks[k + 1] < open_tok and view.in_name[k + 1] is False:
                    return (k + 1, marks[k + 1] + 1, None)  # "wurden gestern im „Standard“ als „…“ bezeichnet"
                end = noun_phrase_end(doc, k + 1, open_tok, lex, common_head=True, pronouns=False)
                if end is not None:
                    return (k + 1, end, None)
        return None

    def _is_title(self, view: _DocView, open_tok: int, start: int, end: int) -> bool:
        """Whether a quotation in marks names something rather than quoting someone.

        ``der Film „Million Dollar Baby“``, ``mit „Equal Weight“ eingestuft``,
        ``die sogenannte „Bad Bank“``.
        """
        doc, lex = view.doc, self.lex
        content = doc[start:end]
        if content.text.lower().strip(" .") in lex.ratings:
            return True
        before = [t for t in doc[max(0, open_tok - 3) : open_tok] if not t.is_punct]
        if any(t.text in lex.title_nouns for t in before[-2:]):
            return True
        if before and before[-1].lower_ in {"sogenannte", "sogenannten", "sogenannter", "sogenanntes", "namens", "genannt", "titel"}:
            return True
        if WEB_ADDRESS.fullmatch(content.text.strip()):
            return True  # "„news.bbc.co.uk“": a source's address
        words = [t for t in content if t.is_alpha]
        if words and len(words) <= 6 and all(is_cap(t, lex) or not t.text.isalpha() or t.lower_ in {"of", "the", "and", "de", "la", "und"} for t in words):
            return not any(t.text in FINAL_PUNCT for t in content)
        # A longer name in title case with only the small words of names in lower case: an event or a
        # work ("„2. Deutschen Klimakongress der EnBW Energie Baden-Württemberg AG“", "„VII Championnat du
        # Monde de Tir de Précision“").
        capitals = [t for t in words if is_cap(t, lex)]
        if (len(capitals) >= 4 and len(words) <= 12 and all(is_cap(t, lex) or t.lower_ in NAME_SMALL_WORDS for t in words)
                and not any(t.text in FINAL_PUNCT for t in content)):
            return True
        return False

    def _cue_for_direct(self, view: _DocView, cues: list[Cue], open_tok: int, close_tok: int) -> Optional[Cue]:
        """The cue a quotation in marks attaches to: after it, before it, or in its sentence.

        In its sentence, the verb whose object the words in marks are wins over a nearer one:
        ``Er bezeichnete das Schriftstück als „Unsensibilität“ und kündigte an, …`` takes
        ``bezeichnete``, not ``kündigte … an``.
        """
        doc = view.doc
        by_head = {c.head: c for c in cues}
        # "„…“, sagt X" / "„…“, so X" / "„…“ – heißt es"
        j = close_tok + 1
        while j < len(doc) and (doc[j].text in {",", "–", "—", "-"} or doc[j].is_space):
            j += 1
        for k in range(j, min(len(doc), j + 2)):
            cue = by_head.get(k)
            if cue is not None and cue.kind in {"verb", "so", "impersonal"} and self._frames_direct(cue):
                return cue
            # only "„…“, so heißt es" or "„…“, wird X zitiert" put a word before the cue
            if view.mask[k] or doc[k].text in {".", ":", ";"} or doc[k].lower_ not in AUXILIARIES | {"so", "wie"}:
                break
        # "X sagte: „…“" / "sagte X, „…“"
        s_open = view.sent_of[open_tok]
        before = [c for c in cues if c.sent == s_open and c.head < open_tok and self._frames_direct(c) and not c.relative]
        if before and open_tok > 0 and doc[open_tok - 1].text in {":", ","}:
            # a verb of saying before a marker: "sagte die Kanzlerin einigen Teilnehmern zufolge: „…“"
            verbs = [c for c in before if c.kind == "verb"]
            return (verbs or before)[-1]
        # a partial quotation inside its sentence: "Das Modell sei „höchst problematisch“, erklärte X"
        s_close = view.sent_of[close_tok] if close_tok < len(doc) else s_open
        # a verb closing a relative clause does not reach words in marks after it: "Laut Polizei ist die
        # Demonstration, zu der ein Bündnis aufgerufen hatte, „weitgehend störungsfrei“ verlaufen"
        around = [c for c in cues if s_open <= c.sent <= s_close and self._frames_direct(c) and not view.mask[c.head]
                  and not (c.relative and c.head < open_tok)]
        if around:
            # "Er bezeichnete das Schriftstück als „Unsensibilität“ und kündigte an, …": the verb
            # whose object the words in marks are, not the nearer verb of the next clause
            governing = [c for c in around if self._quoted_as_object(view, c, open_tok)]
            if governing:
                return governing[-1]
            return min(around, key=lambda c: min(abs(c.head - open_tok), abs(c.head - close_tok)))
        return self._cue_in_next_sentence(view, cues, close_tok)

    def _cue_in_next_sentence(self, view: _DocView, cues: list[Cue], close_tok: int) -> Optional[Cue]:
        """A cue in the sentence after a quotation that refers back to it with a demonstrative:
        ``„Ja, es gibt Zumutungen.“ Das sagte Finanzminister Peer Steinbrück am Dienstag.``"""
        doc = view.doc
        j = close_tok + 1
        while j < len(doc) and (doc[j].text in FINAL_PUNCT or doc[j].is_space):
            j += 1
        if j >= len(doc) or view.para_of[j] != view.para_of[close_tok] or view.sent_of[j] == view.sent_of[close_tok]:
            return None
        if doc[j].lower_ not in {"das", "dies", "so"}:
            return None
        for c in cues:
            if c.head == j + 1 and c.kind == "verb" and c.speaker is not None and c.inverted and self._frames_direct(c):
                return c  # "Das sagte X", "So äußerte sich X"
        return None

    def _is_quotation(
        self, view: _DocView, open_tok: int, start: int, end: int, cue: Optional[Cue], full_sentence: bool, konjunktiv: bool
    ) -> bool:
        """Whether words in quotation marks are someone's words rather than a title or a name.

        A title or rating (``der Film „Million Dollar Baby“``, ``„Equal
        Weight“``) is not, unless it is a whole sentence. With a cue in the
        sentence it is. Without a cue, a lower-case start marks a quoted
        phrase (``nannte es „höchst problematisch“``), while a capitalised
        start of a few words is usually a name (``im „Hard Rock Café“``), so it
        needs ``min_uncued_words`` words or a sentence of its own.
        """
        doc = view.doc
        words = [t for t in doc[start:end] if not t.is_punct and not t.is_space]
        if not words:
            return False
        lower_start = words[0].text[:1].islower()
        if view.in_name[open_tok] and not (cue is not None and self._quoted_as_object(view, cue, open_tok)):
            return False  # a name inside a noun phrase: "die Nachrichtenagentur „Xinhua“"
        if cue is not None and self._quoted_as_object(view, cue, open_tok):
            return True  # "sprach von einem „Vertrauensbruch“", "bezeichnete den Plan als „Wortbruch“"
        if self._is_title(view, open_tok, start, end):
            if cue is not None and self._in_dass_clause_of(view, cue, open_tok) and not self._named_thing(view, open_tok):
                return True  # "urteilte, dass Hongkong in einen „Bunker“ verwandelt würde": the speaker's word
            return (len(words) >= self.min_uncued_words and full_sentence) or (lower_start and len(words) >= 2 and cue is not None)
        if cue is not None:
            return True
        if lower_start:
            return len(words) >= 3 or konjunktiv
        return len(words) >= self.min_uncued_words or (full_sentence and len(words) >= 2)

    def _frames_direct(self, cue: Cue) -> bool:
        if cue.kind == "verb":
            return cue.lemma not in self.lex.clause_only
        return cue.kind in {"so", "impersonal", "laut", "nach", "zufolge"}

    def find_direct(self, view: _DocView, cues: list[Cue]) -> list[QuoteMatch]:
        """Quotations in marks that are someone's words, with their cue and speaker.

        ``„DeepSeek zeigt, dass es möglich ist ...“, sagt Vey-Sern Ling,
        Managing Director bei Union Bancaire Privee.`` gives a direct quote with
        the cue ``sagt`` and the speaker ``Vey-Sern Ling``.
        """
        doc = view.doc
        out: list[QuoteMatch] = []
        for open_tok, start, end, close_tok in view.marked:
            cue = self._cue_for_direct(view, cues, open_tok, close_tok)
            words = sum(1 for t in doc[start:end] if not t.is_punct)
            full_sentence = any(t.text in FINAL_PUNCT for t in doc[start:end]) or (
                (open_tok == view.sents[view.sent_of[open_tok]][0] or doc[open_tok - 1].text == ":")
                and (close_tok + 1 >= len(doc) or doc[close_tok + 1].text in FINAL_PUNCT or doc[close_tok + 1].is_space)
            )
            sent = view.sent_of[open_tok]
            s0, s1 = view.sents[sent]
            k1, _ = konjunktiv_tokens(doc, s0, s1, self.lex, view.mask)
            if not self._is_quotation(view, open_tok, start, end, cue, full_sentence, bool(k1)):
                continue
            speaker = cue.speaker if cue else None
            speaker_rule = cue.speaker_rule if cue else ""
            agent = self._passive_agent(view, cue, open_tok, close_tok)
            antecedent = self._antecedent_past_marks(view, cue, close_tok) if agent is None else None
            if agent is not None:
                speaker, speaker_rule = agent, "agent"
            elif antecedent is not None:
                speaker, speaker_rule = antecedent, "antecedent"
            elif speaker_rule == "subject" and not self._inside_cue_clause(view, cue, open_tok, close_tok):
                # the subject by position only: right for a dass-clause often enough, for a
                # quotation in marks far less often than no speaker at all (Wikinews train)
                speaker, speaker_rule = None, ""
            if speaker is None and cue is None and open_tok > 0 and doc[open_tok - 1].text == ":":
                # "Er glaubt, dass das Team gestärkt hervorgegangen sei: „…“": the one who says or
                # thinks the clause before the colon goes on in the quotation
                said = [c for c in cues if c.sent == sent and c.kind == "verb" and c.head < open_tok and c.speaker is not None
                        and not c.relative and c.speaker_rule in {"before", "after", "before-apposition"}]
                if said:
                    speaker, speaker_rule = said[-1].speaker, "colon-cue"
            if speaker is None and open_tok > 0 and doc[open_tok - 1].text == ":" and not k1:
                # "Die Firma empfindet die Kritik als ungerechtfertigt: „…“" (a sentence in
                # Konjunktiv before the colon reports someone else: the quotation continues them)
                speaker = self.sentence_subject(view, sent, open_tok)
                speaker_rule = "colon"
                if speaker is not None and doc[speaker[0]].lower_ in POSSESSIVES:
                    speaker = None  # "Seine Zuversicht gründet sich auf ...: „…“" speaks of the last speaker
            m = QuoteMatch(
                kind="direct",
                start=start,
                end=end,
                rule="marks",
                cue=(cue.head, cue.head + 1) if cue and cue.kind != "impersonal" else ((cue.head, cue.end) if cue else None),
                speaker=speaker,
                speaker_rule=speaker_rule if speaker else "",
                sent=sent,
                end_sent=view.sent_of[min(close_tok, len(doc) - 1)],
            )
            m.nested = [open_tok, close_tok]
            if cue is not None:
                cue.used = True
            out.append(m)
        return self._merge_adjacent(view, out)

    def _merge_adjacent(self, view: _DocView, quotes: list[QuoteMatch]) -> list[QuoteMatch]:
        """Join quotations separated only by space: ``„Satz eins.“ „Satz zwei.“`` is one quotation.

        Not across a paragraph break: in ``… fest, dass „Europa dran ist.“`` and, in the next
        paragraph, ``„Wenn sich Deutschland bewirbt …“, sagte Sepp Blatter`` two people speak.
        """
        doc = view.doc
        merged: list[QuoteMatch] = []
        for q in quotes:
            if merged and self.wikinews:
                prev = merged[-1]
                prev_close, q_open = prev.nested[1], q.nested[0]
                gap = doc[prev_close + 1 : q_open]
                if all(t.is_space for t in gap) and prev_close < q_open and view.para_of[prev_close] == view.para_of[q_open]:
                    after_cue = prev.cue is not None and prev.cue[0] > prev_close
                    if not after_cue:
                        prev.end = q.end
                        prev.nested[1] = q.nested[1]
                        prev.end_sent = q.end_sent
                        if prev.cue is None and q.cue is not None:
                            prev.cue, prev.speaker = q.cue, q.speaker
                        continue
            merged.append(q)
        return merged

    def _context_speaker(
        self, view: _DocView, found: list[QuoteMatch], q: QuoteMatch, window: int = 2, anchors: Optional[list[QuoteMatch]] = None
    ) -> Optional[QuoteMatch]:
        """The latest quotation (or speaker anchor) with a speaker that ends before ``q``, at most ``window`` sentences back."""
        best = None
        for m in list(found) + list(anchors or []):
            if m is q or m.speaker is None or m.start >= q.start or self._own_account(view, m):
                continue
            if m.end > q.start and not (m.start <= q.start and q.end <= m.end):
                continue
            if q.sent - m.end_sent > window or view.para_of[q.start] - view.para_of[m.end - 1] > 1:
                continue
            if best is None or m.end > best.end:
                best = m
        return best

    def _in_dass_clause_of(self, view: _DocView, cue: Cue, open_tok: int) -> bool:
        """Whether words in marks stand in a dass/ob clause that the verb of saying ``cue`` opens."""
        if cue.kind != "verb" or cue.head >= open_tok or view.sent_of[open_tok] != cue.sent or cue.lemma in self.lex.clause_only:
            return False
        doc = view.doc
        between = range(cue.head + 1, open_tok)
        if any(view.mask[k] for k in between):
            return False
        return any(doc[k].lower_ in {"dass", "ob"} and doc[k - 1].text == "," for k in between)

    def _named_thing(self, view: _DocView, open_tok: int) -> bool:
        """A name in marks right after a noun or an article of a named thing (``die Partei „Die Linke“``)."""
        doc = view.doc
        prev = doc[open_tok - 1] if open_tok > 0 else None
        return prev is not None and prev.text[:1].isupper() and prev.is_alpha and not prev.is_sent_start

    def _characterised_as(self, view: _DocView, q: QuoteMatch) -> bool:
        """``… feierte die Absage als „großen Erfolg“``: "als" (with an article or adjective) before
        the marks, in an active main clause that is the sentence's first."""
        doc = view.doc
        open_tok = q.nested[0]
        k = open_tok - 1
        while k > open_tok - 3 and k >= 0 and doc[k].lower_ in self.lex.determiners:
            k -= 1
        if k < 0 or doc[k].lower_ != "als":
            return False
        s0 = view.sents[q.sent][0]
        before = doc[s0:k]
        if any(t.text in {",", ":", ";"} and not view.mask[t.i] for t in before) or doc[s0].lower_ in SUBORDINATORS:
            return False
        return not any(t.lower_ in PASSIVE_AUXILIARIES for t in doc[s0 : q.end + 3])

    def _own_account(self, view: _DocView, m: QuoteMatch) -> bool:
        """Whether a quotation's speaker is an account by someone named earlier: ``nach eigenen
        Angaben``, ``Nach ihren Informationen habe sich dieser …``. The corpus marks the phrase
        as that quotation's speaker, but it cannot carry on to the next quotation: the one
        whose account it is spoke before."""
        if m.speaker is None or view.doc[m.speaker[0]].lower_ not in POSSESSIVES | OWN:
            return False
        return any(t.text in self.lex.according_nouns for t in view.doc[m.speaker[0] : m.speaker[1]])

    def _speaker_in_sentence(self, view: _DocView, m: QuoteMatch, sent: int) -> bool:
        """Whether the speaker of ``m`` was read in sentence ``sent`` (not carried from an earlier one)."""
        if m.speaker is None or m.speaker_rule in {"run", "continued", "outer"}:
            return False
        return view.sent_of[m.speaker[0]] == sent

    def _fill_direct_speakers(
        self, view: _DocView, direct: list[QuoteMatch], found: list[QuoteMatch], anchors: Optional[list[QuoteMatch]] = None
    ) -> None:
        """Speakers for quotations in marks without a cue of their own.

        * inside reported speech or a Konjunktiv sentence, the speaker of the
          reported speech around it (``Er werde „einen neuen Deal“ aushandeln``),
          unless that speaker was carried from an earlier sentence and the
          quotation's own sentence starts with a named subject (``Lea Brandt ist
          der Meinung, dass die Reform „viel zu spät“ komme.``: Lea Brandt);
        * a dass/ob clause quoted whole after a comma: the subject of the main clause
          (``Das Gericht kam damit zu dem Ergebnis, „dass auch in der Gesamtschau …“``),
          unless it is a pronoun, which a speaker from the context names better;
        * a partial quotation in an ordinary sentence gets no speaker
          (``Meteorologen rechnen mit „sehr ergiebigen Niederschlägen“``): its
          subject is the speaker too rarely on Wikinews train to guess it;
        * a quotation that is a sentence of its own (or follows a colon): the
          last speaker within two sentences, as a quotation continued without a
          new cue (``„DeepSeek zeigt ...“, sagt Vey-Sern Ling. „Das kann ...“``);
          a verb of saying without a quotation counts as a speaker too
          (``Sadiq Khan verurteilte die Haltung der Regierung. „…“``);
        * a quotation with a cue of its own whose speaker could not be read
          (``„…“, wurde im Ausschuss gesagt.``) continues nobody.
        """
        doc, lex = view.doc, self.lex
        for q in direct:
            if q.speaker is not None:
                continue
            open_tok = q.nested[0]
            s0, s1 = view.sents[q.sent]
            outer = [m for m in found if m.kind != "direct" and m.start <= q.start and q.end <= m.end and m.speaker]
            if outer and open_tok > s0 and not self._speaker_in_sentence(view, outer[0], q.sent):
                # "Hartmann selbst schrieb, sie wolle „…“" after other speakers: the quotation's
                # own sentence names who speaks; the reported speech around it carried an older one
                subject = self.sentence_subject(view, q.sent, open_tok)
                if subject is not None and names_speaker(doc, subject[0], subject[1], lex):
                    q.speaker, q.speaker_rule = subject, "subject-named"
                    continue
            if outer:
                q.speaker, q.speaker_rule = outer[0].speaker, "outer"
                continue
            if open_tok > s0 + 1 and doc[open_tok - 1].text == "," and doc[q.start].lower_ in {"dass", "ob"}:
                # "Das Gericht kam damit zu dem Ergebnis, „dass auch in der Gesamtschau …“": a
                # subordinate clause quoted whole says what the subject of its main clause holds
                subject = self.sentence_subject(view, q.sent, open_tok - 1)
                if subject is not None and doc[subject[0]].lower_ not in POSSESSIVES | set(lex.speaker_pronouns):
                    q.speaker, q.speaker_rule = subject, "clause-subject"
                    continue
            k1, k2 = konjunktiv_tokens(doc, s0, s1, lex, view.mask)
            partial = open_tok > s0 and not (open_tok > 0 and doc[open_tok - 1].text == ":")
            if partial and not k1 and k2:
                # "„…“, so Suttner. Außerdem hätte der Sender Roßmüller „die Gelegenheit gegeben …“":
                # Konjunktiv II right after a quotation goes on reporting its speaker
                context = self._context_speaker(view, found, q, window=1, anchors=None)
                if context is not None and context.kind == "direct" and context.end_sent == q.sent - 1:
                    q.speaker, q.speaker_rule = context.speaker, "continued"
                continue
            if partial and not k1 and self._characterised_as(view, q):
                # "Rumsfeld attackierte den Iran als den „führenden Förderer von Terrorismus“":
                # words in marks after "als" characterise something in the subject's words
                subject = self.sentence_subject(view, q.sent, open_tok)
                if subject is not None:
                    q.speaker, q.speaker_rule = subject, "characterised"
                continue
            if partial and not k1:
                # "Meteorologen rechnen mit „sehr ergiebigen Niederschlägen“": who speaks is
                # unclear without a cue; the sentence's subject was right only one time in four
                # on Wikinews train, so no speaker is better than a guess.
                continue
            if q.cue is not None:
                continue  # a cue of its own without a speaker we could read: not a continuation
            context = self._context_speaker(view, found, q, anchors=anchors)
            if context is not None:
                q.speaker, q.speaker_rule = context.speaker, "continued"

    # ------------------------------------------------------------------ indirect and reported speech

    def find_indirect(self, view: _DocView, cues: list[Cue], direct: list[QuoteMatch]) -> list[QuoteMatch]:
        """Indirect and reported speech attached to cues.

        * ``Die Firma teilte mit, dass das Werk schließt.`` → indirect ``dass das Werk schließt``;
        * ``Der Staatsanwalt sagte, der Sohn habe sich umgebracht.`` → indirect
          ``der Sohn habe sich umgebracht``;
        * ``Das Risiko sei gering, sagte sie.`` → indirect ``Das Risiko sei gering``;
        * ``Laut Polizei wurde niemand verletzt.`` → indirect ``wurde niemand verletzt``;
        * ``Die Gewerkschaft forderte eine schnellere Entscheidung.`` → reported
          ``eine schnellere Entscheidung``.
        """
        out: list[QuoteMatch] = []
        for cue in cues:
            if cue.kind == "verb":
                found = self._verb_complement(view, cue, direct)
            else:
                found = self._marker_clause(view, cue, direct)
            if found is not None:
                out.append(found)
        return out

    def _only_direct(self, view: _DocView, start: int, end: int, direct: list[QuoteMatch]) -> bool:
        """Whether ``[start, end)`` holds nothing but one direct quotation (and its marks)."""
        doc = view.doc
        rest = [i for i in range(start, end) if not view.mask[i] and not doc[i].is_punct and not doc[i].is_space]
        return not rest and any(view.mask[i] for i in range(start, end))

    def _make(self, view: _DocView, kind: str, start: int, end: int, rule: str, cue: Optional[Cue], keep_final: bool = False) -> Optional[QuoteMatch]:
        start, end = strip_punct(view.doc, start, end, keep_final=keep_final)
        if end - start < 2:
            return None
        cue_span = None
        if cue is not None:
            cue_span = (cue.head, cue.end if cue.kind == "impersonal" else cue.head + 1)
            cue.used = True
        return QuoteMatch(
            kind=kind,
            start=start,
            end=end,
            rule=rule,
            cue=cue_span,
            speaker=cue.speaker if cue else None,
            speaker_rule=cue.speaker_rule if cue else "",
            sent=view.sent_of[start],
            end_sent=view.sent_of[end - 1],
        )

    def _verb_complement(self, view: _DocView, cue: Cue, direct: list[QuoteMatch]) -> Optional[QuoteMatch]:
        doc, lex = view.doc, self.lex
        s0, s1 = view.sents[cue.sent]
        after = (cue.particle if cue.particle is not None else cue.head) + 1
        if cue.inverted and cue.speaker is not None:
            sp_end = cue.speaker[2][1] if cue.speaker[2] else cue.speaker[1]
            after = max(after, sp_end)
        # (a) a dass/ob clause: "teilte mit, dass ...", "rechnen damit, dass ..."
        for j in range(cue.head + 1, min(s1, after + 12)):
            if view.mask[j] or doc[j].text in {";", ":"}:
                break
            if doc[j].lower_ in COMPLEMENTIZERS and (doc[j - 1].text == "," or j == cue.head + 1 or j - 1 == cue.particle):
                return self._make(view, "indirect", j, s1, "dass", cue)
            if doc[j].text == "," and j >= after and not (j + 1 < s1 and doc[j + 1].lower_ in COMPLEMENTIZERS):
                break
        if cue.relative:
            return None  # "die Preise, die DeepSeek verlangt, seien ...": not DeepSeek's words
        # (b) a clause in Konjunktiv after a comma or colon: "sagte, der Sohn habe ...",
        # "bemängelte den hohen Preis: Nemetschek zahle ..."
        j = after
        while j < s1 and doc[j].is_space:
            j += 1
        if j < s1 and doc[j].text != "," and not view.mask[j]:
            k = j
            while k < min(s1, j + 12) and not view.mask[k] and doc[k].text not in {",", ";", ":"}:
                k += 1
            adverbial = k < s1 and doc[k].text == "," and doc[j].lower_ in lex.adverbial_prepositions and k - j <= 6
            # the one spoken to, after a verb whose speaker stands before it: "Die Analystin sagte der
            # Nachrichtenagentur Reuters, die Aktie sei unterbewertet", "sagte dem „Handelsblatt“, ..."
            addressee = (k < s1 and doc[k].text == "," and doc[j].lower_ in {"dem", "der", "den"} and k - j <= 6
                         and cue.speaker is not None and not cue.inverted)
            if k < s1 and (doc[k].text == ":" or adverbial or addressee):
                j = k  # "bemängelte den Preis: ...", "erklärte in einem Interview, ..."
        if j < s1 and doc[j].text in {",", ":"} and j + 1 < s1 and not view.mask[j + 1]:
            first = doc[j + 1]
            if first.lower_ not in SUBORDINATORS | {"und", "aber", "sondern", "oder", "um", "so"}:
                k1, k2 = konjunktiv_tokens(doc, j + 1, s1, lex, view.mask)
                if k1 or k2:
                    return self._make(view, "indirect", j + 1, s1, "clause", cue)
                if self._infinitive_clause(view, j + 1, s1):
                    return self._make(view, "indirect", j + 1, s1, "infinitive", cue)
        # (c) the clause before ", sagte X": "Das Risiko sei gering, sagte sie."
        if cue.lemma not in lex.clause_only and cue.inverted and cue.head - 1 > s0 and doc[cue.head - 1].text in {",", "–"}:
            start = s0
            if self._relative_clause_opening(view, cue.head - 1) is not None:
                return None  # "Die Bundesregierung, die ... hält, lehnt eine Übernahme ab"
            if doc[start].lower_ in SUBORDINATORS or doc[start].lower_ in {"dass", "ob"}:
                return None
            if self._only_direct(view, start, cue.head - 1, direct):
                return None
            has_quote = any(view.mask[i] for i in range(start, cue.head - 1))
            k1, k2 = konjunktiv_tokens(doc, start, cue.head - 1, lex, view.mask)
            if has_quote and not (k1 or k2):
                return None  # "Das Modell R1 „stellt ... in Frage“, merkt X an": a partial direct quote only
            if sum(1 for t in doc[start : cue.head - 1] if not t.is_punct) >= 3:
                return self._make(view, "indirect", start, cue.head - 1, "preposed", cue)
        # (c') "..., wie der Konzern mitteilte." / "Wie der Konzern mitteilte, ..."
        wie = self._wie_clause(view, cue)
        if wie is not None:
            w_start, w_end = wie
            if w_start > s0:
                start, end = s0, w_start
            else:
                start, end = w_end, s1
            if not self._only_direct(view, start, end, direct) and sum(1 for t in doc[start:end] if not t.is_punct) >= 3:
                return self._make(view, "indirect", start, end, "preposed", cue)
            return None
        # (d) a speech act with its object: "forderte eine schnellere Entscheidung"
        if cue.lemma in lex.reported and not cue.used:
            # a separable verb has its object before the particle: "kündigte eine Dividende an"
            # (finnews convention; the Wikinews corpus marks such clauses less often than it
            # marks other reported speech: dev all kinds 0.688 -> 0.683 with it, train 0.712 -> 0.713)
            obj = after
            if cue.particle is not None and not self.wikinews:
                obj = cue.head + 1
                if cue.inverted and cue.speaker is not None:
                    obj = max(obj, cue.speaker[2][1] if cue.speaker[2] else cue.speaker[1])
            return self._reported(view, cue, obj)
        return None

    def _wie_clause(self, view: _DocView, cue: Cue) -> Optional[tuple[int, int]]:
        """The clause ``wie X mitteilte`` around a verb-final cue, as ``(start, end)`` with its commas.

        ``Der Umsatz stieg um 9 %, wie der Konzern mitteilte.`` gives the tokens
        from ``,`` to ``mitteilte``.
        """
        doc = view.doc
        if not cue.verb_final or cue.speaker is None:
            return None
        s0, s1 = view.sents[cue.sent]
        k = cue.speaker[0] - 1
        if k < s0 or doc[k].lower_ != "wie":
            return None
        if k > s0 and doc[k - 1].text == ",":
            return (k - 1, cue.head + 1)
        if k == s0 and cue.head + 1 < s1 and doc[cue.head + 1].text == ",":
            return (k, cue.head + 2)
        return None

    def _infinitive_clause(self, view: _DocView, start: int, end: int) -> bool:
        """``..., eine neue Regierung zu bilden``: a clause ending in ``zu`` + infinitive."""
        doc = view.doc
        j = end
        while j > start and (doc[j - 1].is_punct or doc[j - 1].is_space):
            j -= 1
        words = [t for t in doc[start:j]]
        if len(words) < 3:
            return False
        if any(t.text == "," for t in words):
            stop = next(k for k, t in enumerate(words) if t.text == ",")
            words = words[:stop]
        if len(words) < 3:
            return False
        last, second = words[-1], words[-2]
        if second.lower_ == "zu" and is_lower_word(last):
            return True  # "..., eine Regierung zu bilden"
        modal = {"wollen", "können", "müssen", "lassen", "werden", "haben", "sein"}
        return words[-3].lower_ == "zu" and is_lower_word(second) and last.lower_ in modal  # "... installieren zu wollen"

    def _reported(self, view: _DocView, cue: Cue, after: int) -> Optional[QuoteMatch]:
        doc, lex = view.doc, self.lex
        s0, s1 = view.sents[cue.sent]
        limit = s1
        for j in range(after, s1):
            if view.quoted[j]:
                return None  # a quotation in the clause: it is direct speech
            if doc[j].text in {",", ";", ":", "(", "–"}:
                limit = j
                break
        if cue.particle is not None:
            limit = min(limit, cue.particle)
        if not self.wikinews and cue.verb_final:
            # "Puma hatte im April einen Umsatzrückgang um 4 % gemeldet": the object before the verb
            start = self._clause_start(view, cue.head)
            if start < len(doc) and doc[start].lower_ in SUBORDINATORS:
                start += 1
            if cue.speaker is not None and cue.speaker[0] >= start:
                start = cue.speaker[2][1] if cue.speaker[2] else cue.speaker[1]
            while start < cue.head and doc[start].lower_ in AUXILIARIES:
                start += 1
            # "… einen Umsatzrückgang gemeldet und eine Prognose bestätigt": the object starts after
            # the conjunction that closes an earlier, coordinated verb of saying
            for j in range(cue.head - 1, start, -1):
                if doc[j].lower_ in COORDINATORS and self._verb_cue(view, j - 1) is not None:
                    start = j + 1
                    break
            if any(view.quoted[j] for j in range(start, cue.head)):
                return None
            for k in skip_adverbials(doc, start, cue.head, lex):
                if noun_phrase_end(doc, k, cue.head, lex, pronouns=False) is not None and doc[k].lower_ not in {"sich"}:
                    if doc[k].lower_ in {"die", "der", "das"} and k > 0 and doc[k - 1].text == ",":
                        return None  # a relative pronoun, not an object
                    return self._make(view, "reported", k, cue.head, "reported", cue)
            return None
        if self.wikinews and cue.verb_final:
            # "Snowden hat weitere Enthüllungen angekündigt.": the whole clause, when an
            # active auxiliary makes it a statement ("auch Pendlerpauschale genannt" is a name,
            # "wird eine Dividende erwartet" has no speaker)
            start = self._clause_start(view, cue.head)
            aux = {t.lower_ for t in doc[start : cue.head]}
            if aux & {"hat", "haben", "hatte", "hatten"} and not aux & {"wird", "wurde", "werden", "wurden", "sich"}:
                return self._make(view, "reported", start, s1, "reported", cue, keep_final=True)
            return None
        preps = lex.reported_prepositions.get(cue.lemma)
        if preps:
            # "warnte vor einer Rezession", "sprach von einem Rückschlag"
            k = next((j for j in range(after, limit) if doc[j].lower_ in preps), None)
            if k is None or noun_phrase_end(doc, k + 1, limit, lex, pronouns=False) is None:
                return None
            starts = [k]
        else:
            starts = skip_adverbials(doc, after, limit, lex)
        for k in starts:
            k_np = k + 1 if preps else k
            end = noun_phrase_end(doc, k_np, limit, lex, pronouns=False)
            if end is None:
                continue
            if self.wikinews:
                speaker = cue.speaker
                first = min(speaker[0], cue.head) if speaker else cue.head
                start = min(first, self._clause_start(view, cue.head))
                return self._make(view, "reported", start, s1, "reported", cue, keep_final=True)
            # "meldete einen Rekordgewinn und kündigte eine Dividende an": the object ends before the
            # conjunction that opens the next verb of saying
            stop = next((j for j in range(k + 1, limit - 1)
                         if doc[j].lower_ in COORDINATORS and self._verb_cue(view, j + 1) is not None), limit)
            return self._make(view, "reported", k, stop, "reported", cue)
        return None

    def _marker_clause(self, view: _DocView, cue: Cue, direct: list[QuoteMatch]) -> Optional[QuoteMatch]:
        """The clause a marker attributes: ``Laut Polizei wurde niemand verletzt.``"""
        doc = view.doc
        s0, s1 = view.sents[cue.sent]
        if cue.kind == "so":
            comma = cue.head - 1
            if comma <= s0 or self._only_direct(view, s0, comma, direct):
                return None
            return self._make(view, "indirect", s0, comma, "marker", cue)
        if cue.kind == "impersonal":
            after = cue.speaker[2][1] if cue.speaker is not None and cue.speaker[2] else (cue.speaker[1] if cue.speaker else cue.end)
            j = max(cue.end, after) if cue.speaker is not None and cue.speaker[0] > cue.head else cue.end
            if j + 1 < s1 and doc[j].text == "," and not view.mask[j + 1]:
                # "In einem Positionspapier heißt es, die Evaluierung habe ergeben, …": the reported clause follows
                k1, k2 = konjunktiv_tokens(doc, j + 1, s1, self.lex, view.mask)
                if doc[j + 1].lower_ in COMPLEMENTIZERS or k1:
                    return self._make(view, "indirect", j + 1, s1, "clause", cue)
            if cue.speaker is not None and cue.speaker[0] < cue.head:
                return None  # "Im Bericht, der ... vorliegt, heißt es": the clause names the source
            if cue.head - 1 > s0 and doc[cue.head - 1].text == "," and not self._only_direct(view, s0, cue.head - 1, direct):
                return self._make(view, "indirect", s0, cue.head - 1, "marker", cue)
            return None
        # laut / zufolge / nach Angaben / demnach: the sentence without the marker phrase at its edge
        if cue.kind == "anaphoric":
            k1, k2 = konjunktiv_tokens(doc, s0, s1, self.lex, view.mask)
            if not (k1 or k2) and cue.lemma != "demnach":
                return None
            phrase = (cue.head, cue.head + 1)
        else:
            sp = cue.speaker
            if sp is None:
                return None
            sp_end = sp[2][1] if sp[2] else sp[1]
            phrase = (min(cue.head, sp[0]), max(cue.end, sp_end))
        start, end = s0, s1
        if phrase[0] <= s0 + 1:
            start = phrase[1]
        elif phrase[1] >= s1 - 1 or (phrase[1] < s1 and doc[phrase[1]].text in FINAL_PUNCT):
            end = phrase[0]
        if self._only_direct(view, start, end, direct):
            return None
        inside = sum(1 for i in range(start, end) if view.mask[i])
        if inside > (end - start) / 2:
            return None
        return self._make(view, "indirect", start, end, "marker", cue)

    # ------------------------------------------------------------------ Konjunktiv runs

    def _cue_anchors(self, cues: list[Cue], found: list[QuoteMatch]) -> list[QuoteMatch]:
        """Speakers introduced by a verb of saying that frames no quotation of its own.

        ``Sadiq Khan verurteilte die Haltung der Regierung. „Diese Regierung hat …“``:
        the quotation continues the speaker of ``verurteilte``. The records are not
        quotations; they only give runs and continued quotations their speaker.
        """
        return [
            QuoteMatch(kind="anchor", start=c.head, end=c.end, rule="anchor", speaker=c.speaker, speaker_rule=c.speaker_rule, sent=c.sent, end_sent=c.sent)
            for c in cues
            if c.kind == "verb" and c.speaker is not None and not c.used and not c.relative
            and not any(m.start <= c.head < m.end for m in found)  # "Die Notenbank sehe ..., sagte sie": inside a quotation
        ]

    def find_runs(self, view: _DocView, found: list[QuoteMatch], anchors: Optional[list[QuoteMatch]] = None) -> list[QuoteMatch]:
        """Sentences in Konjunktiv I that go on reporting the last speaker.

        After ``„…“, schreiben die Experten um Stacy Rasgon.``, the sentence
        ``Die KI-Modelle von DeepSeek seien gut und böten eine gute Leistung.``
        is indirect speech of the same speakers. Consecutive such sentences in
        a paragraph are one quotation.
        """
        doc, lex = view.doc, self.lex
        covered: dict[int, QuoteMatch] = {}  # sentences that are quotations already
        touched: dict[int, list[QuoteMatch]] = {}  # quotations in each sentence, for the speaker context
        for m in found:
            for k in range(m.sent, m.end_sent + 1):
                s0, s1 = view.sents[k]
                touched.setdefault(k, []).append(m)
                overlap = max(0, min(s1, m.end) - max(s0, m.start))
                if overlap * 2 >= (s1 - s0) or m.kind != "direct":
                    covered.setdefault(k, m)
        for a in anchors or []:
            touched.setdefault(a.sent, []).append(a)
        runs: list[QuoteMatch] = []
        context: Optional[QuoteMatch] = None
        context_sent = -10
        current: Optional[QuoteMatch] = None
        for k, (s0, s1) in enumerate(view.sents):
            # a quotation's speaker before an anchor's, then the later one
            with_speaker = sorted((m for m in touched.get(k, []) if m.speaker is not None and not self._own_account(view, m)),
                                  key=lambda m: (m.kind != "anchor", m.start))
            if with_speaker:
                context, context_sent = with_speaker[-1], k
            if k in covered:
                current = None
                continue
            k1, k2 = konjunktiv_tokens(doc, s0, s1, lex, view.mask)
            continuing = current is not None and current.end_sent == k - 1
            if not (k1 or (k2 and continuing)):
                current = None
                continue
            near = (
                context is not None
                and k - context_sent <= self.run_window + (1 if continuing else 0)
                and view.para_of[s0] - view.para_of[view.sents[context_sent][1] - 1] <= 1
            )
            if not near and not continuing:
                current = None
                continue
            start, end = strip_punct(doc, s0, s1, keep_final=self.wikinews)
            if end - start < 3:
                continue
            if self.wikinews and continuing and current is not None and view.para_of[start] == view.para_of[current.end - 1]:
                current.end = end
                current.end_sent = k
            else:
                current = QuoteMatch(
                    kind="indirect",
                    start=start,
                    end=end,
                    rule="run",
                    speaker=context.speaker if context else None,
                    speaker_rule="run" if context else "",
                    sent=k,
                    end_sent=k,
                )
                runs.append(current)
            context_sent = k
        return runs

    # ------------------------------------------------------------------ names, roles, pronouns

    @staticmethod
    def _full_name(doc: Doc, name: tuple[int, int], text: str) -> str:
        """The full name of a speaker called by the surname only, where the article gives it.

        A later short mention takes the name its entity was given first (``sagte Rasgon`` after
        ``Stacy Rasgon``); a surname alone that no entity covers, as in a headline (``Kontron-Chef
        Schuster: „…“``), takes the one person entity of the article that ends with it
        (``Hannes Schuster``).
        """
        full = Span(doc, name[0], name[1])._.entity_name
        if full and len(full) > len(text) and full.endswith(text):
            return full
        if full or name[1] - name[0] != 1:
            return text
        names = {e._.entity_name or e.text for e in doc_ents(doc) if e.label_ == "PER"}
        longer = {n for n in names if n.endswith(" " + text)}
        return longer.pop() if len(longer) == 1 else text

    def _name_speaker(self, view: _DocView, m: QuoteMatch) -> None:
        """Fill ``speaker_name``, ``speaker_role`` and the mention span from the speaker phrase.

        ``Vey-Sern Ling, Managing Director bei Union Bancaire Privee`` → name
        ``Vey-Sern Ling``, role ``Managing Director bei Union Bancaire Privee``;
        ``Marktanalyst Jonas Wendler von der DZ Bank`` → ``Jonas Wendler``,
        role ``Marktanalyst``; ``die Experten um Stacy Rasgon von Analysehaus
        Bernstein Research`` → ``Stacy Rasgon``, role ``Analysehaus Bernstein
        Research``; ``ein Börsianer`` has no name: the name is the mention.
        The mention is the name (``finnews``) or the whole phrase with its
        appositions (``wikinews``).
        """
        if m.speaker is None:
            return
        doc, lex = view.doc, self.lex
        start, end, app = m.speaker
        whole = (min(start, app[0]), max(end, app[1])) if app else (start, end)
        if end - start == 1 and doc[start].lower_ in lex.speaker_pronouns or self._possessive_pronoun(doc, start, end):
            m.mention = (start, end)
            return
        if app is not None and looks_like_name(doc, start, end, lex):
            name, role = (start, end), doc[app[0] : app[1]].text
        elif app is not None and looks_like_name(doc, app[0], app[1], lex):
            name, role = app, strip_determiner(doc, start, end, lex)
        elif app is not None and (app_name := name_in_phrase(doc, app[0], app[1], lex)[0]) and app_name[1] - app_name[0] >= 2:
            # "der Oberkommandierende General der US-Streitkräfte, General George Casey"
            name, role = app_name, strip_determiner(doc, start, end, lex)
        else:
            name, role = name_in_phrase(doc, start, end, lex)
            if app is not None and not role:
                role = doc[app[0] : app[1]].text
        if name and name[1] - name[0] >= 4 and doc[name[1] - 1].text == ")" and doc[name[1] - 3].text == "(":
            name = (name[0], name[1] - 3)  # "Sandra Boser (GRÜNE)": the party is no part of the name
        if name is None and not self.wikinews:
            end = self._without_place(doc, start, end)
        m.speaker_name = doc[name[0] : name[1]].text if name else doc[start:end].text
        if name is None and not self.wikinews and institution_by_noun(doc, start, end):
            m.speaker_name = doc[start + 1].text  # "wie das Verkehrsministerium mitteilte" -> "Verkehrsministerium"
        if name:
            m.speaker_name = self._full_name(doc, name, m.speaker_name)
        m.speaker_role = role.strip(" ,")
        while m.speaker_role.split() and m.speaker_role.split()[-1].lower() in lex.name_connectors:
            m.speaker_role = m.speaker_role.rsplit(" ", 1)[0] if " " in m.speaker_role else ""  # "Analysten von" -> "Analysten"
        m.named = name is not None
        if self.wikinews:
            m.mention = whole
        elif m.speaker_rule in {"continued", "run", "outer", "impersonal"}:
            m.mention = None  # no cue attaches this quotation to a mention in its sentence
        else:
            m.mention = name or (start, end)

    def _without_place(self, doc: Doc, start: int, end: int) -> int:
        """The end of an unnamed speaker phrase before a place after its noun: ``ein Händler in
        Tokio`` → ``ein Händler``, ``das Unternehmen aus dem kalifornischen Santa Clara`` → ``das
        Unternehmen`` (the place says where, not who)."""
        for k in range(start + 1, end - 1):
            if doc[k].lower_ in PLACE_PREPOSITIONS and doc[k - 1].text[:1].isupper() and doc[k - 1].is_alpha:
                return k
        return end

    def _name_generic_company_speakers(self, view: _DocView, found: list[QuoteMatch]) -> None:
        """Name the organisation behind an account noun, and the company a generic speaker phrase stands for.

        * ``Nach Angaben von Lufthansa fielen …`` → ``Lufthansa``, ``nach Angaben der Polizei`` →
          ``Polizei``: the name after the account noun (the mention stays as the convention marks it);
        * ``Nvidia … Die Erlöse kletterten auf 35,1 Mrd. Dollar, teilte das Unternehmen aus dem
          kalifornischen Santa Clara mit`` → ``Nvidia``; likewise ``der Konzern``, ``der
          MDax-Konzern``, ``die Grossbank``, ``nach Angaben des Konzerns``, ``ein
          Unternehmenssprecher``. The company is the one named most often before the quotation (the
          latest of equals), among the companies of ``doc.ents``.
        * ``erklärte die Behörde``, ``forderte die Gewerkschaft``: likewise among the public bodies,
          or the other organisations (``span._.org_kind``).
        * One introduced with the phrase's noun comes first: ``Die Aufsichtsbehörde Finma stellte
          sich hinter den Bundesrat. …, erklärte die Behörde.`` → ``Finma``. A kind of business
          (not ``der Konzern``) re-names the one company of this or the previous sentence:
          ``Gegen den Trend zogen Andritz an. Der Anlagenbauer hatte … gemeldet`` → ``Andritz``.

        The mention (``span._.speaker``) stays what the text says; without an earlier company a
        generic phrase keeps its words.
        """
        doc, lex = view.doc, self.lex
        orgs = [e for e in doc_ents(doc) if e.label_ == "ORG"]
        starts = {e.start: e for e in doc_ents(doc) if e.label_ in ("ORG", "PER")}
        for m in found:
            if m.speaker is None:
                continue
            start, end, _app = m.speaker
            words = [t.lower_ for t in doc[start:end]]
            noun = next((k for k in range(start, min(end, start + 3)) if doc[k].text in lex.according_nouns), None)
            if noun is not None:
                # "Angaben von Lufthansa", "Angaben des Konzerns" (the words after the noun, in or after the mention)
                after = noun + 1 if noun + 1 < end else end
                if after + 1 < len(doc) and doc[after].lower_ in ("von", "vom", "des", "der"):
                    k = after + 1 + (doc[after + 1].lower_ in lex.determiners and after + 2 < len(doc))
                    if k in starts:
                        m.speaker_name = starts[k]._.entity_name or starts[k].text
                        continue
                    words = [t.lower_ for t in doc[after : min(len(doc), after + 4)]]
                    j = k
                    while j < min(len(doc), k + 4) and (doc[j].text[:1].isupper() or doc[j].text in {"-", "‑"}):
                        j += 1
                    if j > k and not generic_organisation_kind(words, lex):
                        m.speaker_name = doc[k:j].text  # "nach Angaben der Polizei" -> "Polizei"
                        continue
            kind, head = generic_organisation_head(words, lex)
            if not kind or any(e.label_ in ("ORG", "PER") for e in ents_overlapping(doc, start, end)):
                continue  # "die Commerzbank", "die Deutsche Bank": a name, not a description
            counts: dict[str, list[int]] = {}
            names: dict[str, str] = {}
            described: list[str] = []  # introduced with the head: "Die Aufsichtsbehörde Finma", "der Anlagenbauer Andritz"
            stem = head.rsplit("-", 1)[-1].rstrip("s") if head else ""
            recent: set[str] = set()  # named in this sentence or the one before
            for e in orgs:
                if e.end <= min(start, m.start) and (e._.org_kind or "company") == kind:
                    key = e._.entity_id or e.text
                    counts.setdefault(key, []).append(e.start)
                    names.setdefault(key, e._.entity_name or e.text)
                    if len(stem) >= 4 and e.start > 0 and doc[e.start - 1].lower_.rstrip("s").endswith(stem):
                        described.append(key)
                    if view.sent_of[e.start] >= view.sent_of[start] - 1:
                        recent.add(key)
            # A kind of business ("der Anlagenbauer", "die Grossbank"), unlike "der Konzern", re-names the
            # company just named: "Gegen den Trend zogen Andritz an. Der Anlagenbauer hatte … gemeldet."
            specific = kind == "company" and bool(stem) and not stem.endswith(PLAIN_COMPANY_HEADS)
            if described:
                m.speaker_name = names[described[-1]]
            elif specific and len(recent) == 1:
                m.speaker_name = names[next(iter(recent))]
                m.speaker_role = strip_determiner(doc, start, end, lex)
            elif counts:
                m.speaker_name = names[max(counts, key=lambda n: (len(counts[n]), max(counts[n])))]
                # the generic phrase describes it: "der Düsseldorfer Konzern" -> role "Düsseldorfer Konzern"
                m.speaker_role = strip_determiner(doc, start, end, lex)

    def _possessive_pronoun(self, doc: Doc, start: int, end: int) -> str:
        """``er`` for the speaker phrase ``Seiner Meinung`` (of ``Seiner Meinung nach``), ``sie``
        for ``Ihrer Ansicht``; ``""`` for any other phrase."""
        if end - start != 2 or doc[start + 1].text not in self.lex.according_nouns:
            return ""
        return POSSESSIVE_PRONOUNS.get(doc[start].lower_, "")

    def _gender(self, name: str, role: str) -> str:
        """``f``, ``m`` or ``""`` (unknown) for a person by role noun and given name.

        A feminine role noun decides (``Fondsmanagerin Aiko Yamada``: ``f``); then the given name
        (``Personalvorstand Christine Beck``: ``f``, the masculine form is used for women too);
        then a masculine role noun (``Toyota-Finanzchef Kenta Mori``: ``m``).
        """
        lex = self.lex
        role_words = [w for w in role.replace("-", " ").split() if w[:1].isupper()]
        role_word = next((w for w in role_words if lex.is_role_word(w)), "")
        if role_word and feminine_role(role_word, lex):
            return "f"
        given = lex.given_names.get(name.split()[0], "") if len(name.split()) >= 2 else ""
        if given:
            return given
        return "m" if role_word and not role_word.lower().endswith(("innen", "leute")) else ""

    def _group_phrase(self, doc: Doc, start: int, end: int) -> bool:
        """Whether a speaker phrase names a group of people in the plural: ``Die Analysten von Goldman
        Sachs``, ``Analysten der Erste Group``, ``Experten``; not ``ein Analyst``."""
        lex = self.lex
        j = start + 1 if doc[start].lower_ in lex.determiners else start
        if j >= end or (j > start and doc[start].lower_ not in {"die", "den", "der", "viele", "einige", "mehrere", "zahlreiche", "alle", "beide", "beiden", "zwei", "drei", "vier"}):
            return False
        head = doc[j].text
        if head.endswith("innen"):
            return lex.is_role_word(head[:-3])  # "Analystinnen"
        return head in lex.spokesperson_nouns and head.endswith(("en", "te"))  # "Analysten", "Volkswirte"

    def _plural_pronoun(self, view: _DocView, m: QuoteMatch, start: int) -> bool:
        """Whether ``sie`` at ``start`` is plural by its verb: ``schrieben sie``, ``Sie hoben … an``;
        ``sagte sie`` and ``fährt sie fort`` are singular. The verb is the cue, else a neighbour."""
        doc = view.doc
        verbs = []
        if m.cue is not None and abs(m.cue[0] - start) <= 3:
            verbs.append(doc[m.cue[0]])
        else:
            verbs += [doc[k] for k in (start - 1, start + 1) if 0 <= k < len(doc) and is_lower_word(doc[k])
                      and doc[k].lower_ not in CLAUSE_CONJUNCTIONS and doc[k].lower_ not in STOP_WORDS - AUXILIARIES]
        return bool(verbs) and verbs[0].lower_.endswith("en")

    def _referents(self, view: _DocView, speakers: list[tuple[int, QuoteMatch]], start: int, window: int) -> list[dict]:
        """Who ``er``/``sie`` at ``start`` may refer to: people and organisations named as a speaker
        or as a sentence subject in the ``window`` sentences before, each at its latest mention.

        ``speakers`` are the earlier quotations with a named or resolved speaker, by the token
        of their mention. A person's later mention by name anywhere (``Autowerte meidet Albers``)
        moves them up. Each referent is a dict with ``name``, ``role``, ``pos``, ``kind``
        (``person``, ``org``, ``group``) and ``gender``.
        """
        doc, lex = view.doc, self.lex
        sent = view.sent_of[start]
        first = max(0, sent - window)
        found: dict[str, dict] = {}

        def same(a: str, b: str) -> bool:
            return a == b or a.endswith(" " + b) or b.endswith(" " + a)

        def add(name: str, role: str, pos: int, kind: str, gender: str) -> None:
            key = next((k for k in found if same(k, name)), None)
            if key is None:
                found[name] = dict(name=name, role=role, pos=pos, kind=kind, gender=gender)
                return
            ref = found[key]
            if len(name) > len(ref["name"]):
                ref["name"] = name
            ref["pos"] = max(ref["pos"], pos)
            ref["role"] = ref["role"] or role
            ref["gender"] = ref["gender"] or gender
            if kind == "person":
                ref["kind"] = kind  # "Kontron-Chef Schuster" in a headline, then "Vorstandschef Hannes Schuster"

        for pos, c in speakers:
            if pos >= start:
                continue  # one named before the window counts where mentioned again in it
            kind = "group" if c.speaker is not None and self._group_phrase(doc, c.speaker[0], c.speaker[1]) else (
                "org" if _organisation_speaker(doc, c) else "person")
            gender = getattr(c, "_gender", "") or (self._gender(c.speaker_name, c.speaker_role) if kind == "person" else "")
            add(c.speaker_name, c.speaker_role, pos, kind, gender)
        for k in range(first, sent + 1):
            s0, s1 = view.sents[k]
            phrase = self.sentence_subject(view, k, min(s1, start))
            if phrase is None or phrase[0] >= start:
                continue
            probe = QuoteMatch(kind="indirect", start=phrase[0], end=phrase[1], rule="subject", speaker=phrase)
            self._name_speaker(view, probe)
            if not probe.named or " und " in probe.speaker_name:
                continue  # "Peter Brandt und Jonas Falk" are two: neither is "er"
            if self._group_phrase(doc, phrase[0], phrase[1]):
                add(probe.speaker_name, probe.speaker_role, phrase[0], "group", "")
                continue
            person = any(e.label_ == "PER" for e in ents_overlapping(doc, phrase[0], phrase[2][1] if phrase[2] else phrase[1]))
            given = lex.given_names.get(probe.speaker_name.split()[0], "") if len(probe.speaker_name.split()) >= 2 else ""
            if (person or given) and not _organisation_speaker(doc, probe):
                add(probe.speaker_name, probe.speaker_role, phrase[0], "person", self._gender(probe.speaker_name, probe.speaker_role))
        # a later mention of a known person by name or surname: "Autowerte meidet Albers deshalb"
        surnames = {r["name"].split()[-1]: r for r in found.values() if r["kind"] == "person" and len(r["name"].split()) >= 2}
        for e in doc_ents(doc):
            if e.label_ == "PER" and e.end <= start and view.sent_of[e.start] >= first:
                name = e._.entity_name or e.text
                key = next((k for k in found if found[k]["kind"] == "person" and same(k, name)), None)
                if key is not None:
                    found[key]["pos"] = max(found[key]["pos"], e.start)
        for k in range(view.sents[first][0], start):
            ref = surnames.get(doc[k].text)
            if (ref is not None and not view.mask[k] and not (k + 1 < len(doc) and is_cap(doc[k + 1], lex))
                    and not (k > 0 and doc[k - 1].text in lex.given_names and doc[k - 1].text != ref["name"].split()[0])):
                ref["pos"] = max(ref["pos"], k)
        return sorted((r for r in found.values() if view.sent_of[r["pos"]] >= first), key=lambda r: r["pos"])

    def _resolve_pronoun(self, view: _DocView, m: QuoteMatch, low: str, start: int, speakers: list[tuple[int, QuoteMatch]]) -> Optional[dict]:
        """The referent of the speaker pronoun ``low`` (``er``/``sie``) at ``start``, or ``None``.

        * ``er``, and ``sie`` with a singular verb: the latest person of matching gender named as
          speaker or subject in the three sentences before (``Novartis-Chef Martin Huber zeigte
          sich zufrieden. „…“, sagte er.`` → ``Martin Huber``; ``„…“, sagte Katrin Sommer. „…“,
          sagte Jonas Falk. Sie betonte …`` → ``Katrin Sommer``). Gender comes from the role noun
          (``Analystin``), the given name, or an earlier ``er``/``sie`` for the same person;
          unknown gender fits both. Organisations are no ``er``; ``sie`` may be one (``die Bank``).
          Two matching people named in the same sentence leave it open.
        * ``sie`` with a plural verb (``schrieben sie``): the latest group (``Die Analysten von
          Goldman Sachs hoben …``) in the two sentences before, else nothing.
        """
        plural = low == "sie" and self._plural_pronoun(view, m, start)
        refs = self._referents(view, speakers, start, 2 if plural else 3)
        if plural:
            groups = [r for r in refs if r["kind"] == "group"]
            return groups[-1] if groups else None
        want = "m" if low == "er" else "f"
        fits = [r for r in refs if (r["kind"] == "person" and r["gender"] in (want, ""))
                or (low == "sie" and r["kind"] == "org")]
        if not fits:
            return None
        best = fits[-1]
        rivals = [r for r in fits[:-1] if view.sent_of[r["pos"]] == view.sent_of[best["pos"]] and r["kind"] == best["kind"]]
        return None if rivals else best

    def _resolve_references(self, view: _DocView, found: list[QuoteMatch]) -> None:
        """Give a pronoun or role-noun speaker the name of an earlier named speaker, when safe.

        * ``„…“, sagt Katrin Sommer. Sie betonte, dass ...`` → ``Katrin Sommer``:
          the nearest named speaker of the last three sentences, unless another
          one was named in the sentence before it (then it is ambiguous);
        * ``..., sagte Christian Albers, Chefstratege der DZ Bank. ... sagt der
          Stratege.`` → ``Christian Albers``: a definite role noun takes the last
          speaker whose role contains it, or the only named speaker nearby.

        The mention (``span._.speaker``) stays what the text says.
        """
        doc, lex = view.doc, self.lex
        named: list[tuple[int, int, QuoteMatch]] = []  # (sentence, first token, quotation) of named speakers
        speakers: list[tuple[int, QuoteMatch]] = []  # (mention token, quotation): named and resolved speakers
        for m in sorted(found, key=lambda q: q.start):
            if m.speaker is None:
                if m.speaker_name and any(c.speaker_name == m.speaker_name for _, c in speakers):
                    speakers.append((m.start, m))  # a quotation continuing a speaker's account
                continue
            start, end, app = m.speaker
            sent = view.sent_of[start]
            low = doc[start].lower_
            if end - start == 1 and low in lex.speaker_pronouns or self._possessive_pronoun(doc, start, end):
                low = self._possessive_pronoun(doc, start, end) or low
                if low not in {"er", "sie"} or self.wikinews:
                    continue  # the Wikinews corpus names a pronoun speaker by the pronoun (no coreference)
                subject = self.sentence_subject(view, sent, start) if start > 0 and doc[start - 1].lower_ in CLAUSE_CONJUNCTIONS else None
                if subject is not None and subject[1] < start and not is_abstract_phrase(doc, subject[0], subject[1], lex):
                    # "Die DSW schlug in die gleiche Kerbe, indem sie … aufforderte: „…“": the main clause's subject
                    m.speaker_name = strip_determiner(doc, subject[0], subject[1], lex)
                    continue
                ref = self._resolve_pronoun(view, m, low, start, speakers)
                if ref is None:
                    continue
                m.speaker_name = ref["name"]
                m.speaker_role = m.speaker_role or ref["role"]
                if ref["kind"] == "person":  # the pronoun tells the gender to later ones ("Sie … Sie")
                    m._gender = ref["gender"] or ("m" if low == "er" else "f")  # type: ignore[attr-defined]
                speakers.append((start, m))
            elif app is None and end - start == 2 and low in {"der", "die", "dem", "den"} and lex.is_role_word(doc[start + 1].text):
                word = doc[start + 1].lower_
                stem = word[:-2] if word.endswith("in") and not word.endswith("ein") else word
                before = [c for c in named if c[1] < start and sent - c[0] <= 8]
                by_role = [c for _, k, c in before if stem in f"{c.speaker_role} {doc[k : c.speaker[1]].text}".lower()]  # type: ignore[index]
                people = {c.speaker_name for _, _, c in before}
                cand = by_role[-1] if by_role else (before[-1][2] if len(people) == 1 else None)
                if cand is not None:
                    m.speaker_name = cand.speaker_name
                    m.speaker_role = m.speaker_role or cand.speaker_role
                    speakers.append((start, m))
            elif m.named:
                named.append((sent, start, m))
                speakers.append((start, m))
