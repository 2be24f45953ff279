"""The briefing as the templates see it: built once from a ``Briefing``, laid out by md and html.

Both formats say the same things in the same order, so everything that is decided (how a value
is worded, a fact's range, which facts are flagged, citation numbers) is decided here, once. The
templates only lay the view out and escape it for their format. All strings here are raw,
cleaned text; escaping is the templates' job.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsledger.model import (
    Briefing,
    Change,
    Citation,
    Document,
    Fact,
    FactValue,
    Speaker,
    StoryBrief,
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
    value_marks,
    with_per,
)

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

    @property
    def data_uri(self) -> str:
        """An ``img`` source that needs no file and cannot run script (SVG as an image)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


@dataclass(frozen=True)
class ValueRow:
    """One reading of a fact, as of a date, with who said it."""

    as_of: str
    figure: str
    marks: tuple[str, ...]
    stated: str
    speakers: tuple[str, ...]
    refs: tuple[Ref, ...]


@dataclass(frozen=True)
class FactView:
    """A key figure: its status, range, corroboration and values over time.

    ``anchor`` is empty for a disputed fact that is not among the story's key figures, so
    nothing links to an element that is not there.
    """

    anchor: str
    label: str
    what: str
    where: str
    status: str
    range: str
    beside: tuple[str, ...]
    corroboration: str
    values: tuple[ValueRow, ...]
    plot: Plot | None

    @property
    def refs(self) -> tuple[Ref, ...]:
        """Every citation behind the fact, for a line that speaks of the fact as a whole."""
        return tuple(dict.fromkeys(r for v in self.values for r in v.refs))


@dataclass(frozen=True)
class CitedLine:
    """A line of text (an event, a claim, a change) with its date and citations."""

    date: str
    text: str
    refs: tuple[Ref, ...]


@dataclass(frozen=True)
class SpeakerView:
    name: str
    kind: str
    aliases: tuple[str, ...]
    claims: tuple[CitedLine, ...]


@dataclass(frozen=True)
class Side:
    """One of the incompatible values of a disputed fact, with everyone who gives it."""

    figure: str
    marks: tuple[str, ...]
    speakers: tuple[str, ...]
    refs: tuple[Ref, ...]


@dataclass(frozen=True)
class Contradiction:
    fact: FactView
    sides: tuple[Side, ...]


@dataclass(frozen=True)
class StoryView:
    anchor: str
    title: str
    documents: int
    outlets: int
    span: str
    counts: tuple[tuple[str, int], ...]
    facts: tuple[FactView, ...]
    timeline: tuple[CitedLine, ...]
    speakers: tuple[SpeakerView, ...]
    contradictions: tuple[Contradiction, ...]
    single_source: tuple[FactView, ...]
    changes: tuple[CitedLine, ...]
    sources_plot: Plot | None


@dataclass(frozen=True)
class BriefingView:
    generated: str
    stories: tuple[StoryView, ...]
    sources: tuple[SourceItem, ...]
    plots: tuple[Plot, ...]


def build(briefing: Briefing, with_plots: bool, asset_prefix: str = "briefing") -> BriefingView:
    """The view of a whole briefing; citations are numbered in the order the templates show them.

    ``with_plots`` is off for Markdown without an assets folder, where no chart could be linked,
    so none is drawn.
    """
    documents = {d.id: d for story in briefing.stories for d in story.documents}
    refs = _Refs(documents)
    prefix = _ANCHOR_UNSAFE.sub("-", asset_prefix).lstrip("-_") or "briefing"
    stories = tuple(
        _story(story, number, refs, prefix if with_plots else None)
        for number, story in enumerate(briefing.stories, 1)
    )
    charts = [f.plot for s in stories for f in s.facts if f.plot] + [
        s.sources_plot for s in stories if s.sources_plot
    ]
    return BriefingView(clean_text(briefing.generated), stories, tuple(refs.items), tuple(charts))


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
            ref = self._by_span.get((citation.document, citation.start, citation.end))
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
        self._by_span[(c.document, c.start, c.end)] = ref
        return ref


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


