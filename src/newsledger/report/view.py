"""The briefing as the templates see it: built once from a ``Briefing``, laid out by md and html.

Both formats (and the web app's story page) say the same things in the same order, so
everything that is decided (how a value is worded, a fact's range, which facts are flagged,
citation numbers, how much of a long list is shown) is decided here, once. The templates only
lay the view out and escape it for their format. All strings here are raw, cleaned text;
escaping is the templates' job.

Long lists are capped (:class:`Caps`). A story of thousands of reports cites its main figures
thousands of times; shown whole, its briefing would grow with every report, and so would the
time to render it. A capped list keeps its first items (the earliest reports) and counts the
rest (:class:`Capped`), so nothing is dropped silently: the templates say "and K more" and
where they are. The JSON briefing (``Briefing.to_json()``) is never capped; the web app pages
through the rest in the order of :class:`Listing`, the same order the caps cut.
"""

from __future__ import annotations

import base64
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from itertools import accumulate
from typing import Any, Generic, TypeVar

from newsledger.model import (
    Briefing,
    Change,
    Citation,
    Document,
    Fact,
    FactValue,
    Speaker,
    StoryBrief,
    TimelineEntry,
)
from newsledger.report import plots
from newsledger.report.escape import clean_text, safe_url
from newsledger.report.words import (
    CERTAINTY_MARKS,
    UNFIRM,
    bounds,
    format_number,
    format_range,
    format_value,
    plural,
    value_marks,
    with_per,
)

T = TypeVar("T")
G = TypeVar("G")

#: The order facts are counted in the headline summary.
STATUS_ORDER = ("corroborated", "disputed", "changing", "single-source")
CHANGE_WORDS = {
    "new_story": "New story",
    "new_fact": "New figure",
    "new_value": "New value",
    "status_changed": "Status changed",
    "new_event": "New event",
    "new_source": "New source",
}
#: Characters of the document body shown either side of a cited span in the HTML appendix.
CONTEXT_CHARS = 90
QUOTE_CHARS = 320
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Caps:
    """How many items of each list a briefing shows; the rest are counted, never dropped.

    The defaults show the examples' largest story (11 documents, 38 figures, 34 speakers)
    almost whole, and keep a story page of any size to a few hundred citations, so the page
    costs the same to render at 5,000 documents as at 50.
    """

    #: key figures of a story (each with its values table and chart)
    facts: int = 40
    #: values in a figure's table, and sides of a contradiction
    values: int = 10
    #: citations of one line: a value, a side, an event, a change, a figure as a whole
    citations: int = 5
    #: names in a value's or a side's "who" cell
    names: int = 5
    #: events of the timeline
    timeline: int = 50
    #: speakers in "who said what"
    speakers: int = 40
    #: statements quoted per speaker
    quotes: int = 5
    #: open contradictions
    contradictions: int = 20
    #: single-source figures
    single_source: int = 40
    #: changes since the last briefing
    changes: int = 50
    #: documents listed (the web story page)
    documents: int = 50
    #: values a figure's chart draws one by one; above that it draws each day's range
    chart_values: int = 60

    def __post_init__(self) -> None:
        for name in (f.name for f in fields(self)):
            if getattr(self, name) < 1:
                raise ValueError(f"Caps.{name} must be at least 1")


CAPS = Caps()


@dataclass(frozen=True)
class Capped(Generic[T]):
    """The first items of a list, how many the list has in all, and where the rest are.

    Iterating gives the items shown. ``more_at`` is the offset of the first item left out in
    the list that holds them all (a fact's citations, a story's events, its figures...), so
    "and K more" can lead straight to them.
    """

    items: tuple[T, ...]
    total: int
    more_at: int = 0

    @property
    def more(self) -> int:
        """How many items were left out."""
        return self.total - len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def more(items: Capped[Any], noun: str) -> str:
    """ "and 3 more events" after a list that shows only its first items, else nothing.

    Plain words, so each format escapes them as it escapes any text.
    """
    return f"and {plural(items.more, 'more ' + noun)}" if items.more else ""


# --- listings: the order caps cut and pages page in -----------------------------------------------


def span(citation: Citation) -> tuple[str, int, int]:
    """What makes a citation one: the same span of the same document is cited once."""
    return citation.document, citation.start, citation.end


