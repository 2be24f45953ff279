"""Attributed claims: who says what, and how sure, read from quote marks and the dependency parse.

One pass over the sentences finds the cues (speech, belief and stance verbs from
``data/cues.json``, "according to", "as per", a speaker label "NAME:") and reads each cue's source
from its subject (or agent, or the "citing", "such as" and "from the office of" phrases that name
the real source) and its content from its complement; a second, linear pass hands every direct
quote that no clause took to the cue beside it ("…,” he said", "He said: “…", "“…” ―Name"), or to
the speaker of the quote before it in the same paragraph. Rules rather than a model, because
every decision must be explainable to the analyst who reads a briefing line, and because the small
spaCy parse is the only linguistic cost we can afford per document (this adds a few percent).

Conventions a caller can rely on:

* ``Claim.start``/``end`` cover the whole sentence(s) the source, cue and content sit in, so the
  claim's figures and dates can be found by span containment. ``Claim.content`` is what is
  claimed: a clausal complement with its "that", the clause an "according to" or a parenthetical
  "he said" hangs on, or a direct quote *with* its quote marks (they tell the reader it is
  verbatim); a sentence's final full stop is left out.
* A content that is not one stretch of text (a quote split by "he said", "according to X" in the
  middle of a sentence, a quote continued after "she said.") is returned as several claims that
  share the same ``cue`` and ``source``: claims with the same cue span are one attribution.
* A pronoun source ("he added") keeps the pronoun as its span and gets the canonical name of the
  person it stands for: the latest person of fitting gender (from titles such as "Ms.") in the
  sentences before, a subject first. "it" gets the latest body that spoke; "who" its antecedent.
  A definite role noun ("the spokesperson") resolves to the latest person introduced with that
  role, else it is ``unnamed``; "the agency" to the latest body with that word in its name.
* Nested sources: "as per an announcement from the office of X" has the source span "the office of
  X", kind ``government`` (the office of a person is a government body) and canonical "X's
  office"; any document noun with "from"/"by" ("a report by the agency") gives way to its author.
* "Reuters, citing South Korea's spy agency, reported …": the cited body is the source (it is the
  one that knows); the relaying outlet is dropped, as ``Source`` has no place for a second one.
* No agent ("it is estimated that", "new reports suggest", "it was reported"): ``source=None``
  with the cue set. Evidence, data and videos are ``document`` sources, never people.
* Certainty starts from the cue's default (``cues.json``) and is moved by hedges
  (``attribution.json``): a denial in the content wins, then speculation (in the content, the
  source or on the cue: "could", "reportedly", "unconfirmed", "confirmation … pending"), then an
  estimate or a confirmation over a plain "reported". A negated cue is speculative.

``find_attributions`` never raises: a sentence that trips a rule is skipped, and every span is
checked against ``doc.text`` before it is returned.
"""

from __future__ import annotations

import json
import logging
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from spacy.tokens import Doc, Token

from newsledger.extract import aliases
from newsledger.extract.entities import vocab as entity_words
from newsledger.extract.nlp import is_site_name
from newsledger.model import Certainty, Claim, Entity, Source, SourceKind, Span

__all__ = ["find_attributions", "own_certainty", "strip_titles"]

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"

CharRange = tuple[int, int]

#: Quote marks as the scanner reads them, and line ends, where a quote may stop.
_MARK = re.compile(r"''|[“”\"\n]")
#: Quote-mark tokens as spaCy splits them.
_OPEN_MARKS = {"“", '"', "''", "``"}
_QUOTE_MARKS = {"“", "”", '"', "''", "``"}
#: Trimmed off the ends of a content or source: separators, never quote marks.
_TRAIL = " \t\r\n,;:.!?—–-"
_LEAD = " \t\r\n,;:—–-"
_SUBJECTS = {"nsubj", "csubj"}
#: Dependents that carry a verb's content when they follow it.
_CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "oprd", "attr", "acomp", "dative"}
#: Clauses hung on a noun; never part of a source's span.
_CLAUSE_DEPS = {"relcl", "acl", "advcl", "parataxis", "ccomp", "csubj"}
#: Marks that set a parenthetical cue off from the clause it attributes.
_BREAKS = {",", "—", "–", "-", "--", "(", ")"}
_PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
#: Penn tags of finite verbs: a stretch with one of them is a clause.
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_EXPLETIVES = {"it", "there", "this"}
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_THING_PRONOUNS = {"it"}
_GROUP_PRONOUNS = {"they", "we", "i", "you"}
_RELATIVES = {"who", "which", "that", "whom"}
_BODY_LABELS = frozenset({"organization", "government", "military", "media"})
#: the kinds of source that carry a name of their own (the others are people or nobody)
_NAMED_KINDS: tuple[SourceKind, ...] = ("media", "government", "organization")
#: what completes "called X …": "called it "unexpected"", "called them liars"
_COMPLEMENTS = frozenset({"oprd", "ccomp", "xcomp", "acomp"})
#: verbs whose object or "to"/"with" object is the one spoken to
_SPOKEN_TO = frozenset({"speak", "talk", "tell", "say", "explain", "interview"})
#: role nouns that name one post: "the spokesman" after "press secretary Pat Ryder" is him
_SPOKESPEOPLE = frozenset({"spokesperson", "spokesman", "spokeswoman", "press secretary"})
_SAME_ROLE = dict.fromkeys(_SPOKESPEOPLE, _SPOKESPEOPLE)
#: verbs of thinking that, under the speaker's own "said", add no second claim
_COGNITION = frozenset({"feel", "think", "believe", "hope", "fear", "know", "expect", "suspect"})
#: verbs under which a cue is not done: "refrained from denying", "declined to confirm"
_HELD_BACK = frozenset({"refrain", "decline", "refuse", "avoid", "fail"})
#: verbs of the writer's own inference when the subject points back ("this suggests")
_INFERENCE_VERBS = frozenset({"suggest", "indicate", "show", "mean", "imply"})
#: line labels that credit the paragraph above to an outlet ("Sources: Reuters, citing…")
_CREDIT_LABELS = frozenset({"source", "sources"})
#: "the company", "the airline": a definite description a reader resolves to the firm in the story
_COMPANY_HEADS = frozenset({"company", "firm", "airline", "carrier", "corporation", "insurer"})
#: the subject pronoun a possessive owner is resolved as ("his office": whose office)
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
_NEGATIONS = {"not", "n't", "never", "no"}
#: What "per" is followed by in a rate, not a source ("per month", "per soldier").
_RATE_WORDS = frozenset(
    {"day", "week", "month", "year", "hour", "minute", "second", "annum", "cent", "capita"}
)
_LABEL_KIND: dict[str, SourceKind] = {
    "person": "person",
    "organization": "organization",
    "government": "government",
    "military": "government",
    "media": "media",
    "place": "government",
}
#: The smallest direct quote worth attributing on its own, in words: shorter ones are scare
#: quotes inside a sentence, which belong to whatever clause holds them.
_MIN_QUOTE_WORDS = 3
_SCAN_TOKENS = 12
#: The longest speaker label before a colon, in tokens ("Rep. Jane Q. Smith:").
_MAX_LABEL = 6
#: Marks that credit a quote to the name after them ("“…” ―Jane Smith").
_DASH_CREDIT = re.compile(
    r"[^\S\n]*(?P<dash>―|—|–|--)[^\S\n]*(?P<name>[A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})"
)
_PRONOUN_SENTENCES = 6
#: How many sentences after a role noun ("the governor said") its holder may be named in.
_ROLE_AHEAD_SENTENCES = 3


# --- vocabulary ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cue:
    certainty: Certainty
    takes_object: bool = False
    takes_xcomp: bool = False
    preps: frozenset[str] = frozenset()
    needs_agent: bool = False
    #: a cue only with one of its prepositions: "put (the number) at", never "put pressure on"
    only_preps: bool = False
    #: a cue only with a clause or quote: "declared that…", never "declared martial law"
    clause_only: bool = False
    #: the objects that make it a cue: "issued a statement", never "issued impeachment motions"
    object_heads: frozenset[str] = frozenset()
    #: objects that make it an act: "claimed responsibility", "accepted the award"
    not_objects: frozenset[str] = frozenset()
    #: the object reading needs a complement: "called the demand "unprecedented"", not "called
    #: the police"
    needs_complement: bool = False
    #: the prepositions' object must hold a number: "put the toll at 40", not "put 11 million
    #: people at risk"
    at_a_figure: bool = False


@dataclass(frozen=True)
class _Lexicon:
    """Everything read from the JSON files, compiled once per process."""

    verbs: dict[str, _Cue]
    quote_verbs: frozenset[str]
    phrases: dict[tuple[str, ...], Certainty]
    phrase_starts: frozenset[str]
    raising: dict[str, Certainty | None]
    addressee: frozenset[str]
    general_certainty: Certainty
    general_except: frozenset[str]
    hedges: dict[str, re.Pattern[str]]
    kind_heads: dict[SourceKind, frozenset[str]]
    kind_names: dict[SourceKind, re.Pattern[str]]
    agentless: frozenset[str]
    intelligence: frozenset[str]
    intelligence_heads: frozenset[str]
    collective_media: frozenset[str]
    roles: frozenset[str]
    label_stop: frozenset[str]
    titles: frozenset[str]
    female: frozenset[str]
    male: frozenset[str]


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    items = [f"(?:{p})" for p in patterns]
    return re.compile("|".join(items) if items else r"(?!x)x")


def _names(names: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)")


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    cues = json.loads((DATA / "cues.json").read_text(encoding="utf-8"))
    vocab = json.loads((DATA / "attribution.json").read_text(encoding="utf-8"))
    verbs = {
        lemma: _Cue(
            v["certainty"],
            bool(v.get("object")),
            bool(v.get("xcomp")),
            frozenset(v.get("preps", ())),
            bool(v.get("agent")),
            bool(v.get("only_preps")),
            bool(v.get("clause")),
            frozenset(v.get("object_heads", ())),
            frozenset(v.get("not_objects", ())),
            bool(v.get("complement")),
            bool(v.get("at_a_figure")),
        )
        for lemma, v in cues["verbs"].items()
    }
    raw = vocab["hedges"]
    hedges: dict[str, re.Pattern[str]] = {
        level: _alternation(f"(?i:{p})" for p in raw[level])
        for level in ("denied", "estimated", "confirmed", "bound")
    }
    hedges["speculative"] = _alternation(
        [*(f"(?i:{p})" for p in raw["speculative"]), *raw["case_sensitive"]]
    )
    kinds = vocab["kinds"]
    return _Lexicon(
        verbs=verbs,
        quote_verbs=frozenset(cues["quote_verbs"]),
        phrases={tuple(k.split()): v for k, v in cues["phrases"].items()},
        phrase_starts=frozenset(k.split()[0] for k in cues["phrases"]),
        raising=dict(cues["raising"]),
        addressee=frozenset(cues["addressee"]),
        general_certainty=cues["general_ccomp"]["certainty"],
        general_except=frozenset(cues["general_ccomp"]["except"]),
        hedges=hedges,
        kind_heads={cast(SourceKind, k): frozenset(v["heads"]) for k, v in kinds.items()},
        kind_names={
            cast(SourceKind, k): _names(v["names"]) for k, v in kinds.items() if v.get("names")
        },
        agentless=frozenset(vocab["agentless"]),
        intelligence=frozenset(vocab["intelligence"]),
        intelligence_heads=frozenset(vocab["intelligence_heads"]),
        collective_media=frozenset(vocab["collective_media"]),
        roles=frozenset(vocab["roles"]),
        label_stop=frozenset(vocab["label_stop"]),
        titles=frozenset(vocab["titles"]),
        female=frozenset(vocab["female"]),
        male=frozenset(vocab["male"]),
    )


# --- quotes --------------------------------------------------------------------------------------


def _find_quotes(text: str) -> list[CharRange]:
    """Direct-quote spans (marks included), in order, from one linear scan of the text.

    Curly marks pair up; a straight mark (``"``, or ``''`` as some archives type it) opens after
    a space or line start and closes otherwise. A quote still open at a line end goes on when the
    next non-empty line opens with a quote mark (the newspaper convention for a quote running over
    paragraphs) or closes one before opening another; otherwise it ends at the line end, so one
    stray mark cannot swallow an article.
    """
    quotes: list[CharRange] = []
    start: int | None = None
    depth = 0  # curly quotes nest: “… “inner’ …” must not end the outer quote early
    pos = 0
    while True:
        m = _MARK.search(text, pos)
        if m is None:
            break
        i, mark = m.start(), m.group()
        pos = m.end()
        if mark == "\n":
            if start is None:
                continue
            nxt = _next_line_start(text, i)
            if nxt is not None:
                opener = _MARK.match(text, nxt)
                if opener is not None and opener.group() not in {"\n", "”"}:
                    pos = opener.end()  # the continuation mark of the next paragraph
                    continue
                if _closes_first(text, nxt):
                    continue
            _close_at_line_end(text, start, i, quotes)
            start, depth = None, 0
        elif start is None:
            if mark != "”" or _opens(text, i, 1):  # "”Fear." : a close mark typed as opener
                start, depth = i, 1
        elif mark == "“":
            depth += 1
        elif mark == "”" and depth > 1:
            depth -= 1
        elif mark == "”" or not _opens(text, i, len(mark)):
            quotes.append((start, pos))
            start, depth = None, 0
    if start is not None:
        _close_at_line_end(text, start, len(text), quotes)
    return quotes


