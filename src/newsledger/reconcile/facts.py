"""Facts: the figures of a story grouped by what they measure, with values, origins and status.

A **fact** is every figure of one story that measures the same thing: "North Korean troops in
Kursk", "Missing (Greyhollow Dam)", "Pay per soldier per month". :class:`FactIndex` builds them
incrementally: :meth:`FactIndex.add` takes one document's extraction and its story, puts each
figure into its fact, and returns what changed. Only the facts of that story are touched, and the
work is bounded by the size of the facts the document touches, never by the store.

What a figure measures (:func:`classify`, vocabularies in ``data/facts.json``), and why:

- **Thing**: the head noun of the counted phrase, lemmatised and mapped through a synonym table
  (troops, soldiers, forces, personnel are one thing), else the unit (money by currency, areas,
  lengths, volumes, each converted to one unit where the table says how: 3,500 ha is 35 km²),
  else a thing word next to the figure ("'at least 10,000' North Korean forces"), else the
  previous figure of the same sentence ("somewhere around 100, maybe as many as 120").
- **State**: what happened to them, from the words around the figure in its clause: dead,
  missing, killed or wounded, evacuated, found safe ... are different facts, never merged. A
  state noun as the counted head wins ("seven deaths"); then the first state word after the
  figure (a later "found safe" overrides "reported missing"); then the nearest one before it.
  People in a victim state are grouped as people whatever noun counts them ("3,800 North
  Koreans", "3,800 North Korean soldiers"). A running total and an increment ("three more",
  "200 additional casualties") are different facts.
- **Qualifier**: a nationality or origin word that makes another group of the same thing
  ("Russian troops" against "North Korean troops"). The first qualifier a story gives a thing
  is its primary one, shared with the figures that give none.
- **Place scope**: "North Korean troops in Kursk" is another fact than the total sent to Russia.
  For troops and other deployable things the first place after the figure in its clause decides
  (a country, or a country's possessive, means the total; a region, city or "the front" is the
  scope); for anything else the place must be glued to the figure ("25 in Florida"), because
  reports of the dead name where they died, which does not split the toll.
- **Per**: the time unit of a rate ("$2,000 per soldier per month" is per month; "in the last
  week alone" is per week). The recipient ("per household") is shown, not keyed: "$500 a month to
  displaced households" and "$500 per household per month" are one payment.
- **Kind** for money and measures: what an amount is of (pay, relief payment, cost, lost trade,
  insured losses; flooded area, its peak), first match in the table's order for money, the
  nearest word for measures.

**Values.** One :class:`~newsledger.model.FactValue` per distinct reading (number, range, bound
or vague amount), each with its citations; ``as_of`` is the claim's resolved date (the latest
day-precise ``when`` not after publication, else the narrowest week, range or month), else the
document's publication date (a copy takes its original's). A document with no date is placed, for
status only, at the latest publication day its story had when it arrived: documents arrive in
publication order, and its ``as_of`` stays unknown.

**Status**, over the non-vague figures (a vague one is kept and shown, but has no number to agree
or disagree with); each reading is an interval of what it allows (``FactSettings``):

- *disputed*: at the latest time reported, two origins give incompatible values;
- *changing*: a value is incompatible with an earlier one: later reports supersede;
- *corroborated*: two or more independent origins give compatible firm values (a speculative or
  denied value never corroborates, but it can dispute);
- *single-source*: one origin.

**Changes** returned by :meth:`FactIndex.add`: ``new_fact`` (and nothing else for a new fact),
``new_value`` (``before`` = the values before), ``new_source`` (an origin new to the fact),
``status_changed``. Fact ids hash the story and the fact's key, so they are stable.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from newsledger.model import (
    Certainty,
    Change,
    Citation,
    Claim,
    Extraction,
    Fact,
    FactStatus,
    FactValue,
    Place,
    Quantity,
)
from newsledger.reconcile.origins import Actors, Merge, claim_origin, outlet_name, publishing_origin

STATE_VERSION = 1
JSON = dict[str, Any]

#: Certainties whose values count as firm (may corroborate).
FIRM: frozenset[str] = frozenset({"confirmed", "reported", "estimated"})
#: Strongest first: the certainty a reading shows is the strongest of its citations.
CERTAINTY_ORDER: tuple[Certainty, ...] = (
    "confirmed",
    "reported",
    "estimated",
    "speculative",
    "denied",
)


@dataclass(frozen=True)
class FactSettings:
    """How readings are compared; set by hand on the examples and tests, checked by eval.

    A reading becomes an interval: an exact figure allows ``exact`` relative slack (rounding),
    an approximate one ``approximate``; "as many as X" reads as the top ``upper_bound`` of X,
    "at least X" as up to ``lower_bound`` above X (a bound in news sits near the truth, or
    "as many as 120" would agree with "about 90"). Two reports are at the same time when their
    as-of intervals overlap with ``same_time_days`` of slack; an undated document's estimated
    day gets ``undated_days`` of width.
    """

    exact: float = 0.02
    approximate: float = 0.07
    upper_bound: float = 0.15
    lower_bound: float = 0.30
    same_time_days: int = 0
    undated_days: int = 3


# --- vocabularies ----------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    ordered = sorted({w.lower() for w in words}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in ordered)


def _words_re(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_alternation(words)})(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class _State:
    name: str
    victim: bool
    cumulative: bool


@dataclass(frozen=True)
class _Vocab:
    """``data/facts.json``, compiled once."""

    thing_of: dict[str, str]  # lemma or phrase -> thing
    thing_re: re.Pattern[str]
    demonyms: frozenset[str]
    person_things: frozenset[str]
    deployable: frozenset[str]
    states: dict[str, _State]
    state_of: dict[str, str]  # cue word -> state
    state_re: re.Pattern[str]
    presence: frozenset[str]
    state_nouns: dict[str, str]
    increment_re: re.Pattern[str]
    money: list[tuple[str, re.Pattern[str]]]
    measures: dict[str, list[tuple[str, re.Pattern[str]]]]
    qualifier_of: dict[str, str]
    qualifier_re: re.Pattern[str]
    qualifier_countries: dict[str, str]
    units: dict[str, tuple[str, float]]
    dimensions: dict[str, str]
    skip_units: frozenset[str]
    per_after: list[tuple[str, re.Pattern[str]]]
    per_before: list[tuple[str, re.Pattern[str]]]
    scope_of: dict[str, str]
    scope_re: re.Pattern[str]
    breaks: tuple[str, ...]
    person_noun_re: re.Pattern[str]
    person_after_re: re.Pattern[str]
    recipient_kinds: dict[str, str]


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    """The vocabularies of ``data/facts.json`` with their regexes (compiled once per process)."""
    text = resources.files("newsledger.reconcile").joinpath("data/facts.json").read_text("utf-8")
    data = json.loads(text)
    thing_of = {w.lower(): t for t, words in data["things"].items() for w in words}
    states = {s["state"]: _State(s["state"], s["victim"], s["cumulative"]) for s in data["states"]}
    state_of = {w.lower(): s["state"] for s in data["states"] for w in s["words"]}
    qualifier_of = {w.lower(): q for q, words in data["qualifiers"].items() for w in words}
    scope_of = {w.lower(): s for s, words in data["scope_words"].items() for w in words}
    person_words = [w for t in data["person_things"] for w in data["things"][t]]
    per_after, per_before = [], []
    for unit, words in data["per_time"].items():
        per_after.append((unit, re.compile(rf"^\W{{0,3}}(?:{_alternation(words)})\b", re.I)))
        adjectives = [w for w in words if " " not in w]
        per_before.append((unit, re.compile(rf"\b(?:{_alternation(adjectives)})\b", re.I)))
    return _Vocab(
        thing_of=thing_of,
        thing_re=_words_re([*thing_of, *(p + "s" for p in thing_of)]),
        demonyms=frozenset(data["demonym_people"]),
        person_things=frozenset(data["person_things"]),
        deployable=frozenset(data["deployable"]),
        states=states,
        state_of=state_of,
        state_re=_words_re(state_of),
        presence=frozenset(data["presence_states"]),
        state_nouns={k.lower(): v for k, v in data["state_nouns"].items()},
        increment_re=re.compile(
            r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundreds?|"
            r"thousands?|millions?))\s+(?:of\s+\w+\s+)?(?:"
            + _alternation(w for w in data["increment_words"] if w != "new")
            + r")\b",
            re.IGNORECASE,
        ),
        money=[(m["kind"], _words_re(m["words"])) for m in data["money_kinds"]],
        measures={
            dim: [(m["kind"], _words_re(m["words"])) for m in kinds]
            for dim, kinds in data["measure_kinds"].items()
        },
        qualifier_of=qualifier_of,
        qualifier_re=_words_re(qualifier_of),
        qualifier_countries={k.lower(): v for k, v in data["qualifier_countries"].items()},
        units={u: (c["to"], float(c["factor"])) for u, c in data["units"].items()},
        dimensions=dict(data["dimensions"]),
        skip_units=frozenset(data["skip_units"]),
        per_after=per_after,
        per_before=per_before,
        scope_of=scope_of,
        scope_re=_words_re(scope_of),
        breaks=tuple(data["clause_breaks"]),
        person_noun_re=re.compile(
            rf"(?<![\w-])(?:{_alternation(person_words)})s?(?![\w-])", re.IGNORECASE
        ),
        recipient_kinds=dict(data["recipient_kinds"]),
        person_after_re=re.compile(
            rf"^\s+(?:[\w\-]+\s+)?(?:{_alternation(person_words)})s?(?![\w-])", re.IGNORECASE
        ),
    )


_IRREGULAR = {
    "people": "people",
    "men": "man",
    "women": "woman",
    "children": "child",
    "personnel": "personnel",
    "police": "police",
    "staff": "staff",
    "servicemen": "serviceman",
    "series": "series",
    "species": "species",
    "news": "news",
}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def lemma(word: str) -> str:
    """A light plural strip for head nouns ("bodies" -> "body", "businesses" -> "business")."""
    low = word.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if len(low) > 4 and low.endswith("ies"):
        return low[:-3] + "y"
    if len(low) > 4 and low.endswith(("sses", "ches", "shes", "xes", "zes")):
        return low[:-2]
    if len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
        return low[:-1]
    return low


# --- what a figure measures ------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """What one figure measures: the parts of its fact's key, plus what labels need.

    ``thing`` is the synonym group ("troops", "people") or ``money:<kind>`` or
    ``<dimension>:<kind>``; ``unit`` the unit values are stored in (converted); ``factor``
    converts the figure's own unit to it. ``recipient`` ("household") and ``head`` (the noun as
    written) only shape labels.
    """

    thing: str
    state: str | None = None
    qualifier: str | None = None
    scope: str | None = None
    per: str | None = None
    unit: str | None = None
    increment: bool = False
    factor: float = 1.0
    recipient: str | None = None
    head: str | None = None
    #: A restatement in another currency: shown in its own unit, kept out of status.
    shown_unit: str | None = None
    converted: bool = False


@dataclass(frozen=True)
class _Segment:
    """The text around one figure within its sentence, cut at its neighbours and clauses."""

    before: str  # from the previous figure (or the clause start) to the figure
    after: str  # from the figure to the next figure (or the clause end)
    clause: str  # the figure's whole clause (for money qualifiers and kinds)
    gap: str  # the text between the previous figure and this one (for coordination)


def _clause_bounds(text: str, start: int, end: int, breaks: Sequence[str]) -> tuple[int, int]:
    """Start and end of the clause around ``[start, end)`` in ``text``."""
    low = text.lower()
    left, right = 0, len(text)
    for mark in breaks:
        at = low.rfind(mark, 0, start)
        if at >= 0:
            left = max(left, at + len(mark))
        at = low.find(mark, end)
        if at >= 0:
            right = min(right, at)
    for mark in (". ", "? ", "! ", "\n"):
        at = text.rfind(mark, 0, start)
        if at >= 0:
            left = max(left, at + len(mark))
        at = text.find(mark, end)
        if at >= 0:
            right = min(right, at + 1)
    return left, right


def segments(text: str, spans: Sequence[tuple[int, int]]) -> list[_Segment]:
    """The segment of each figure (``spans`` sorted, relative to ``text``)."""
    breaks = vocab().breaks
    out: list[_Segment] = []
    for index, (start, end) in enumerate(spans):
        left, right = _clause_bounds(text, start, end, breaks)
        previous_end = spans[index - 1][1] if index else 0
        next_start = spans[index + 1][0] if index + 1 < len(spans) else len(text)
        before_from = max(left, previous_end)
        after_to = min(right, next_start)
        out.append(
            _Segment(
                before=text[before_from:start],
                after=text[end:after_to],
                clause=text[left:right],
                gap=text[previous_end:start] if index else "",
            )
        )
    return out


_NUMBER_WORDS = frozenset(
    ["number", "figure", "total", "toll", "count", "tally", "amount"]  # heads that say nothing
)
_COORDINATION = re.compile(
    r"^[\s,(]*(?:from|to|and|or|maybe|perhaps|than|versus|vs\.?|about|around|some|roughly|"
    r"approximately|nearly|almost|as many as|up to|at least)?[\s,(]*$",
    re.IGNORECASE,
)


class _Classifier:
    """Classifies the figures of one sentence in order, so a figure can lean on the previous."""

    def __init__(self, claim_text: str, claim_start: int, places: Sequence[Place]) -> None:
        self.text = claim_text
        self.start = claim_start
        self.places = places
        self.previous: Measure | None = None

    def classify(self, quantity: Quantity, segment: _Segment) -> Measure | None:
        """The figure's measure, or ``None`` for a figure that is no fact (a duration, an age,
        a bare number with nothing to say what it counts)."""
        v = vocab()
        if quantity.unit in v.skip_units or _singular(quantity):
            return None
        converted = self._conversion(quantity, segment)
        if converted is not None:
            return converted
        measure = self._inherit(self._own(quantity, segment), quantity, segment)
        if measure is None or not measure.thing:
            return None
        self.previous = measure
        return measure

    def _conversion(self, quantity: Quantity, segment: _Segment) -> Measure | None:
        """A figure in parentheses restating the previous one in another unit ("$2,000
        (approximately 2.76 million won)", "984 km² (380 sq mi)"): the same measure, only the
        unit differs. The same unit in parentheses is another figure ("about $22 million for
        11,000 troops")."""
        previous = self.previous
        if previous is None or not _CONVERSION.match(segment.gap):
            return None
        v = vocab()
        unit = quantity.unit or ""
        if _CURRENCY.match(unit) and previous.thing.startswith("money") and unit != previous.unit:
            return replace(previous, shown_unit=unit, converted=True, factor=1.0)
        if unit in v.units and previous.unit != unit:
            target, factor = v.units[unit]
            if target == previous.unit:
                return replace(previous, factor=factor)
        return None

    # --- the figure's own evidence ----------------------------------------------------------

    def _own(self, quantity: Quantity, segment: _Segment) -> Measure | None:
        v = vocab()
        unit = quantity.unit
        if unit and _CURRENCY.match(unit):
            return self._money(quantity, segment, unit)
        if unit in v.units:
            measure = self._physical(quantity, segment, unit)
            if measure.thing == "share":
                head = lemma(measure.head) if measure.head else ""
                return replace(measure, thing=f"share:{head}" if head else "share")
            return measure
        if unit == "ratio" or unit == "times":
            return Measure(thing="ratio", unit="times", head=self._head_word(quantity))
        return self._count(quantity, segment)

    def _money(self, quantity: Quantity, segment: _Segment, currency: str) -> Measure:
        v = vocab()
        window = segment.before + " " + segment.after
        kind = next((k for k, pattern in v.money if pattern.search(window)), None)
        time, recipient = _per_parts(quantity.per)
        time = time or _context_per(segment)
        if _FOR_PEOPLE.match(segment.after):
            time, recipient = None, None  # "$22 million for 11,000 troops": a total
        qualifier = _money_qualifier(segment.clause)
        kind = v.recipient_kinds.get(recipient or "", kind)
        return Measure(
            thing=f"money:{kind}" if kind else "money",
            qualifier=qualifier,
            per=time,
            unit=currency,
            recipient=recipient,
        )

    def _physical(self, quantity: Quantity, segment: _Segment, unit: str) -> Measure:
        v = vocab()
        target, factor = v.units[unit]
        dimension = v.dimensions.get(target, target)
        kind = _nearest_kind(v.measures.get(dimension, []), segment)
        time, _ = _per_parts(quantity.per)
        return Measure(
            thing=f"{dimension}:{kind}" if kind else dimension,
            unit=target,
            factor=factor,
            per=time,
            head=self._head_word(quantity),
        )

    def _count(self, quantity: Quantity, segment: _Segment) -> Measure | None:
        """A count of people or things; ``thing`` is "" when only the state is known (the
        previous figure may say what is counted: "declared 212 of them unsafe").

        The state is read before a thing is looked for around the figure: in "three are
        confirmed dead after part of the Greyhollow Dam gave way" the dam is no thing counted.
        """
        v = vocab()
        if not quantity.counted and _ELIDED.match(quantity.text + segment.after[:12]):
            return None  # "and three more": the previous figure's thing, whole
        head, thing, state, qualifier = self._head(quantity, segment.after)
        state = state or self._state(segment, thing)
        info = v.states.get(state or "")
        victim = info is not None and info.victim
        if thing is None and not victim:
            thing, qualifier_near = self._context_thing(segment)
            qualifier = qualifier or qualifier_near
        if victim and (thing is None or thing in v.person_things):
            thing = "people"
        if thing is None:
            if state is not None:
                thing = ""
            elif quantity.unit == "people":
                thing = "people"
            else:
                return None
        if state in v.presence:
            state, info = None, None
        if state is None and thing in v.deployable and _few(quantity):
            state = "individuals"  # "two soldiers ... were taken to Kyiv": people, not a force
        qualifier = qualifier or self._near_qualifier(segment)
        time, recipient = _per_parts(quantity.per)
        increment = bool(info and info.cumulative) and _is_increment(quantity, segment)
        return Measure(
            thing=thing,
            state=state,
            qualifier=qualifier,
            scope=self._scope(quantity, segment, thing, info) if thing else None,
            per=time or _period(segment),
            unit=_count_unit(thing),
            increment=increment,
            recipient=recipient,
            head=head,
        )

    def _head(
        self, quantity: Quantity, after: str = ""
    ) -> tuple[str | None, str | None, str | None, str | None]:
        """(head as written, thing, state, qualifier) from the counted phrase.

        A state word inside it ("troops killed or wounded", "more bodies", "death toll") gives
        the state, and the words before it the thing; else the head noun's lemma is looked up
        among the things; a demonym ("North Koreans") counts people; "number", "toll" and the
        like say nothing of the thing.
        """
        v = vocab()
        low = " ".join((quantity.counted or "").lower().split())
        if not low:
            return None, None, None, None
        qualifier = _qualifiers(low)
        state = None
        follow = after.lstrip().lower()
        extended = (
            follow[: len(low) + 25] if follow.startswith(low) else f"{low} {after[:25].lower()}"
        )
        found = next((m for m in v.state_re.finditer(extended) if m.start() < len(low)), None)
        if found is not None:
            state = v.state_of[found.group(0)]
            low = low[: found.start()].strip()
        words = low.split()
        if not words:
            return None, None, state, qualifier
        last = lemma(words[-1])
        for phrase in (" ".join([*words[-2:-1], last]), " ".join(words[-2:]), last, words[-1]):
            if phrase in v.thing_of:
                return words[-1], v.thing_of[phrase], state, qualifier
        if _demonym(words):
            return words[-1], "people", state, qualifier
        if last in _NUMBER_WORDS or state is not None:
            return None, None, state, qualifier
        return words[-1], last, state, qualifier

    def _head_word(self, quantity: Quantity) -> str | None:
        counted = (quantity.counted or "").split()
        return counted[-1] if counted else None

    def _context_thing(self, segment: _Segment) -> tuple[str | None, str | None]:
        """A thing word right after the figure (at most two words between, none a verb form:
        '"at least 10,000" North Korean forces') or just before it, with its qualifier."""
        v = vocab()
        after = segment.after[:60]
        for match in v.thing_re.finditer(after):
            between = re.findall(r"[A-Za-z]+", after[: match.start()])
            if len(between) > 3 or any(w.endswith(("ing", "ed")) for w in between):
                break
            thing = _thing_word(match.group(0))
            if thing is not None:
                return thing, _qualifiers(after[: match.start()])
        before = segment.before[-25:]
        found = list(v.thing_re.finditer(before))
        if found and not re.search(r"[A-Za-z]{3,}", before[found[-1].end() :].replace("of", "")):
            thing = _thing_word(found[-1].group(0))
            if thing is not None:
                return thing, _qualifiers(before[: found[-1].start()][-40:])
        return None, None

    def _state(self, segment: _Segment, thing: str | None) -> str | None:
        """The state the words around the figure give, for person-like or unknown things."""
        v = vocab()
        victims_ok = thing is None or thing in v.person_things
        verb = self._state_verb_before(segment)
        if verb is not None and (victims_ok or not v.states[verb].victim):
            return verb  # "killed or wounded several hundred soldiers sent by …": not "sent"
        after = [m for m in v.state_re.finditer(segment.after)]
        after = [
            m for m in after if victims_ok or not v.states[v.state_of[m.group(0).lower()]].victim
        ]
        if after:
            first = v.state_of[after[0].group(0).lower()]
            for later in after[1:]:
                state = v.state_of[later.group(0).lower()]
                if state in ("found safe", "returned home", "rescued") and (
                    later.start() - after[0].end() < 40
                ):
                    return state
            return first
        before = [m for m in v.state_re.finditer(segment.before)]
        before = [
            m for m in before if victims_ok or not v.states[v.state_of[m.group(0).lower()]].victim
        ]
        if before:
            return v.state_of[before[-1].group(0).lower()]
        return None

    def _state_verb_before(self, segment: _Segment) -> str | None:
        """A state verb right before the figure, whose object it is ("could have killed or
        wounded \"several hundred\" soldiers"): only quotes and spaces between them."""
        v = vocab()
        found = list(v.state_re.finditer(segment.before))
        if not found or segment.before[found[-1].end() :].strip(" \"“”'‘’"):
            return None
        return v.state_of[found[-1].group(0).lower()]

    def _near_qualifier(self, segment: _Segment) -> str | None:
        """A qualifier in the few words before the figure ("Russian troops are suffering 1,200")
        or an origin right after it ("soldiers from North Korea")."""
        v = vocab()
        before = segment.before[-30:]
        matches = list(v.qualifier_re.finditer(before))
        if matches and v.person_after_re.match(before[matches[-1].end() :]):
            return v.qualifier_of[matches[-1].group(0).lower()]
        origin = re.search(
            r"\bfrom\s+([A-Z][\w ]{2,20}?)\b(?:[,.;]|\s+(?:stationed|in|to)\b)", segment.after[:50]
        )
        if origin:
            return v.qualifier_countries.get(origin.group(1).strip().lower())
        return None

    def _scope(
        self, quantity: Quantity, segment: _Segment, thing: str, state: _State | None
    ) -> str | None:
        """The place scope of a count; see the module docstring.

        Deployable things read the clause after the figure loosely (the first place decides);
        anything else needs the place glued to the figure ("25 in Florida").
        """
        v = vocab()
        loose = thing in v.deployable and (state is None or state.name in v.presence)
        base = quantity.end - self.start
        rest = segment.after
        candidates: list[tuple[int, str | None]] = []  # (offset in rest, scope or None=total)
        for place in self.places:
            at = place.start - self.start - base
            if at < 0 or at >= len(rest):
                continue
            gap = rest[:at]
            if _AWAY.search(gap):
                continue
            follow = self.text[place.end - self.start : place.end - self.start + 2]
            if _is_country(place):
                if follow in ("'s", "’s"):
                    continue
                candidates.append((at, None))
            elif place.lat is not None:
                candidates.append((at, place.name or place.text))
        front = v.scope_re.search(rest)
        if front is not None:
            candidates.append((front.start(), v.scope_of[front.group(0).lower()]))
        if not candidates:
            return None
        at, scope = min(candidates, key=lambda c: c[0])
        if not loose and not _GLUED.match(rest[:at]):
            return None
        return scope

    # --- leaning on the previous figure -----------------------------------------------------

    def _inherit(
        self, measure: Measure | None, quantity: Quantity, segment: _Segment
    ) -> Measure | None:
        """Fill what the figure's own words leave open from the previous figure of the sentence.

        A coordinated figure ("from $500", "somewhere around 100, maybe as many as 120") takes
        everything, its rate included; any other takes the thing, unit, state and qualifier
        but never the rate: "$2,000 per month per soldier (about $22 million ...)" is a total.
        Its own kind word still wins ("12 km², down from a peak the province put at 35").
        """
        previous = self.previous
        if previous is None:
            return measure
        coordinated = (
            len(segment.gap) <= 16
            and "(" not in segment.gap
            and bool(_COORDINATION.match(segment.gap))
        )
        base = previous if coordinated else replace(previous, per=None, recipient=None)
        if measure is None:
            own = quantity.unit
            if own is not None and own != previous.unit and _count_unit(previous.thing) is None:
                return None
            own_kind = self._kind_again(previous, segment)
            info = vocab().states.get(previous.state or "")
            cumulative = info is None or info.cumulative
            increment = cumulative and _is_increment(quantity, segment)
            return replace(base, thing=own_kind, increment=increment)
        if measure.unit != previous.unit and measure.thing:
            return measure
        if measure.thing == "":
            return replace(
                base,
                state=measure.state,
                increment=measure.increment,
                scope=measure.scope or base.scope,
            )
        general = (
            measure.thing in ("money", "people") or measure.thing in vocab().dimensions.values()
        )
        if general and previous.thing.startswith(measure.thing) and previous.thing != measure.thing:
            if measure.thing == "people" and (measure.state or quantity.counted):
                return measure
            return replace(
                measure,
                thing=previous.thing,
                state=measure.state or previous.state,
                qualifier=measure.qualifier or previous.qualifier,
                per=measure.per or base.per,
                recipient=measure.recipient or base.recipient,
            )
        bare_people = measure.thing == "people" and not measure.state and not quantity.counted
        if bare_people and previous.thing in vocab().person_things:
            return replace(base, increment=measure.increment)
        return measure

    def _kind_again(self, previous: Measure, segment: _Segment) -> str:
        """The previous thing, with the figure's own kind word when it has one."""
        dimension, _, _ = previous.thing.partition(":")
        kinds = vocab().measures.get(dimension)
        if not kinds:
            return previous.thing
        kind = _nearest_kind(kinds, segment)
        return f"{dimension}:{kind}" if kind else previous.thing


#: A place after these words is not where the counted are ("from North Korea", "toward Kursk").
_AWAY = re.compile(r"\b(?:from|toward|towards|near|closer to|against)\s+(?:the\s+)?$", re.I)
#: A place glued to the figure: "25 in Florida", "four people in Fort Pierce".
_GLUED = re.compile(r"^\s*(?:in|inside|at)\s+(?:the\s+)?$", re.IGNORECASE)


#: A figure whose noun is left out because it repeats the previous one ("and three more").
_ELIDED = re.compile(r"^\S+(?:\s+\S+)?\s+(?:more|others?)\b(?!\s+(?:than|\w+s\b))", re.IGNORECASE)


#: The gap before a parenthesised restatement of the previous figure.
_CONVERSION = re.compile(
    r"^\s*\(\s*(?:about|approximately|around|roughly|some|nearly|almost|or|up to)?\s*$",
    re.IGNORECASE,
)
_FOR_PEOPLE = re.compile(r"^\s*for\s+(?:all\s+|the\s+)?[\d,.]+", re.IGNORECASE)
_SINGULAR = re.compile(r"^(?:one|a|an)\b", re.IGNORECASE)


def _singular(quantity: Quantity) -> bool:
    """ "one thing", "one of Russia's few open allies", "One soldier": an individual, no count."""
    plain = quantity.value == 1 and quantity.low is None and quantity.high is None
    return plain and not quantity.vague and bool(_SINGULAR.match(quantity.text))


def _few(quantity: Quantity) -> bool:
    """A handful (under ten, no bound): individuals named in a report, not a force's size."""
    exact = quantity.low is None and quantity.high is None and not quantity.vague
    return exact and quantity.value is not None and quantity.value < 10


def _count_unit(thing: str) -> str | None:
    """People for person-like things, ``count`` for other things, unknown for "" (to inherit)."""
    if not thing:
        return None
    return "people" if thing in vocab().person_things else "count"


def _is_country(place: Place) -> bool:
    """A country mention: linked to a country of the gazetteer (which gives it no point)."""
    return place.name is not None and place.country_code is not None and place.lat is None


def _demonym(words: Sequence[str]) -> bool:
    """Whether the phrase ends in a demonym used as a noun ("North Koreans")."""
    demonyms = vocab().demonyms
    tail2 = " ".join(words[-2:])
    return tail2.removesuffix("s") in demonyms or words[-1].removesuffix("s") in demonyms


def _thing_word(word: str) -> str | None:
    v = vocab()
    low = word.lower()
    return v.thing_of.get(low) or v.thing_of.get(lemma(low))


def _qualifiers(text: str) -> str | None:
    """The qualifiers of a phrase, joined: "Russian and North Korean" is its own group."""
    v = vocab()
    found = list(
        dict.fromkeys(v.qualifier_of[m.group(0).lower()] for m in v.qualifier_re.finditer(text))
    )
    return " and ".join(found) if found else None


def _qualifier_in(text: str) -> str | None:
    v = vocab()
    match = v.qualifier_re.search(text)
    return v.qualifier_of[match.group(0).lower()] if match else None


def _money_qualifier(clause: str) -> str | None:
    """Whose money: a nationality or origin word before a person noun in the clause."""
    v = vocab()
    for match in v.qualifier_re.finditer(clause):
        if re.search(r"\bby\s+(?:the\s+)?$", clause[max(0, match.start() - 8) : match.start()]):
            continue  # "captured by Ukrainian forces": an agent, not whose money
        if v.person_after_re.match(clause[match.end() : match.end() + 40]):
            return v.qualifier_of[match.group(0).lower()]
    return None


def _per_parts(per: str | None) -> tuple[str | None, str | None]:
    """(time unit, recipient) of a rate as the extractor wrote it ("household per month")."""
    if not per:
        return None, None
    time, recipient = None, None
    for part in re.split(r"\s+per\s+|\s*/\s*", per.lower()):
        part = part.strip()
        if part in ("day", "week", "month", "year", "hour"):
            time = time or part
        elif part:
            recipient = recipient or lemma(part)
    return time, recipient


def _context_per(segment: _Segment) -> str | None:
    """A rate the extractor left out: "a month" right after the figure, "monthly" before it."""
    v = vocab()
    for unit, pattern in v.per_after:
        if pattern.search(segment.after[:20]):
            return unit
    for unit, pattern in v.per_before:
        if pattern.search(segment.before):
            return unit
    return None


_PERIOD = re.compile(
    r"\b(?:in|over|during)\s+(?:the\s+)?(?:last|past|previous|space of (?:a|one)"
    r"(?: single)?|a single|one single)\s+(day|week|month|year)\b",
    re.IGNORECASE,
)


def _period(segment: _Segment) -> str | None:
    """A count over one period ("in the last week alone") is a rate per that period."""
    match = _PERIOD.search(segment.after[:80])
    if match:
        return match.group(1).lower()
    per = re.search(r"\b(?:per|a|each|every)\s+(day|week|month|year)\b", segment.after[:30])
    return per.group(1).lower() if per else None


def _is_increment(quantity: Quantity, segment: _Segment) -> bool:
    return bool(vocab().increment_re.search(quantity.text + segment.after[:16]))


def _nearest_kind(kinds: Sequence[tuple[str, re.Pattern[str]]], segment: _Segment) -> str | None:
    """The kind whose word is nearest the figure (ties: the table's order)."""
    best: tuple[int, int, str] | None = None
    for order, (kind, pattern) in enumerate(kinds):
        for match in pattern.finditer(segment.before):
            distance = len(segment.before) - match.end()
            best = min(best or (distance, order, kind), (distance, order, kind))
        for match in pattern.finditer(segment.after):
            distance = match.start()
            best = min(best or (distance, order, kind), (distance, order, kind))
    return best[2] if best else None


# --- dates -----------------------------------------------------------------------------------


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _interval(iso: str, granularity: str | None) -> tuple[date, date] | None:
    """The days a resolved date covers (a month is all its days)."""
    if "/" in iso:
        left, right = iso.split("/", 1)
        a, b = _interval(left, None), _interval(right, None)
        return (a[0], b[1]) if a and b else None
    if len(iso) >= 10:
        day = _day(iso)
        return (day, day) if day else None
    if len(iso) == 7 and granularity in (None, "month"):
        try:
            first = date(int(iso[:4]), int(iso[5:7]), 1)
        except ValueError:
            return None
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, following - timedelta(days=1)
    return None


def as_of(claim: Claim, published: str | None) -> tuple[str | None, tuple[date, date] | None]:
    """The figure's as-of date (ISO as precise as known) and the days it covers.

    The claim's latest day-precise date not after publication (a statement "on Monday"), else its
    narrowest week, range or month (clipped at publication), else the publication day. A range
    that runs up to publication ("in the past two days", "since the 1950s") or a start ("since
    Sunday night") says how long, not when: the figure beside it stands as of publication.
    """
    pub = _day(published) if published else None
    days: list[tuple[date, date]] = []
    spans: list[tuple[int, date, date, str]] = []
    for when in claim.when:
        if not when.date or when.granularity in ("year", "decade", "season"):
            continue
        interval = _interval(when.date, when.granularity)
        if interval is None or (pub is not None and interval[0] > pub):
            continue
        start, end = interval
        if when.text.lower().startswith("since"):
            continue  # "evacuated since Sunday night": when it began, the figure is now's
        if when.granularity == "range" and pub is not None and end >= pub:
            continue  # "traced in the past two days": a stretch up to now, the figure is now's
        end = min(end, pub) if pub else end
        if when.granularity in ("day", "time"):
            days.append((start, start))
        else:
            spans.append(((end - start).days, start, end, when.granularity or "range"))
    if days:
        day = max(days)[0]
        return day.isoformat(), (day, day)
    if spans:
        _, start, end, granularity = min(spans, key=lambda s: (s[0], -s[2].toordinal()))
        iso = start.isoformat()[:7] if granularity == "month" else end.isoformat()
        return iso, (start, end)
    if pub is not None:
        return pub.isoformat(), (pub, pub)
    return None, None


# --- the index -------------------------------------------------------------------------------


def _fact_id(story: str, key: str) -> str:
    return hashlib.sha256(f"{story}\n{key}".encode()).hexdigest()[:16]


def _signature(measure: Measure) -> str:
    """The key of a fact without its qualifier (see :meth:`FactIndex._groups`)."""
    parts = (
        measure.thing,
        measure.state or "",
        measure.scope or "",
        measure.per or "",
        measure.unit or "",
        "+" if measure.increment else "",
    )
    return "|".join(parts)


@dataclass
class _Story:
    """What the index keeps of one story (plain data; see :meth:`FactIndex.to_state`)."""

    facts: dict[str, JSON] = field(default_factory=dict)
    documents: dict[str, JSON] = field(default_factory=dict)
    last_day: str | None = None
    qualifiers: dict[str, int] = field(default_factory=dict)
    places: dict[str, int] = field(default_factory=dict)
    actors: Actors = field(default_factory=Actors)
    skipped: int = 0

    def dominant(self) -> str:
        """The story's most frequent qualifier ("North Korean"), or "" when it has none."""
        if not self.qualifiers:
            return ""
        return max(self.qualifiers, key=lambda q: (self.qualifiers[q], q))

    def to_state(self) -> JSON:
        return {
            "facts": self.facts,
            "documents": self.documents,
            "last_day": self.last_day,
            "qualifiers": self.qualifiers,
            "places": self.places,
            "actors": self.actors.to_state(),
            "skipped": self.skipped,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> _Story:
        return cls(
            facts={str(k): dict(v) for k, v in state["facts"].items()},
            documents={str(k): dict(v) for k, v in state["documents"].items()},
            last_day=state["last_day"],
            qualifiers={str(k): int(v) for k, v in state["qualifiers"].items()},
            places={str(k): int(v) for k, v in state["places"].items()},
            actors=Actors.from_state(state["actors"]),
            skipped=int(state.get("skipped", 0)),
        )


class FactIndex:
    """Incremental facts of every story; see the module docstring for the method.

    Not thread-safe: one writer at a time, like :class:`~newsledger.reconcile.stories.StoryIndex`.
    """

    def __init__(self, settings: FactSettings | None = None) -> None:
        self.settings = settings or FactSettings()
        self._stories: dict[str, _Story] = {}
        #: The fact each group was last read as, with the shape of its records then: what a
        #: new document is compared against, so ``add`` reads each touched fact once, not twice.
        self._last: dict[tuple[str, str], tuple[tuple[tuple[str, int], ...], Fact]] = {}

    # --- public -------------------------------------------------------------------------------

    def add(self, extraction: Extraction, story_id: str) -> list[Change]:
        """Put the document's figures into the facts of ``story_id``; what changed.

        A document already added changes nothing and returns no change.
        """
        story = self._stories.setdefault(story_id, _Story())
        document = extraction.document
        if document.id in story.documents:
            return []
        publisher = self._register(story, extraction)
        touched: dict[str, list[JSON]] = {}
        for key, measure, mention in self._mentions(story, extraction, publisher):
            touched.setdefault(key, []).append(mention)
            if key not in story.facts:
                story.facts[key] = _new_record(key, measure)
        groups = self._groups(story, touched)
        before = {
            gid: self._cached(story_id, story, gid, records) for gid, records in groups.items()
        }
        before = {gid: fact for gid, fact in before.items() if fact.values}
        for key, added in touched.items():
            story.facts[key]["mentions"].extend(added)
            for mention in added:
                if mention["qualifier"]:
                    q = mention["qualifier"]
                    story.qualifiers[q] = story.qualifiers.get(q, 0) + 1
        changes: list[Change] = []
        for gid, records in self._groups(story, touched).items():
            after = self._fact(story_id, story, gid, records)
            self._last[(story_id, gid)] = (_shape(records), after)
            added = [
                m for key in touched if key in {r["key"] for r in records} for m in touched[key]
            ]
            changes.extend(_changes(story_id, before.get(gid), after, added))
        return changes

    def facts(self, story_id: str) -> list[Fact]:
        """The story's facts as records, in the order they were first reported."""
        story = self._stories.get(story_id)
        if story is None:
            return []
        return [
            self._fact(story_id, story, gid, records)
            for gid, records in self._groups(story).items()
        ]

    def story_ids(self) -> list[str]:
        return list(self._stories)

    def actors(self, story_id: str) -> Actors:
        """The story's merged actors (for "who said what" and the JSON's list of merges)."""
        story = self._stories.get(story_id)
        return story.actors if story else Actors()

    def merges(self, story_id: str) -> list[Merge]:
        return list(self.actors(story_id).merges)

    def skipped(self, story_id: str) -> int:
        """Figures of the story that measure nothing a fact can hold (durations, bare numbers)."""
        story = self._stories.get(story_id)
        return story.skipped if story else 0

    def merge_story(self, survivor: str, absorbed: str) -> None:
        """Fold the facts of a story the story index merged into another (same keys join)."""
        gone = self._stories.pop(absorbed, None)
        if gone is None:
            return
        self._last = {k: v for k, v in self._last.items() if k[0] not in (survivor, absorbed)}
        story = self._stories.setdefault(survivor, _Story())
        for key, record in gone.facts.items():
            mine = story.facts.get(key)
            if mine is None:
                story.facts[key] = record
            else:
                mine["mentions"].extend(record["mentions"])
        story.documents.update(gone.documents)
        for counts, more in ((story.places, gone.places), (story.qualifiers, gone.qualifiers)):
            for name, n in more.items():
                counts[name] = counts.get(name, 0) + n
        days = [d for d in (story.last_day, gone.last_day) if d]
        story.last_day = max(days) if days else None
        story.skipped += gone.skipped

    def to_state(self) -> JSON:
        """The whole index as JSON-ready plain data.

        Keys: ``version``; ``settings`` (the :class:`FactSettings` fields); ``stories``: story id
        -> ``facts`` (record key -> ``key``, ``signature``, ``qualifier``, the measure's fields
        and ``mentions``: one
        dict per figure with its document, outlet, published, url, source, origin, span, quote,
        certainty, reading and as-of), ``documents`` (document id -> publishing origin and
        published date), ``last_day``, ``qualifiers`` (qualifier -> figures), ``places``
        (place -> claims naming it), ``actors`` (see :class:`~.origins.Actors`), ``skipped``.
        """
        return {
            "version": STATE_VERSION,
            "settings": asdict(self.settings),
            "stories": {sid: story.to_state() for sid, story in self._stories.items()},
        }

    @classmethod
    def from_state(
        cls, state: Mapping[str, Any], settings: FactSettings | None = None
    ) -> FactIndex:
        """An index that continues exactly where the one that wrote ``state`` stopped."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"fact index state version {state.get('version')!r} not supported")
        if settings is None:
            known = {f.name for f in fields(FactSettings)}
            settings = FactSettings(**{k: v for k, v in state["settings"].items() if k in known})
        index = cls(settings)
        index._stories = {
            str(sid): _Story.from_state(item) for sid, item in state["stories"].items()
        }
        return index

    # --- reading one document -----------------------------------------------------------------

    def _register(self, story: _Story, extraction: Extraction) -> str:
        """Note the document (origin, date) and its people; its publishing origin."""
        document = extraction.document
        original = story.documents.get(document.duplicate_of or "")
        # Only the original's origin is ever looked up: not a map of the whole story, which
        # would cost every new document time in proportion to its story's size.
        copies = (
            {document.duplicate_of: original["origin"]}
            if original is not None and document.duplicate_of
            else {}
        )
        publisher = publishing_origin(extraction, copies)
        published = document.published.value
        if original is not None and original.get("published"):
            published = original["published"]
        story.documents[document.id] = {"origin": publisher, "published": published}
        day = _day(document.published.value or "")
        if day is not None and (story.last_day is None or day.isoformat() > story.last_day):
            story.last_day = day.isoformat()
        story.actors.learn(extraction.entities, document.body)
        return publisher

    def _mentions(
        self, story: _Story, extraction: Extraction, publisher: str
    ) -> Iterator[tuple[str, Measure, JSON]]:
        """Every figure of the document that measures something: (fact key, measure, mention)."""
        document = extraction.document
        published = story.documents[document.id]["published"]
        seen: set[tuple[int, int]] = set()
        counted: set[tuple[int, int]] = set()  # place mentions, each counted once
        for claims in _sentences(extraction.claims):
            claim_text, claim_start = claims[0].text, claims[0].start
            owned = _owned_quantities(claims)
            spans = [(q.start - claim_start, q.end - claim_start) for q, _ in owned]
            claim_end = claims[0].end
            places = [p for c in claims for p in c.where] + [
                p for p in extraction.places if claim_start <= p.start < claim_end
            ]
            places = sorted({(p.start, p.end): p for p in places}.values(), key=lambda p: p.start)
            self._count_places(story, [p for p in places if (p.start, p.end) not in counted])
            counted.update((p.start, p.end) for p in places)
            classifier = _Classifier(claim_text, claim_start, places)
            for (quantity, claim), segment in zip(owned, segments(claim_text, spans), strict=True):
                measure = classifier.classify(quantity, segment)
                if (quantity.start, quantity.end) in seen:
                    continue
                seen.add((quantity.start, quantity.end))
                if measure is None:
                    story.skipped += 1
                    continue
                key = f"{_signature(measure)}|{measure.qualifier or ''}"
                yield (
                    key,
                    measure,
                    self._mention(
                        story, extraction, claim, quantity, measure, publisher, published
                    ),
                )

    def _count_places(self, story: _Story, places: Iterable[Place]) -> None:
        for place in places:
            if not _is_country(place):
                name = place.name or place.text
                story.places[name] = story.places.get(name, 0) + 1

    def _groups(self, story: _Story, only: Iterable[str] | None = None) -> dict[str, list[JSON]]:
        """Records grouped into facts: a fact id -> its records, in first-reported order.

        A record holds the figures of one signature and one qualifier as written. The figures
        with no qualifier are the story's main subject, so they join the records that carry the
        story's dominant qualifier ("troops" are the North Korean troops of a story about them);
        any other qualifier ("Russian troops") is a fact of its own. Deciding this when facts are
        read, not when figures arrive, keeps it independent of arrival order. ``only``: the
        groups of these record keys alone.
        """
        dominant = story.dominant()
        wanted = None
        if only is not None:
            wanted = {_group_key(story.facts[k], dominant) for k in only}
        groups: dict[str, list[JSON]] = {}
        for record in story.facts.values():
            group = _group_key(record, dominant)
            if wanted is None or group in wanted:
                groups.setdefault(group, []).append(record)
        return groups

    def _mention(
        self,
        story: _Story,
        extraction: Extraction,
        claim: Claim,
        quantity: Quantity,
        measure: Measure,
        publisher: str,
        published: str | None,
    ) -> JSON:
        document = extraction.document
        source, origin = claim_origin(claim, extraction, story.actors, publisher)
        iso, interval = as_of(claim, published)
        if interval is None and story.last_day:
            start = date.fromisoformat(story.last_day)
            interval = (start, start + timedelta(days=self.settings.undated_days))
        factor = measure.factor

        def scaled(x: float | None) -> float | None:
            return None if x is None else round(x * factor, 6)

        countries = [p.name for p in claim.where if _is_country(p) and p.name]
        return {
            "document": document.id,
            "outlet": outlet_name(document),
            "published": document.published.value,
            "url": document.url,
            "source": source,
            "origin": origin,
            "start": quantity.start,
            "end": quantity.end,
            "quote": document.body[quantity.start : quantity.end],
            "text": quantity.text,
            "certainty": claim.certainty,
            "unit": measure.shown_unit or measure.unit,
            "converted": measure.converted,
            "value": scaled(quantity.value),
            "low": scaled(quantity.low),
            "high": scaled(quantity.high),
            "approximate": quantity.approximate,
            "vague": quantity.vague,
            "as_of": iso,
            "days": [interval[0].isoformat(), interval[1].isoformat()] if interval else None,
            "recipient": measure.recipient,
            "head": measure.head,
            "qualifier": measure.qualifier,
            "countries": countries,
        }

    # --- materialising ------------------------------------------------------------------------

    def _fact(self, story_id: str, story: _Story, group: str, records: Sequence[JSON]) -> Fact:
        record = records[0]
        mentions = [self._canonical(story, m) for r in records for m in r["mentions"]]
        values = _values(mentions, record["unit"])
        origins = tuple(dict.fromkeys(m["origin"] for m in mentions))
        outlets = tuple(dict.fromkeys(m["outlet"] for m in mentions))
        return Fact(
            id=_fact_id(story_id, group),
            story=story_id,
            label=_label(record, mentions, story),
            what=_what(record),
            where=record["scope"],
            per=_per_label(record, mentions),
            unit=record["unit"],
            status=status(mentions, self.settings),
            values=values,
            origins=origins,
            outlets=outlets,
            corroborating=tuple(independent(mentions)),
        )

    def _cached(self, story_id: str, story: _Story, group: str, records: Sequence[JSON]) -> Fact:
        """The group's fact as last read, when its records have not changed since."""
        last = self._last.get((story_id, group))
        if last is not None and last[0] == _shape(records):
            return last[1]
        return self._fact(story_id, story, group, records)

    def _canonical(self, story: _Story, mention: JSON) -> JSON:
        """The mention with its source and origin as the story's actors stand now."""
        source = mention["source"]
        if source is None:
            return mention
        name = story.actors.canonical(source)
        origin = mention["origin"]
        if not origin.startswith("unnamed source via "):
            origin = story.actors.origin_of(name)
        if name == source and origin == mention["origin"]:
            return mention
        return {**mention, "source": name, "origin": origin}


def _shape(records: Sequence[JSON]) -> tuple[tuple[str, int], ...]:
    return tuple((r["key"], len(r["mentions"])) for r in records)


def _new_record(key: str, measure: Measure) -> JSON:
    return {
        "key": key,
        "signature": _signature(measure),
        "qualifier": measure.qualifier or "",
        "thing": measure.thing,
        "state": measure.state,
        "scope": measure.scope,
        "per": measure.per,
        "unit": measure.unit,
        "increment": measure.increment,
        "mentions": [],
    }


def _group_key(record: Mapping[str, Any], dominant: str) -> str:
    qualifier = record["qualifier"]
    if qualifier in ("", dominant):
        return str(record["signature"])
    return f"{record['signature']}|{qualifier}"


def _sentences(claims: Sequence[Claim]) -> Iterator[list[Claim]]:
    """Claims grouped by sentence (one sentence can carry several attributed claims)."""
    groups: dict[tuple[int, int], list[Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.start, claim.end), []).append(claim)
    for key in sorted(groups):
        yield groups[key]


def _owned_quantities(claims: Sequence[Claim]) -> list[tuple[Quantity, Claim]]:
    """Each figure of the sentence once, with the claim that owns it, in text order."""
    owned: dict[tuple[int, int], tuple[Quantity, Claim]] = {}
    for claim in claims:
        for quantity in claim.quantities:
            owned.setdefault((quantity.start, quantity.end), (quantity, claim))
    return [owned[k] for k in sorted(owned)]


# --- readings, status, labels ----------------------------------------------------------------


def _reading(mention: Mapping[str, Any]) -> tuple[Any, ...]:
    if mention["vague"] and mention["low"] is None and mention["high"] is None:
        return ("vague", " ".join(mention["text"].lower().split()))
    numbers = (mention["value"], mention["low"], mention["high"], bool(mention["vague"]))
    return (*numbers, mention.get("unit"))


def _citation(mention: Mapping[str, Any]) -> Citation:
    return Citation(
        document=mention["document"],
        outlet=mention["outlet"],
        published=mention["published"],
        source=mention["source"],
        start=mention["start"],
        end=mention["end"],
        quote=mention["quote"],
        url=mention["url"],
        origin=mention["origin"],
        certainty=mention["certainty"],
    )


def _strongest(certainties: Iterable[str]) -> Certainty:
    """The strongest certainty among a reading's citations (confirmed beats reported ...)."""
    present = set(certainties)
    return next((c for c in CERTAINTY_ORDER if c in present), "reported")


def _sort_day(mention: Mapping[str, Any]) -> str:
    days = mention["days"]
    return days[0] if days else "9999-99-99"


def _values(mentions: Sequence[Mapping[str, Any]], unit: str | None) -> tuple[FactValue, ...]:
    """One value per distinct reading, in the order first reported (by as-of, then arrival)."""
    groups: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
    for mention in mentions:
        groups.setdefault(_reading(mention), []).append(mention)
    values = []
    for group in groups.values():
        first = min(group, key=_sort_day)
        dated = [m["as_of"] for m in group if m["as_of"]]
        values.append(
            (
                _sort_day(first),
                FactValue(
                    value=first["value"],
                    low=first["low"],
                    high=first["high"],
                    unit=first.get("unit", unit),
                    approximate=all(m["approximate"] for m in group),
                    vague=bool(first["vague"]),
                    text=first["text"],
                    as_of=min(dated) if dated else None,
                    certainty=_strongest(m["certainty"] for m in group),
                    sources=tuple(_citation(m) for m in group),
                ),
            )
        )
    values.sort(key=lambda pair: pair[0])
    return tuple(v for _, v in values)


def interval(mention: Mapping[str, Any], settings: FactSettings) -> tuple[float, float] | None:
    """What a reading allows, as a closed interval; ``None`` for a vague amount."""
    value, low, high = mention["value"], mention["low"], mention["high"]
    if mention["vague"]:
        return None
    if value is not None:
        slack = settings.approximate if mention["approximate"] else settings.exact
        return value * (1 - slack), value * (1 + slack)
    if low is not None and high is not None:
        return low * (1 - settings.exact), high * (1 + settings.exact)
    if low is not None:
        return low, low * (1 + settings.lower_bound)
    if high is not None:
        return high * (1 - settings.upper_bound), high
    return None


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


@dataclass(frozen=True)
class _Point:
    origin: str
    firm: bool
    lo: float
    hi: float
    start: int  # day ordinals of the as-of interval
    end: int


def _points(mentions: Iterable[Mapping[str, Any]], settings: FactSettings) -> list[_Point]:
    points = []
    for mention in mentions:
        if mention.get("converted"):
            continue  # another currency: shown, never compared
        allowed = interval(mention, settings)
        if allowed is None:
            continue
        days = mention["days"]
        start = date.fromisoformat(days[0]).toordinal() if days else -1
        end = date.fromisoformat(days[1]).toordinal() if days else -1
        firm = mention["certainty"] in FIRM
        points.append(_Point(mention["origin"], firm, allowed[0], allowed[1], start, end))
    return points


def status(mentions: Sequence[Mapping[str, Any]], settings: FactSettings) -> FactStatus:
    """The fact's status from its figures; see the module docstring."""
    points = _points(mentions, settings)
    dated = [p for p in points if p.start >= 0]
    slack = settings.same_time_days
    if dated:
        latest = max(dated, key=lambda p: (p.end, p.start))
        current = [p for p in dated if p.end + slack >= latest.start]
        for i, a in enumerate(current):
            for b in current[i + 1 :]:
                same_time = a.start <= b.end + slack and b.start <= a.end + slack
                if same_time and a.origin != b.origin and not _overlap((a.lo, a.hi), (b.lo, b.hi)):
                    return "disputed"
    if _moved(dated, slack):
        return "changing"
    if len(independent(mentions)) >= 2:
        return "corroborated"
    return "single-source"


def independent(mentions: Iterable[Mapping[str, Any]]) -> list[str]:
    """The independent origins behind a fact's firm, numeric figures.

    A named source counts; the outlet's own figure or an unnamed source counts only for a
    document that names no source for the fact: an article giving "about 1,000, citing
    intelligence" and, a paragraph later, the lawmaker who briefed it, is one report.
    """
    firm = [
        m for m in mentions if m["certainty"] in FIRM and not m["vague"] and not m.get("converted")
    ]
    named_documents = {m["document"] for m in firm if m["source"] is not None}
    origins = [
        m["origin"] for m in firm if m["source"] is not None or m["document"] not in named_documents
    ]
    return list(dict.fromkeys(origins))


def _moved(points: Sequence[_Point], slack: int) -> bool:
    """Whether a firm value is incompatible with a firm value reported strictly earlier."""
    firm = sorted((p for p in points if p.firm), key=lambda p: (p.start, p.end))
    low_top, high_bottom = float("inf"), float("-inf")  # min hi and max lo seen earlier
    pending: list[_Point] = []
    for point in firm:
        for earlier in [p for p in pending if p.end + slack < point.start]:
            low_top = min(low_top, earlier.hi)
            high_bottom = max(high_bottom, earlier.lo)
            pending.remove(earlier)
        if point.lo > low_top or point.hi < high_bottom:
            return True
        pending.append(point)
    return False


def _most_common(items: Iterable[str | None]) -> str | None:
    counts = Counter(i for i in items if i)
    return counts.most_common(1)[0][0] if counts else None


_THING_WORD = {"troops": "troops", "people": "people"}


def _event_place(places: Mapping[str, int]) -> str | None:
    """The place the story's documents name most; on a tie, the one named first in the story
    (the lead names where it happened; a witness's street comes later)."""
    order = {name: -n for n, name in enumerate(places)}
    return max(places, key=lambda k: (places[k], order[k])) if places else None


def _label(record: Mapping[str, Any], mentions: Sequence[Mapping[str, Any]], story: _Story) -> str:
    """A readable name: "North Korean troops in Kursk", "Missing (Greyhollow Dam)".

    A fact of the story's main subject (no qualifier of its own) carries the story's dominant
    qualifier; people in a victim state are named after the noun most reports count them by.
    """
    v = vocab()
    thing: str = record["thing"]
    state: str | None = record["state"]
    qualifier = record["qualifier"] or ""
    dominant = story.dominant()
    about_people = thing in v.person_things or thing in v.deployable or thing.startswith("money")
    if not qualifier and dominant and about_people:
        qualifier = dominant  # the figures with no qualifier were grouped with the dominant one
    per = _per_label(record, mentions)
    tail = f" per {per}" if per else ""
    tail += " (increase)" if record["increment"] else ""
    if thing.startswith("money"):
        kind = thing.partition(":")[2] or "money"
        if not per and kind in ("pay", "relief payment"):
            tail += " (total)"
        return _cap(f"{qualifier} {kind}{tail}")
    if ":" in thing or thing in v.dimensions.values():
        return _cap(thing.partition(":")[2] or thing) + tail
    heads = [v.thing_of.get(lemma(m["head"])) for m in mentions if m["head"]]
    noun = "troops" if thing == "troops" or _most_common(heads) == "troops" else thing
    if state is None:
        base = f"{qualifier} {noun}".strip()
        if record["scope"]:
            return _cap(f"{base} in {record['scope']}{tail}")
        if thing in v.deployable:
            own = {c for c, q in v.qualifier_countries.items() if q == qualifier}
            countries = [c for m in mentions for c in m["countries"] if c.lower() not in own]
            country = _most_common(countries)
            where = f" in {country}" if country else ""
            return _cap(f"{base}{where} (total){tail}")
        return _cap(base + tail)
    if qualifier:
        base = f"{qualifier} {noun} {state}"
    elif noun == "people":
        event = _event_place(story.places)
        base = f"{state} ({event})" if event else state
    else:
        base = f"{noun} {state}"
    if record["scope"]:
        base += f" in {record['scope']}"
    return _cap(base + tail)


def _per_label(record: Mapping[str, Any], mentions: Sequence[Mapping[str, Any]]) -> str | None:
    recipient = _most_common(m["recipient"] for m in mentions)
    time = record["per"]
    if recipient and time:
        return f"{recipient} per {time}"
    return time or recipient


def _what(record: Mapping[str, Any]) -> str:
    parts = [record["thing"].replace(":", ": ")]
    if record["state"]:
        parts.append(record["state"])
    if record["increment"]:
        parts.append("increase")
    return ", ".join(parts)


def _cap(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]


# --- changes ---------------------------------------------------------------------------------


def compact(value: FactValue) -> JSON:
    """A value as ``before``/``after`` of a change show it."""
    return {
        "value": value.value,
        "low": value.low,
        "high": value.high,
        "unit": value.unit,
        "text": value.text,
        "as_of": value.as_of,
    }


def _changes(
    story_id: str, before: Fact | None, after: Fact, added: Sequence[JSON]
) -> list[Change]:
    """The changes one document made to one fact, in a fixed order: new_fact alone for a new
    fact; else each new value, each new origin, then a status change."""
    mine = {(m["document"], m["start"], m["end"]) for m in added}

    def new(citations: Iterable[Citation]) -> tuple[Citation, ...]:
        return tuple(c for c in citations if (c.document, c.start, c.end) in mine)

    sources = new(c for v in after.values for c in v.sources)
    if before is None:
        summary = {
            "label": after.label,
            "status": after.status,
            "values": [compact(v) for v in after.values],
        }
        return [Change("new_fact", story_id, after.id, None, summary, sources)]
    changes: list[Change] = []
    old = {_value_key(v) for v in before.values}
    earlier = [compact(v) for v in before.values]
    for value in after.values:
        if _value_key(value) not in old:
            change = Change(
                "new_value", story_id, after.id, earlier, compact(value), new(value.sources)
            )
            changes.append(change)
    for origin in after.origins:
        if origin not in before.origins:
            cites = tuple(c for c in sources if c.origin == origin)
            changes.append(
                Change("new_source", story_id, after.id, list(before.origins), origin, cites)
            )
    if before.status != after.status:
        changes.append(
            Change("status_changed", story_id, after.id, before.status, after.status, sources)
        )
    return changes


def _value_key(value: FactValue) -> tuple[Any, ...]:
    return (value.value, value.low, value.high, value.vague, value.text if value.vague else "")