def by_publication(citations: Iterable[Citation]) -> tuple[Citation, ...]:
    """Each cited span once, the earliest report first (undated last, then by document).

    A capped list keeps the first reports of a figure: who said it first is what a reader
    weighs, and the order is stable as later reports arrive.
    """
    unique: dict[tuple[str, int, int], Citation] = {}
    for citation in citations:
        unique.setdefault(span(citation), citation)
    return tuple(
        sorted(
            unique.values(),
            key=lambda c: (c.published is None, c.published or "", c.document, c.start, c.end),
        )
    )


@dataclass(frozen=True)
class Slice(Generic[G]):
    """One group on one page of a listing: the group, its index, and which of its citations
    (``first`` is the index of the first shown among the group's own ``total``)."""

    group: G
    index: int
    first: int
    citations: tuple[Citation, ...]
    total: int


@dataclass(frozen=True)
class Listing(Generic[G]):
    """Groups of citations (a fact's values, a story's events, speakers or changes) counted as
    one list: group by group, each group's citations by publication.

    The view caps the groups and their citations in this order and notes where the cut falls;
    a page of the web app shows any slice of the same listing. So "and K more" leads to exactly
    what was left out. A group without citations still takes a place, so it is listed too.
    """

    groups: tuple[G, ...]
    citations: tuple[tuple[Citation, ...], ...]
    starts: tuple[int, ...]
    total: int

    @classmethod
    def of(cls, groups: Iterable[G], sources: Callable[[G], Iterable[Citation]]) -> Listing[G]:
        kept = tuple(groups)
        cited = tuple(by_publication(sources(g)) for g in kept)
        ends = tuple(accumulate((max(1, len(c)) for c in cited), initial=0))
        return cls(kept, cited, ends[:-1], ends[-1])

    def at(self, index: int) -> int:
        """Where group ``index`` starts (the end of the listing for an index past the last)."""
        return self.starts[index] if index < len(self.starts) else self.total

    def flat(self, indexes: Iterable[int]) -> Iterator[tuple[int, Citation]]:
        """The citations of some groups, each with its place in the listing."""
        for i in indexes:
            for k, citation in enumerate(self.citations[i]):
                yield self.starts[i] + k, citation

    def page(self, offset: int, limit: int) -> list[Slice[G]]:
        """The groups holding places ``offset`` to ``offset + limit``, with those citations.

        Found by bisection, so a page costs its own size whatever the listing's.
        """
        end = offset + limit
        found: list[Slice[G]] = []
        i = max(0, bisect_right(self.starts, offset) - 1)
        while i < len(self.groups) and self.starts[i] < end:
            cited = self.citations[i]
            first = max(0, offset - self.starts[i])
            if first < max(1, len(cited)):
                found.append(
                    Slice(self.groups[i], i, first, cited[first : end - self.starts[i]], len(cited))
                )
            i += 1
        return found

    def places(self, offset: int, limit: int) -> int:
        """How many places a page at ``offset`` holds."""
        return max(0, min(limit, self.total - offset))


def fact_listing(fact: Fact) -> Listing[FactValue]:
    """A fact's values in as-of order, each with its citations: the fact page's list."""
    return Listing.of(by_date(fact.values), lambda v: v.sources)


def timeline_listing(story: StoryBrief) -> Listing[TimelineEntry]:
    """A story's events in date order, each with its citations."""
    return Listing.of(sorted(story.timeline, key=lambda t: t.date), lambda t: t.sources)


def people_listing(story: StoryBrief) -> Listing[Speaker]:
    """A story's speakers, most quoted first, each with what they said."""
    return Listing.of(story.people, lambda p: p.claims)


def changes_listing(story: StoryBrief) -> Listing[Change]:
    """What changed in a story, in the order it was recorded, each with its citations."""
    return Listing.of(story.changes, lambda c: c.sources)


def single_source(fact: Fact) -> bool:
    """A figure resting on one independent origin (or on none named)."""
    return fact.status == "single-source" or len(fact.origins) <= 1


# --- what the templates see -------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A citation as a line shows it: "(Outlet, 2024-10-31)", numbered and anchored."""

    number: int
    anchor: str
    label: str