def _close_at_line_end(text: str, start: int, line_end: int, quotes: list[CharRange]) -> None:
    """A quote left open at a line end stops at its last close mark (nested marks left it
    open), else at the line end."""
    last_close = text.rfind("”", start + 1, line_end)
    end = last_close + 1 if last_close > 0 else _rstrip(text, start, line_end)
    if end - start > 1:
        quotes.append((start, end))


def _opens(text: str, i: int, width: int) -> bool:
    """Whether a straight mark at ``i`` reads as opening (after a space, before a word)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    return (before.isspace() or before in "([{—–-") and not after.isspace()


def _next_line_start(text: str, newline: int) -> int | None:
    j = newline
    while j < len(text) and text[j].isspace():
        j += 1
    return j if j < len(text) else None


def _closes_first(text: str, line_start: int) -> bool:
    """Whether the line starting at ``line_start`` closes a quote before it opens one."""
    for m in _MARK.finditer(text, line_start):
        mark = m.group()
        if mark in {"\n", "“"}:
            return False
        if mark == "”" or not _opens(text, m.start(), len(mark)):
            return True
    return False


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


class _Quotes:
    """Quote spans with fast "which quote holds this offset" look-ups."""

    def __init__(self, text: str) -> None:
        self.spans = _find_quotes(text)
        self.span_set = set(self.spans)
        self.starts = [s for s, _ in self.spans]
        self.words = [len(re.findall(r"\w+", text[s:e])) for s, e in self.spans]

    def holding(self, offset: int) -> int | None:
        """Index of the quote whose inside holds ``offset``, if any."""
        k = bisect_right(self.starts, offset) - 1
        if k >= 0 and self.spans[k][0] < offset < self.spans[k][1] - 1:
            return k
        return None

    def in_direct(self, offset: int) -> bool:
        """Whether ``offset`` is inside a quote long enough to be someone's own words."""
        k = self.holding(offset)
        return k is not None and self.words[k] >= _MIN_QUOTE_WORDS


# --- entities ------------------------------------------------------------------------------------


class _Entities:
    """The caller's entities, sorted, with the gender each person's mentions reveal."""

    def __init__(self, doc: Doc, text: str, entities: Sequence[Entity], lex: _Lexicon) -> None:
        size = len(text)
        self.items = sorted(
            (e for e in entities if 0 <= e.start < e.end <= size), key=lambda e: e.start
        )
        self.starts = [e.start for e in self.items]
        self.gender: dict[str, str] = {}
        for e in self.items:
            if e.label == "person":
                g = _gender_near(doc, e, lex)
                if g and e.canonical not in self.gender:
                    self.gender[e.canonical] = g

    def within(self, start: int, end: int) -> list[Entity]:
        k = bisect_right(self.starts, end)
        return [e for e in self.items[:k] if e.start >= start and e.end <= end]

    def covering(self, start: int, end: int) -> Entity | None:
        """The entity that contains the range, or the one the range contains, if any."""
        k = bisect_right(self.starts, start)
        for e in reversed(self.items[max(0, k - 3) : k]):
            if e.start <= start and end <= e.end:
                return e
        return None

    def before(self, offset: int) -> list[Entity]:
        k = bisect_right(self.starts, offset)
        return [e for e in self.items[:k] if e.end <= offset]


def _gender_near(doc: Doc, entity: Entity, lex: _Lexicon) -> str | None:
    words = (entity.role or "").lower().split()
    span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
    if span is not None and span.start > 0:
        words.append(doc[span.start - 1].lower_)
    if any(w in lex.female for w in words):
        return "female"
    if any(w in lex.male for w in words):
        return "male"
    return None


# --- drafts --------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A cue found in the parse, waiting for its content (a clause, a quote, or nothing)."""

    cue: CharRange
    token: Token
    source: Source | None
    certainty: Certainty
    fragments: list[CharRange] = field(default_factory=list)
    #: The subject's words, kept for hedges even when they name no source ("unconfirmed reports")
    subject_text: str = ""
    #: Whether a content that starts or ends inside a quote takes the whole quote; not for a
    #: speaker label, whose line may sit inside a quoted transcript.
    snap: bool = True
    #: For "according to X": the phrase itself, which no other cue's content takes in
    #: ("Defectors say it is less than $1, according to the AP": the defectors' claim is "it
    #: is less than $1", so its figure is theirs, relayed by the AP)
    phrase: CharRange | None = None
    #: The other speakers of a joint statement ("The United States and South Korea disclosed
    #: that…"): each states the content too, so each gets its own claim and counts as an origin
    joint: list[Source] = field(default_factory=list)
    #: The document the source spoke in ("in a statement", "issued a statement saying")
    medium: Source | None = None


