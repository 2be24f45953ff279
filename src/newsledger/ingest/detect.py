"""Telling formats apart by content first and by file name second.

Scraped files are often misnamed (an HTML page saved as .txt, a feed as .html), so the bytes
decide; the name only breaks ties for text that could be either.
"""

from __future__ import annotations

import json
import re

from newsledger.model import InputFormat

_FEED = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML = re.compile(rb"<(!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)
_HTML_LOOSE = re.compile(rb"<(p|div|article|h1|section)[\s>]", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)

_BY_SUFFIX: dict[str, InputFormat] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}


def detect(data: bytes, name: str = "") -> InputFormat:
    """The reader to use for these (already decompressed) bytes."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"WARC/"):
        return "warc"
    # Before the markup checks: a dump's records often hold whole pages or feeds as strings, and
    # a page or feed never starts with a JSON object.
    if head.startswith(b"{") and _looks_like_jsonl(data):
        return "jsonl"
    if _FEED.search(head[:1024]) and not _HTML.search(head[:1024]):
        return "feed"
    # Markup that declares entities goes to the feed reader whatever else it looks like: that
    # reader refuses entity declarations (billion laughs, external entities) with a reason,
    # where the HTML or text reader would take the declarations in as page text. So does XML
    # whose feed element a long prolog (comments, a DTD) pushed past the first kilobyte.
    if head.startswith(b"<") and _ENTITY.search(head):
        return "feed"
    if head.startswith(b"<?xml") and _FEED.search(head) and not _HTML.search(head):
        return "feed"
    if _HTML.search(head):
        return "html"
    suffix = _suffix(name)
    if suffix == "jsonl":
        return "jsonl"  # a first line that is not JSON: the reader names each bad line
    if suffix == "html" or _HTML_LOOSE.search(head):
        return "html"
    return "text"


def _suffix(name: str) -> InputFormat:
    lowered = name.lower().removesuffix(".gz")
    for suffix, fmt in _BY_SUFFIX.items():
        if lowered.endswith(suffix):
            return fmt
    return "text"


def _looks_like_jsonl(data: bytes) -> bool:
    """True when the first non-empty line is a JSON object; later bad lines are reported."""
    for line in data.splitlines():
        if line.strip():
            try:
                return isinstance(json.loads(line), dict)
            except ValueError:
                return False
    return False