@dataclass(frozen=True)
class SourceItem:
    """One cited span in the appendix: where it is, and the quote in a little context."""

    ref: Ref
    document: str
    title: str
    outlet: str
    published: str
    date_unsure: bool
    url: str | None
    speaker: str
    certainty: str | None
    start: int
    end: int
    before: str
    quote: str
    after: str


@dataclass(frozen=True)
class Plot:
    """A rendered chart: the file name Markdown links to and the SVG HTML inlines."""

    name: str
    alt: str
    svg: bytes

    @cached_property
    def data_uri(self) -> str:
        """An ``img`` source that needs no file and cannot run script (SVG as an image).

        Kept once made: a cached story page shows the same charts on every request.
        """
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


@dataclass(frozen=True)
class Reading:
    """How one value of a fact is worded, as of a date."""

    as_of: str
    figure: str
    marks: tuple[str, ...]
    stated: str


@dataclass(frozen=True)
class ValueRow(Reading):
    """One reading of a fact with who said it: the first names and citations of it."""

    speakers: Capped[str]
    refs: Capped[Ref]


@dataclass(frozen=True)
class FactSummary:
    """What a fact is and how firm: label, status, range, corroboration (no citations)."""

    id: str
    label: str
    what: str
    where: str
    status: str
    range: str
    beside: Capped[str]
    corroboration: str


@dataclass(frozen=True)
class CitedFact(FactSummary):
    """A fact in a line of its own (a single-source figure), with its first citations.

    ``anchor`` is empty when the fact is not among the key figures shown, so nothing links
    to an element that is not there.
    """

    anchor: str
    refs: Capped[Ref]


@dataclass(frozen=True)
class FactView(CitedFact):
    """A key figure: its status, range, corroboration and values over time."""

    values: Capped[ValueRow]
    plot: Plot | None


@dataclass(frozen=True)
class CitedLine:
    """A line of text (an event, a claim, a change) with its date and citations."""

    date: str
    text: str
    refs: Capped[Ref]


@dataclass(frozen=True)
class SpeakerView:
    name: str
    kind: str
    aliases: tuple[str, ...]
    claims: Capped[CitedLine]


@dataclass(frozen=True)
class Side:
    """One of the incompatible values of a disputed fact, with everyone who gives it."""

    figure: str
    marks: tuple[str, ...]
    speakers: Capped[str]
    refs: Capped[Ref]


@dataclass(frozen=True)
class Contradiction:
    """A disputed fact's sides; ``anchor`` as in :class:`CitedFact`."""

    fact: FactSummary
    anchor: str
    sides: Capped[Side]


@dataclass(frozen=True)
class DocumentLine:
    id: str
    title: str
    outlet: str
    published: str


@dataclass(frozen=True)
class StoryView:
    anchor: str
    id: str
    title: str
    documents: int
    outlets: int
    span: str
    counts: tuple[tuple[str, int], ...]
    facts: Capped[FactView]
    timeline: Capped[CitedLine]
    speakers: Capped[SpeakerView]
    contradictions: Capped[Contradiction]
    single_source: Capped[CitedFact]
    changes: Capped[CitedLine]
    latest_change: str | None
    document_list: Capped[DocumentLine]
    sources_plot: Plot | None


@dataclass(frozen=True)
class BriefingView:
    """The whole briefing; ``cut`` when some list shows fewer items than it has."""

    generated: str
    stories: tuple[StoryView, ...]
    sources: tuple[SourceItem, ...]
    plots: tuple[Plot, ...]
    cut: bool


def build(
    briefing: Briefing, with_plots: bool, asset_prefix: str = "briefing", caps: Caps = CAPS
) -> BriefingView:
    """The view of a whole briefing; citations are numbered in the order the templates show them.

    ``with_plots`` is off for Markdown without an assets folder, where no chart could be linked,
    so none is drawn. ``caps`` bounds every list (see :class:`Caps`).
    """
    documents = {d.id: d for story in briefing.stories for d in story.documents}
    context = _Build(_Refs(documents), caps)
    prefix = _ANCHOR_UNSAFE.sub("-", asset_prefix).lstrip("-_") or "briefing"
    stories = tuple(
        _story(story, number, context, prefix if with_plots else None)
        for number, story in enumerate(briefing.stories, 1)
    )
    charts = [f.plot for s in stories for f in s.facts if f.plot] + [
        s.sources_plot for s in stories if s.sources_plot
    ]
    return BriefingView(
        clean_text(briefing.generated),
        stories,
        tuple(context.refs.items),
        tuple(charts),
        context.cut,
    )


