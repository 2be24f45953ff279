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