def _story(story: StoryBrief, number: int, refs: _Refs, prefix: str | None) -> StoryView:
    """One story, in template order, so citation numbers run down the page."""
    anchor = f"story-{number}"
    facts = tuple(
        _fact(f, f"{anchor}-fact-{i}", refs, f"{prefix}-s{number}-f{i}" if prefix else None)
        for i, f in enumerate(story.facts, 1)
    )
    by_id = dict(zip((f.id for f in story.facts), facts, strict=True))
    labels = {fact_id: view.label for fact_id, view in by_id.items()}
    timeline = tuple(
        CitedLine(clean_text(t.date), clean_text(t.text), refs.cite(t.sources))
        for t in sorted(story.timeline, key=lambda t: t.date)
    )
    speakers = tuple(_speaker(p, refs) for p in story.people)
    contradictions = tuple(
        Contradiction(by_id.get(f.id) or _fact(f, "", refs, None), _sides(f, refs))
        for f in story.contradictions
    )
    single = tuple(
        view
        for fact, view in zip(story.facts, facts, strict=True)
        if fact.status == "single-source" or len(fact.origins) <= 1
    )
    changes = tuple(_change(c, labels, refs) for c in story.changes)
    return StoryView(
        anchor,
        clean_text(story.title) or "Untitled story",
        len(story.documents),
        len({d.outlet for d in story.documents if d.outlet}),
        _span(story),
        tuple((s, sum(f.status == s for f in story.facts)) for s in STATUS_ORDER),
        facts,
        timeline,
        speakers,
        contradictions,
        single,
        changes,
        _plot(plots.sources_chart(story.facts), f"{prefix}-s{number}-sources", story.title)
        if prefix
        else None,
    )


def _speaker(speaker: Speaker, refs: _Refs) -> SpeakerView:
    name = clean_text(speaker.name)
    aliases = tuple(dict.fromkeys(a for a in map(clean_text, speaker.aliases) if a and a != name))
    claims = tuple(
        CitedLine("", _shorten(clean_text(c.quote), QUOTE_CHARS), refs.cite([c]))
        for c in speaker.claims
    )
    return SpeakerView(name or "unnamed source", speaker.kind, aliases, claims)


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


def _fact(fact: Fact, anchor: str, refs: _Refs, plot_name: str | None) -> FactView:
    low_high, beside = fact_range(fact)
    values = tuple(_value_row(v, fact, refs) for v in by_date(fact.values))
    label = clean_text(fact.label) or clean_text(fact.what) or "Unnamed figure"
    chart = plots.values_chart(fact) if plot_name and len(fact.values) >= 2 else None
    return FactView(
        anchor,
        label,
        clean_text(fact.what),
        clean_text(fact.where),
        fact.status,
        with_per(low_high, fact.per) if low_high else "no firm figure",
        beside,
        corroboration(fact),
        values,
        _plot(chart, f"{plot_name}-values", f"{label} over time") if plot_name else None,
    )


def by_date(values: Sequence[FactValue]) -> list[FactValue]:
    """Values in as-of order (undated last), falling back to the first source's date."""

    def key(v: FactValue) -> tuple[bool, str]:
        when = v.as_of or min((c.published for c in v.sources if c.published), default=None)
        return when is None, when or ""

    return sorted(values, key=key)


def _value_row(v: FactValue, fact: Fact, refs: _Refs) -> ValueRow:
    figure = format_value(v, v.unit or range_unit(fact), fact.per)
    stated = clean_text(v.text)
    return ValueRow(
        clean_text(v.as_of) or "undated",
        figure,
        value_marks(v),
        "" if figure.lower() in (stated.lower(), f"“{stated.lower()}”") else stated,
        _speakers(v.sources),
        refs.cite(v.sources),
    )


def _speakers(citations: Iterable[Citation]) -> tuple[str, ...]:
    names = [clean_text(c.source) or "unattributed" for c in citations]
    return tuple(dict.fromkeys(names))


def corroboration(fact: Fact) -> str:
    """ "3 outlets, 2 independent origins (NIS; Pentagon)": origins, not articles, corroborate."""
    outlets, origins = len(fact.outlets), [clean_text(o) for o in fact.origins]
    text = f"{outlets} {'outlet' if outlets == 1 else 'outlets'}, {len(origins)} independent "
    text += "origin" if len(origins) == 1 else "origins"
    return f"{text} ({'; '.join(origins)})" if origins else text


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


def _sides(fact: Fact, refs: _Refs) -> tuple[Side, ...]:
    """The values of a disputed fact side by side, one per distinct figure, sources merged."""
    grouped: dict[str, list[FactValue]] = {}
    for v in by_date(fact.values):
        grouped.setdefault(format_value(v, v.unit or range_unit(fact), fact.per), []).append(v)
    return tuple(
        Side(
            figure,
            tuple(dict.fromkeys(m for v in values for m in value_marks(v))),
            _speakers(c for v in values for c in v.sources),
            refs.cite(c for v in values for c in v.sources),
        )
        for figure, values in grouped.items()
    )


# --- changes --------------------------------------------------------------------------------------


def _change(change: Change, labels: Mapping[str, str], refs: _Refs) -> CitedLine:
    what = CHANGE_WORDS.get(change.kind, clean_text(change.kind))
    if change.fact:
        what += f" — {clean_text(labels.get(change.fact, change.fact))}"
    if change.before is not None:
        what += f": {describe(change.before)} → {describe(change.after)}"
    elif change.after is not None:
        what += f": {describe(change.after)}"
    return CitedLine("", what, refs.cite(change.sources))


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