# --- citations ------------------------------------------------------------------------------------


@dataclass
class _Refs:
    """Numbers each cited span once (document, start, end) and keeps its appendix entry."""

    documents: Mapping[str, Document]
    items: list[SourceItem] = field(default_factory=list)
    _by_span: dict[tuple[str, int, int], Ref] = field(default_factory=dict)

    def cite(self, citations: Iterable[Citation]) -> tuple[Ref, ...]:
        out: list[Ref] = []
        for citation in citations:
            ref = self._by_span.get(span(citation))
            if ref is None:
                ref = self._add(citation)
            if ref not in out:
                out.append(ref)
        return tuple(out)

    def _add(self, c: Citation) -> Ref:
        document = self.documents.get(c.document)
        outlet = clean_text(c.outlet or (document.outlet if document else None)) or "unknown outlet"
        published = clean_text(c.published) or "undated"
        anchor = f"doc-{_ANCHOR_UNSAFE.sub('_', c.document)}-{c.start}-{c.end}"
        ref = Ref(len(self.items) + 1, anchor, f"{outlet}, {published}")
        before, quote, after = _context(document, c)
        title = clean_text(document.title) if document else ""
        unsure = bool(document and document.published.unsure)
        self.items.append(
            SourceItem(
                ref, c.document, title, outlet, published, unsure,
                safe_url(c.url or (document.url if document else None)),
                clean_text(c.source) or "unattributed", CERTAINTY_MARKS.get(c.certainty),
                c.start, c.end, before, quote, after,
            )
        )  # fmt: skip
        self._by_span[span(c)] = ref
        return ref


@dataclass
class _Build:
    """One view being built: its citation numbers, its caps, and whether any list was cut.

    Every list goes through :meth:`keep`, so none is cut without being counted. Only the
    citations shown are numbered, so the appendix holds what the page cites and no more.
    """

    refs: _Refs
    caps: Caps
    cut: bool = False
    _listings: dict[str, Listing[FactValue]] = field(default_factory=dict)

    def keep(self, items: Iterable[T], total: int, more_at: int = 0) -> Capped[T]:
        capped = Capped(tuple(items), total, more_at)
        self.cut = self.cut or capped.more > 0
        return capped

    def cited(self, placed: Iterable[tuple[int, Citation]]) -> Capped[Ref]:
        """The first citations of ``placed`` (place in a listing, citation), numbered; the
        others counted, and the place of the first left out kept for "and K more"."""
        seen: set[tuple[str, int, int]] = set()
        shown: list[Citation] = []
        more_at = 0
        for at, citation in placed:
            if span(citation) in seen:
                continue
            seen.add(span(citation))
            if len(shown) < self.caps.citations:
                shown.append(citation)
            elif len(seen) == self.caps.citations + 1:
                more_at = at
        return self.keep(self.refs.cite(shown), len(seen), more_at)

    def names(self, citations: Iterable[Citation], more_at: int) -> Capped[str]:
        """Who gave a value: each name once, the first few."""
        names = tuple(dict.fromkeys(clean_text(c.source) or "unattributed" for c in citations))
        return self.keep(names[: self.caps.names], len(names), more_at)

    def summary(self, fact: Fact) -> FactSummary:
        """A fact's summary to be shown (its values beside the range are capped too)."""
        found = summarize(fact, self.caps)
        self.cut = self.cut or found.beside.more > 0
        return found

    def listing(self, fact: Fact) -> Listing[FactValue]:
        """A fact's listing, made once per build (a disputed key figure needs it twice)."""
        if fact.id not in self._listings:
            self._listings[fact.id] = fact_listing(fact)
        return self._listings[fact.id]