class _Extractor:
    """One document's state: the parse, its quotes and entities, and the drafts so far."""

    def __init__(self, doc: Doc, text: str, entities: Sequence[Entity]) -> None:
        self.doc = doc
        self.text = text  # ``doc.text`` joins every token on each access: read it once
        self.lex = _lexicon()
        self.quotes = _Quotes(self.text)
        self.entities = _Entities(doc, text, entities, self.lex)
        self.drafts: dict[int, _Draft] = {}
        #: start offsets of the people spoken to ("speaking to X"), found once when first asked
        self.spoken_to: frozenset[int] | None = None
        #: The "according to X" phrases of all drafts, which no other content takes in.
        self.phrases: list[CharRange] = []
        self.sent_starts: list[int] = []
        self.sent_ends: list[int] = []
        #: every sentence end, known before the pass (the two lists above grow with it)
        self.all_sent_ends = [sent.end_char for sent in doc.sents if sent.text.strip()]
        #: quote index -> key of the draft it was attached to, for follow-on quotes
        self.quote_owner: dict[int, int] = {}

    # -- the passes --

    def run(self) -> list[Claim]:
        for sent in self.doc.sents:
            self.sent_starts.append(sent.start_char)
            self.sent_ends.append(sent.end_char)
            try:
                self._sentence(sent)
            except Exception:  # a rule tripped on an odd parse: lose the sentence, not the text
                log.debug("attribution skipped a sentence at %d", sent.start_char, exc_info=True)
        for k in range(len(self.quotes.spans)):
            try:
                self._attach_quote(k)
            except Exception:
                log.debug("attribution skipped quote %d", k, exc_info=True)
        self.phrases = [d.phrase for d in self.drafts.values() if d.phrase]
        self._inherit_sources()
        claims: list[Claim] = []
        for draft in sorted(self.drafts.values(), key=lambda d: d.cue):
            claims.extend(self._claims(draft))
        return claims

    def _inherit_sources(self) -> None:
        """An agentless cue inside an attributed content speaks for that content's source:
        "According to the NIS, it was confirmed that…" is the NIS confirming."""
        for draft in self.drafts.values():
            if draft.source is not None:
                continue
            outer = [
                d
                for d in self.drafts.values()
                if d.source is not None
                and any(a <= draft.cue[0] and draft.cue[1] <= b for a, b in d.fragments)
            ]
            if outer:
                draft.source = min(outer, key=lambda d: min(b - a for a, b in d.fragments)).source

    def _sentence(self, sent: Any) -> None:
        if sent.start_char == 0 or self.text[sent.start_char - 1] == "\n":
            self._speaker_label(sent)
        self._document_frame(sent)
        for tok in sent:
            if self.quotes.in_direct(tok.idx):
                continue
            phrase = self._phrase_at(tok)
            if phrase is not None:
                self._phrase_cue(tok, phrase)
            elif tok.pos_ == "VERB" and self._is_cue(tok):
                self._verb_cue(tok)

    def _speaker_label(self, sent: Any) -> None:
        """A speaker label ("HOST: Good evening…", "Jane Smith: We are ready"): a name, a colon.

        Transcripts and headlines give the speaker this way; the rest of the line is the content.
        """
        first = sent.start + (1 if sent[0].text in _OPEN_MARKS else 0)
        toks = list(self.doc[first : first + _MAX_LABEL + 1])
        colon = next((t for t in toks if t.text == ":"), None)
        if colon is None or colon.i == first:
            return
        name = list(self.doc[first : colon.i])
        label = " ".join(t.lower_ for t in name)
        if label in _CREDIT_LABELS:
            self._credit_line(colon)
            return
        if not all(_name_word(t) for t in name) or label in self.lex.label_stop:
            return
        if all(t.ent_type_ in {"GPE", "LOC"} for t in name):
            return  # a dateline ("Damascus: Syrian rebel forces on Sunday…"), not a speaker
        start = colon.idx + 1
        end = self.text.find("\n", start)
        end = len(self.text) if end < 0 else end
        if len(re.findall(r"\w+", self.text[start:end])) < 2:
            return
        a, b = name[0].idx, name[-1].idx + len(name[-1].text)
        source = self._named_speaker(a, b, name[-1])
        draft = _Draft((colon.idx, colon.idx + 1), colon, source, "reported", [(start, end)])
        draft.snap = False
        self.drafts[colon.i] = draft

    def _document_frame(self, sent: Any) -> None:
        """ "In a situational report of NDRRMC, the tremor damaged 143 buildings": a sentence
        that opens on the document it comes from, and has no speech verb of its own, is that
        document's claim, as "according to" would make it."""
        first = sent[0]
        if first.lower_ != "in" or first.dep_ != "prep" or self._is_cue(first.head):
            return
        pobj = next((c for c in first.children if c.dep_ == "pobj"), None)
        if pobj is None or pobj.lemma_.lower() not in self.lex.kind_heads["document"]:
            return
        end = _subtree(first)[1]
        comma = self._token_at_or_after(end)
        if comma is None or comma.text != "," or comma.i >= sent.end - 2:
            return
        source = self._source(pobj)
        if source is None or source.canonical is None:
            return  # "In a statement, prices rose": whose statement, the text does not say
        draft = _Draft(_tokens_range((first,)), first, source, "reported", phrase=(first.idx, end))
        draft.fragments.append((comma.idx + 1, sent.end_char))
        self.drafts[first.i] = draft

    def _credit_line(self, colon: Token) -> None:
        """ "Sources: Reuters, citing Lee Seong-kweun": the outlet, and whom it cites, credited
        for the paragraph above. The cited one is the source; the outlet relays its claim."""
        line_end = self.text.find("\n", colon.idx)
        line_end = len(self.text) if line_end < 0 else line_end
        names = _name_runs(self.doc, colon.i + 1, line_end)
        above = self._paragraph_above(colon.idx)
        if not names or above is None:
            return
        (a, b), cited = names[0], None
        after = self.text[b : names[1][0]] if len(names) > 1 else ""
        if len(names) > 1 and re.fullmatch(r",?\s*(?:citing|quoting|via)\s+", after):
            cited = names[1]
        relay = self._named_speaker(a, b, self.doc[colon.i + 1])
        source = self._named_speaker(*cited, colon) if cited else relay
        draft = _Draft((colon.idx, colon.idx + 1), colon, source, "reported", [above])
        if cited:
            draft.joint.append(relay)
        draft.snap = False
        self.drafts[colon.i] = draft

    def _paragraph_above(self, offset: int) -> CharRange | None:
        """The last non-empty line before the line holding ``offset``."""
        end = self.text.rfind("\n", 0, offset)
        while end > 0:
            start = self.text.rfind("\n", 0, end) + 1
            if self.text[start:end].strip():
                return _trim(self.text, start, end)
            end = start - 1
        return None

    def _named_speaker(self, a: int, b: int, tok: Token) -> Source:
        """A speaker named by a label or a credit line: a person unless an entity says otherwise."""
        entity = next((e for e in self.entities.within(a, b) if e.label != "place"), None)
        if entity is not None:
            kind, canonical = self._entity_kind(entity, tok)
        else:
            name = _title_name(self.text[a:b])
            full = [e.canonical for e in self.entities.items if e.canonical.endswith(f" {name}")]
            kind, canonical = "person", full[0] if full else name  # "Seong-kweun", named before
        return Source(self.text[a:b], a, b, kind, canonical)

    def _general_cue(self, verb: Token) -> bool:
        """A verb outside the list that still attributes: someone "feels", "assumes" or
        "recalls" that something is so. Needs an agent and a that/whether/if clause."""
        if verb.lemma_.lower() in self.lex.general_except:
            return False
        clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        if clause is None or clause.i < verb.i:
            return False
        marks = {c.lower_ for c in clause.children if c.dep_ == "mark"}
        if not marks & {"that", "whether", "if"}:
            return False
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        return subject is not None and (
            subject.pos_ == "PROPN"
            or subject.lower_ in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _RELATIVES
            or self.entities.covering(subject.idx, subject.idx + len(subject.text)) is not None
        )

    def _is_cue(self, verb: Token) -> bool:
        lemma = verb.lemma_.lower()
        lex = self.lex
        if lemma == "add" and any(c.dep_ == "prt" and c.lower_ == "up" for c in verb.children):
            return False  # "the costs could quickly add up": a sum, not speech
        return lemma in lex.verbs or lemma in lex.quote_verbs or self._general_cue(verb)

    # -- verb cues --

    def _verb_cue(self, verb: Token) -> None:
        lemma = verb.lemma_.lower()
        cue = self.lex.verbs.get(lemma, _Cue(self.lex.general_certainty))
        finite = _misparsed_finite(verb) if lemma in self.lex.verbs else None
        if finite is not None:
            self._misparsed_cue(verb, cue, finite)
            return
        objects = _prep_objects(verb, cue.preps) if cue.only_preps else []
        if cue.only_preps and not objects:
            return
        if cue.at_a_figure and not any(t.like_num for obj in objects for t in obj.subtree):
            return
        if verb.dep_ in {"amod", "compound"} or (verb.dep_ == "acl" and verb.tag_ == "VBN"):
            return  # "an estimated 10,000", "a group called X", "known as"
        if _hypothetical(verb) or _no_one(verb) or _inference(verb):
            return  # "if Trump decides to leave", "no inspection had found": nobody claims it
        if verb.dep_ == "acl" and verb.head.lemma_.lower() not in self.lex.kind_heads["document"]:
            return  # "tweets accusing her of…": a description, not an attribution
        participle = verb.tag_ == "VBG" and verb.dep_ in {"advcl", "acl"}
        relaying = participle or (verb.tag_ == "VBG" and verb.dep_ == "xcomp")
        if lemma == "cite" and relaying and _cited(verb.head) is not None:
            return  # "Reuters, citing X, reported…": X is the source of "reported"
        certainty = cue.certainty
        head = verb.head if verb.dep_ == "xcomp" else None
        if head is not None and head.lemma_.lower() in self.lex.raising:
            change = self.lex.raising[head.lemma_.lower()]
            certainty = change or certainty
        source, relay = self._verb_source(verb)
        speaker = self._speaker_before(verb)
        if speaker is not None:
            source, relay = self._source(speaker), None
        if cue.needs_agent and not self._agentive(verb, source):
            return
        if lemma == "show" and self._a_thing(verb, source):
            return  # "the reconstruction showed that…": no record or witness, an argument
        if cue.needs_agent and not any(c.dep_ in _SUBJECTS for c in verb.children):
            return  # "Russia intends to support…": a stance verb needs its own subject
        if _stance(verb, cue) and self._reported(verb):
            return  # "he said Russia plans to use them": the speaker's claim, not Russia's
        if lemma in _COGNITION and self._reported(verb) and _pronoun_subject(verb):
            return  # "Giese said she felt…": one claim of the speaker's, not two
        if self._negated(verb):
            if not _states_something(verb):
                return  # "did not confirm that figure", "did not say how many": nothing claimed
            certainty = certainty if certainty == "denied" else "speculative"
        draft = _Draft(_cue_range(verb, cue.preps), verb, source, certainty)
        draft.medium = self._medium(verb, source)
        subject = self._subject(verb)
        if subject is not None:
            draft.subject_text = self.text[slice(*_subtree(subject))]
            if speaker is None and source is not None and source.start <= subject.idx < source.end:
                draft.joint = self._joint_sources(subject)
        if relay is not None:  # the relay states it too, as a copy of the source's claim
            draft.joint.append(relay)
        if speaker is not None:
            draft.fragments = [(verb.sent.start_char, speaker.left_edge.nbor(-1).idx)]
            draft.subject_text = self.text[slice(*_subtree(speaker))]
        elif lemma not in self.lex.quote_verbs or lemma in self.lex.verbs:
            # "…, saying that": a participle attributes a clause or a quote, not an object
            draft.fragments = self._verb_content(verb, cue if not participle else _Cue(certainty))
        else:
            colon = self._colon_block(verb)
            draft.fragments = [colon] if colon else []
        self.drafts[verb.i] = draft

    def _medium(self, verb: Token, source: Source | None) -> Source | None:
        """The document a source spoke in: "said in a statement", "In a filing, Ford said",
        "issued a statement saying" (the cue hangs on the document). Its canonical is the
        author named in it ("the company's filing"), else ``None`` for the source's to fill."""
        found = None
        if verb.dep_ == "acl" and verb.head.lemma_.lower() in _MEDIUM_HEADS:
            found = verb.head
        for prep in verb.children:
            if found is None and prep.dep_ == "prep" and prep.lower_ in _MEDIUM_PREPS:
                objects = [g for g in prep.children if g.dep_ == "pobj"]
                found = next((g for g in objects if g.lemma_.lower() in _MEDIUM_HEADS), None)
        if source is None or found is None:
            return None
        start, end = found.left_edge.idx, found.idx + len(found.text)
        if start < source.end and source.start < end:
            return None  # the document is the source itself: "the statement said"
        owner = next((c for c in found.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
        author = self._author_of(found) if owner is not None else None
        return Source(self.text[start:end], start, end, "document", author)

    def _speaker_before(self, verb: Token) -> Token | None:
        """In "CLAUSE, the mayor of the town said on Tuesday." the parser may hang the speaker on
        the clause (an apposition) and the cue on its verb (a conjunct with no subject, or an
        adverbial clause with a subject from the clause): a noun phrase alone between the last
        comma and the cue is the speaker."""
        if verb.dep_ not in {"conj", "ccomp", "parataxis", "advcl", "ROOT"} or verb.i < verb.head.i:
            return None
        if any(c.dep_ in _PASSIVE_SUBJECTS | {"agent"} for c in verb.children):
            return None
        sent = verb.sent
        comma = next(
            (t for t in reversed(self.doc[sent.start : verb.i]) if t.text in {",", "—", "–"}),
            None,
        )
        if comma is None or comma.i + 1 >= verb.i or comma.i <= sent.start:
            return None
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
        if any(c.i > comma.i for c in subjects) or (verb.dep_ == "ROOT" and subjects):
            return None  # "…, officials said": the parser found the speaker itself
        stretch = self.doc[comma.i + 1 : verb.i]
        if any(t.tag_ in _FINITE or t.text in _QUOTE_MARKS or t.pos_ == "CCONJ" for t in stretch):
            return None
        roots = [t for t in stretch if not (comma.i < t.head.i < verb.i) or t.head.i == t.i]
        if len(roots) != 1 or roots[0].pos_ not in {"NOUN", "PROPN", "PRON"}:
            return None
        root = roots[0]
        if root.left_edge.i != comma.i + 1 or root.right_edge.i != verb.i - 1:
            return None
        if any(root.head.i == c.i for c in subjects):
            return None  # "Smith, the mayor, said": an apposition of the real subject
        return root

    def _misparsed_cue(self, verb: Token, cue: _Cue, clause: Token) -> None:
        """ "Military intelligence reported on Monday that…" read by the parser as a participle
        on the subject ("intelligence [which was] reported"): the noun is the source, and the
        that-clause it is the subject of is the content."""
        source = self._source(verb.head)
        certainty = "speculative" if self._negated(verb) else cue.certainty
        draft = _Draft(_cue_range(verb, cue.preps), verb, source, certainty)
        # the clause hangs on the cue itself when the sentence has no finite verb at all
        that = clause.left_edge if clause.head.i == verb.i else verb.right_edge.nbor(1)
        draft.fragments = [(that.idx, _subtree(clause)[1])]
        draft.subject_text = self.text[slice(*_subtree(verb.head))]
        self.drafts[verb.i] = draft

    def _reported(self, verb: Token) -> bool:
        """Whether a verb sits in the reported clause of a speech cue above it."""
        tok = verb
        while tok.head.i != tok.i:
            head = tok.head
            lemma = head.lemma_.lower()
            cue = self.lex.verbs.get(lemma)
            speech = lemma in self.lex.quote_verbs or (cue is not None and not cue.needs_agent)
            if tok.dep_ == "ccomp" and speech:
                return True
            tok = head
        return False

    def _agentive(self, verb: Token, source: Source | None) -> bool:
        """Whether a stance verb's subject is someone: "Trump raised…", not "the plan raises…"."""
        if source is None:
            return False
        if source.kind in {"person", "organization", "government", "media"}:
            return True
        subject = self._subject(verb)
        return subject is not None and (
            subject.lemma_.lower() in self.lex.kind_heads["unnamed"]
            or subject.lower_ in _GROUP_PRONOUNS | _RELATIVES
        )

    def _a_thing(self, verb: Token, source: Source | None) -> bool:
        """Whether the subject is neither someone nor a record ("the data", "images")."""
        subject = self._subject(verb)
        if source is None or source.kind != "unnamed" or subject is None:
            return False
        someone = subject.lemma_.lower() in self.lex.kind_heads["unnamed"]
        return subject.pos_ != "PRON" and not someone

    def _negated(self, verb: Token) -> bool:
        if any(c.dep_ == "neg" or c.lower_ in _NEGATIONS for c in verb.children):
            return True
        if _held_back(verb):
            return True  # "Putin refrained from denying the reports": he did not deny them
        head = verb.head
        return verb.dep_ == "xcomp" and any(c.dep_ == "neg" for c in head.children)

    def _verb_content(self, verb: Token, cue: _Cue) -> list[CharRange]:
        """Where the content of a verb cue sits, tried from the surest reading to the loosest."""
        colon = self._colon_block(verb)
        if colon is not None:
            return [colon]
        frags = [_subtree(c) for c in verb.children if c.dep_ == "ccomp"]
        if not frags and verb.lemma_.lower() in self.lex.addressee:
            frags = _that_clause_on_object(verb)
        if not frags and cue.preps:
            frags = [_subtree(p) for p in _prep_objects(verb, cue.preps)]
            put = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if frags and cue.only_preps and put is not None:  # "put the toll at 40": both
                frags = [(min(put.left_edge.idx, *(a for a, _ in frags)), max(b for _, b in frags))]
        if not frags and (cue.takes_xcomp or _is_passive(verb)):
            frags = [_subtree(c) for c in verb.children if c.dep_ == "xcomp"]
        if not frags and cue.takes_object and _takes_this_object(verb, cue):
            frags = _object_side(verb)
        if not _takes_this_object(verb, cue):
            return frags  # "issued impeachment motions": an act, unless a clause says more
        if not frags and (_parenthetical(verb) or _as_clause(verb)):
            frags = self._around_parenthetical(verb)
        if not frags:
            frags = self._clause_before(verb)
        if not frags:  # "have not said when…": a wh-clause, else the object
            frags = [_subtree(c) for c in verb.children if _wh_clause(c)]
        if not frags and verb.lemma_.lower() not in self.lex.addressee and not cue.clause_only:
            frags = _object_side(verb)  # "said as much", "noted the delay": what the verb took
        return frags

    def _colon_block(self, verb: Token) -> CharRange | None:
        """After "He added:", the words: the rest of the line, or the next paragraph."""
        doc = self.doc
        k = verb.i + 1
        while (
            k < len(doc)
            and k <= verb.i + 6
            and doc[k].head.i == verb.i
            and doc[k].dep_ in {"npadvmod", "advmod", "prep", "pobj", "det", "prt", "dative"}
        ):
            k = doc[k].right_edge.i + 1
        if k >= len(doc) or doc[k].text != ":":
            return None
        start = doc[k].idx + 1
        line_end = self.text.find("\n", start)
        line_end = len(self.text) if line_end < 0 else line_end
        if re.search(r"\w", self.text[start:line_end]):
            return start, line_end
        nxt = _next_line_start(self.text, line_end)
        if nxt is None:
            return None
        end = self.text.find("\n", nxt)
        return nxt, len(self.text) if end < 0 else end

    def _around_parenthetical(self, verb: Token) -> list[CharRange]:
        """For "But, he said, officials should…" / "…, officials said": the clause around it."""
        head = verb.head
        left, right = verb.left_edge, verb.right_edge
        before = self.doc[left.i - 1] if left.i > 0 else None
        after = self.doc[right.i + 1] if right.i + 1 < len(self.doc) else None
        if not any(t is not None and t.text in _BREAKS for t in (before, after, left, right)):
            return []
        frags = []
        if head.left_edge.i < left.i:
            frags.append((head.left_edge.idx, left.idx))
        end = _subtree(head)[1]
        if right.i < head.right_edge.i:
            frags.append((right.idx + len(right.text), end))
        return frags

    def _clause_before(self, verb: Token) -> list[CharRange]:
        """For "CONTENT, officials said." / "CONTENT, said Smith.": the clause before the comma."""
        hearer = {"dobj", "dative"} if verb.lemma_.lower() in self.lex.addressee else set()
        if any(c.dep_ in _CONTENT_DEPS - hearer and c.i > verb.i for c in verb.children):
            return []  # "…, Kirby told reporters.": the object of "told" is the hearer
        subject = self._subject(verb) if any(c.dep_ in _SUBJECTS for c in verb.children) else None
        boundary = subject.left_edge if subject is not None and subject.i < verb.i else verb
        if boundary.i == verb.sent.start:
            return []
        comma = self.doc[boundary.i - 1]
        if comma.text not in _BREAKS or comma.i <= verb.sent.start:
            return []
        before = self.doc[verb.sent.start : comma.i]
        if not any(t.tag_ in _FINITE for t in before) and before[0].text not in _OPEN_MARKS:
            return []  # "Speaking at a briefing, Peskov dismissed…": no clause to attribute
        return [(verb.sent.start_char, comma.idx)]

    def _verb_source(self, verb: Token) -> tuple[Source | None, Source | None]:
        """The source of a verb cue, and the medium that relays it, if any."""
        subject = self._subject(verb)
        source = self._source(subject) if subject is not None else None
        cited = _cited(verb)
        if cited is not None and source is None:
            source = self._name_before_citing(cited.head)
        if cited is not None and (source is None or source.kind == "media"):
            # "Reuters, citing the NIS, reported": the NIS speaks; Reuters passes it on
            return self._source(cited), source
        return source, None  # "MP Lee, citing intelligence data, said": the person speaks

    def _name_before_citing(self, citing: Token) -> Source | None:
        """The speaker of "MP Lee Min-jae, citing intelligence data, has said" when a split
        hyphenated name left the cue without a subject: the name just before the comma."""
        if citing.i < 2 or citing.nbor(-1).text != ",":
            return None
        last = citing.nbor(-2)
        entity = self.entities.covering(last.idx, last.idx + len(last.text))
        if entity is None or entity.label in {"media", "place"}:
            return None
        return self._source(last)

    def _subject(self, verb: Token, depth: int = 0) -> Token | None:
        """The token naming who speaks, climbing to the governing verb when the cue has none."""
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
        if subjects:  # "Troops like these, he said": the parser may give two; the nearer speaks
            before = [c for c in subjects if c.i < verb.i]
            return before[-1] if before else subjects[0]
        for c in verb.children:
            if c.dep_ == "agent":
                pobj = [g for g in c.children if g.dep_ == "pobj"]
                return pobj[0] if pobj else None
        if any(c.dep_ in _PASSIVE_SUBJECTS for c in verb.children):
            return None  # "it is estimated", "troops were reported to…": nobody named
        if depth >= 2 or verb.head.i == verb.i:
            return None
        head = verb.head
        if verb.dep_ == "conj" and head.dep_ == "ccomp" and not self._is_cue(head):
            # "The ministry said 40 people died and added that…": the parser joined "added" to
            # the reported verb; the one who adds is the one who said
            return self._subject(head.head, depth + 1) if self._is_cue(head.head) else None
        if verb.dep_ in {"conj", "xcomp"}:
            return self._subject(head, depth + 1)
        if verb.dep_ == "advcl" and verb.tag_ == "VBG":
            # "…, saying that": the participle shares the subject of the verb that speaks,
            # which may sit above a reported clause it was hung on ("confirmed that…, calling…")
            for _ in range(3):
                if self._speaks(head) or head.head.i == head.i:
                    break
                head = head.head
            return self._subject(head, depth + 1) if self._speaks(head) else None
        if verb.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN"}:
            return head  # "a statement saying…": the statement (or, below, its author)
        if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and head.head.pos_ in {"VERB", "AUX"}:
            return self._sayer_of(head.head)
        return None

    def _sayer_of(self, verb: Token) -> Token | None:
        """Who is "criticised for saying" or "known for saying": the verb's subject, passive
        or not, and through "who" the person a relative clause describes."""
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS), None)
        if subject is not None and subject.lower_ in _RELATIVES and verb.dep_ == "relcl":
            return verb.head
        return subject

    def _speaks(self, verb: Token) -> bool:
        """Whether ``verb`` is the main verb or a cue, so that a participle hung on it
        ("…, saying that") shares its subject; one hung on a reported clause does not."""
        return verb.dep_ in {"ROOT", "conj"} or verb.lemma_.lower() in self.lex.verbs

    # -- phrase cues ("according to X") --

    def _phrase_at(self, tok: Token) -> tuple[Token, ...] | None:
        if tok.lower_ not in self.lex.phrase_starts:
            return None
        for words in self.lex.phrases:
            end = tok.i + len(words)
            if end > tok.sent.end:
                continue
            toks = tuple(self.doc[tok.i : end])
            if tuple(t.lower_ for t in toks) == words:
                return toks
        return None

    def _phrase_cue(self, first: Token, toks: tuple[Token, ...]) -> None:
        last = toks[-1]
        pobj = [c for c in last.children if c.dep_ == "pobj"]
        if not pobj:
            return
        words = tuple(t.lower_ for t in toks)
        source = self._source(pobj[0])
        if words == ("per",) and not self._per_source(first, pobj[0], source):
            return
        phrase_range = (first.idx, _subtree(pobj[0])[1])
        joint: list[Source] = []
        if source is not None:
            # "according to X, the move reeks…": the parser may hang the clause on X
            source = self._clip_at_clause(source, pobj[0])
            joint = self._joint_sources(pobj[0])
            ends = [source.end, pobj[0].idx + len(pobj[0].text), *(j.end for j in joint)]
            phrase_range = (first.idx, max(ends))
            citing = self._citing_after(phrase_range[1])
            cited = self._source(citing[1]) if citing and source.kind == "media" else None
            if citing and cited is not None:
                # "according to the newspaper JoongAng, citing military sources": a relay
                source, joint = cited, [*joint, source]
                phrase_range = (first.idx, _subtree(citing[0])[1])
        sent = first.sent
        certainty = self.lex.phrases[words]
        draft = _Draft(_tokens_range(toks), first, source, certainty, phrase=phrase_range)
        draft.joint = joint
        for frag in ((sent.start_char, phrase_range[0]), (phrase_range[1], sent.end_char)):
            if re.search(r"\w", self.text[frag[0] : frag[1]]):
                draft.fragments.append(frag)
        self.drafts[first.i] = draft

    def _citing_after(self, end: int) -> tuple[Token, Token] | None:
        """ "…, citing X" right after a phrase cue's source: the participle and X."""
        tok = self._token_at_or_after(end)
        while tok is not None and tok.is_punct and tok.i + 1 < len(self.doc):
            tok = tok.nbor(1)
        if tok is None or tok.lemma_.lower() != "cite" or tok.tag_ != "VBG":
            return None
        obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        return (tok, obj) if obj is not None else None

    def _per_source(self, per: Token, obj: Token, source: Source | None) -> bool:
        """ "…, per South Korean intelligence": "per" names a source only after a comma (or
        opening the sentence) and before a named or official body, never a rate ("$2,000 per
        month", "per soldier")."""
        opens = per.i == per.sent.start or per.nbor(-1).text in {",", "—", "–", "("}
        if not opens or source is None or obj.lemma_.lower() in _RATE_WORDS:
            return False
        return source.canonical is not None or source.kind != "unnamed"

    # -- sources --

    def _source(self, tok: Token) -> Source | None:
        """The source a subject or object token names, after the nested-source rules."""
        tok = self._titled_after(self._through_document(_through_such_as(tok)))
        if tok.lower_ in _EXPLETIVES and tok.dep_ in _PASSIVE_SUBJECTS:
            return None
        head_lemma = tok.lemma_.lower()
        start, end = self._source_range(tok)
        if tok.tag_ in {"NNS", "NNPS"} and head_lemma in self.lex.agentless and not _named(tok):
            # "new reports suggest": nobody is named, but the words that stand for the source
            # are kept (unnamed), so a reader sees who the outlet leans on
            return (
                Source(self.text[start:end], start, end, "unnamed", None) if start < end else None
            )
        for e in self.entities.within(max(0, start - 40), end + 40):
            if e.start < end and start < e.end:  # "Lee Min-ho": never cut a name in two
                start, end = min(start, e.start), max(end, e.end)
        if start >= end:
            return None
        text = self.text[start:end]
        kind, canonical = self._kind(tok, start, end)
        return Source(text, start, end, kind, canonical)

    def _source_range(self, tok: Token) -> CharRange:
        antecedent = _antecedent(tok) if tok.lower_ == "which" else None
        if antecedent is not None:  # "according to the ministry, which estimated…": one mention
            return self._source_range(antecedent)
        if tok.pos_ == "PRON":
            return tok.idx, tok.idx + len(tok.text)
        joint = self._actor_conjuncts(tok)
        toks = [t for t in tok.subtree if not self._cut_from_source(tok, t, joint)]
        if not toks:
            return tok.idx, tok.idx + len(tok.text)
        # keep the stretch around the head only: a cut child must not be jumped over
        lo = hi = [t.i for t in toks].index(tok.i)
        while lo > 0 and toks[lo - 1].i == toks[lo].i - 1:
            lo -= 1
        while hi + 1 < len(toks) and toks[hi + 1].i == toks[hi].i + 1:
            hi += 1
        return _trim(self.text, toks[lo].idx, toks[hi].idx + len(toks[hi].text))

    def _clip_at_clause(self, source: Source, head: Token) -> Source:
        """Cut a source at the comma before a finite verb that the parser wrongly hung on it."""
        comma: int | None = None
        for t in head.doc[head.i + 1 :]:
            if t.idx >= source.end:
                break
            if t.text == ",":
                comma = t.idx if comma is None else comma
            elif comma is not None and t.pos_ in {"VERB", "AUX"} and t.tag_ not in {"VBG", "VBN"}:
                a, b = _trim(self.text, source.start, comma)
                return Source(self.text[a:b], a, b, source.kind, source.canonical)
        return source

    def _cut_from_source(self, head: Token, t: Token, joint: Sequence[Token]) -> bool:
        """Parts of a subject's subtree that are not the source: clauses in it that attribute
        something themselves ("who said…", "citing…"), participles or other clauses hung on
        the head itself ("the mayor, speaking to farmers,"), and the other actors of a joint
        subject, who are sources of their own. Other relative clauses and appositions describe
        the source and stay: "Jane Doe, who ran the agency until May," is how the text names
        her, and "a study released by the ministry" is the source given. ``joint``: the head's
        actor conjuncts (:meth:`_actor_conjuncts`), found once per source, not per token."""
        for anc in [t, *t.ancestors]:
            if anc.i == head.i:
                return False
            on_head = anc.head.i == head.i
            if on_head and joint and (anc in joint or anc.dep_ == "cc"):
                return True
            if on_head and anc.dep_ == "prep" and _dates_only(anc):
                return True  # "rebel forces on Sunday claimed": the parser's attachment
            if anc.dep_ in _CLAUSE_DEPS and (
                anc.lemma_.lower() in self.lex.verbs
                or (on_head and (anc.tag_ == "VBG" or anc.dep_ not in {"relcl", "acl"}))
            ):
                return True
        return False

    def _actor_conjuncts(self, tok: Token) -> list[Token]:
        """The other named actors of a joint subject: "South Korea" in "The United States and
        South Korea", "Pentagon" in "The White House and Pentagon". Only when both sides name
        someone; "Zelensky and his aides" is one source with company."""
        if not self._names_actor(tok):
            return []
        own = self.entities.covering(tok.idx, tok.idx + len(tok.text))
        found: list[Token] = []
        conj = next((c for c in tok.children if c.dep_ == "conj"), None)
        while conj is not None and self._names_actor(conj):
            if own is not None and conj.idx < own.end:
                break  # "Department of Forestry and Fire Protection": one name, not two actors
            found.append(conj)
            conj = next((c for c in conj.children if c.dep_ == "conj"), None)
        return found

    def _names_actor(self, tok: Token) -> bool:
        if tok.pos_ != "PROPN":
            return False
        entity = self.entities.covering(tok.idx, tok.idx + len(tok.text))
        return entity is not None

    def _joint_sources(self, tok: Token) -> list[Source]:
        tok = _through_such_as(tok)
        sources = (self._source(c) for c in self._actor_conjuncts(tok))
        return [s for s in sources if s is not None and s.canonical is not None]

    def _through_document(self, tok: Token) -> Token:
        """A document from/by someone ("an announcement from the office of X") names its author."""
        if tok.lemma_.lower() not in self.lex.kind_heads["document"]:
            return tok
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in {"from", "by", "of"}:
                pobj = [g for g in c.children if g.dep_ == "pobj" and g.ent_type_ != "DATE"]
                if pobj and (c.lower_ != "of" or pobj[0].pos_ == "PROPN"):
                    return pobj[0]  # not "a study from March"; "a report of NDRRMC" is NDRRMC's
        if tok.dep_ == "dobj":  # "X issued a statement saying…": the issuer speaks
            for c in tok.head.children:
                if c.dep_ in _SUBJECTS and c.pos_ in {"PROPN", "NOUN", "PRON"}:
                    return c
        return tok

    def _kind(self, tok: Token, start: int, end: int) -> tuple[SourceKind, str | None]:
        """Source.kind and canonical for a source whose head token is ``tok``.

        Surest evidence first: pronouns are resolved; "the office of X" is a government body;
        a title ("Mr.", "Defence Minister") makes a person; known outlets and government names;
        the caller's entity on the head; then the head noun's word list.
        """
        if tok.pos_ == "PRON":
            return self._pronoun(tok, tok.lower_)
        if is_site_name(tok.text):
            return "media", tok.text
        named = self._appositive_person(tok) or self._closing_name(tok, start, end)
        if named is not None:  # "Merkel's spokesperson, Steffen Seibert, said": Seibert speaks
            return "person", named
        office = self._office_of(tok)
        if office is not None:
            return office
        phrase = _head_phrase(tok)
        entity = self.entities.covering(tok.idx, tok.idx + len(tok.text))
        if tok.pos_ == "PROPN" and self._titled(tok):
            return "person", entity.canonical if entity else _strip_titles(phrase, self.lex)
        for kind in ("media", "government"):
            names = self.lex.kind_names.get(kind)
            found = names.search(phrase.lower()) if names is not None else None
            if found is not None:
                name = entity.canonical if entity else phrase[found.start() : found.end()]
                return kind, name
        if entity is not None:
            bodies = [e for e in self.entities.within(start, end) if e.label in _BODY_LABELS]
            if entity in bodies:  # "Tesco and … Salling Group announced": the first part
                entity = first_of_joint(bodies, bodies.index(entity), self.text)
            return self._entity_kind(entity, tok)
        return self._noun_kind(tok, self.text[start:end])

    def _appositive_person(self, tok: Token) -> str | None:
        """The person a role noun is followed by as its appositive ("the spokesperson, X"), by
        the parse or, where the parser lost it, by the commas around the name."""
        if tok.pos_ != "NOUN":
            return None
        names = [c for c in tok.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
        doc = tok.doc
        one = tok.tag_ == "NN" and tok.lemma_.lower() not in self.lex.kind_heads["document"]
        if one and tok.i + 2 < len(doc) and doc[tok.i + 1].text == "," and doc[tok.i + 2].ent_type_:
            names.append(doc[tok.i + 2])  # "the first selectman, Chris Kervick, …": one post
        for name in names:
            entity = self.entities.covering(name.idx, name.idx + len(name.text))
            if entity is None or entity.label != "person":
                continue
            after = self.text[entity.end : entity.end + 1]
            if name.dep_ == "appos" or after in {",", ")", ""}:
                return entity.canonical
        return None

    def _closing_name(self, tok: Token, start: int, end: int) -> str | None:
        """The person a described source ends with after a comma ("University of California,
        San Diego's chancellor, Pradeep Khosla"; "The then-manager of X, David Clay")."""
        if tok.pos_ not in {"NOUN", "PROPN"}:
            return None
        inside = [e for e in self.entities.within(start, end) if e.end == end and e.start > start]
        last = inside[-1] if inside else None
        if last is not None and last.label == "person" and self.text.endswith(", ", 0, last.start):
            return last.canonical
        comma = self.text.rfind(", ", start, end)
        tail = tok.doc.char_span(comma + 2, end) if comma > start else None
        if tail is None or not 2 <= len(tail) <= 3 or (last is not None and last.label != "place"):
            return None
        if all(t.pos_ == "PROPN" and t.is_title and t.is_alpha for t in tail):
            return tail.text  # a name the model left untagged or took for a place ("David Clay")
        return None

    def _titled_after(self, tok: Token) -> Token:
        """The person a place or body opens the title of, where the parser took it for the head:
        "according to Connecticut Senator Richard Blumenthal" is Blumenthal."""
        if tok.ent_type_ not in {"GPE", "NORP", "ORG"}:
            return tok
        doc, k = tok.doc, tok.i + 1
        while k < len(doc) and k < tok.i + 4 and doc[k].lower_.rstrip(".") in self.lex.titles:
            k += 1
        if k == tok.i + 1 or k >= len(doc):
            return tok
        entity = self.entities.covering(doc[k].idx, doc[k].idx + len(doc[k].text))
        if entity is None or entity.label != "person":
            return tok
        span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
        return span.root if span is not None else tok

    def _noun_kind(self, tok: Token, text: str) -> tuple[SourceKind, str | None]:
        """A source with no entity on its head: by the head noun, after resolving "the X"."""
        lex = self.lex
        head = tok.lemma_.lower()
        modifiers = {c.lower_ for c in tok.children if c.dep_ in {"compound", "amod"}}
        if self._intelligence_body(tok, modifiers):
            return "government", self._intelligence_name(tok, text)
        state = _country_governed(tok) if head == "government" else None
        if state is not None:  # "the Mexican government", "the government of Iraq": the state
            return "government", state
        if head == "agency" and "news" in modifiers:
            return "media", _strip_det(text)
        name = next((c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        if name is not None and tok.pos_ == "NOUN":
            return self._described_name(tok, name)
        country = next((c for c in tok.children if c.dep_ == "poss" and c.ent_type_ == "GPE"), None)
        if country is not None and head in lex.roles:  # "Ukraine's president told…"
            holder = self._holder(tok, head, country.text)
            return ("person", holder) if holder else ("unnamed", None)
        if (tok.pos_ == "NOUN" or tok.text.islower()) and _definite(tok):
            found = self._resolve_role(tok)
            if found is not None:
                return found
        bare = tok.text.islower() or tok.i == tok.sent.start  # "police say", "Police say"
        if head in aliases.BARE_BODIES and bare and not _owned(tok):
            # "police say" after "the Kaldmoor Provincial Police" is that force; else unnamed
            return self._body_named(tok) or ("unnamed", None)
        surname = self._person_by_surname(tok)
        if surname is not None:  # "Trump characterized…", the model taking the name for a noun
            return "person", surname
        if tok.lower_ in lex.collective_media and not _named(tok):
            return "unnamed", None  # "Russian media", "local outlets": no one outlet speaks
        if tok.tag_ == "NNS" and head in lex.kind_heads["organization"] and not _named(tok):
            return "unnamed", None  # "Opposition parties said": no one body speaks
        if head in {"authority", "authorities"} and tok.tag_ == "NNS" and not _owned(tok):
            return "unnamed", None  # "according to authorities", "fire authorities": whose?
        for kind in ("document", "government", "media", "organization", "unnamed"):
            heads = lex.kind_heads[kind]
            if head in heads or tok.lower_ in heads:
                if kind == "document" and (_definite(tok) or _possessed(tok)):
                    return kind, self._author_of(tok)  # "the report", "the WHO's report"
                if head in _LOOSE_GROUPS and not _named(tok):
                    return "unnamed", None  # "the research team": which team, the text never says
                a_body = kind in {"government", "media", "organization"}
                return kind, _strip_det(text) if a_body else None
        if tok.pos_ == "PROPN":
            return "organization", _proper_name(tok)
        return "unnamed", None

    def _described_name(self, tok: Token, name: Token) -> tuple[SourceKind, str | None]:
        """ "The South Korean newspaper "JoongAng"", "the Russian ally Belarus": a description,
        then the name, which is who speaks; the description says what kind of body it is when
        the name is not a known entity."""
        head = tok.lemma_.lower()
        entity = self.entities.covering(name.idx, name.idx + len(name.text))
        if entity is not None:
            return self._entity_kind(entity, tok)
        if name.ent_type_ == "GPE":
            return "government", _head_phrase(name)
        described = next((k for k in _NAMED_KINDS if head in self.lex.kind_heads[k]), None)
        return described or "organization", _head_phrase(name).strip("\"“”'‘’ ")

    def _body_named(self, tok: Token) -> tuple[SourceKind, str | None] | None:
        """The body named before whose name ends in this head word ("Police", "Army")."""
        for e in reversed(self.entities.before(tok.idx)):
            if e.label != "person" and e.canonical.lower().endswith(f" {tok.lemma_.lower()}"):
                return self._entity_kind(e, tok)
        return None

    def _person_by_surname(self, tok: Token) -> str | None:
        """The person named before whose surname a capitalised word is."""
        if not tok.text[:1].isupper() or len(tok.text) < 3:
            return None
        named = {
            e.canonical
            for e in self.entities.before(tok.idx)
            if e.label == "person" and e.canonical.endswith(f" {tok.text}")
        }
        spoke = {  # a speaker the model never tagged ("…, Pradeep Khosla. Khosla talked of")
            d.source.canonical
            for d in self.drafts.values()
            if d.source is not None and d.source.kind == "person" and d.cue[0] < tok.idx
        }
        named |= {name for name in spoke if name and name.endswith(f" {tok.text}")}
        return next(iter(named)) if len(named) == 1 else None

    def _intelligence_body(self, tok: Token, modifiers: set[str]) -> bool:
        """ "The spy agency", "South Korean intelligence", "US intel": a state's intelligence
        service, named by description. A bare "intelligence" needs a modifier saying whose."""
        head = tok.lemma_.lower()
        if tok.tag_ == "NNS" and not any(_states_whose(c) for c in tok.children):
            return False  # "intelligence agencies reported": several, of no one state
        if head in {"agency", "service"}:
            return bool(modifiers & self.lex.intelligence)
        owners = [c for c in tok.children if c.dep_ in {"amod", "compound", "poss", "nmod"}]
        return head in self.lex.intelligence_heads and bool(owners)

    def _intelligence_name(self, tok: Token, text: str) -> str:
        """The service's name: the alias table's, else the intelligence body the document names
        (nearest before, else the first after: "spy agency" and "intelligence service" are one
        body to a reader), else the description itself."""
        described = _strip_det(text)
        known = aliases.lookup(described)
        if known is not None:
            return known
        bodies = [
            e
            for e in self.entities.items
            if e.label in {"government", "military"}
            and any(w in e.canonical.lower() for w in self.lex.intelligence_heads)
        ]
        before = [e for e in bodies if e.end <= tok.idx]
        after = [e for e in bodies if e.start > tok.idx]
        found = before[-1] if before else (after[0] if after else None)
        return found.canonical if found is not None else described

    def _titled(self, tok: Token) -> bool:
        """Whether a title word is among the name's compounds ("Mr. Austin", "Minister Kim")."""
        words = [c for c in tok.lefts if c.dep_ in {"compound", "amod", "nmod"}]
        return any(w.lower_.rstrip(".") in self.lex.titles for w in words)

    def _entity_kind(self, entity: Entity, tok: Token) -> tuple[SourceKind, str | None]:
        kind = _LABEL_KIND.get(entity.label, "organization")
        if kind == "organization":
            head = tok.lemma_.lower()
            for other in ("government", "media"):
                if head in self.lex.kind_heads[other]:
                    kind = other
        return kind, entity.canonical

    def _office_of(self, tok: Token) -> tuple[SourceKind, str | None] | None:
        """A source "the office of X" (or "X's office"): a government body named after X."""
        if tok.lemma_.lower() != "office":
            return None
        owner: Token | None = None
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                pobj = [g for g in c.children if g.dep_ == "pobj"]
                owner = pobj[0] if pobj else None
            elif c.dep_ == "poss":
                owner = c
        if owner is None:
            return None
        if owner.pos_ == "PRON":  # "his office", "their presidential office": whose, if known
            kind, name = self._pronoun(owner, _POSSESSIVE_PRONOUNS.get(owner.lower_, owner.lower_))
            return "government", f"{name}'s office" if kind == "person" and name else None
        entity = self.entities.covering(owner.idx, owner.idx + len(owner.text))
        name = entity.canonical if entity is not None else _strip_det(_head_phrase(owner))
        if entity is not None and entity.label not in {"person", "government", "military"}:
            return _LABEL_KIND.get(entity.label, "organization"), f"{name}'s office"
        return "government", f"{name}'s office"

    # -- resolution --

    def _pronoun(self, tok: Token, low: str) -> tuple[SourceKind, str | None]:
        if low in _RELATIVES:
            antecedent = _antecedent(tok)
            if antecedent is not None:
                start, end = self._source_range(antecedent)
                return self._kind(antecedent, start, end)
            return "unnamed", None
        if low in _PERSON_PRONOUNS:
            person = self._latest_person(tok, "female" if low in {"she", "her"} else "male")
            return "person", person.canonical if person else None
        if low in _THING_PRONOUNS:
            return self._latest_body(tok)
        return "unnamed", None

    def _latest_person(self, tok: Token, gender: str) -> Entity | None:
        """The person "he"/"she" stands for: walking back sentence by sentence, a subject first."""
        candidates = [
            e
            for e in self.entities.before(tok.idx)
            if e.label == "person"
            and not self.quotes.in_direct(e.start)
            and self.entities.gender.get(e.canonical, gender) == gender
            and not self._addressed(e)
        ]
        if not candidates:
            return None
        earlier = self._earlier_pronoun(tok)
        if earlier is not None:
            return self._latest_person(earlier, gender)
        sent_index = bisect_right(self.sent_starts, tok.idx) - 1
        for back in range(_PRONOUN_SENTENCES):
            k = sent_index - back
            if k < 0:
                break
            lo = self.sent_starts[k]
            hi = self.sent_ends[k] if k < len(self.sent_ends) else tok.idx
            here = [e for e in candidates if lo <= e.start < hi]
            here += self._person_sources(lo, min(hi, tok.idx), gender, here)
            here.sort(key=lambda e: e.start)
            if here:
                speakers = [e for e in here if self._spoke(e, tok.idx)]
                subjects = [e for e in here if self._is_subject(e)]
                return (speakers or subjects or here)[-1]
        return candidates[-1]

    def _addressed(self, entity: Entity) -> bool:
        """Whether a person is the one spoken to ("Speaking to Martin Smith of PBS, he said"):
        a "he" after it is the speaker, not the interviewer. Worked out once for all people,
        since every pronoun asks about every person before it."""
        if self.spoken_to is None:
            people = (e for e in self.entities.items if e.label == "person")
            self.spoken_to = frozenset(e.start for e in people if self._spoken_to(e))
        return entity.start in self.spoken_to

    def _spoken_to(self, entity: Entity) -> bool:
        span = self.doc.char_span(entity.start, entity.end, alignment_mode="expand")
        if span is None or not len(span):
            return False
        root = span.root
        prep = root.head if root.dep_ == "pobj" and root.head.lower_ in {"to", "with"} else None
        verb = prep.head if prep is not None else (root.head if root.dep_ == "dobj" else None)
        return verb is not None and verb.lemma_.lower() in _SPOKEN_TO

    def _person_sources(self, lo: int, hi: int, gender: str, named: list[Entity]) -> list[Entity]:
        """People who spoke in ``[lo, hi)`` without an entity of their own ("Experts such as Dr
        Ilse Marrowby warned"): a speaker the model did not tag is still who "she" goes back to."""
        known = {e.canonical for e in named}
        out = []
        for draft in self.drafts.values():
            src = draft.source
            if src is None or src.kind != "person" or not src.canonical or src.canonical in known:
                continue
            if lo <= src.start < hi and self.entities.gender.get(src.canonical, gender) == gender:
                out.append(Entity(src.text, src.start, src.end, "person", src.canonical))
                known.add(src.canonical)
        return sorted(out, key=lambda e: e.start)

    def _earlier_pronoun(self, tok: Token) -> Token | None:
        """In "he told podcaster X, but he cautioned…" the second "he" is the first one, not
        the person spoken to: the same pronoun as a subject earlier in the sentence, with no
        person named as a subject between them."""
        for before in reversed(self.doc[tok.sent.start : tok.i]):
            if before.dep_ not in _SUBJECTS:
                continue
            if before.lower_ == tok.lower_:
                return before
            if self.entities.covering(before.idx, before.idx + len(before.text)) is not None:
                return None
        return None

    def _spoke(self, entity: Entity, before: int) -> bool:
        """Whether a person was the source of a cue before ``before``: "Zelensky said that if
        Trump leaves…" makes Zelensky the one a later "he argued" goes back to, not Trump."""
        return any(
            d.source is not None
            and d.cue[0] < before
            and d.source.start <= entity.start < d.source.end
            for d in self.drafts.values()
        )

    def _is_subject(self, entity: Entity) -> bool:
        span = self.doc.char_span(entity.start, entity.end, alignment_mode="expand")
        return span is not None and span.root.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS

    def _author_of(self, tok: Token) -> str | None:
        """Who wrote "the report" or "the statement": the name in it ("the News.com.au report",
        "WHO's guidelines"), else the body that last spoke or was named in the sentences before
        it (Deutsche Welle for "according to the report" after DW's interview), else nobody."""
        owner = next(
            (c for c in tok.children if c.dep_ in {"compound", "poss"} and c.pos_ == "PROPN"), None
        )
        if owner is not None:
            entity = self.entities.covering(owner.idx, owner.idx + len(owner.text))
            return entity.canonical if entity is not None else _proper_name(owner)
        kind, canonical = self._latest_body(tok)
        return canonical if kind != "unnamed" else None

    def _latest_body(self, tok: Token) -> tuple[SourceKind, str | None]:
        """For "it said": the latest body that spoke, or was named, in the last sentences."""
        floor = self.sent_starts[max(0, len(self.sent_starts) - 3)]
        for draft in sorted(self.drafts.values(), key=lambda d: d.cue, reverse=True):
            src = draft.source
            if draft.cue[0] < floor or src is None or draft.cue[0] >= tok.idx:
                continue
            if src.kind in {"organization", "government", "media"} and src.canonical:
                return src.kind, src.canonical
        bodies = [e for e in self.entities.before(tok.idx) if e.label in _BODY_LABELS]
        if bodies and bodies[-1].start >= floor:
            return self._entity_kind(first_of_joint(bodies, len(bodies) - 1, self.text), tok)
        return "unnamed", None

    def _resolve_role(self, tok: Token) -> tuple[SourceKind, str | None] | None:
        """For "the spokesperson said": the latest person introduced with that role."""
        role = tok.lemma_.lower()
        if role not in self.lex.roles:
            return self._resolve_definite(tok)
        for e in reversed(self.entities.before(tok.idx)):
            if self._has_role(e, role):
                return "person", e.canonical
        for e in self._entities_ahead(tok.idx):
            if self._has_role(e, role):
                return "person", e.canonical
        return "unnamed", None

    def _holder(self, tok: Token, role: str, country: str) -> str | None:
        """Who holds a country's role ("Ukraine's president"): the person the text gave that
        role and country, the latest one before, else the first after."""
        before = list(reversed(self.entities.before(tok.idx)))
        for e in [*before, *self._entities_ahead(tok.idx)]:
            if self._has_role(e, role) and (e.country or "").lower() == country.lower():
                return e.canonical
        return None

    def _has_role(self, entity: Entity, role: str) -> bool:
        if entity.label != "person":
            return False
        names = _SAME_ROLE.get(role, {role})
        around = self._words_around(entity)
        given = (entity.role or "").lower()
        return any(r in given for r in names) or bool(names & around)

    def _entities_ahead(self, offset: int) -> list[Entity]:
        """Entities after ``offset`` in the rest of its sentence and the next few: a lede often
        gives the role ("the governor said") and names its holder a line later."""
        ends = self.all_sent_ends
        k = bisect_right(ends, offset)
        limit = ends[min(k + _ROLE_AHEAD_SENTENCES, len(ends) - 1)] if ends else len(self.text)
        return [e for e in self.entities.items if offset < e.start < limit]

    def _resolve_definite(self, tok: Token) -> tuple[SourceKind, str | None] | None:
        """For "the agency reported": the latest body whose name has the same head word; for
        "the newspaper" or "the media outlet", the latest medium named before it."""
        head = tok.lower_
        before = self.entities.before(tok.idx)
        for e in reversed(before):
            if e.label != "person" and head in self._name_words(e):
                return self._entity_kind(e, tok)
        if tok.lemma_.lower() in self.lex.kind_heads["media"] and tok.tag_ == "NN":
            medium = next((e for e in reversed(before) if e.label == "media"), None)
            if medium is not None:
                return "media", medium.canonical
        if tok.lemma_.lower() in _COMPANY_HEADS and tok.tag_ == "NN":
            company = self._latest_company(tok, before)
            if company is not None:
                return "organization", company
        return None

    def _latest_company(self, tok: Token, before: Sequence[Entity]) -> str | None:
        """For "the company said": the latest organisation that spoke before, else the latest
        one named. A reader takes the firm already speaking in the story over one only named in
        passing ("Microsoft said… the CrowdStrike update… The company assured users")."""
        named = {e.canonical for e in before if e.label == "organization"}
        for draft in sorted(self.drafts.values(), key=lambda d: d.cue, reverse=True):
            src = draft.source
            if draft.cue[0] < tok.idx and src is not None and src.canonical in named:
                return src.canonical
        latest = next((e for e in reversed(before) if e.label == "organization"), None)
        return latest.canonical if latest is not None else None

    def _name_words(self, entity: Entity) -> set[str]:
        """The entity's words and the common nouns right after it ("Yonhap news agency")."""
        words = set(self.text[entity.start : entity.end].lower().split())
        span = self.doc.char_span(entity.start, entity.end, alignment_mode="expand")
        if span is not None:
            for t in self.doc[span.end : span.end + 3]:
                if t.pos_ not in {"NOUN", "PROPN"}:
                    break
                words.add(t.lower_)
        return words

    def _words_around(self, entity: Entity) -> set[str]:
        span = self.doc.char_span(entity.start, entity.end, alignment_mode="expand")
        if span is None:
            return set()
        lo = max(span.sent.start, span.start - 4)
        hi = min(span.sent.end, span.end + 5)
        return {t.lemma_.lower() for t in self.doc[lo:hi]} | {t.lower_ for t in self.doc[lo:hi]}

    # -- quotes without a clause --

    def _attach_quote(self, k: int) -> None:
        start, end = self.quotes.spans[k]
        if self.quotes.words[k] < 1 or self._names_source(start, end):
            return
        owner = self._covering_draft(start, end)
        if owner is not None:
            self.quote_owner[k] = owner
            return
        after = self._cue_after(end)
        verb = after or self._cue_before(start)
        key = verb.i if verb is not None else self._dash_credit(end)
        if key is None:
            key = self._follow_on(k)
        if key is None:
            return
        self.quote_owner[k] = key
        draft = self.drafts.get(key)
        if draft is None:
            return
        draft.fragments = [f for f in draft.fragments if not _overlaps(f, (start, end))]
        draft.fragments.append((start, end))
        if after is not None and (draft.source is None or start <= draft.source.start < end):
            # "“…,” Police Chief Jane Doe said": a misparse may take the subject from the quote
            draft.source = self._speaker_after_quote(end, after) or draft.source

    def _names_source(self, start: int, end: int) -> bool:
        """Whether a quote is (part of) a source's name: the newspaper "JoongAng" says nothing."""
        for draft in self.drafts.values():
            spans = [draft.phrase, *(s and (s.start, s.end) for s in (draft.source, *draft.joint))]
            if any(span and span[0] <= start + 1 and end - 1 <= span[1] for span in spans):
                return True
        return False

    def _follow_on(self, k: int) -> int | None:
        """For "“A,” she said. “B.”": a quote with no cue of its own, in the same paragraph as the
        last attributed quote, goes on with the same speaker and cue."""
        if k == 0 or (k - 1) not in self.quote_owner:
            return None
        prev_end, start = self.quotes.spans[k - 1][1], self.quotes.spans[k][0]
        if "\n" in self.text[prev_end:start]:
            return None
        return self.quote_owner[k - 1]

    def _covering_draft(self, start: int, end: int) -> int | None:
        """The draft whose clause already reaches into this quote, if any (the clause will take
        the whole quote when it is cleaned)."""
        for key, draft in self.drafts.items():
            for a, b in draft.fragments:
                if a < end - 1 and start + 1 < b:
                    return key
        return None

    def _speaker_after_quote(self, end: int, verb: Token) -> Source | None:
        """The words between a quote and its cue ("…,” Chief Jane Doe said"), or right after the
        cue ("…,” said Jane Doe, the mayor"), as the source."""
        first = self._token_at_or_after(end)
        start = first.i if first is not None else verb.i
        words = [t for t in self.doc[start : verb.i] if not (t.is_punct or t.is_space)]
        if not words:
            words = []
            for t in self.doc[verb.i + 1 : verb.i + 1 + _MAX_LABEL]:
                if t.is_punct or t.pos_ not in {"PROPN", "NOUN", "DET", "ADJ", "PRON"}:
                    break
                words.append(t)
        if not words or any(t.pos_ in {"VERB", "AUX"} for t in words):
            return None
        a, b = words[0].idx, words[-1].idx + len(words[-1].text)
        kind, canonical = self._kind(words[-1], a, b)
        return Source(self.text[a:b], a, b, kind, canonical)

    def _cue_after(self, end: int) -> Token | None:
        """For "…,” he said" / "…,” said Smith, the spokesman": the first verb after the quote."""
        tok = self._token_at_or_after(end)
        if tok is None:
            return None
        if self.text[end - 2 : end - 1] in {".", "!", "?"} and tok.text[:1].isupper():
            return None  # "…win.” He called on…": the quote ended its sentence
        for t in self.doc[tok.i : min(len(self.doc), tok.i + _SCAN_TOKENS)]:
            if "\n" in t.text or t.text in _OPEN_MARKS or (t.text in {".", "!", "?"}):
                return None
            if t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"aux", "auxpass"}:
                return t if t.i in self.drafts else None
        return None

    def _dash_credit(self, end: int) -> int | None:
        """A credit line "“…” ―Jane Smith, 34, Texas": a dash after the quote credits the name.

        Read on the characters, because the tokenizer glues the dash to the name.
        """
        m = _DASH_CREDIT.match(self.text, end)
        tok = self._token_at_or_after(end)
        if m is None or tok is None:
            return None
        a, b = m.span("name")
        source = self._named_speaker(a, b, tok)
        key = -1 - m.start("dash")  # not a token index: the dash may sit inside a token
        draft = _Draft(m.span("dash"), tok, source, "reported")
        self.drafts[key] = draft
        return key

    def _cue_before(self, start: int) -> Token | None:
        """For "He said: “…" / "Smith told reporters, “…": a cue right before the quote."""
        tok = self._token_at_or_after(start)
        if tok is None or tok.i == 0:
            return None
        k = tok.i - 1
        while k > 0 and self.doc[k].is_space:
            k -= 1
        prev = self.doc[k]
        if prev.text not in {":", ","} and not prev.text.isalpha():
            return None
        if prev.text != ":" and "\n" in self.text[prev.idx : start]:
            return None
        for t in reversed(self.doc[max(0, k - _SCAN_TOKENS) : k + 1]):
            if t.text in _QUOTE_MARKS or t.text in {".", "!", "?"}:
                return None
            if t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"aux", "auxpass"}:
                return t if t.i in self.drafts else None
        return None

    def _token_at_or_after(self, offset: int) -> Token | None:
        span = self.doc.char_span(offset, len(self.text), alignment_mode="expand")
        if span is not None and len(span):
            return span[0]
        return None

    # -- output --

    def _claims(self, draft: _Draft) -> list[Claim]:
        frags = self._clean_fragments(draft)
        if not frags:
            return []
        cue = Span(self.text[draft.cue[0] : draft.cue[1]], *draft.cue)
        claims = []
        for source in [draft.source, *draft.joint]:
            for a, b in frags:
                content = Span(self.text[a:b], a, b)
                points = [a, b, *draft.cue]
                if source is not None:
                    points += [source.start, source.end]
                lo, hi = self._sentences_over(min(points), max(points))
                certainty = self._certainty(draft, content.text)
                medium = draft.medium if source is draft.source else None
                claims.append(
                    Claim(self.text[lo:hi], lo, hi, source, cue, content, certainty, medium=medium)
                )
        return claims

    def _clean_fragments(self, draft: _Draft) -> list[CharRange]:
        """Content fragments snapped to quotes, trimmed, merged, with the cue and source cut out
        (a clause's subtree can reach around them: "which he said were…")."""
        holes = [draft.cue]
        holes.extend(p for p in self.phrases if p != draft.phrase)
        if draft.source is not None:
            holes.append((draft.source.start, draft.source.end))
            holes.extend(self._own_participles(draft))
            holes.extend(self._speaker_doing(draft))
        holes.extend(_subtree(c) for c in draft.token.children if _contrast(c))
        pieces: list[CharRange] = []
        for a, b in draft.fragments:
            if draft.snap:
                a, b = self._snap_to_quote(a, b)
            pieces.extend(_cut_out((a, b), holes))
        out: list[CharRange] = []
        for a, b in sorted(pieces):
            if (a, b) not in self.quotes.span_set:  # a whole quote keeps its marks as they are
                a, b = _trim(self.text, a, b)
                a, b = _balance(self.text, a, b)
            if a >= b or not re.search(r"\w", self.text[a:b]):
                continue
            if out and a < out[-1][1]:
                out[-1] = (out[-1][0], max(b, out[-1][1]))
            else:
                out.append((a, b))
        if len(out) > 1:  # "which he said were…", "which X later ruled…": a lone relative
            out = [f for f in out if not self._lone_word(f)]  # word or adverb is no claim
        return out

    def _speaker_doing(self, draft: _Draft) -> list[CharRange]:
        """In "Macron said the work showed… as he welcomed 40 leaders" the as-clause tells what
        the speaker was doing while speaking: narration, not what he said."""
        source = draft.source
        if source is None or source.kind != "person" or not source.canonical:
            return []
        out = []
        for a, b in draft.fragments:
            for tok in self.doc.char_span(a, b, alignment_mode="expand") or ():
                if tok.dep_ != "advcl" or tok.i < draft.token.i:
                    continue
                marks = {c.lower_ for c in tok.children if c.dep_ == "mark"}
                subject = next((c for c in tok.children if c.dep_ in _SUBJECTS), None)
                if not marks & {"as", "while", "when"} or subject is None:
                    continue
                low = subject.lower_
                if low in _PERSON_PRONOUNS and self._pronoun(subject, low)[1] == source.canonical:
                    out.append(_subtree(tok))
        return out

    def _lone_word(self, fragment: CharRange) -> bool:
        word = self.text[fragment[0] : fragment[1]]
        if word.lower() in _RELATIVES | {"what"}:
            return True
        span = self.doc.char_span(*fragment)
        return span is not None and len(span) == 1 and span[0].pos_ == "ADV"

    def _own_participles(self, draft: _Draft) -> list[CharRange]:
        """In "X confirmed that…, calling it…" the participle is X's next claim, not part of this
        one, even when the parser hangs it inside the reported clause."""
        out = []
        for other in self.drafts.values():
            tok = other.token
            if other is draft or tok.tag_ != "VBG" or tok.dep_ != "advcl":
                continue
            if other.source == draft.source and draft.token.i < tok.i:
                out.append(_subtree(tok))
        return out

    def _snap_to_quote(self, a: int, b: int) -> CharRange:
        """A clause that starts or ends inside a direct quote takes the whole quote."""
        for edge in (a, b - 1):
            k = self.quotes.holding(edge)
            if k is None:
                k = self.quotes.holding(edge + 1) if edge == a else None
            if k is not None:
                qa, qb = self.quotes.spans[k]
                a, b = min(a, qa), max(b, qb)
        return a, b

    def _sentences_over(self, start: int, end: int) -> CharRange:
        i = max(0, bisect_right(self.sent_starts, start) - 1)
        j = max(0, bisect_right(self.sent_starts, max(start, end - 1)) - 1)
        lo = self.sent_starts[i] if self.sent_starts else start
        hi = self.sent_ends[j] if self.sent_ends else end
        lo, hi = min(lo, start), max(hi, end)
        return lo, _rstrip(self.text, lo, hi)

    def _certainty(self, draft: _Draft, content: str) -> Certainty:
        """The cue's own certainty, moved by hedges: a denial in the content wins; a hedge in
        the content, the source ("unconfirmed reports") or on the cue ("reportedly said") makes
        it speculative; an estimate or a confirmation in the content refines a plain report."""
        hedges = self.lex.hedges
        level = draft.certainty
        if hedges["denied"].search(content):
            return "denied"
        if level == "denied":
            return level
        around = [t.text for t in draft.token.children if t.dep_ in {"advmod", "aux"}]
        around.append(draft.subject_text)
        if draft.source is not None:
            around.append(draft.source.text)
        if any(hedges["speculative"].search(x) for x in (content, *around)):
            return "speculative"
        if level != "estimated" and hedges["bound"].search(content):
            return "speculative"
        if level == "reported" and hedges["estimated"].search(content):
            return "estimated"
        if level == "reported" and hedges["confirmed"].search(content):
            return "confirmed"
        return level


# --- small helpers -------------------------------------------------------------------------------


def _subtree(tok: Token) -> CharRange:
    right = tok.right_edge
    return tok.left_edge.idx, right.idx + len(right.text)


def _tokens_range(toks: Iterable[Token]) -> CharRange:
    items = list(toks)
    return items[0].idx, items[-1].idx + len(items[-1].text)


def _cue_range(verb: Token, preps: frozenset[str] = frozenset()) -> CharRange:
    """The verb with its particle or own preposition ("point out", "called for"), nothing else:
    the cue is the word that attributes."""
    end = verb.idx + len(verb.text)
    for c in verb.children:
        own_prep = c.dep_ == "prep" and c.lower_ in preps and _prep_objects(verb, preps)
        if c.i == verb.i + 1 and (c.dep_ == "prt" or own_prep):
            end = c.idx + len(c.text)  # not "reported on Oct. 12": a date is no prep object
    return verb.idx, end


def _prep_objects(verb: Token, preps: frozenset[str]) -> list[Token]:
    """Objects of the cue's own prepositions ("called for X", "spoke of X")."""
    out: list[Token] = []
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in preps and c.i > verb.i:
            out.extend(
                g
                for g in c.children
                if g.dep_ in {"pobj", "pcomp"} and g.ent_type_ not in {"DATE", "TIME"}
            )
    return out


def _object_side(verb: Token) -> list[CharRange]:
    """The object and what completes it ("called them “liars”", "denied the report")."""
    parts = [c for c in verb.children if c.dep_ in _CONTENT_DEPS and c.i > verb.i]
    parts = [c for c in parts if not (c.dep_ == "dobj" and c.pos_ == "PRON" and len(parts) == 1)]
    if not parts:
        return []
    return [(min(_subtree(c)[0] for c in parts), max(_subtree(c)[1] for c in parts))]


def _takes_this_object(verb: Token, cue: _Cue) -> bool:
    """Whether the verb's object makes it a cue: one the cue lists (any, unless it lists
    some), none it rules out, and the complement the cue needs after it."""
    objects = {c.lemma_.lower() for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}}
    if cue.object_heads and not objects & cue.object_heads:
        return False
    if objects & cue.not_objects:
        return False
    return not cue.needs_complement or any(c.dep_ in _COMPLEMENTS for c in verb.children)


