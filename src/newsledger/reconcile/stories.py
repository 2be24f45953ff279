"""Stories: each new document joins the developing event it reports, or opens a new one.

A story is the set of articles about one developing event (a dam breach and its aftermath, troops
sent abroad and what became of them). Grouping is incremental: :meth:`StoryIndex.assign` places
one document among the stories already known and never re-clusters, so ``watch`` stays fast as the
store grows. A story's id is the id of its first document.

How a document is placed, and why:

1. **Features.** Salient words and adjacent word pairs of the headline and body, weighted by
   TF-IDF with running document frequencies; the headline and the lede name the event, so they
   count more. Entity mentions are blanked from this text and compared on their own, folded to a
   spelling-tolerant key ("Zelensky", "Zelenskyy" and "Zelenskiy" are one name; labels are
   ignored, since one town is a place in one article and an organisation in the next). The
   publication date counts when it is known to the day and sure (a widget date is often the
   scrape date).
2. **Candidates.** An inverted index maps each salient term and entity to the stories most
   recently joined through it, each list capped at ``postings_cap``. A document looks up only
   its own most salient terms and names and scores at most ``max_candidates`` stories, so the
   work per document is bounded whatever the size of the store, and all pairs are never
   compared. Dated stories more than ``window_days`` from a dated document are skipped.
3. **Score.** Cosine of the document's TF-IDF vector with the story's centroid, blended with the
   cosine of their entity profiles (rare names weigh more than "Russia"), times a date factor
   that is 1 near the story's dated span and decays outside a tolerance that grows with the
   story's size. Dates count only when both are known: a missing date never splits a story.
4. **Decision.** The best candidate is joined when the blended score reaches ``join`` and the text
   similarity alone reaches ``min_text``: shared names alone never join, because a different event
   in the same town has the same governor, river and fire chief but other words (fire, depot,
   smoke against dam, flood, missing). A copy (``duplicate_of`` set) always joins its origin's
   story.
5. **Merge.** When arrival order has split one event (its first reports shared too little), a
   later document that matches two stories whose centroids have grown alike (``merge``) merges
   them: the older keeps its id, and the assignment names the absorbed ids so a store can
   relabel their documents. This is a local step between two candidates, not a re-clustering.

The whole state is plain data (:meth:`StoryIndex.to_state`, :meth:`StoryIndex.from_state`), so a
store can persist it and a later run resumes exactly where this one stopped. Thresholds were set
with ``eval/stories.py``; scores are comparable only under the same settings.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from newsledger.model import Document, Entity, Extraction

STATE_VERSION = 1


@dataclass(frozen=True)
class StorySettings:
    """Tuning of :class:`StoryIndex`; the defaults were set with ``eval/stories.py``.

    Scores are in [0, 1]. Articles on one event share few exact words (excerpts of ~2,000
    characters, other outlets, other angles), so same-story text cosines against a story's
    centroid run from about 0.1 to 0.5; unrelated ones mostly stay below 0.1, while names
    shared by unrelated events in one region can overlap at 0.3 to 0.8.
    """

    #: Blended score (text and entities, after the date factor) needed to join a story.
    join: float = 0.10
    #: Text cosine needed as well: names shared with an unrelated event must not join it.
    min_text: float = 0.10
    #: Share of the blended score given to text; the rest goes to entity overlap.
    text_weight: float = 0.7
    #: Days outside a one-report story's dated span with no penalty (follow-ups come within
    #: days); grows with the log of the story's size (see ``StoryIndex._date_factor``).
    grace_days: float = 7.0
    #: Beyond the tolerance the score falls by a factor e every ``decay_days``.
    decay_days: float = 10.0
    #: Days outside a story's span at which a dated document no longer considers it at all.
    window_days: int = 120
    #: How many times the headline's words count, and the lede's (the first ``lede_chars``).
    title_weight: int = 3
    lede_weight: int = 2
    lede_chars: int = 400
    #: Most salient terms of a document used to look up candidate stories.
    query_terms: int = 30
    #: Most salient terms of a document entered in the index for its story.
    index_terms: int = 40
    #: Stories kept per index entry (the most recently joined through it): the cost bound.
    postings_cap: int = 64
    #: Candidate stories scored in full per document.
    max_candidates: int = 16
    #: Terms kept in a story's centroid (by weight); pruned when it holds twice as many.
    centroid_terms: int = 600
    #: Similarity of two stories' centroids at which a document matching both merges them
    #: (0 turns merging off; see ``StoryIndex._merge_bridged``).
    merge: float = 0.20
    #: Whether the words of entity names also count as text terms.
    names_in_text: bool = False
    #: Whether adjacent word pairs ("martial law", "north korean") count as terms.
    pairs: bool = True


@dataclass(frozen=True)
class StoryAssignment:
    """Where a document went: its story, whether it opened it, the score and why."""

    story_id: str
    new: bool
    score: float
    reasons: tuple[str, ...] = ()
    #: Stories this document showed to be the same as ``story_id``, now merged into it: their
    #: documents belong to ``story_id`` from now on.
    merged: tuple[str, ...] = ()
    #: Candidate stories it was scored against: bounded by ``max_candidates``, whatever the
    #: size of the index (the cost of one assignment).
    compared: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "story_id": self.story_id,
            "new": self.new,
            "score": self.score,
            "reasons": list(self.reasons),
            "merged": list(self.merged),
            "compared": self.compared,
        }


# --- Features ------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_KEY_WORD = re.compile(r"[a-z0-9]+")
_VOWELS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Stop words plus ``data/stories.json``'s news words, which say nothing about the event."""
    text = resources.files("newsledger.reconcile").joinpath("data/stories.json").read_text("utf-8")
    data = json.loads(text)
    return frozenset(STOP_WORDS) | frozenset(data["generic_words"])