def _context(document: Document | None, c: Citation) -> tuple[str, str, str]:
    """The quote with a little of the body either side, when the body at the offsets is the quote.

    If the offsets do not point at the quote (an old body, a bad offset) the quote is shown
    alone: a context window from the wrong place would mislead.
    """
    quote = clean_text(c.quote)
    body = document.body if document else ""
    if not (0 <= c.start < c.end <= len(body)) or clean_text(body[c.start : c.end]) != quote:
        return "", _shorten(quote, QUOTE_CHARS), ""
    raw_before = body[max(0, c.start - CONTEXT_CHARS) : c.start]
    raw_after = body[c.end : c.end + CONTEXT_CHARS]
    before, after = clean_text(raw_before), clean_text(raw_after)
    if c.start > CONTEXT_CHARS:  # cut at a word boundary, and say so
        before = "…" + before.partition(" ")[2]
    if c.end + CONTEXT_CHARS < len(body):
        after = after.rpartition(" ")[0] + "…"
    # keep the gap between context and quote only where the body has one
    before += " " if raw_before[-1:].isspace() else ""
    after = (" " if raw_after[:1].isspace() else "") + after
    return before, quote, after


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- stories --------------------------------------------------------------------------------------


def _story(story: StoryBrief, number: int, b: _Build, prefix: str | None) -> StoryView:
    """One story, in template order, so citation numbers run down the page."""
    caps = b.caps
    anchor = f"story-{number}"
    shown = story.facts[: caps.facts]
    facts = tuple(
        _fact(f, f"{anchor}-fact-{i}", b, f"{prefix}-s{number}-f{i}" if prefix else None)
        for i, f in enumerate(shown, 1)
    )
    by_id = {view.id: view for view in facts}
    timeline = timeline_listing(story)
    events = [
        CitedLine(*event_words(t), b.cited(timeline.flat([i])))
        for i, t in enumerate(timeline.groups[: caps.timeline])
    ]
    people = people_listing(story)
    speakers = [_speaker(people, i, b) for i in range(min(caps.speakers, len(people.groups)))]
    contradictions = [
        Contradiction(summarize(f), by_id[f.id].anchor if f.id in by_id else "", _sides(f, b))
        for f in story.contradictions[: caps.contradictions]
    ]
    singles = [f for f in story.facts if single_source(f)]
    single = [by_id.get(f.id) or _cited_fact(f, "", b) for f in singles[: caps.single_source]]
    labels = {f.id: fact_label(f) for f in (*story.facts, *story.contradictions)}
    changes = changes_listing(story)
    changed = [
        CitedLine("", change_text(c, labels), b.cited(changes.flat([i])))
        for i, c in enumerate(changes.groups[: caps.changes])
    ]
    documents = [
        DocumentLine(
            d.id,
            clean_text(d.title) or "Untitled",
            clean_text(d.outlet) or "unknown outlet",
            clean_text(d.published.value) or "undated",
        )
        for d in story.documents[: caps.documents]
    ]
    return StoryView(
        anchor,
        story.id,
        clean_text(story.title) or "Untitled story",
        len(story.documents),
        len({d.outlet for d in story.documents if d.outlet}),
        _span(story),
        tuple((s, sum(f.status == s for f in story.facts)) for s in STATUS_ORDER),
        b.keep(facts, len(story.facts), len(facts)),
        b.keep(events, len(timeline.groups), timeline.at(len(events))),
        b.keep(speakers, len(people.groups), people.at(len(speakers))),
        b.keep(contradictions, len(story.contradictions), len(contradictions)),
        b.keep(single, len(singles), len(single)),
        b.keep(changed, len(changes.groups), changes.at(len(changed))),
        change_text(story.changes[-1], labels) if story.changes else None,
        b.keep(documents, len(story.documents), len(documents)),
        _plot(plots.sources_chart(shown), f"{prefix}-s{number}-sources", story.title)
        if prefix
        else None,
    )


def event_words(event: TimelineEntry) -> tuple[str, str]:
    """An event's date and text as a line shows them."""
    return clean_text(event.date), clean_text(event.text)


def speaker_words(speaker: Speaker) -> tuple[str, str, tuple[str, ...]]:
    """A speaker's name, kind and other names (each once, not the name itself)."""
    name = clean_text(speaker.name)
    aliases = tuple(dict.fromkeys(a for a in map(clean_text, speaker.aliases) if a and a != name))
    return name or "unnamed source", speaker.kind, aliases