def _parenthetical(verb: Token) -> bool:
    """A parenthetical cue: "But, he said, officials…" or "Troops arrived, he said" (the parser
    made the cue a complement of the clause before it)."""
    return verb.dep_ == "parataxis" or (verb.dep_ == "ccomp" and verb.i > verb.head.i)


def _as_clause(verb: Token) -> bool:
    """In "…, as police have said" the cue in the as-clause attributes the clause it hangs on."""
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    return verb.dep_ == "advcl" and "as" in marks


def _wh_clause(tok: Token) -> bool:
    """A clause opened by when/whether/how/why/what/if: "did not say when they would…"."""
    if tok.dep_ not in {"advcl", "ccomp", "xcomp", "dobj"} or tok.i < tok.head.i:
        return False
    first = tok.left_edge
    return first.lower_ in {"when", "whether", "how", "why", "what", "if", "where", "who"}


def _stance(verb: Token, cue: _Cue) -> bool:
    """A stance or an intention rather than speech: "welcomed the inquiry", "plans to use
    them" (an intention verb with a to-clause and no that-clause)."""
    if cue.needs_agent:
        return True
    return cue.certainty == "speculative" and not any(c.dep_ == "ccomp" for c in verb.children)


def _states_something(verb: Token) -> bool:
    """Whether a negated cue still carries a claim: a clause ("did not think that it would
    last"), not a bare object ("did not confirm that figure", "has not seen the documents") or
    a question left open ("did not say how many")."""
    clauses = [c for c in verb.children if c.dep_ in {"ccomp", "xcomp", "parataxis"}]
    return any(c.i > verb.i and not _wh_clause(c) for c in clauses)


