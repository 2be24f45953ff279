"""Plain records passed between stages.

Stages talk through these frozen dataclasses, never through the database, so each stage can be
run and tested from memory; the store only persists them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: Where a date was read from. A reader of a briefing needs this to judge a relative date:
#: a byline date is trustworthy, a header widget date is often the day the page was scraped.
DateSource = Literal[
    "header",
    "byline",
    "dateline",
    "url",
    "feed",
    "html",
    "warc",
    "jsonl",
    "archive",
    "widget",
    "text",
    "none",
]

InputFormat = Literal["text", "html", "feed", "warc", "jsonl", "url"]


@dataclass(frozen=True)
class DateInfo:
    """A publication or update date and how far to trust it.

    ``value`` is ISO at the granularity known (``2024-10-31``, ``2024-10``); ``unsure`` is set
    when the only evidence is weak (a widget date, a date found in the middle of the text).
    """

    value: str | None
    source: DateSource = "none"
    unsure: bool = False


@dataclass(frozen=True)
class Provenance:
    """Where a document came from, down to the record inside an archive or feed."""

    input: str
    record: int | None = None
    raw_sha256: str = ""
    format: InputFormat = "text"
    encoding: str | None = None
    ingested_at: str = ""


@dataclass(frozen=True)
class Document:
    """One clean article: body text plus the metadata recovered for it.

    ``id`` is the sha256 of the normalised body, so the same article read twice from any input is
    stored once; ``duplicate_of`` links a near-copy (the same wire story under other chrome) to
    the earliest copy known.
    """

    id: str
    body: str
    title: str | None
    outlet: str | None
    url: str | None
    path: str | None
    published: DateInfo
    updated: DateInfo = field(default_factory=lambda: DateInfo(None))
    author: str | None = None
    section: str | None = None
    partial: bool = False
    duplicate_of: str | None = None
    provenance: Provenance = field(default_factory=lambda: Provenance(""))

    def to_json(self) -> dict[str, Any]:
        """The ``document`` object of the CLI contract, with our extra fields after its own."""
        return {
            "id": self.id,
            "url": self.url,
            "path": self.path,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published.value,
            "body": self.body,
            "published_source": self.published.source,
            "published_unsure": self.published.unsure,
            "updated": self.updated.value,
            "updated_source": self.updated.source,
            "author": self.author,
            "section": self.section,
            "partial": self.partial,
            "duplicate_of": self.duplicate_of,
            "provenance": asdict(self.provenance),
        }

    def summary(self) -> dict[str, Any]:
        """A document as a briefing or a ``watch`` pass lists it: which one, from where, when."""
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published.value,
            "url": self.url,
            "path": self.path,
        }


@dataclass(frozen=True)
class Failure:
    """An input that could not be read: named with its path (and record) and a one-line reason."""

    input: str
    code: str
    reason: str
    record: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.input if self.record is None else f"{self.input} (record {self.record})"
        return f"{where}: [{self.code}] {self.reason}"


# --- Extraction records -------------------------------------------------------------------------
# Every span is a pair of character offsets into ``Document.body`` (Python ``str`` indices, end
# exclusive), so each item of a briefing can be traced back to the text it came from.

EntityLabel = Literal["person", "organization", "government", "military", "media", "place"]
SourceKind = Literal["person", "organization", "government", "media", "document", "unnamed"]
Certainty = Literal["confirmed", "reported", "estimated", "speculative", "denied"]
Granularity = Literal["day", "week", "month", "season", "year", "decade", "range", "time"]


@dataclass(frozen=True)
class Span:
    """A stretch of the body: its text and offsets."""

    text: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Entity:
    """A named mention with the name it stands for in this document.

    ``role`` and ``country`` hold what a title carried ("retired lieutenant-general", "South
    Korea") so that the name itself stays clean and can be merged across documents.
    """

    text: str
    start: int
    end: int
    label: EntityLabel
    canonical: str
    role: str | None = None
    country: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Place:
    """A place mention, linked to a gazetteer entry when one is known (for maps)."""

    text: str
    start: int
    end: int
    name: str | None = None
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TimeExpr:
    """A date expression resolved against the publication date.

    ``date`` is ISO at the granularity known (``2024-10-28``, ``2024-10``, ``2024``) or a range
    ``start/end``; ``None`` when the expression cannot be resolved (no anchor, or too vague).
    """

    text: str
    start: int
    end: int
    date: str | None
    granularity: Granularity | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Quantity:
    """A figure: a value or a range, what it counts, and per what.

    Exactly one reading is meant: ``value`` alone (a number), ``low``/``high`` (a range or a
    bound; one of them may be open), or ``vague`` set ("a relatively small number") so that the
    figure is kept, never dropped, and shown as unsure. A vague figure has no value; where its
    words imply a range ("several thousand": 3,000 to 9,000) ``low``/``high`` hold that range.
    """

    text: str
    start: int
    end: int
    value: float | None
    low: float | None = None
    high: float | None = None
    approximate: bool = False
    vague: bool = False
    unit: str | None = None
    counted: str | None = None
    per: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Source:
    """Who a claim is attributed to; ``canonical`` is ``None`` for unnamed sources."""

    text: str
    start: int
    end: int
    kind: SourceKind
    canonical: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Claim:
    """An attributed (or the outlet's own) statement with what it says and how sure it is.

    ``source`` is ``None`` when nobody is named ("it is estimated that..."); ``cue`` is ``None``
    for the outlet's own unattributed statements.
    """

    text: str
    start: int
    end: int
    source: Source | None
    cue: Span | None
    content: Span
    certainty: Certainty
    quantities: tuple[Quantity, ...] = ()
    when: tuple[TimeExpr, ...] = ()
    where: tuple[Place, ...] = ()
    #: The statement, filing or release the source spoke in, where the text names it ("In a
    #: statement, the RCMP said…"): kind ``document``, under its author's name, so a reader can
    #: find the document a figure came from and not only who signed it.
    medium: Source | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "source": self.source.to_json() if self.source else None,
            "medium": self.medium.to_json() if self.medium else None,
            "cue": self.cue.to_json() if self.cue else None,
            "content": self.content.to_json(),
            "certainty": self.certainty,
            "quantities": [q.to_json() for q in self.quantities],
            "when": [t.to_json() for t in self.when],
            "where": [p.to_json() for p in self.where],
        }


@dataclass(frozen=True)
class Extraction:
    """What the extract stage found in one document."""

    document: Document
    entities: tuple[Entity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    places: tuple[Place, ...] = ()
    claims: tuple[Claim, ...] = ()
    #: Why part of the document could not be extracted (a piece over the time budget): the
    #: document is still stored, and the ingest names it with the reason.
    problems: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """One line of ``extract --json``, as the CLI contract lays it out."""
        return {
            "document": self.document.to_json(),
            "entities": [e.to_json() for e in self.entities],
            "times": [t.to_json() for t in self.times],
            "places": [p.to_json() for p in self.places],
            "claims": [c.to_json() for c in self.claims],
        }


# --- Reconciliation records ---------------------------------------------------------------------
# What the reconcile stage makes of many extractions, and what the briefing renders. Every value
# and every timeline entry carries citations back to a span of a stored document.

FactStatus = Literal["corroborated", "single-source", "disputed", "changing"]
ChangeKind = Literal[
    "new_story", "new_fact", "new_value", "status_changed", "new_event", "new_source"
]


@dataclass(frozen=True)
class Citation:
    """One source span behind a value or an event: which document, who said it, where."""

    document: str
    outlet: str | None
    published: str | None
    source: str | None
    start: int
    end: int
    quote: str
    url: str | None = None
    origin: str | None = None
    certainty: Certainty = "reported"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Citation:
        return cls(**data)


def _citations(items: list[dict[str, Any]]) -> tuple[Citation, ...]:
    return tuple(Citation.from_json(c) for c in items)


@dataclass(frozen=True)
class FactValue:
    """One reading of a fact (a number, a range, or a vague amount) and who reports it."""

    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    approximate: bool
    vague: bool
    text: str
    as_of: str | None
    certainty: Certainty
    sources: tuple[Citation, ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = [c.to_json() for c in self.sources]
        return data


@dataclass(frozen=True)
class Fact:
    """Claims about one measured thing (what is counted, where, per what) within one story.

    ``origins`` are the independent origins behind the values (a wire copy or an outlet citing
    an agency counts as that agency), so corroboration counts origins, not articles.
    ``corroborating`` are those of them behind a firm figure (not vague, speculative or denied,
    and an unnamed source only where its article names no source for the fact): the origins
    the status counts.
    """

    id: str
    story: str
    label: str
    what: str
    where: str | None
    per: str | None
    unit: str | None
    status: FactStatus
    values: tuple[FactValue, ...]
    origins: tuple[str, ...]
    outlets: tuple[str, ...]
    corroborating: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["values"] = [v.to_json() for v in self.values]
        return data


@dataclass(frozen=True)
class TimelineEntry:
    """A dated event (the event's own date where one is stated) with its supporting claims."""

    date: str
    text: str
    sources: tuple[Citation, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "text": self.text,
            "sources": [c.to_json() for c in self.sources],
        }


@dataclass(frozen=True)
class Speaker:
    """Everything one source said in a story ("who said what")."""

    name: str
    kind: SourceKind
    aliases: tuple[str, ...]
    claims: tuple[Citation, ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["claims"] = [c.to_json() for c in self.claims]
        return data


@dataclass(frozen=True)
class Change:
    """One thing a new document changed in its story: a new story, fact, value, source or event,
    or a fact's status."""

    kind: ChangeKind
    story: str
    fact: str | None
    before: Any
    after: Any
    sources: tuple[Citation, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = [c.to_json() for c in self.sources]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(**{**data, "sources": _citations(data["sources"])})


@dataclass(frozen=True)
class LoggedChange:
    """A change as the store's change log keeps it: when it was found and which document
    brought it (``published``: that document's publication date, what ``--since`` compares)."""

    seq: int
    recorded: str
    document: str | None
    published: str | None
    change: Change

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "recorded": self.recorded,
            "document": self.document,
            "published": self.published,
            **self.change.to_json(),
        }


@dataclass(frozen=True)
class StoryBrief:
    """The "What we know" of one story."""

    id: str
    title: str
    documents: tuple[Document, ...]
    facts: tuple[Fact, ...]
    timeline: tuple[TimelineEntry, ...]
    people: tuple[Speaker, ...]
    contradictions: tuple[Fact, ...]
    changes: tuple[Change, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "documents": [d.summary() for d in self.documents],
            "facts": [f.to_json() for f in self.facts],
            "timeline": [t.to_json() for t in self.timeline],
            "people": [p.to_json() for p in self.people],
            "contradictions": [f.id for f in self.contradictions],
            "changes": [c.to_json() for c in self.changes],
        }


@dataclass(frozen=True)
class Briefing:
    """Every story's brief at one moment, as generated (the store keeps each one)."""

    generated: str
    stories: tuple[StoryBrief, ...]

    def to_json(self) -> dict[str, Any]:
        return {"generated": self.generated, "stories": [s.to_json() for s in self.stories]}