def quote_words(citation: Citation) -> str:
    """A quoted statement, shortened for a list."""
    return _shorten(clean_text(citation.quote), QUOTE_CHARS)


def _speaker(people: Listing[Speaker], index: int, b: _Build) -> SpeakerView:
    claims = people.citations[index]
    start = people.starts[index]
    lines = [
        CitedLine("", quote_words(c), b.cited([(start + k, c)]))
        for k, c in enumerate(claims[: b.caps.quotes])
    ]
    quoted = b.keep(lines, len(claims), start + len(lines))
    return SpeakerView(*speaker_words(people.groups[index]), quoted)


def _span(story: StoryBrief) -> str:
    """First to last publication date of the story's documents (cited dates if none)."""
    dates = sorted(
        {d.published.value for d in story.documents if d.published.value}
        or {c.published for f in story.facts for v in f.values for c in v.sources if c.published}
    )
    if not dates:
        return "undated"
    first, last = clean_text(dates[0]), clean_text(dates[-1])
    return first if first == last else f"{first} to {last}"


def _plot(svg: bytes | None, name: str, title: str) -> Plot | None:
    return Plot(f"{name}.svg", clean_text(title), svg) if svg else None


# --- facts ----------------------------------------------------------------------------------------


def summarize(fact: Fact, caps: Caps = CAPS) -> FactSummary:
    """A fact's label, status, range and corroboration: what any line about it says."""
    low_high, beside = fact_range(fact)
    return FactSummary(
        fact.id,
        fact_label(fact),
        clean_text(fact.what),
        clean_text(fact.where),
        fact.status,
        with_per(low_high, fact.per) if low_high else "no firm figure",
        Capped(beside[: caps.values], len(beside)),
        corroboration(fact),
    )


def fact_label(fact: Fact) -> str:
    return clean_text(fact.label) or clean_text(fact.what) or "Unnamed figure"


def _cited_fact(fact: Fact, anchor: str, b: _Build) -> CitedFact:
    listing = b.listing(fact)
    refs = b.cited(listing.flat(range(len(listing.groups))))
    return CitedFact(**_fields(b.summary(fact)), anchor=anchor, refs=refs)


def _fact(fact: Fact, anchor: str, b: _Build, plot_name: str | None) -> FactView:
    """A key figure: its first values (each with its first citations) and its chart."""
    listing = b.listing(fact)
    rows = [_value_row(listing, j, fact, b) for j in range(min(b.caps.values, len(listing.groups)))]
    head = _cited_fact(fact, anchor, b)
    charted = plot_name and len(fact.values) >= 2
    chart = plots.values_chart(fact, b.caps.chart_values) if charted else None
    return FactView(
        **_fields(head),
        values=b.keep(rows, len(listing.groups), listing.at(len(rows))),
        plot=_plot(chart, f"{plot_name}-values", f"{head.label} over time") if plot_name else None,
    )


def _fields(record: Any) -> dict[str, Any]:
    """A record's fields by name (shallow), to build a richer record from it."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def by_date(values: Sequence[FactValue]) -> list[FactValue]:
    """Values in as-of order (undated last), falling back to the first source's date."""

    def key(v: FactValue) -> tuple[bool, str]:
        when = v.as_of or min((c.published for c in v.sources if c.published), default=None)
        return when is None, when or ""

    return sorted(values, key=key)


def reading(v: FactValue, fact: Fact) -> Reading:
    """One value as a row or a heading words it."""
    figure = format_value(v, v.unit or range_unit(fact), fact.per)
    stated = clean_text(v.text)
    return Reading(
        clean_text(v.as_of) or "undated",
        figure,
        value_marks(v),
        "" if figure.lower() in (stated.lower(), f"“{stated.lower()}”") else stated,
    )


def _value_row(listing: Listing[FactValue], index: int, fact: Fact, b: _Build) -> ValueRow:
    words = reading(listing.groups[index], fact)
    return ValueRow(
        **_fields(words),
        speakers=b.names(listing.citations[index], listing.starts[index]),
        refs=b.cited(listing.flat([index])),
    )


