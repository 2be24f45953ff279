"""HTML pages: trafilatura for body, title, author and site; htmldate for the dates.

We do not write our own boilerplate remover: trafilatura is the best measured one on the article
extraction benchmark, and ``eval/`` checks that wrapping it loses nothing against calling it
directly. What we add is a depth guard before parsing, date provenance, and dropping the headline
trafilatura copies into the body (so an HTML copy and a text copy of one article share an id).
"""

from __future__ import annotations

import re

import htmldate
import trafilatura
from rapidfuzz import fuzz
from trafilatura.settings import Document as Document_

from newsledger.config import Limits
from newsledger.errors import Errors, InputError
from newsledger.ingest import chrome, dates
from newsledger.ingest.document import build, usable_url
from newsledger.model import DateInfo, DateSource, Document, Provenance

#: A start or end tag. Its attributes run to the next ``<`` or ``>``, matched possessively, so a
#: page of ``<a<a<a...`` without any ``>`` costs linear time, not a scan to the end per ``<``.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*+)([^<>]*+)>")
#: How many leading lines of trafilatura's text may hold the headline (under a section label).
_HEADLINE_SEARCH = 3
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()  # noqa: SIM905
)


def nesting_depth(html: str, stop_at: int) -> int:
    """The deepest element nesting, counted from the tags alone (stops early past ``stop_at``).

    lxml and trafilatura walk the tree recursively; a page nested thousands deep is an attack,
    not an article, and is refused before it reaches them.
    """
    depth = deepest = 0
    for closing, name, attributes in _TAG.findall(html):
        if name.lower() in _VOID or attributes.endswith("/"):
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
        if deepest > stop_at:
            break
    return deepest


def extract_body(html: str, url: str | None = None) -> Document_ | None:
    """trafilatura's article extraction with metadata, as the benchmark calls it, minus comments
    and minus the headline it copies from ``<h1>`` into the text."""
    result = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if not isinstance(result, Document_):
        return None
    if result.text and result.title:
        result.text = without_headline(result.text, result.title)
    return result


def without_headline(text: str, title: str) -> str:
    """The body without the headline trafilatura copies into it, nor the labels above it.

    The headline is metadata: the text reader drops it from scraped pages, so an HTML copy that
    kept it would get another id than the same article saved as text. It is looked for in the
    first few lines, under nothing but short labels (a section or kicker, also dropped, as the
    text reader drops them). A line that holds the headline among other words is body, and a
    text that is nothing but the headline is left as it is.
    """
    lines = text.split("\n")
    found = next(
        (i for i, line in enumerate(lines[:_HEADLINE_SEARCH]) if _is_headline(line, title)), None
    )
    if found is None or any(chrome.is_prose(line) for line in lines[:found]):
        return text
    start = found
    while start < len(lines) - 1 and _is_headline(lines[start], title):
        start += 1
    return "\n".join(lines[start:]) if start > found else text


def _is_headline(line: str, title: str) -> bool:
    left, right = chrome.normal(line), chrome.normal(title)
    return bool(left) and fuzz.ratio(left, right) >= chrome.SAME_HEADLINE


def read_html(
    html: str,
    provenance: Provenance,
    limits: Limits,
    url: str | None = None,
    fetched: str | None = None,
) -> Document:
    """One article from an HTML page; ``fetched`` is a crawl date (WARC) used only as a fallback."""
    url = usable_url(url)  # a record's or archive's URL that does not parse is no URL
    if nesting_depth(html, limits.max_html_depth) > limits.max_html_depth:
        raise InputError(Errors.E019, record=provenance.record, limit=limits.max_html_depth)
    try:
        result = extract_body(html, url)
    except (ValueError, RecursionError, TypeError) as exc:
        raise InputError(Errors.E013, record=provenance.record, detail=str(exc)[:200]) from exc
    if result is None or not result.text:
        raise InputError(Errors.E012, record=provenance.record)
    url = url or result.url
    return build(
        result.text,
        provenance=provenance,
        title=result.title,
        outlet=result.sitename,
        url=url,
        published=_published(html, url, result.date, fetched),
        updated=_updated(html, url),
        author=result.author,
        section=result.categories[0] if result.categories else None,
    )


def _published(html: str, url: str | None, meta_date: str | None, fetched: str | None) -> DateInfo:
    original = _find_date(html, url, original=True)
    candidates: list[tuple[DateSource, str | None, bool]] = [
        ("html", original, False),
        ("html", dates.normalise(meta_date), False),
        ("url", dates.from_url(url), False),
        ("warc", dates.normalise(fetched), True),
    ]
    return dates.choose(candidates)


def _updated(html: str, url: str | None) -> DateInfo:
    latest = _find_date(html, url, original=False)
    return DateInfo(latest, "html") if latest else DateInfo(None)


def _find_date(html: str, url: str | None, original: bool) -> str | None:
    """htmldate's reading of the page; its extensive search guesses from free text, so it is off."""
    try:
        found = htmldate.find_date(html, url=url, original_date=original, extensive_search=False)
    except (ValueError, TypeError):
        return None
    return found if isinstance(found, str) else None