def _that_clause_on_object(verb: Token) -> list[CharRange]:
    """In "told a gathering of mayors that…": a that-clause the parser hung on the hearer."""
    for obj in (c for c in verb.children if c.dep_ in {"dobj", "dative"}):
        for sub in obj.subtree:
            if sub.dep_ in {"relcl", "acl", "ccomp"} and sub.left_edge.lower_ == "that":
                return [_subtree(sub)]
    return []


def _misparsed_finite(verb: Token) -> Token | None:
    """The clause of "X reported on Monday that …" when the parser made "reported" a participle
    hung on X: the verb X is the subject of, right after a "that" that closes the participle,
    or, when X is left as the root, the that-clause the participle took."""
    if verb.dep_ != "acl" or verb.tag_ != "VBN" or verb.i < verb.head.i:
        return None
    subject = verb.head
    if subject.dep_ == "ROOT":  # "Some outlets reported on Monday that…", no verb left over
        said = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        if said is None:
            return None
        first = said.left_edge
        return said if first.lower_ == "that" and first.dep_ == "mark" else None
    clause = subject.head
    after = verb.right_edge.i + 1
    if subject.dep_ not in _SUBJECTS or after >= len(verb.doc) or clause.i <= after:
        return None
    that = verb.doc[after]
    if that.lower_ != "that" or that.dep_ != "mark" or that.head.i != clause.i:
        return None
    return clause


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in {"auxpass", *_PASSIVE_SUBJECTS} for c in verb.children)