def corroboration(fact: Fact) -> str:
    """ "3 outlets, 2 independent origins (NIS; Pentagon)": origins, not articles, corroborate.

    When some origins stand only behind unfirm figures (speculative, vague, denied) or are an
    unnamed source beside a named one, the line names those behind a firm figure, the ones
    the status counts (the others are named beside their figures): "5 outlets, 7 independent
    origins, 2 with a firm figure (NIS; Pentagon)", "2 outlets, 2 independent origins, none
    with a firm figure".
    """
    outlets, origins = len(fact.outlets), [clean_text(o) for o in fact.origins]
    text = f"{outlets} {'outlet' if outlets == 1 else 'outlets'}, {len(origins)} independent "
    text += "origin" if len(origins) == 1 else "origins"
    firm = [clean_text(o) for o in fact.corroborating]
    if set(firm) == set(origins):
        return f"{text} ({'; '.join(origins)})" if origins else text
    if not firm:
        return f"{text}, none with a firm figure"
    return f"{text}, {len(firm)} with a firm figure ({'; '.join(firm)})"


def range_unit(fact: Fact) -> str | None:
    """The unit a fact's range is in: its own, else that of its first value with one."""
    return fact.unit or next((v.unit for v in fact.values if v.unit), None)


def fact_range(fact: Fact) -> tuple[str, tuple[str, ...]]:
    """min–max over the firm values, and the others as text to show beside it.

    Vague, speculative and denied values, and values in another unit (3,500 ha beside km²),
    would make the range lie; they are never dropped, but listed with a word saying why.
    """
    unit = range_unit(fact)
    firm: list[float] = []
    approximate = True
    beside: list[str] = []
    for v in fact.values:
        own_unit = v.unit or unit
        marks = value_marks(v)
        if v.vague or v.certainty in UNFIRM or own_unit != unit or not bounds(v):
            text = format_value(v, own_unit, fact.per)
            beside.append(f"{text} ({', '.join(marks)})" if marks else text)
        else:
            firm.extend(bounds(v))
            approximate = approximate and v.approximate
    if not firm:
        return "", tuple(dict.fromkeys(beside))
    about = "about " if approximate else ""
    return about + format_range(min(firm), max(firm), unit), tuple(dict.fromkeys(beside))


def _sides(fact: Fact, b: _Build) -> Capped[Side]:
    """The values of a disputed fact side by side, one per distinct figure, sources merged."""
    listing = b.listing(fact)
    grouped: dict[str, list[int]] = {}
    for j, v in enumerate(listing.groups):
        grouped.setdefault(format_value(v, v.unit or range_unit(fact), fact.per), []).append(j)
    sides = [
        Side(
            figure,
            tuple(dict.fromkeys(m for j in indexes for m in value_marks(listing.groups[j]))),
            b.names((c for j in indexes for c in listing.citations[j]), listing.starts[indexes[0]]),
            b.cited(listing.flat(indexes)),
        )
        for figure, indexes in list(grouped.items())[: b.caps.values]
    ]
    later = list(grouped.values())[len(sides) : len(sides) + 1]
    return b.keep(sides, len(grouped), listing.starts[later[0][0]] if later else 0)


# --- changes --------------------------------------------------------------------------------------


def change_text(change: Change, labels: Mapping[str, str]) -> str:
    """What a change says, in a few words: its kind, its figure, before → after."""
    what = CHANGE_WORDS.get(change.kind, clean_text(change.kind))
    if change.fact:
        what += f" — {clean_text(labels.get(change.fact, change.fact))}"
    if change.before is not None:
        what += f": {describe(change.before)} → {describe(change.after)}"
    elif change.after is not None:
        what += f": {describe(change.after)}"
    return what


def describe(x: Any) -> str:
    """A change's before/after (a status, a number, a value record) in a few words."""
    if x is None:
        return "none"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int | float):
        return format_number(x)
    if isinstance(x, Mapping):
        for key in ("text", "value", "status", "title", "label"):
            if x.get(key) is not None:
                return describe(x[key])
        return "; ".join(f"{k}: {describe(v)}" for k, v in x.items())
    if isinstance(x, list | tuple):
        return "; ".join(describe(item) for item in x)
    return _shorten(clean_text(str(x)), QUOTE_CHARS)
