"""Building a Document: identity by normalised body, outlet from the URL, provenance stamped."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import SplitResult, urlsplit

from newsledger.config import Limits
from newsledger.errors import Errors, InputError
from newsledger.ingest import budget
from newsledger.model import DateInfo, Document, Failure, Provenance

T = TypeVar("T")

_SPACE = re.compile(r"\s+")
#: Characters no article holds and a store may refuse (PostgreSQL text cannot hold NUL): C0
#: controls other than tab, line feed, vertical tab, form feed and carriage return, and DEL.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
#: Halves of a surrogate pair standing alone (a JSON "\\ud800"): not text, and not encodable.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_MIN_BODY_WORDS = 8
_QUOTES = str.maketrans("“”‘’–—", "\"\"''--")


def normalise_body(body: str) -> str:
    """The form two copies of one article share: NFKC, one space, lower case, same quote marks."""
    text = unicodedata.normalize("NFKC", body).lower()
    text = text.translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


def document_id(body: str) -> str:
    return hashlib.sha256(normalise_body(body).encode("utf-8")).hexdigest()


def split_url(url: str | None) -> SplitResult | None:
    """``urlsplit`` of a URL, or ``None`` when there is none or it does not parse.

    URLs come from headers, records and pages, so they are data like any other: one with an
    unbalanced bracket (``https://gazette]x``, "Invalid IPv6 URL") must cost the article its
    URL, not stop the batch.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url)
        _ = parts.hostname, parts.port  # both parse the host part, and may raise as well
    except ValueError:
        return None
    return parts


def usable_url(url: str | None) -> str | None:
    """The URL when it parses, else ``None``."""
    return url if split_url(url) is not None else None


def outlet_from_url(url: str | None) -> str | None:
    """The site's host without ``www.``: a stable outlet key when the page names none."""
    parts = split_url(url)
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    return host.removeprefix("www.").removeprefix("amp.") or None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def build(
    body: str,
    *,
    provenance: Provenance,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    published: DateInfo | None = None,
    updated: DateInfo | None = None,
    author: str | None = None,
    section: str | None = None,
    partial: bool = False,
) -> Document:
    """A Document from what a reader recovered; refuses a body too short to be an article."""
    body = plain_text(body).strip()
    if len(body.split()) < _MIN_BODY_WORDS:
        raise InputError(Errors.E012, record=provenance.record)
    url = usable_url(plain_text(url) if url else url)
    path = None if "://" in provenance.input else provenance.input
    return Document(
        id=document_id(body),
        body=body,
        title=_clean(title),
        outlet=_clean(outlet) or outlet_from_url(url),
        url=url,
        path=path,
        published=published or DateInfo(None),
        updated=updated or DateInfo(None),
        author=_clean(author),
        section=_clean(section),
        partial=partial,
        provenance=provenance,
    )


def plain_text(text: str) -> str:
    """Text any store and encoder takes: control characters dropped, lone surrogates replaced.

    A JSON record or a decoded page can carry both; one NUL or one lone surrogate would make
    the store (or the UTF-8 encoding of the id) fail for the whole batch, not just this text.
    """
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text))


def each_record(
    items: Iterable[tuple[int, T]],
    provenance: Provenance,
    limits: Limits,
    make: Callable[[T, Provenance], Document],
) -> Iterator[Document | Failure]:
    """Documents from the numbered records of a container (feed, dump): a bad record becomes a
    Failure with its number and the rest go on; past ``max_records`` the container stops.

    Each record is read within its own time budget, and a record nested so deep that a parser
    runs out of stack fails alone: neither may cost the container its other records.
    """
    for count, (number, item) in enumerate(items, start=1):
        if count > limits.max_records:
            yield Failure(provenance.input, "E006", Errors.E006.format(limit=limits.max_records))
            return
        record = replace(provenance, record=number)
        try:
            document = budget.within(
                limits.document_seconds, functools.partial(make, item, record), number
            )
        except InputError as exc:
            yield Failure(provenance.input, exc.code, exc.reason, number)
        except RecursionError:
            detail = "structure nested too deeply"
            yield Failure(provenance.input, "E013", Errors.E013.format(detail=detail), number)
        else:
            yield document


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _SPACE.sub(" ", plain_text(value)).strip()
    return value or None