def _cited(verb: Token) -> Token | None:
    """The object of a "citing" phrase on the cue or its subject: the real source."""
    holders = [verb, *(c for c in verb.children if c.dep_ in _SUBJECTS)]
    for holder in holders:
        for c in holder.children:
            if c.lemma_.lower() == "cite" and c.tag_ == "VBG":
                objs = [g for g in c.children if g.dep_ == "dobj"]
                if objs:
                    return objs[0]
    return None


def _states_whose(tok: Token) -> bool:
    """A modifier that names a state or body: "South Korean", "Ukraine's", "NATO"."""
    return tok.dep_ in {"amod", "compound", "poss", "nmod"} and (
        tok.pos_ == "PROPN" or tok.ent_type_ in {"NORP", "GPE", "ORG"}
    )


def first_of_joint(bodies: Sequence[Entity], i: int, text: str, offset: int = 0) -> Entity:
    """``bodies[i]``, or the first of the joint pair it ends ("the University of Washington and
    Stanford University"): a joint source is listed under its first part. ``text`` holds the
    entities, starting at document offset ``offset``. A short description may stand before
    the second part ("Tesco and Denmark-based retailer Salling Group")."""
    while i > 0 and _JOINT.fullmatch(text, bodies[i - 1].end - offset, bodies[i].start - offset):
        i -= 1
    return bodies[i]


