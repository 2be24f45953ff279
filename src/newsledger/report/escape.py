"""Making hostile article text inert: cleaning, Markdown escaping and URL vetting.

Everything a briefing quotes (titles, outlets, speaker names, quotes, URLs) comes from pages we
do not control. HTML is escaped by Jinja's autoescape; Markdown has no such thing, so every value
a Markdown template prints goes through :func:`md_escape` unless it is an :class:`MdSafe` made
here, and a URL is only ever made a link after :func:`safe_url` has vetted it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: C0/C1 controls (they make an SVG invalid XML and can hide text) and bidirectional overrides
#: (they make "gpj.exe" read as "exe.jpg"); tabs and newlines are whitespace and collapse instead.
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069]")
#: Characters that can start emphasis, code, links, images, raw HTML, entities, tables,
#: headings, strikethrough or (on GitHub) math anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|#~&$])")
#: Characters that start a list, a setext underline or an ordered list at the start of a line.
_MD_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")
#: What a URL may contain to be printed raw inside a Markdown autolink or an HTML attribute.
_URL_FORBIDDEN = re.compile(r"[\s<>\"'`\\\x00-\x1f\x7f]")


class MdSafe(str):
    """Markdown built here from escaped parts; the Markdown templates print it unchanged."""


def clean_text(text: str | None) -> str:
    """Drop invisible controls and collapse whitespace, so a quote stays on one line.

    A newline in a quote would end a table row or open a new Markdown block, and layout in a
    briefing is ours, not the article's.
    """
    if not text:
        return ""
    return " ".join(_INVISIBLE.sub("", text).split())


def md_escape(text: object) -> str:
    """Escape text for Markdown so it renders as the same characters and nothing else.

    Backslash escapes are used (valid for any ASCII punctuation in CommonMark and GFM), so the
    text reads the same rendered; numbers and plain words pass through unchanged.
    """
    if isinstance(text, MdSafe):
        return text
    escaped = _MD_INLINE.sub(r"\\\1", clean_text("" if text is None else str(text)))
    return _MD_LINE_START.sub(_escape_line_start, escaped, count=1)


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) address fit to link to, else ``None``.

    Only http and https are ever linked: ``javascript:``, ``data:``, ``file:`` and the like are
    dropped, and so is anything with whitespace, quotes, angle brackets or backslashes, which
    would need escaping to stay inside an attribute or a Markdown autolink.
    """
    if not url:
        return None
    url = url.strip()
    if _URL_FORBIDDEN.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return url
