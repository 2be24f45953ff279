"""Scraped plain text: the optional ``URL:/TITLE:/DATE:`` header block, then chrome removal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from newsledger.ingest import chrome, dates
from newsledger.ingest.document import build, split_url, usable_url
from newsledger.model import DateInfo, DateSource, Document, Provenance

_HEADER_LINE = re.compile(r"^([A-Z][A-Z_-]{1,20}):\s?(.*)$")
_BYLINE_PREFIX = re.compile(r"^(by|written by|words by|reporting by|posted by|author:?)\s+", re.I)
_SLUG_NOISE = re.compile(r"(\.[a-z]{2,5}$|[-_]\d{5,}$|^\d+[-_]?)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_URL_YEAR = re.compile(r"/((?:19|20)\d\d)(?:/|[-_]\d\d[-_]|$)")
_COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.IGNORECASE)
#: A dateline opens the lede, or stands on its own just above it.
_DATELINE_WINDOW = 3


@dataclass(frozen=True)
class Header:
    """The ``KEY: value`` block some scrapers put before the text, closed by ``---``."""

    fields: dict[str, str]
    lines: int

    def get(self, key: str) -> str | None:
        value = self.fields.get(key, "").strip()
        return None if value.lower() in ("", "unknown", "none", "n/a") else value


def split_header(text: str) -> tuple[Header, str]:
    """Split off a header block; a text without one has an empty header."""
    lines = text.splitlines()
    fields: dict[str, str] = {}
    for index, line in enumerate(lines[:30]):
        if line.strip() == "---" and fields:
            return Header(fields, index + 1), "\n".join(lines[index + 1 :])
        found = _HEADER_LINE.match(line)
        if not found:
            break
        fields[found.group(1).upper()] = found.group(2)
    return Header({}, 0), text


def slug_words(url: str | None) -> str | None:
    """The words of the last meaningful URL path segment, which often repeats the headline."""
    split = split_url(url)
    if split is None:
        return None
    parts = [p for p in split.path.split("/") if p and not p.isdigit()]
    for part in reversed(parts):
        cleaned = _SLUG_NOISE.sub("", unquote(part).lower())
        tokens = [t for t in re.split(r"[-_+]", cleaned) if t]
        if len(tokens) >= 3:
            return " ".join(tokens)
    return None


def read_text(
    text: str,
    provenance: Provenance,
    *,
    url: str | None = None,
    title: str | None = None,
    published: DateInfo | None = None,
    outlet: str | None = None,
) -> Document:
    """One article from scraped text: chrome dropped, title, dates, author and section recovered.

    Values a container already gives (a JSONL record's ``title`` or ``published``) win over
    what is recovered from the page.
    """
    header, page = split_header(text)
    url = usable_url(header.get("URL") or url)
    title = header.get("TITLE") or title
    classified = chrome.classify(page, title, slug_words(url))
    body = "\n\n".join(line.text for line in classified.body_lines)
    return build(
        body,
        provenance=provenance,
        title=classified.title or _title_from_slug(url),
        url=url,
        published=published
        if published and published.value
        else _published(header, classified, url),
        updated=_updated(classified),
        author=header.get("AUTHOR") or _author(classified.meta),
        section=classified.section,
        outlet=header.get("OUTLET") or outlet,
    )


def _published(header: Header, page: chrome.Classified, url: str | None) -> DateInfo:
    candidates: list[tuple[DateSource, str | None, bool]] = []
    if header.get("DATE"):
        candidates.append(("header", dates.normalise(header.get("DATE")), False))
    if page.archive_date:
        candidates.append(("archive", page.archive_date, False))
    for item in page.meta:
        kind, _, value = item.partition(":")
        if kind in ("date", "byline") and not value.lower().startswith(("updated", "modified")):
            parsed, unsure = dates.parse_date(value)
            candidates.append(("byline", parsed, unsure))
        elif kind == "widget":
            parsed, _ = dates.parse_date(value)
            candidates.append(("widget", parsed, True))
    candidates.append(("url", dates.from_url(url), False))
    dateline, unsure = _dateline(page, url)
    candidates.append(("dateline", dateline, unsure))
    return dates.choose(candidates)


def _dateline(page: chrome.Classified, url: str | None) -> tuple[str | None, bool]:
    """The date of a dateline at the top of the body, its year completed from the page."""
    first_body = next((i for i, line in enumerate(page.lines) if line.label == "body"), None)
    if first_body is None:
        return None, False
    years = _year_evidence(page, url)
    for line in page.lines[max(0, first_body + 1 - _DATELINE_WINDOW) : first_body + 1]:
        found = dates.from_dateline(line.text, years)
        if found[0]:
            return found
    return None, False


def _year_evidence(page: chrome.Classified, url: str | None) -> list[int]:
    """Years the page states about itself, best first: URL path, archive field, © lines (not in
    the body, where "(c)" can be a clause of a law).

    Of a © range ("2009-2025") the last year counts: it is the year the page was served.
    """
    years = [int(found) for found in _URL_YEAR.findall(url or "")]
    if page.archive_date:
        years.append(int(page.archive_date[:4]))
    for line in page.lines:
        if line.label != "body" and _COPYRIGHT.search(line.text):
            printed = [int(year) for year in _YEAR.findall(line.text)]
            years.extend([max(printed)] if printed else [])
    return list(dict.fromkeys(years))


def _updated(page: chrome.Classified) -> DateInfo:
    for item in page.meta:
        kind, _, value = item.partition(":")
        if kind == "date" and value.lower().startswith(("updated", "last updated", "modified")):
            parsed, unsure = dates.parse_date(value)
            return DateInfo(parsed, "byline", unsure)
    return DateInfo(None)


def _author(meta: list[str]) -> str | None:
    """The name in a byline, without "By" and without the date or reading time after it."""
    for item in meta:
        kind, _, value = item.partition(":")
        if kind == "byline":
            name = _BYLINE_PREFIX.sub("", value.strip())
            glued_date = dates.MONTH_DATE.search(name)
            name = name[: glued_date.start()] if glued_date else name
            name = re.split(r"[,|\d]", name, maxsplit=1)[0]
            return name.strip(" -") or None
    return None


def _title_from_slug(url: str | None) -> str | None:
    """No headline on the page: rebuild one from the URL slug, as readers do."""
    slug = slug_words(url)
    return slug.capitalize() if slug else None