#: prepositions that put a cue in a document: "said in a statement", "wrote via Twitter"
_MEDIUM_PREPS = frozenset({"in", "via", "through"})
#: what a source writes or posts; not a briefing, an interview or data (said, not written, or
#: no text of the source's own)
_MEDIUM_HEADS = frozenset(
    {"statement", "filing", "release", "report", "post", "message", "letter", "tweet",
     "announcement", "communique", "communiqué", "email", "memo", "bulletin", "submission",
     "decree", "order", "ruling", "opinion", "summary", "notice", "affidavit", "complaint"}
)  # fmt: skip
_JOINT = re.compile(r",?\s+and\s+(?:[\w-]+\s+){0,3}")


def _antecedent(tok: Token) -> Token | None:
    """The noun a relative pronoun stands for: "Kim" in "Kim, who suggested that…"."""
    if tok.lower_ not in _RELATIVES or tok.head.dep_ != "relcl":
        return None
    noun = tok.head.head
    if noun.ent_type_ in {"DATE", "TIME"}:  # "…on Monday, which said": a misattached clause
        return None
    return noun if noun.pos_ in {"PROPN", "NOUN"} else None


def _through_such_as(tok: Token) -> Token:
    """In "experts such as X" (or "like X") the source is X."""
    for c in tok.children:
        such = any(g.lower_ == "such" for g in [*tok.children, *c.children])
        if c.dep_ == "prep" and c.lower_ == "as" and such:
            pobj = [g for g in c.children if g.dep_ == "pobj"]
            if pobj:
                return pobj[0]
        like = c.lower_ == "like" and tok.tag_ in {"NNS", "NNPS"}
        if c.dep_ == "prep" and like:  # "countries like X"
            pobj = [g for g in c.children if g.dep_ == "pobj"]
            if pobj and pobj[0].pos_ == "PROPN":
                return pobj[0]
    return tok