def fold(text: str) -> str:
    """Lower-case ASCII: outlets differ in accents and curly quotes, not in meaning."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return ascii_text.lower()


def stem(word: str) -> str:
    """A light plural strip ("troops" and "troop", "casualties" and "casualty" match)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(text: str) -> list[str | None]:
    """The text's words in order, ``None`` in place of stop words, short words and numbers.

    The gaps are kept so that word pairs are only formed from words that really stand together.
    """
    generic = generic_words()
    out: list[str | None] = []
    for match in _WORD.finditer(text):
        word = fold(match.group()).replace("'", "")
        word = word.removesuffix("s") if match.group().endswith(("'s", "’s")) else word
        keep = len(word) > 2 and word not in generic
        out.append(stem(word) if keep else None)
    return out


def count_terms(text: str, weight: int, into: Counter[str], pairs: bool = True) -> None:
    """Add the text's content words and adjacent content-word pairs to ``into``."""
    words = content_words(text)
    for word in words:
        if word:
            into[word] += weight
    if not pairs:
        return
    for left, right in itertools.pairwise(words):
        if left and right:
            into[f"{left} {right}"] += weight


def blank_names(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with the given spans replaced by a full stop, which breaks word pairs."""
    out, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            out += [text[at:start], " . "]
            at = end
    out.append(text[at:])
    return "".join(out)


def name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where the names occur as whole words in a text that has no entity offsets of its own
    (the headline). A plain search, not a regex per name: every document brings names never
    seen before, and compiling a pattern for each was a sixth of the time spent placing one."""
    spans = []
    for name in filter(None, names):
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            if _boundary(text, at) and _boundary(text, end):
                spans.append((at, end))
                at = text.find(name, end)
            else:
                at = text.find(name, at + 1)
    return spans


def _boundary(text: str, at: int) -> bool:
    """Whether ``at`` is a word boundary (``\\b``): a word character on one side only."""

    def word(i: int) -> bool:
        return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")

    return word(at - 1) != word(at)


def document_terms(
    document: Document, settings: StorySettings, entities: Sequence[Entity] = ()
) -> Counter[str]:
    """Term counts of a document, its headline and lede counted more (they name the event).

    Entity mentions are blanked unless ``names_in_text``: names are compared on their own, and
    counted twice they would let an unrelated event in the same town, with the same officials,
    look like the same story. "North Korean" (an adjective, not an entity) stays a term.
    """
    body = document.body or ""
    title = document.title or ""
    if not settings.names_in_text:
        body = blank_names(body, ((e.start, e.end) for e in entities))
        title = blank_names(title, name_spans(title, {e.text for e in entities}))
    terms: Counter[str] = Counter()
    count_terms(title, settings.title_weight, terms, settings.pairs)
    cut = len(body) if len(body) <= settings.lede_chars else body.find(" ", settings.lede_chars)
    cut = len(body) if cut < 0 else cut
    count_terms(body[:cut], settings.lede_weight, terms, settings.pairs)
    count_terms(body[cut:], 1, terms, settings.pairs)
    return terms


def entity_key(name: str) -> str:
    """A spelling-tolerant key of a name: each word's first letter and its consonants.

    Transliterations of one name differ in vowels and doubled letters (Zelensky, Zelenskyy,
    Zelenskiy; Syrsky, Syrskyi; Kim Jong Un, Kim Jong-un), rarely in consonants.
    """
    words = _KEY_WORD.findall(fold(name))
    return " ".join(w[0] + _REPEATS.sub(r"\1", _VOWELS.sub("", w[1:])) for w in words)


def entity_keys(entities: Iterable[Entity]) -> dict[str, str]:
    """Each distinct entity key of a document with the first name it was written as.

    Labels are left out: the same town is tagged a place in one article and an organisation in
    another, and that must not make two names of it.
    """
    keys: dict[str, str] = {}
    for entity in entities:
        key = entity_key(entity.canonical or entity.text)
        if len(key) > 2:
            keys.setdefault(key, entity.canonical or entity.text)
    return keys


def sure_day(document: Document) -> date | None:
    """The publication day when known to the day and trusted; else ``None`` (never a guess)."""
    info = document.published
    if not info.value or info.unsure:
        return None
    try:
        return date.fromisoformat(info.value[:10])
    except ValueError:
        return None


#: Decimals kept of the weights a story sums: a shorter state, and the same in memory, so a
#: restored index scores exactly as the one that saved it.
WEIGHT_DECIMALS = 5


def sublinear(counts: Mapping[str, int]) -> dict[str, float]:
    """``1 + log tf``, scaled to unit length: a long article must not outweigh a short one."""
    weights = {term: 1.0 + math.log(n) for term, n in counts.items() if n > 0}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {term: round(w / norm, WEIGHT_DECIMALS) for term, w in weights.items()}


def _log_counts(counts: Mapping[str, int]) -> dict[str, float]:
    log = math.log
    return {k: log(1 + n) for k, n in counts.items()}


def _within(story: Story, bounds: tuple[str, str] | None) -> bool:
    """``abs(story.gap_days(day)) <= window_days`` on the window's ISO bounds (ISO days sort as
    dates): the check runs for every posted story a document's terms reach."""
    if bounds is None or story.first is None or story.last is None:
        return True
    return story.last >= bounds[0] and story.first <= bounds[1]


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {k: w / norm for k, w in vector.items()} if norm else {}


def _dot(small: Mapping[str, float], large: Mapping[str, float]) -> float:
    return sum(w * large.get(k, 0.0) for k, w in small.items())


# --- Stories -------------------------------------------------------------------------------------


@dataclass
class Story:
    """What the index keeps of one story: members, centroid, names and dated span.

    ``number`` is the story's internal key (the count of original documents seen when it
    opened: unique and increasing, and far shorter than an id in the index's postings).
    ``terms`` sums the unit-length sublinear term weights of its original documents (copies
    add nothing: a wire text run twice is one report); IDF is applied when scoring, because
    document frequencies keep moving. ``first`` and ``last`` bound its sure publication days.
    """

    id: str
    number: int
    documents: list[str] = field(default_factory=list)
    size: int = 0
    terms: dict[str, float] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    first: str | None = None
    last: str | None = None

    def gap_days(self, day: date | None) -> int:
        """Days from the story's dated span to ``day``: negative before it, positive after it.

        0 inside the span, or when either date is unknown (a missing date never splits).
        """
        if day is None or self.first is None or self.last is None:
            return 0
        first, last = date.fromisoformat(self.first), date.fromisoformat(self.last)
        if day < first:
            return -(first - day).days
        return max(0, (day - last).days)

    def span_gap(self, other: Story) -> int:
        """Days between two stories' dated spans; 0 when they overlap or either is undated."""
        if not (self.first and self.last and other.first and other.last):
            return 0
        return max(
            0,
            (date.fromisoformat(other.first) - date.fromisoformat(self.last)).days,
            (date.fromisoformat(self.first) - date.fromisoformat(other.last)).days,
        )

    def extend(self, day: date | None) -> None:
        if day is None:
            return
        iso = day.isoformat()
        self.first = iso if self.first is None else min(self.first, iso)
        self.last = iso if self.last is None else max(self.last, iso)

    def to_state(self) -> dict[str, Any]:
        """Shallow copies of the fields: ``asdict`` deep-copies every term weight, which made
        saving the state the costliest step of placing a few hundred documents."""
        return {
            "id": self.id,
            "number": self.number,
            "documents": list(self.documents),
            "size": self.size,
            "terms": dict(self.terms),
            "entities": dict(self.entities),
            "first": self.first,
            "last": self.last,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Story:
        return cls(
            id=state["id"],
            number=state["number"],
            documents=list(state["documents"]),
            size=state["size"],
            terms=dict(state["terms"]),
            entities=dict(state["entities"]),
            first=state["first"],
            last=state["last"],
        )


@dataclass(frozen=True)
class _Features:
    """One document as the index sees it; ``vector`` and ``names`` are after IDF, unit length."""

    terms: dict[str, float]  # unit-length sublinear tf, before IDF (what a centroid sums)
    entities: dict[str, str]  # key -> the name as written, for reasons
    day: date | None
    vector: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Match:
    story: Story
    score: float
    text: float
    names: float
    gap: int
    shared: tuple[str, ...]


class StoryIndex:
    """Incremental grouping of documents into stories; see the module docstring for the method.

    A story's id is the id of its first document, so it is stable and readable in a store;
    when two stories merge, the older keeps its id and the younger's documents answer with it
    (:meth:`story_of`). Not thread-safe: one writer at a time.
    """

    def __init__(self, settings: StorySettings | None = None) -> None:
        self.settings = settings or StorySettings()
        #: Live stories by id, oldest first.
        self.stories: dict[str, Story] = {}
        self._documents = 0
        self._term_df: dict[str, int] = {}
        self._entity_df: dict[str, int] = {}
        #: ``log(1 + df)`` of each key, kept beside the counts: scoring weighs every term of
        #: every candidate story by it, and a lookup is cheaper than a log (same floats).
        self._term_log_df: dict[str, float] = {}
        self._entity_log_df: dict[str, float] = {}
        self._postings: dict[str, dict[int, None]] = {}
        self._assigned: dict[str, int] = {}  # document id -> story number
        self._aliases: dict[int, int] = {}  # merged story number -> the number it went into
        self._by_number: dict[int, Story] = {}

    # --- public -------------------------------------------------------------------------------

    def assign(self, extraction: Extraction) -> StoryAssignment:
        """Place one document: join the best-matching story, or open a new one.

        ``score`` is the joined story's blended score (1.0 for a copy, 0.0 for a new story,
        whose reasons give the best candidate's score instead). Assigning a document already
        placed returns its story again and changes nothing, so a resumed run may safely replay
        its last few documents.
        """
        document = extraction.document
        known = self.story_of(document.id)
        if known is not None:
            return StoryAssignment(known, False, 1.0, ("already assigned",))
        raw = self._features(extraction)
        origin = self._story_of(document.duplicate_of or "")
        if origin is not None:
            return self._join_copy(document, origin, raw.day)
        self._count(raw)
        features = self._weighted(raw)
        matches = self._matches(features)
        if matches and self._accepts(matches[0]):
            return self._join(document.id, features, matches)
        return self._open(document.id, features, matches)

    def size(self) -> int:
        """Documents assigned so far (copies included)."""
        return len(self._assigned)

    def story_of(self, document_id: str) -> str | None:
        """The id of the story a document belongs to now (after any merge), if assigned."""
        story = self._story_of(document_id)
        return None if story is None else story.id

    def to_state(self) -> dict[str, Any]:
        """The whole index as JSON-ready plain data.

        Keys: ``version``; ``settings`` (the :class:`StorySettings` fields); ``documents`` (the
        original documents counted in the frequencies); ``term_df`` and ``entity_df`` (term or
        entity key -> documents containing it); ``stories`` (a list of :class:`Story` fields:
        ``id``, ``number``, ``documents``, ``size``, ``terms``, ``entities``, ``first``,
        ``last``); ``postings`` (index key -> story numbers, oldest first; entity keys start
        with ``@``); ``assigned`` (document id -> story number); ``aliases`` (merged story
        number, as a string -> the number it was merged into).
        """
        return {
            "version": STATE_VERSION,
            "settings": asdict(self.settings),
            "documents": self._documents,
            "term_df": dict(self._term_df),
            "entity_df": dict(self._entity_df),
            "stories": [story.to_state() for story in self.stories.values()],
            "postings": {key: list(numbers) for key, numbers in self._postings.items()},
            "assigned": dict(self._assigned),
            "aliases": {str(k): v for k, v in self._aliases.items()},
        }

    @classmethod
    def from_state(
        cls, state: Mapping[str, Any], settings: StorySettings | None = None
    ) -> StoryIndex:
        """An index that continues exactly where the one that wrote ``state`` stopped.

        ``settings`` overrides the saved ones (a retuned threshold applies from now on; what
        was assigned stays).
        """
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"story index state version {state.get('version')!r} not supported")
        if settings is None:
            known = {f.name for f in fields(StorySettings)}
            settings = StorySettings(**{k: v for k, v in state["settings"].items() if k in known})
        index = cls(settings)
        index._documents = int(state["documents"])
        index._term_df = dict(state["term_df"])  # JSON's own types: no conversion per entry
        index._entity_df = dict(state["entity_df"])
        index._term_log_df = _log_counts(index._term_df)
        index._entity_log_df = _log_counts(index._entity_df)
        for item in state["stories"]:
            story = Story.from_state(item)
            index.stories[story.id] = story
            index._by_number[story.number] = story
        index._postings = {k: dict.fromkeys(numbers) for k, numbers in state["postings"].items()}
        index._assigned = dict(state["assigned"])
        index._aliases = {int(k): int(v) for k, v in state["aliases"].items()}
        return index

    # --- features and frequencies -------------------------------------------------------------

    def _features(self, extraction: Extraction) -> _Features:
        document = extraction.document
        terms = sublinear(document_terms(document, self.settings, extraction.entities))
        return _Features(terms, entity_keys(extraction.entities), sure_day(document))

    def _weighted(self, features: _Features) -> _Features:
        """The features with their IDF-weighted vectors, computed once per document."""
        vector = self._term_vector(features.terms)
        names = self._entity_vector(dict.fromkeys(features.entities, 1.0))
        return _Features(features.terms, features.entities, features.day, vector, names)

    def _count(self, features: _Features) -> None:
        """Update the running document frequencies with one original document."""
        self._documents += 1
        log = math.log
        for term in features.terms:
            n = self._term_df[term] = self._term_df.get(term, 0) + 1
            self._term_log_df[term] = log(1 + n)
        for key in features.entities:
            n = self._entity_df[key] = self._entity_df.get(key, 0) + 1
            self._entity_log_df[key] = log(1 + n)

    def _idf(self, df: Mapping[str, int], key: str) -> float:
        """Smoothed IDF, ``log((1 + N) / (1 + df)) + 1``: never 0, so a term in every document
        still counts a little (the first few documents all share every df)."""
        return math.log((1 + self._documents) / (1 + df.get(key, 0))) + 1.0

    def _weighted_by_idf(
        self, log_df: Mapping[str, float], weights: Mapping[str, float]
    ) -> dict[str, float]:
        """Each weight times its key's IDF: the formula of ``_idf`` in one tight loop (this is
        where scoring spends its time), with ``log(1 + df)`` looked up, not computed."""
        base = math.log(1 + self._documents) + 1.0
        get = log_df.get
        return {k: w * (base - get(k, 0.0)) for k, w in weights.items()}

    def _term_vector(self, terms: Mapping[str, float]) -> dict[str, float]:
        return _unit(self._weighted_by_idf(self._term_log_df, terms))

    def _cosine(self, unit: Mapping[str, float], terms: Mapping[str, float]) -> float:
        """``_dot(unit, self._term_vector(terms))`` without building the story's vector: one
        pass for its norm, one over the document's terms for the dot product."""
        base = math.log(1 + self._documents) + 1.0
        get = self._term_log_df.get
        norm = math.sqrt(sum([(w * (base - get(k, 0.0))) ** 2 for k, w in terms.items()]))
        if not norm:
            return 0.0
        dot = 0.0
        for key, u in unit.items():
            w = terms.get(key)
            if w is not None:
                dot += u * w * (base - get(key, 0.0))
        return dot / norm

    def _entity_vector(self, counts: Mapping[str, float]) -> dict[str, float]:
        return _unit(self._weighted_by_idf(self._entity_log_df, counts))

    def _entity_profile(self, story: Story) -> dict[str, float]:
        """A story's names weighted by the share of its reports naming them, and rarity."""
        size = max(story.size, 1)
        return self._entity_vector({k: n / size for k, n in story.entities.items()})

    # --- candidates and scores ----------------------------------------------------------------

    def _salient(self, features: _Features, limit: int) -> list[str]:
        """The document's index keys: its most salient terms, then its rarest names."""
        vector = features.vector
        terms = heapq.nlargest(limit, vector, key=lambda t: (vector[t], t))
        names = heapq.nlargest(
            limit, features.entities, key=lambda k: (self._idf(self._entity_df, k), k)
        )
        return terms + ["@" + key for key in names]

    def _candidates(self, features: _Features) -> list[Story]:
        """Stories that share salient terms or names with the document, within the window.

        Each hit counts the term's weight in the document (a name counts as a modest term),
        so the stories sharing its most telling words are scored first.
        """
        vector, bounds = features.vector, self._window(features.day)
        hits: dict[int, float] = {}
        near: dict[int, bool] = {}  # story number -> within the window of the document's day
        for key in self._salient(features, self.settings.query_terms):
            weight = vector.get(key, 0.05)
            for posted in self._postings.get(key, ()):
                number = self._resolve(posted)
                inside = near.get(number)
                if inside is None:
                    inside = near[number] = _within(self._by_number[number], bounds)
                if inside:
                    hits[number] = hits.get(number, 0.0) + weight
        best = heapq.nsmallest(self.settings.max_candidates, hits, key=lambda n: (-hits[n], n))
        return [self._by_number[n] for n in best]

    def _window(self, day: date | None) -> tuple[str, str] | None:
        """The first and last ISO day a story may reach and still be within the window."""
        if day is None:
            return None
        reach = timedelta(days=self.settings.window_days)
        return (day - reach).isoformat(), (day + reach).isoformat()

    def _score(self, features: _Features, story: Story) -> _Match:
        settings = self.settings
        text = self._cosine(features.vector, story.terms)
        names = _dot(features.names, self._entity_profile(story)) if features.names else 0.0
        blended = settings.text_weight * text + (1 - settings.text_weight) * names
        gap = story.gap_days(features.day)
        score = blended * self._date_factor(gap, story.size)
        shared = tuple(
            features.entities[k]
            for k in sorted(features.entities, key=lambda k: -self._idf(self._entity_df, k))
            if k in story.entities
        )
        return _Match(story, score, text, names, gap, shared)

    def _date_factor(self, gap: int, size: int) -> float:
        """How far the dates allow a join: 1 within the story's tolerance, then decaying.

        A young story is expected to continue within about ``grace_days``; one that has drawn
        many reports is reported over a longer time, so the tolerance grows with the log of
        its size (7 days for one report, about 4 weeks for twenty). It is the same before the
        span as after it, because a backfill brings a story's early reports late. Beyond the
        tolerance the score decays by ``e`` every ``decay_days``, so a strong match a little
        off still joins, while an article two months off with only generic overlap does not.
        """
        settings = self.settings
        tolerance = settings.grace_days * (1.0 + math.log(max(size, 1)))
        if abs(gap) <= tolerance:
            return 1.0
        return math.exp(-(abs(gap) - tolerance) / settings.decay_days)

    def _matches(self, features: _Features) -> list[_Match]:
        """Every candidate story scored, best first (ties by number: reproducible)."""
        matches = [self._score(features, story) for story in self._candidates(features)]
        return sorted(matches, key=lambda m: (-m.score, m.story.number))

    def _accepts(self, match: _Match) -> bool:
        return match.score >= self.settings.join and match.text >= self.settings.min_text

    # --- joining, opening, merging ------------------------------------------------------------

    def _join(
        self, document_id: str, features: _Features, matches: list[_Match]
    ) -> StoryAssignment:
        best = matches[0]
        self._add(best.story, document_id, features)
        merged = self._merge_bridged(best.story, matches[1:])
        survivor = self._by_number[self._resolve(best.story.number)]
        return StoryAssignment(
            survivor.id,
            False,
            round(best.score, 4),
            _why(best, merged),
            tuple(merged),
            len(matches),
        )

    def _open(
        self, document_id: str, features: _Features, matches: list[_Match]
    ) -> StoryAssignment:
        story = Story(id=document_id, number=self._documents)
        self.stories[story.id] = story
        self._by_number[story.number] = story
        self._add(story, document_id, features)
        best = matches[0] if matches else None
        return StoryAssignment(story.id, True, 0.0, _why_new(best, len(matches)), (), len(matches))

    def _join_copy(self, document: Document, story: Story, day: date | None) -> StoryAssignment:
        """A copy joins its origin's story and adds nothing to its centroid (one report)."""
        story.documents.append(document.id)
        story.extend(day)
        self._assigned[document.id] = story.number
        return StoryAssignment(story.id, False, 1.0, (f"copy of {document.duplicate_of}",))

    def _story_similarity(self, a: Story, b: Story) -> float:
        """Cosine of two stories' centroids, with the date factor of their spans.

        Text only: two stories about the same region share its names whichever event they
        cover, while centroids built from several reports each carry what happened.
        """
        text = _dot(self._term_vector(a.terms), self._term_vector(b.terms))
        return text * self._date_factor(a.span_gap(b), a.size + b.size)

    def _merge_bridged(self, joined: Story, others: list[_Match]) -> list[str]:
        """Merge into ``joined`` the other stories the document also matched, when alike.

        Arrival order can split one event: its first reports may share too little to join,
        and each gathers its own followers. A later document that matches both, and
        centroids that have grown alike, show they are one story. The older story keeps its
        id; the younger's documents answer with the older id from then on, and the
        assignment lists the younger id so a store can relabel them.
        """
        if self.settings.merge <= 0:
            return []
        merged: list[str] = []
        for match in others:
            other = match.story
            if not self._accepts(match) or other.number not in self._by_number:
                continue
            if self._story_similarity(joined, other) < self.settings.merge:
                continue
            older, younger = sorted((joined, other), key=lambda s: s.number)
            self._absorb(older, younger)
            merged.append(younger.id)
            joined = older
        return merged

    def _absorb(self, older: Story, younger: Story) -> None:
        older.documents.extend(younger.documents)
        older.size += younger.size
        for term, weight in younger.terms.items():
            older.terms[term] = round(older.terms.get(term, 0.0) + weight, WEIGHT_DECIMALS)
        for key, n in younger.entities.items():
            older.entities[key] = older.entities.get(key, 0) + n
        for day in (younger.first, younger.last):
            older.extend(date.fromisoformat(day) if day else None)
        self._prune(older)
        del self.stories[younger.id]
        del self._by_number[younger.number]
        self._aliases[younger.number] = older.number

    def _resolve(self, number: int) -> int:
        """The number of the live story a possibly merged story went into."""
        while number in self._aliases:
            number = self._aliases[number]
        return number

    def _story_of(self, document_id: str) -> Story | None:
        number = self._assigned.get(document_id)
        return None if number is None else self._by_number[self._resolve(number)]

    # --- updates ------------------------------------------------------------------------------

    def _add(self, story: Story, document_id: str, features: _Features) -> None:
        """Fold an original document into its story and enter it in the index."""
        story.documents.append(document_id)
        story.size += 1
        for term, weight in features.terms.items():
            story.terms[term] = round(story.terms.get(term, 0.0) + weight, WEIGHT_DECIMALS)
        for key in features.entities:
            story.entities[key] = story.entities.get(key, 0) + 1
        story.extend(features.day)
        self._prune(story)
        self._assigned[document_id] = story.number
        for key in self._salient(features, self.settings.index_terms):
            self._post(key, story.number)

    def _post(self, key: str, number: int) -> None:
        """Move the story to the recent end of the key's list; drop the oldest beyond the cap."""
        numbers = self._postings.setdefault(key, {})
        numbers.pop(number, None)
        numbers[number] = None
        while len(numbers) > self.settings.postings_cap:
            del numbers[next(iter(numbers))]

    def _prune(self, story: Story) -> None:
        """Keep a story's centroid bounded: its heaviest terms after IDF, the rest dropped."""
        limit = self.settings.centroid_terms
        if len(story.terms) <= 2 * limit:
            return
        weight = self._weighted_by_idf(self._term_log_df, story.terms)
        kept = heapq.nlargest(limit, weight, key=lambda t: (weight[t], t))
        story.terms = {t: story.terms[t] for t in kept}


def _why(match: _Match, merged: list[str]) -> tuple[str, ...]:
    reasons = [f"text similarity {match.text:.2f}", f"entity overlap {match.names:.2f}"]
    if merged:
        reasons.append("merged stories it bridged: " + ", ".join(m[:12] for m in merged))
    if match.shared:
        reasons.append("shared names: " + ", ".join(match.shared[:6]))
    if match.gap > 0:
        reasons.append(f"{match.gap} days after the story's last dated report")
    elif match.gap < 0:
        reasons.append(f"{-match.gap} days before the story's first dated report")
    return tuple(reasons)


def _why_new(best: _Match | None, considered: int) -> tuple[str, ...]:
    if best is None:
        return ("no story shares its salient terms or names",)
    return (
        f"best of {considered} candidate stories ({best.story.id[:12]}) scored {best.score:.2f}"
        f", text {best.text:.2f}, entities {best.names:.2f}",
    )
