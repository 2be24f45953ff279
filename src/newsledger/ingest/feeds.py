"""RSS and Atom feeds: one document per entry, from its full content or else its summary.

The XML is first checked with defusedxml, so a feed that declares entities (billion laughs,
external entities) is refused before feedparser sees it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import defusedxml.ElementTree as SafeET
import feedparser
import lxml.html
from defusedxml import DefusedXmlException
from lxml.etree import ParserError

from newsledger.config import Limits
from newsledger.errors import Errors, InputError
from newsledger.ingest import budget
from newsledger.ingest.document import build, each_record
from newsledger.ingest.raw import check_document_size, text_size
from newsledger.model import DateInfo, Document, Failure, Provenance


def check_xml(data: bytes) -> None:
    """Refuse XML with entity declarations or external references, and XML that does not parse."""
    try:
        SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise InputError(Errors.E010, detail=type(exc).__name__) from exc
    except SafeET.ParseError as exc:
        raise InputError(Errors.E011, detail=str(exc)) from exc
    except (LookupError, ValueError) as exc:
        # The XML declaration names an encoding expat cannot read: one Python does not know
        # (LookupError: "UTF-6") or a multi-byte one (ValueError: "UTF-7").
        raise InputError(Errors.E011, detail=str(exc)) from exc


def read_feed(data: bytes, provenance: Provenance, limits: Limits) -> Iterator[Document | Failure]:
    """One document per entry. Checking and parsing the whole feed is timed as reading its first
    entry (one budget), then each entry has its own."""
    parsed = budget.within(limits.document_seconds, lambda: _parse(data))
    outlet = parsed.feed.get("title")
    yield from each_record(
        enumerate(parsed.entries), provenance, limits, lambda e, p: _entry(e, p, outlet, limits)
    )


def _parse(data: bytes) -> feedparser.FeedParserDict:
    check_xml(data)
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries:
        raise InputError(Errors.E011, detail=str(parsed.get("bozo_exception", "no entries")))
    if not parsed.entries:  # a valid feed with nothing in it: said, so the input is not lost
        raise InputError(Errors.E023, kind="feed", detail="it has no entries")
    return parsed


def _entry(
    entry: feedparser.FeedParserDict, provenance: Provenance, outlet: str | None, limits: Limits
) -> Document:
    # A field can be there and empty: feedparser then gives None, not "".
    contents = entry.get("content") or []
    full = max((c.get("value") or "" for c in contents), key=len, default="")
    partial = not full.strip()
    html = full if not partial else entry.get("summary") or ""
    check_document_size(text_size(html), limits, provenance.record)
    text = fragment_text(html) if "<" in html else html
    return build(
        text or "",
        provenance=provenance,
        title=entry.get("title"),
        outlet=outlet,
        url=entry.get("link"),
        published=_date(entry, "published_parsed") or _date(entry, "updated_parsed"),
        updated=_date(entry, "updated_parsed"),
        author=entry.get("author"),
        partial=partial,
    )


_BLOCKS = "p|h1|h2|h3|h4|h5|h6|li|blockquote|pre"


def fragment_text(html: str) -> str:
    """Paragraph text of an HTML fragment (feed content), one paragraph per block element."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return ""
    blocks = root.xpath(" | ".join(f"//{tag}" for tag in _BLOCKS.split("|")))
    parts = [" ".join(block.text_content().split()) for block in blocks] or [root.text_content()]
    return "\n\n".join(part for part in parts if part)


def _date(entry: feedparser.FeedParserDict, key: str) -> DateInfo | None:
    # Ask only for dates the entry has: feedparser warns when one is aliased to the other.
    value = entry.get(key) if key.removesuffix("_parsed") in entry else None
    if not value:
        return None
    return DateInfo(time.strftime("%Y-%m-%d", value), "feed")