def _name_word(tok: Token) -> bool:
    """A word of a speaker label: a proper noun, an all-caps word, an initial or title."""
    text = tok.text
    if tok.pos_ == "PROPN":
        return True
    return text.isalpha() and text.isupper() and len(text) > 1


def _title_name(text: str) -> str:
    """Turns "GRANT" into "Grant": transcripts shout names that prose writes in title case."""
    return text.title() if text.isupper() else text


def _named(tok: Token) -> bool:
    """Whether a proper name is part of the phrase; not one in a clause hung on it ("outlets
    reported on Monday that…", "reports that Kim had…")."""
    return any(c.pos_ == "PROPN" and not _in_clause_of(c, tok) for c in tok.subtree if c is not tok)


def _in_clause_of(tok: Token, head: Token) -> bool:
    for anc in [tok, *tok.ancestors]:
        if anc.i == head.i:
            return False
        if anc.dep_ in _CLAUSE_DEPS:
            return True
    return False


def _country_governed(tok: Token) -> str | None:
    """The country a "government" is said to be of: by demonym ("the Mexican government"), by
    its name before ("the United States government") or after "of" ("the government of Iraq")."""
    demonyms: dict[str, str] = entity_words()["demonyms"]
    for child in tok.children:
        if child.dep_ in {"amod", "compound", "nmod"} and child.i < tok.i:
            phrase = " ".join(t.lower_ for t in child.subtree)
            if phrase in demonyms:
                return demonyms[phrase]
            if child.ent_type_ == "GPE":
                return _head_phrase(child)
        if child.dep_ == "prep" and child.lower_ == "of":
            place = next((c for c in child.children if c.dep_ == "pobj"), None)
            if place is not None and place.ent_type_ == "GPE":
                return _head_phrase(place).removeprefix("the ")
    return None


def _definite(tok: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in tok.children)


def _head_phrase(tok: Token) -> str:
    """The head noun with its compounds and determiners: "the Korean Central News Agency"."""
    left = [c for c in tok.lefts if c.dep_ in {"compound", "det", "amod", "poss", "case"}]
    toks = [*(t for c in left for t in c.subtree), tok]
    toks.sort(key=lambda t: t.i)
    return "".join(t.text_with_ws for t in toks).strip()


def _name_runs(doc: Doc, first: int, end: int) -> list[CharRange]:
    """The runs of capitalised words in ``doc[first:]`` before character ``end``."""
    runs: list[CharRange] = []
    current: list[Token] = []
    for tok in doc[first:]:
        if tok.idx >= end:
            break
        if _name_word(tok) and tok.text[:1].isupper():
            current.append(tok)
            continue
        if current and (tok.text == "-" or (current[-1].text == "-" and tok.is_alpha)):
            current.append(tok)  # "Seong-kweun": a hyphenated given name goes on
            continue
        if current:
            runs.append((current[0].idx, current[-1].idx + len(current[-1].text)))
        current = []
    if current:
        runs.append((current[0].idx, current[-1].idx + len(current[-1].text)))
    return runs


def _contrast(tok: Token) -> bool:
    """A "while"/"whereas" clause: "X reported five deaths, while Y had two" sets another
    fact beside the claim; it is the writer's, not X's."""
    return tok.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in {"while", "whereas"} for c in tok.children
    )


def _held_back(verb: Token) -> bool:
    """A cue under "refrained from", "declined to", "avoided": the verb was not done."""
    head = verb.head
    if verb.dep_ == "pcomp" and head.dep_ == "prep":
        head = head.head
    return verb.dep_ in {"xcomp", "pcomp"} and head.lemma_.lower() in _HELD_BACK


def _inference(verb: Token) -> bool:
    """ "This suggests that…", "That means…": the writer reasoning about what came before."""
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    return verb.lemma_.lower() in _INFERENCE_VERBS and any(
        c.lower_ in {"this", "that", "these", "those"} for c in subjects
    )


def _pronoun_subject(verb: Token) -> bool:
    return any(c.dep_ in _SUBJECTS and c.lower_ in _PERSON_PRONOUNS for c in verb.children)


def _hypothetical(verb: Token) -> bool:
    """A verb of a condition: "if Trump decides to leave NATO" claims nothing for Trump."""
    return verb.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in verb.children
    )


def _no_one(verb: Token) -> bool:
    """A subject that denies anyone did it: "no inspection had found", "none of them said"."""
    return any(
        c.dep_ in _SUBJECTS
        and (c.lower_ in {"none", "nobody", "nothing"} or any(d.lower_ == "no" for d in c.children))
        for c in verb.children
    )


def _dates_only(prep: Token) -> bool:
    """Whether a preposition's objects are all dates or times ("on Sunday", "in March")."""
    objects = [c for c in prep.children if c.dep_ == "pobj"]
    return bool(objects) and all(o.ent_type_ in {"DATE", "TIME"} for o in objects)


#: organisation words that name a band of people, not an institution one can name by its words
#: ("the water board" is one body; "the research team" is whoever did the study)
_LOOSE_GROUPS = frozenset({"team", "group"})


def _possessed(tok: Token) -> bool:
    """ "the WHO's report", "its report": someone's, by a possessive."""
    return any(c.dep_ == "poss" for c in tok.children)


def _owned(tok: Token) -> bool:
    """Whether a modifier says whose body a noun is: "Russian authorities", "the city's"."""
    return any(
        c.dep_ == "poss" or c.pos_ == "PROPN" or c.ent_type_ in {"NORP", "GPE", "ORG"}
        for c in tok.children
    )


def _proper_name(tok: Token) -> str:
    """The name in a head phrase, without the description before it: "flight status
    information aggregator Cirium" is Cirium. The name is the run of capitalised words that
    ends on the head."""
    left = [c for c in tok.lefts if c.dep_ in {"compound", "det", "amod", "poss", "case"}]
    toks = sorted([*(t for c in left for t in c.subtree), tok], key=lambda t: t.i)
    lower = [k for k, t in enumerate(toks) if t.is_lower and t.pos_ != "PROPN"]
    start = lower[-1] + 1 if lower else 0
    return _strip_det("".join(t.text_with_ws for t in toks[start:]).strip())


def _strip_titles(text: str, lex: _Lexicon) -> str:
    words = _strip_det(text).split()
    while len(words) > 1 and words[0].lower().rstrip(".") in lex.titles:
        words = words[1:]
    return " ".join(words)


def _strip_det(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words) or text


def _trim(text: str, a: int, b: int) -> CharRange:
    while a < b and text[a] in _LEAD:
        a += 1
    while b > a and text[b - 1] in _TRAIL:
        b -= 1
    return a, b


def _balance(text: str, a: int, b: int) -> CharRange:
    """Drop a lone quote mark at either end (the other half was left out of the clause)."""
    piece = text[a:b]
    opens = sum(piece.count(m) for m in "“") + piece.count('"') // 2
    closes = piece.count("”") + piece.count('"') // 2
    if piece[:1] == "“" and opens > closes:
        a, b = _trim(text, a + 1, b)
    elif piece[-1:] == "”" and closes > opens:
        a, b = _trim(text, a, b - 1)
    return a, b


def _cut_out(piece: CharRange, holes: Sequence[CharRange]) -> list[CharRange]:
    """``piece`` without the ``holes`` in it, as the stretches left over."""
    out = [piece]
    for ha, hb in holes:
        nxt: list[CharRange] = []
        for a, b in out:
            if hb <= a or b <= ha:
                nxt.append((a, b))
                continue
            if a < ha:
                nxt.append((a, ha))
            if hb < b:
                nxt.append((hb, b))
        out = nxt
    return out


def _overlaps(x: CharRange, y: CharRange) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def _valid(claim: Claim, text: str) -> bool:
    spans: list[Span | Source] = [claim.content]
    if claim.cue is not None:
        spans.append(claim.cue)
    if claim.source is not None:
        spans.append(claim.source)
    spans_ok = all(
        0 <= s.start <= s.end <= len(text) and text[s.start : s.end] == s.text for s in spans
    )
    return spans_ok and text[claim.start : claim.end] == claim.text


# --- entry point ---------------------------------------------------------------------------------


def in_contrast(tok: Token) -> bool:
    """Whether a token lies in a "while"/"whereas" clause (see :func:`_contrast`)."""
    return any(_contrast(t) for t in [tok, *tok.ancestors])


def find_attributions(doc: Doc, entities: Sequence[Entity]) -> list[Claim]:
    """Every attributed claim of a parsed body, in text order; never raises.

    ``entities`` (from ``find_entities``, or any list) fill ``Source.kind`` and
    ``Source.canonical``; quantities, times and places are left for the caller to fill by span
    containment.
    """
    text = doc.text
    try:
        claims = _Extractor(doc, text, entities).run()
    except Exception:
        log.warning("attribution failed on a document", exc_info=True)
        return []
    return [c for c in claims if _valid(c, text)]


def own_certainty(text: str) -> Certainty:
    """How sure an outlet's own, unattributed sentence is, from the same hedges as a cue's.

    "Up to 100,000 troops are reportedly deployed" is speculative even with nobody quoted; a
    plain statement of the outlet is reported.
    """
    hedges = _lexicon().hedges
    if hedges["speculative"].search(text) or hedges["bound"].search(text):
        return "speculative"
    if hedges["estimated"].search(text) or _OWN_INFERENCE.match(text):
        return "estimated"
    if hedges["confirmed"].search(text):
        return "confirmed"
    return "reported"


#: "This suggests that approximately 200…": the outlet's inference, an estimate of its own
_OWN_INFERENCE = re.compile(
    r"(?i)\s*(?:this|that|these|those)\s+(?:\w+\s+)?(?:suggest|indicate|show|mean|impl(?:y|ie))s?\b"
)


def strip_titles(name: str) -> str:
    """A person's name without the titles in front ("Ms Ondrasek" -> "Ondrasek"), so that a
    titled mention can be matched with the full name given elsewhere."""
    return _strip_titles(name, _lexicon())
